"""Browser test of the customer's energy portal and of the bill it serves: two demo
customers (Alice Martin, in French; Bruno Petit, in English) log in to /my, open their
electricity pages, download their bill and are refused each other's contract.

Runs against the database ``scripts/test.sh e2e`` prepares (demo data of enercoop_energy:
the portal accounts alice.martin@example.org and bruno.petit@example.org, password
"portal", with their October and November 2025 bills issued).
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import SCREENSHOTS


TIMEOUT_MS = 60000
PASSWORD = "portal"
CUSTOMERS = {"alice": ("alice.martin@example.org", "fr_FR", "fr-FR"),
             "bruno": ("bruno.petit@example.org", "en_US", "en-US")}


def _portal_context(browser, odoo_url, login, locale):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.goto(odoo_url + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/my.*"), timeout=TIMEOUT_MS)
    page.close()
    return context


def _own(rpc, login):
    user = rpc("res.users", "search_read", [("login", "=", login)], fields=["partner_id"])
    assert user, "demo portal user %s missing" % login
    partner_id = user[0]["partner_id"][0]
    # the contract of the customer's latest issued bill (other tests may give the customer
    # more contracts)
    invoices = rpc("account.invoice", "search_read",
                   [("partner_id", "=", partner_id), ("energy_contract_id", "!=", False),
                    ("state", "=", "open")],
                   fields=["id", "number", "energy_contract_id"],
                   order="energy_period_start desc", limit=1)
    assert invoices, "demo: %s has no issued energy bill" % login
    invoice = invoices[0]
    contract = rpc("enercoop.supply.contract", "read", [invoice["energy_contract_id"][0]],
                   ["id", "prm"])[0]
    return partner_id, contract, invoice


def _pdf_text(path):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is missing: scripts/setup_host.sh installs it")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")


@pytest.fixture(scope="module")
def customers(rpc):
    found = {}
    for key, (login, lang, _locale) in CUSTOMERS.items():
        partner_id, contract, invoice = _own(rpc, login)
        rpc("res.partner", "write", [partner_id], {"lang": lang})
        found[key] = {"contract": contract, "invoice": invoice}
    return found


@pytest.mark.parametrize("key", ["alice", "bruno"])
def test_portal_pages_and_bill(browser, odoo_url, customers, key):
    login, lang, locale = CUSTOMERS[key]
    other = customers["bruno" if key == "alice" else "alice"]
    mine = customers[key]
    context = _portal_context(browser, odoo_url, login, locale)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(odoo_url + "/my")
        page.wait_for_selector("a[href='/my/energy']", timeout=TIMEOUT_MS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / ("portal_home_%s.png" % lang)))

        page.click("a[href='/my/energy']")
        page.wait_for_selector("table.o_energy_invoices", timeout=TIMEOUT_MS)
        page.wait_for_selector("img.o_energy_chart", timeout=TIMEOUT_MS)
        body = page.inner_text("body")
        assert mine["contract"]["prm"] in body
        assert other["contract"]["prm"] not in body
        assert ("Ma consommation par mois" if key == "alice"
                else "My consumption per month") in body
        page.screenshot(path=str(SCREENSHOTS / ("portal_energy_%s.png" % lang)), full_page=True)

        page.click("a[href='/my/energy/contract/%d']" % mine["contract"]["id"])
        page.wait_for_selector(".o_energy_contract_details", timeout=TIMEOUT_MS)
        assert page.query_selector("#enercoop_portal_energy_payment") is not None
        assert page.query_selector("#enercoop_portal_energy_origin") is not None
        page.screenshot(path=str(SCREENSHOTS / ("portal_contract_%s.png" % lang)),
                        full_page=True)

        # the other customer's contract: not found, nothing of it shown
        answer = page.goto(odoo_url + "/my/energy/contract/%d" % other["contract"]["id"])
        assert answer.status == 404
        assert other["contract"]["prm"] not in page.inner_text("body")

        # the bill, as the portal's download serves it
        answer = context.request.get(
            "%s/my/invoices/pdf/%d" % (odoo_url, mine["invoice"]["id"]), timeout=120000)
        assert answer.ok, answer.status
        assert answer.body()[:5] == b"%PDF-"
        pdf = SCREENSHOTS / ("portal_bill_%s.pdf" % lang)
        pdf.write_bytes(answer.body())
        text = _pdf_text(pdf)
        flat = " ".join(text.split())
        assert mine["contract"]["prm"] in flat
        assert mine["invoice"]["number"] in flat
        if key == "alice":
            for words in ("Facture d'électricité", "Montant à payer", "Votre contrat",
                          "Médiateur national de l'énergie", "SCIC SA à capital variable",
                          "Heures", "c€/kWh", "/ mois",
                          # the company's texts, in French (their translations)
                          "du lundi au vendredi", "rubrique Mon électricité",
                          "100 % renouvelable"):
                assert words in flat, words
            for words in ("Monday to Friday", "My electricity", "renewable electricity"):
                assert words not in flat, words
        else:
            for words in ("Electricity bill", "Amount due", "Your contract", "c€/kWh",
                          "/ month",
                          # the company's texts, in English (their source)
                          "Monday to Friday", "(My electricity)", "100 % renewable"):
                assert words in flat, words
            for words in ("du lundi au vendredi", "Mon électricité", "100 % renouvelable"):
                assert words not in flat, words
        for raw in ("BTINFCU4", "BTINFMU4", "offers.csv", "Your logo"):
            assert raw not in flat, raw
        assert not re.search(r"\d[.,]\d{5,}", flat), "a price with 5 decimals or more"
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf),
                        str(SCREENSHOTS / ("portal_bill_%s" % lang))], check=True)
        assert list(SCREENSHOTS.glob("portal_bill_%s*.png" % lang))

        # someone else's bill: the portal sends the customer back to /my
        answer = context.request.get(
            "%s/my/invoices/pdf/%d" % (odoo_url, other["invoice"]["id"]), timeout=120000)
        assert answer.body()[:5] != b"%PDF-"
        assert errors == []
    finally:
        page.close()
        context.close()
