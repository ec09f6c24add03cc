"""Browser test of the flow import: the flow-files list's Import button opens the wizard;
upload an Enedis R15 file through it, then see
the flow file it made and the readings of one of its delivery points (list and graph).

The file is one of the demo flows bundled with enercoop_core; the e2e database has the
addon's demo data (delivery points of the demo PRMs, the same flows already imported), so
the upload is a re-import: the wizard shows a flow file whose records are all already
known and nothing is duplicated. Screenshots go to artifacts/e2e/.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from enercoop_core.demo import flow_files

TIMEOUT_MS = 60000
FLOW = [p for p in flow_files() if Path(p).name == "R15_COOPDEMO_20251001.xml"][0]


@pytest.fixture
def flow_path(tmp_path) -> Path:
    # a copy under another name and with a trailing newline: another file, same records
    copy = tmp_path / "R15_upload_test.xml"
    copy.write_bytes(Path(FLOW).read_bytes() + b"\n")
    return copy


def test_upload_flow_then_see_file_and_readings(watched, odoo_url, rpc, flow_path):
    readings_before = rpc("enercoop.meter.reading", "search_count", [])
    page = watched.page
    page.goto("%s/web?#action=enercoop_energy.action_enercoop_flow_file" % odoo_url)
    page.wait_for_selector(".o_content .o_list_view .o_data_row", timeout=TIMEOUT_MS)
    # the list's own "Import flow files" button (next to the list buttons) opens the wizard
    button = page.locator(".o_control_panel .o_list_buttons button.o_enercoop_flow_import")
    button.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert button.inner_text().strip() == "Import flow files"
    watched.screenshot("flow_file_list_import_button")
    button.click()
    dialog = page.locator(".modal .o_form_view")
    dialog.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.set_input_files(".modal .o_field_widget[name=upload_file] input.o_input_file",
                         str(flow_path))
    page.wait_for_function(
        "() => { const el = document.querySelector("
        "'.modal .o_field_widget[name=upload_file] input.o_input');"
        " return el && el.value.indexOf('R15_upload_test') >= 0; }", timeout=TIMEOUT_MS)
    watched.screenshot("flow_import_wizard")
    page.click(".modal .modal-footer button.btn-primary")
    # the wizard opens the flow file it made
    page.wait_for_selector(".o_content .o_form_view .o_field_widget[name=kind]",
                           timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => { const h = document.querySelector('.o_content .o_form_view .oe_title h1');"
        " return h && h.textContent.indexOf('R15_upload_test.xml') >= 0; }",
        timeout=TIMEOUT_MS)
    assert page.inner_text(".o_content .o_field_widget[name=kind]").strip() == "R15"
    time.sleep(0.5)
    watched.screenshot("flow_file_form")
    files = rpc("enercoop.flow.file", "search_read", [("name", "=", "R15_upload_test.xml")],
                fields=["state", "record_count", "new_count", "known_count", "rejected_count"])
    assert len(files) == 1
    flow_file = files[0]
    assert flow_file["record_count"] == 7
    # the demo data imported these records at install: all known, none duplicated
    assert (flow_file["new_count"], flow_file["known_count"]) == (0, 7)
    assert flow_file["rejected_count"] == 0 and flow_file["state"] == "imported"
    assert rpc("enercoop.meter.reading", "search_count", []) == readings_before

    # the readings of PRM 30001000000001, as a list and as a graph
    point = rpc("enercoop.delivery.point", "search_read", [("prm", "=", "30001000000001")],
                fields=["id"])[0]
    page.goto("about:blank")  # a full load: a hash-only change may leave the view blank
    page.goto("%s/web?#id=%d&model=enercoop.delivery.point&view_type=form"
              % (odoo_url, point["id"]))
    button = page.locator(".o_content .o_form_view .oe_stat_button", has_text="Readings")
    button.wait_for(state="visible", timeout=TIMEOUT_MS)
    button.click()
    page.wait_for_function(
        "() => { const li = document.querySelector('.o_control_panel .breadcrumb li:last-child');"
        " return li && li.textContent.trim() === 'Meter readings'; }", timeout=TIMEOUT_MS)
    page.wait_for_selector(".o_content .o_list_view .o_data_row", timeout=TIMEOUT_MS)
    rows = page.locator(".o_content .o_list_view .o_data_row")
    assert rows.count() == rpc("enercoop.meter.reading", "search_count",
                               [("delivery_point_id", "=", point["id"])])
    assert "30001000000001" in rows.first.inner_text()
    time.sleep(0.5)
    watched.screenshot("readings_list")
    page.click(".o_cp_switch_buttons .o_cp_switch_graph")
    page.wait_for_selector(".o_content .o_graph svg, .o_content .o_graph canvas",
                           timeout=TIMEOUT_MS)
    time.sleep(1)
    watched.screenshot("readings_graph")
    assert watched.errors == []
