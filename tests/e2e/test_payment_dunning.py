"""Browser test of the demo's reminder (enercoop_payment's demo data): admin opens the
credit control lines from the menu (Invoicing > Credit Control > Credit Control Lines) and
finds the e-mail reminder of Alice Martin's returned debit of the previous year, to send."""
from __future__ import annotations

import time

from conftest import SCREENSHOTS

TIMEOUT_MS = 60000
MENU = "account_credit_control.credit_control_line_action_menu"
ACTION = "account_credit_control.credit_control_line_action"


def test_demo_reminder_is_in_the_credit_control_lines(watched, odoo_url, rpc):
    lines = rpc("credit.control.line", "search_read",
                [("partner_id.name", "=", "Alice Martin"), ("level", "=", 1),
                 ("channel", "=", "email"), ("state", "=", "draft")],
                fields=["invoice_id", "date"])
    assert lines, "no demo reminder (enercoop_payment demo data)"
    menu_id = rpc.xmlid_to_id(MENU)
    # a search of menus keeps those the user sees (OCA's show to its groups only)
    assert rpc("ir.ui.menu", "search", [("id", "=", menu_id)]) == [menu_id]
    menu = rpc("ir.ui.menu", "read", [menu_id], ["action"])[0]
    assert menu["action"] == "ir.actions.act_window,%d" % rpc.xmlid_to_id(ACTION)
    page = watched.page
    page.goto("%s/web?#action=%s" % (odoo_url, ACTION))
    page.wait_for_selector(".o_list_view .o_data_row", timeout=TIMEOUT_MS)
    assert page.locator('a[data-menu-xmlid="%s"]' % MENU).count() == 1
    rows = page.inner_text(".o_list_view tbody")
    assert "Alice Martin" in rows and lines[0]["invoice_id"][1] in rows, rows
    time.sleep(0.5)  # let late RPCs finish so that their errors are caught
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    watched.screenshot("payment_demo_reminder")
    assert watched.errors == []
