"""Browser test of the energy balance and of the member's renewable statement.

Admin opens the demo's November 2025 balance (enercoop_balancing's demo data: the R4x
injection curves of two producers and the R50 curve of one consumer, computed at install):
the form with its totals, chart and energy mix, then the half-hours' graph and the days'
pivot. Then two demo members (Alice Martin, Bruno Petit: password "portal") each read their
own statement on /my/energy-origin and are refused the other's (403). Screenshots go to
artifacts/e2e/.
"""
from __future__ import annotations

import re

from conftest import SCREENSHOTS

TIMEOUT_MS = 60000
PORTAL_PASSWORD = "portal"
MEMBERS = {"alice": "alice.martin@example.org", "bruno": "bruno.petit@example.org"}
PERIOD = "2024-03"  # a month of the browser test's own statements


def test_balance_form_chart_and_views(watched, odoo_url, rpc):
    page = watched.page
    run_id = rpc.xmlid_to_id("enercoop_balancing.balance_run_demo_202511")
    run = rpc("enercoop.balance.run", "read", [run_id],
              ["state", "consumption_kwh", "production_kwh"])[0]
    assert run["state"] == "done" and run["production_kwh"] > 0
    page.goto("%s/web?#id=%d&model=enercoop.balance.run&view_type=form" % (odoo_url, run_id))
    page.wait_for_selector(".o_form_view .o_field_widget[name=consumption_kwh]",
                           timeout=TIMEOUT_MS)
    page.wait_for_selector(".o_form_view svg.o_balance_chart", timeout=TIMEOUT_MS)
    assert page.locator(".o_statusbar_status .btn-primary").inner_text().strip() == "Done"
    watched.screenshot("balance_run_form")
    page.click(".o_notebook a:has-text('Energy mix')")
    page.wait_for_selector(".o_field_widget[name=mix_html] table", timeout=TIMEOUT_MS)
    assert "Hydro" in page.locator(".o_field_widget[name=mix_html]").inner_text()
    watched.screenshot("balance_run_mix")
    page.click(".oe_button_box button:has-text('Half-hours')")
    page.wait_for_selector(".o_graph_svg_container svg, .o_graph_container svg",
                           timeout=TIMEOUT_MS)
    watched.screenshot("balance_half_hours_graph")
    page.goto("%s/web?#action=enercoop_balancing.action_balance_day" % odoo_url)
    page.wait_for_selector(".o_list_view .o_data_row", timeout=TIMEOUT_MS)
    page.click("button.o_cp_switch_pivot")
    page.wait_for_selector(".o_pivot table", timeout=TIMEOUT_MS)
    watched.screenshot("balance_days_pivot")
    assert not watched.errors, watched.errors


def _statement_of(rpc, login):
    user = rpc("res.users", "search_read", [("login", "=", login)],
               fields=["partner_id"])[0]
    partner = rpc("res.partner", "read", [user["partner_id"][0]],
                  ["commercial_partner_id"])[0]["commercial_partner_id"][0]
    point = rpc("enercoop.supply.contract", "search_read", [("partner_id", "=", partner)],
                fields=["delivery_point_id", "prm", "company_id"], limit=1)[0]
    found = rpc("enercoop.origin.statement", "search",
                [("delivery_point_id", "=", point["delivery_point_id"][0]),
                 ("period", "=", PERIOD)])
    if found:
        return found[0]
    return rpc("enercoop.origin.statement", "create", {
        "company_id": point["company_id"][0], "period": PERIOD, "prm": point["prm"],
        "delivery_point_id": point["delivery_point_id"][0], "partner_id": partner,
        "consumed_kwh": 250.0, "covered_kwh": 200.0, "coverage_rate": 80.0})


def test_members_read_their_own_statement_only(browser, odoo_url, rpc):
    statements = {key: _statement_of(rpc, login) for key, login in MEMBERS.items()}
    for key, login in MEMBERS.items():
        other = statements["bruno" if key == "alice" else "alice"]
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            page.goto(odoo_url + "/web/login")
            page.fill("input[name=login]", login)
            page.fill("input[name=password]", PORTAL_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r".*/my.*"), timeout=TIMEOUT_MS)
            page.goto(odoo_url + "/my/energy-origin")
            page.wait_for_selector("table.o_energy_origin_list", timeout=TIMEOUT_MS)
            page.click("a[href='/my/energy-origin/%d']" % statements[key])
            page.wait_for_selector(".o_energy_origin_text", timeout=TIMEOUT_MS)
            text = page.locator(".o_energy_origin_text").inner_text()
            assert "20 %" in text, text  # 200 of 250 kWh covered: 20 % from the market
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / ("portal_origin_%s.png" % key)))
            assert page.locator("a[href='/my/energy-origin/%d']" % other).count() == 0
            response = page.goto(odoo_url + "/my/energy-origin/%d" % other)
            assert response.status == 403
        finally:
            context.close()
