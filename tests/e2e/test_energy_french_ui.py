"""Browser tests in the French UI, as a French office user sees it.

- A supply contract's "Activer" and "Résilier" buttons move the contract (they used to
  crash: the web client's context landed in a date argument).
- Every menu of the project's addons (the menus their XML files declare, as in
  test_smoke.py) shows no untranslated text of ours: no visible line equals a source text
  (msgid of the addons' .pot) whose French translation differs.

The French user is created through XML-RPC with the admin's groups and ``lang`` fr_FR.
"""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Dict, Set
from zoneinfo import ZoneInfo

import polib
import pytest

from conftest import WatchedPage, logged_in_context
from test_smoke import ADDONS_DIR, MENU_ACTIONS

TIMEOUT_MS = 60000
FR_LOGIN = FR_PASSWORD = "e2e.francais"


def read_po(path: Path) -> Dict[str, str]:
    """{msgid: msgstr} of a gettext file (header and obsolete entries excluded), read by polib."""
    return {e.msgid: e.msgstr for e in polib.pofile(str(path)) if e.msgid and not e.obsolete}


def english_texts() -> Set[str]:
    """Source texts of the addons' templates whose French differs (a line showing one of
    them in the French UI is a text left untranslated). A text that one addon translates
    by itself ("Total", "Contact") is left out: Odoo's own fields show it too."""
    texts, same = set(), set()
    for manifest in sorted(ADDONS_DIR.glob("*/__manifest__.py")):
        i18n = manifest.parent / "i18n"
        template = i18n / ("%s.pot" % manifest.parent.name)
        french = read_po(i18n / "fr.po") if (i18n / "fr.po").exists() else {}
        for msgid in read_po(template) if template.exists() else {}:
            if french.get(msgid, "") == msgid:
                same.add(" ".join(msgid.split()))
            else:
                texts.add(" ".join(msgid.split()))
    return texts - same


@pytest.fixture(scope="session")
def french_context(browser, odoo_url, rpc):
    """A browser context logged in as a French user holding the admin's groups."""
    admin = rpc("res.users", "read", [rpc.uid], ["groups_id", "company_id", "company_ids"])[0]
    found = rpc("res.users", "search", [("login", "=", FR_LOGIN)])
    values = {"name": "Utilisatrice française", "login": FR_LOGIN, "password": FR_PASSWORD,
              "email": "e2e.francais@example.org", "lang": "fr_FR", "tz": "Europe/Paris",
              "groups_id": [(6, 0, admin["groups_id"])],
              "company_id": admin["company_id"][0],
              "company_ids": [(6, 0, admin["company_ids"])]}
    if found:
        rpc("res.users", "write", found, values)
    else:
        rpc("res.users", "create", values)
    context = logged_in_context(browser, odoo_url, FR_LOGIN, FR_PASSWORD, "fr-FR")
    yield context
    context.close()


@pytest.fixture
def french(french_context):
    page = french_context.new_page()
    yield WatchedPage(page)
    page.close()


def test_contract_buttons_activate_and_terminate(french, odoo_url, rpc):
    point = rpc("enercoop.delivery.point", "search_read",
                [("prm", "=", "30001000000001")], fields=["id", "partner_id"])[0]
    contract_id = rpc("enercoop.supply.contract", "create", {
        "delivery_point_id": point["id"], "partner_id": point["partner_id"][0],
        "offer_code": "BASE", "date_start": "2026-01-01"})
    page = french.page
    page.goto("%s/web?#id=%d&model=enercoop.supply.contract&view_type=form&action=%s"
              % (odoo_url, contract_id, "enercoop_energy.action_enercoop_supply_contract"))
    page.wait_for_selector(".o_content .o_form_view .o_statusbar_buttons", timeout=TIMEOUT_MS)
    french.screenshot("contract_draft_fr")
    activate = page.locator(".o_statusbar_buttons button:has-text('Activer')")
    activate.wait_for(state="visible", timeout=TIMEOUT_MS)
    activate.click()
    terminate = page.locator(".o_statusbar_buttons button:has-text('Résilier')")
    terminate.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.locator(".modal:visible").count() == 0
    assert rpc("enercoop.supply.contract", "read", [contract_id], ["state"])[0]["state"] == \
        "active"
    french.screenshot("contract_activated_fr")
    terminate.click()
    page.locator(".o_statusbar_buttons button:has-text('Remettre en brouillon')").wait_for(
        state="visible", timeout=TIMEOUT_MS)
    assert page.locator(".modal:visible").count() == 0
    contract = rpc("enercoop.supply.contract", "read", [contract_id], ["state", "date_end"])[0]
    assert contract["state"] == "terminated"
    # today in the user's time zone (Europe/Paris), the context of the button
    assert contract["date_end"] == dt.datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    french.screenshot("contract_terminated_fr")
    assert french.errors == []


ENGLISH = english_texts()


@pytest.mark.parametrize("entry", MENU_ACTIONS, ids=[entry.menu for entry in MENU_ACTIONS])
def test_french_menu_shows_no_english_text_of_ours(entry, french, odoo_url, rpc):
    assert ENGLISH, "no source text read from the addons' .pot files"
    page = french.page
    if rpc.xmlid_model(entry.action) != "ir.actions.act_window":
        # a report or URL menu (a file to download): the menu's own label is checked
        page.goto("%s/web" % odoo_url)
        page.wait_for_selector("#oe_main_menu_navbar", timeout=TIMEOUT_MS)
        target = "menu"
    else:
        target = rpc("ir.actions.act_window", "read", [rpc.xmlid_to_id(entry.action)],
                     ["target"])[0]["target"]
        page.goto("%s/web?#action=%s" % (odoo_url, entry.action))
    if target == "menu":
        pass
    elif target == "new":
        page.wait_for_selector(".modal .o_form_view", state="visible", timeout=TIMEOUT_MS)
    else:
        page.wait_for_selector(".o_content .o_kanban_view, .o_content .o_list_view, "
                               ".o_content .o_form_view", state="visible", timeout=TIMEOUT_MS)
    time.sleep(1)  # late renders (sidebar, search options)
    texts = page.evaluate("() => document.body.innerText").splitlines()
    # the menus of the sidebar and the search view's own labels are part of the page
    texts += page.evaluate(
        "() => Array.from(document.querySelectorAll("
        "'.o_searchview_more, .o_search_options a, th, label, button'))"
        ".map(e => e.textContent)")
    seen = {" ".join(text.split()) for text in texts}
    left = sorted(seen & ENGLISH)
    french.screenshot("fr_%s" % entry.menu.replace(".", "_"))
    assert left == [], "English texts in the French UI of %s: %s" % (entry.menu, left)
