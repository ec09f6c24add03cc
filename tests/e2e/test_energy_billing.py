"""Browser test of the billing workflow: start a billing run in the form, open one of its
invoices, fetch the energy invoice PDF and look at its first page.

Runs against the database ``scripts/test.sh e2e`` prepares (demo data of enercoop_energy:
20 consumers whose readings run to 2025-12-01, October and November already billed).
"""
from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from conftest import SCREENSHOTS, odoo_log_path, report_css_served_since


TIMEOUT_MS = 60000
PERIOD = "2025-12"


def _wait_run_done(rpc, run_id, timeout_s=180):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = rpc("enercoop.billing.run", "read", [run_id], ["state"])[0]["state"]
        if state == "done":
            return
        time.sleep(1)
    pytest.fail("billing run %d not done within %d s" % (run_id, timeout_s))


def _progress(rpc, run_id):
    return rpc("enercoop.billing.run", "read", [run_id], ["state", "pending_count"])[0]


def test_billing_run_invoice_and_pdf(watched, odoo_url, rpc, session_context):
    page = watched.page
    # a database already used by this test: its runs of the period are cancelled (their
    # draft invoices deleted), so that the period is billed afresh
    earlier = rpc("enercoop.billing.run", "search", [("period", "=", PERIOD),
                                                       ("state", "!=", "cancel")])
    if earlier:
        rpc("enercoop.billing.run", "action_cancel", earlier)
    # a billing run typed in the form, started with its button
    page.goto("%s/web?#action=enercoop_energy.action_enercoop_billing_run" % odoo_url)
    page.wait_for_selector(".o_list_button_add", timeout=TIMEOUT_MS)
    page.click(".o_list_button_add")
    page.wait_for_selector(".o_form_view .o_field_widget[name=period]", timeout=TIMEOUT_MS)
    page.fill(".o_form_view input.o_field_widget[name=period]", PERIOD)
    page.click(".o_form_button_save")
    page.wait_for_selector(".o_form_view.o_form_readonly", timeout=TIMEOUT_MS)
    page.click(".o_statusbar_buttons button:has-text('Start billing')")
    page.wait_for_selector(".o_statusbar_buttons button:has-text('Process next batch')",
                           state="visible", timeout=TIMEOUT_MS)
    runs = rpc("enercoop.billing.run", "search_read", [("period", "=", PERIOD)],
               fields=["id", "state", "contract_count"], order="id desc", limit=1)
    assert runs and runs[0]["contract_count"] > 0
    run_id = runs[0]["id"]
    # the batches: the button, as a person would press it, until the run is done; after
    # each press, wait for the server to have billed the batch (not a fixed delay: a batch
    # of the demo's 20 consumers takes seconds on a busy machine)
    button = ".o_statusbar_buttons button:has-text('Process next batch')"
    before = _progress(rpc, run_id)
    while before["state"] == "running":
        page.click(button)
        deadline = time.monotonic() + 180
        while True:
            page.wait_for_timeout(500)
            after = _progress(rpc, run_id)
            if after["state"] != "running" or after["pending_count"] < before["pending_count"]:
                break
            if time.monotonic() > deadline:
                pytest.fail("the batch of run %d did not finish within 180 s" % run_id)
        before = after
        if before["state"] == "running":
            page.wait_for_selector(button, state="visible", timeout=TIMEOUT_MS)
    _wait_run_done(rpc, run_id)
    page.reload()
    page.wait_for_selector(".o_form_view .o_field_widget[name=progress]", timeout=TIMEOUT_MS)
    time.sleep(0.5)
    watched.screenshot("energy_billing_run")

    lines = rpc("enercoop.billing.run.line", "search_read",
                [("run_id", "=", run_id), ("state", "=", "billed")],
                fields=["invoice_id", "prm"], limit=1)
    assert lines, "the run billed no contract"
    invoice_id, prm = lines[0]["invoice_id"][0], lines[0]["prm"]
    invoice = rpc("account.invoice", "read", [invoice_id],
                  ["amount_total", "energy_estimated", "state"])[0]
    assert invoice["state"] == "draft" and invoice["amount_total"] > 0
    # readings stop on 2025-12-01: December is billed on an estimated end index
    assert invoice["energy_estimated"] is True

    page.goto("%s/web?#id=%d&model=account.invoice&view_type=form&action=%s" % (
        odoo_url, invoice_id, "enercoop_energy.action_energy_invoice"))
    page.wait_for_selector(".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row",
                           timeout=TIMEOUT_MS)
    page.click(".o_notebook a:has-text('Energy')")
    page.wait_for_selector(".o_field_widget[name=energy_detail_ids] .o_data_row",
                           timeout=TIMEOUT_MS)
    time.sleep(0.5)
    watched.screenshot("energy_invoice_form")
    assert watched.errors == []

    # the PDF, through the session of the browser (a draft's: rendered now, never stored)
    log_offset = odoo_log_path().stat().st_size
    answer = session_context.request.get(
        "%s/report/pdf/enercoop_energy.report_energy_invoice/%d" % (odoo_url, invoice_id),
        timeout=120000)
    assert answer.ok, answer.status
    body = answer.body()
    assert body[:5] == b"%PDF-"
    # styled: wkhtmltopdf fetched the reports' stylesheet from this server (report.url)
    assert report_css_served_since(log_offset), "the PDF was rendered without its stylesheet"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "energy_invoice.pdf"
    pdf.write_bytes(body)
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is missing: scripts/setup_host.sh installs it")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")
    assert prm in text
    assert "Time class" in text or "Classe temporelle" in text  # the customer's language
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf),
                    str(SCREENSHOTS / "energy_invoice_pdf")], check=True)
    assert list(SCREENSHOTS.glob("energy_invoice_pdf*.png"))
