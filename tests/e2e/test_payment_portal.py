"""Browser test of the customer's payment page (enercoop_payment): the demo customers Alice
Martin and Bruno Petit (portal accounts of enercoop_energy's demo data, password "portal";
mandates and schedules from enercoop_payment's demo data) open /my/payment, see their
masked IBAN, schedule and next debit, reach it from their energy contract page, and are
refused each other's contract (404)."""
from __future__ import annotations

import re

import pytest

from conftest import SCREENSHOTS

TIMEOUT_MS = 60000
PASSWORD = "portal"
LOGINS = {"alice": "alice.martin@example.org", "bruno": "bruno.petit@example.org"}


def _contract(rpc, login):
    user = rpc("res.users", "search_read", [("login", "=", login)], fields=["partner_id"])
    assert user, "demo portal user %s missing" % login
    contracts = rpc("enercoop.supply.contract", "search_read",
                    [("partner_id", "=", user[0]["partner_id"][0]),
                     ("enercoop_mandate_id", "!=", False)], fields=["id", "name"], limit=1)
    assert contracts, "no demo mandate for %s (enercoop_payment demo data)" % login
    return contracts[0]


@pytest.fixture(scope="module")
def contracts(rpc):
    return {key: _contract(rpc, login) for key, login in LOGINS.items()}


@pytest.mark.parametrize("key", ["alice", "bruno"])
def test_payment_page_shows_only_the_customers_own_records(browser, odoo_url, contracts,
                                                           key):
    mine, other = contracts[key], contracts["bruno" if key == "alice" else "alice"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(odoo_url + "/web/login")
        page.fill("input[name=login]", LOGINS[key])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/my.*"), timeout=TIMEOUT_MS)
        page.goto(odoo_url + "/my/payment")
        page.wait_for_selector("table.o_enercoop_payment_contracts", timeout=TIMEOUT_MS)
        listing = page.inner_text("table.o_enercoop_payment_contracts")
        # the contract names of the rows (a substring test would take C-0002 in SC-00027)
        names = {row.split("\t")[0].strip() for row in listing.splitlines()[1:]}
        assert mine["name"] in names and other["name"] not in names, listing
        # from the energy contract page to the payment page
        page.goto(odoo_url + "/my/energy/contract/%d" % mine["id"])
        page.click("a.o_enercoop_payment_link", timeout=TIMEOUT_MS)
        page.wait_for_selector(".o_enercoop_masked_iban", timeout=TIMEOUT_MS)
        masked = page.inner_text("dd.o_enercoop_masked_iban")
        assert re.match(r"^FR\d\d( \*{4}){4} \*{3}\d \d{3}$", masked), masked
        assert page.is_visible("table.o_enercoop_instalments")
        assert page.is_visible(".o_enercoop_next_debit")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / ("payment_%s.png" % key)), full_page=True)
        # the other customer's contract, on each route
        response = page.goto(odoo_url + "/my/payment/%d" % other["id"])
        assert response.status == 404
    finally:
        context.close()
