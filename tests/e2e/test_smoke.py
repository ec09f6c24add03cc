"""Browser smoke test: every menu of the project's addons opens a view that renders.

The menus come from the addons' XML files (each ``<menuitem action=...>``), so a new menu
is tested without editing this file; the server is asked for the same list, so a menu
the files declare but the database lacks (or the reverse) fails too.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import List, NamedTuple

import pytest
from lxml import etree

ADDONS_DIR = Path(__file__).resolve().parents[2] / "odoo_addons"
RENDER_TIMEOUT_MS = 60000
VIEWS = ".o_content .o_kanban_view, .o_content .o_list_view, .o_content .o_form_view"


class MenuAction(NamedTuple):
    menu: str    # XML id of the menu
    action: str  # XML id of the window action it opens


def _qualified(xmlid: str, addon: str) -> str:
    return xmlid if "." in xmlid else "%s.%s" % (addon, xmlid)


def declared_menu_actions() -> List[MenuAction]:
    found = []
    for manifest in sorted(ADDONS_DIR.glob("*/__manifest__.py")):
        addon = manifest.parent.name
        for xml_file in sorted(manifest.parent.glob("**/*.xml")):
            for item in etree.parse(str(xml_file)).iter("menuitem"):
                if item.get("action"):
                    found.append(MenuAction(_qualified(item.get("id"), addon),
                                            _qualified(item.get("action"), addon)))
    return found


MENU_ACTIONS = declared_menu_actions()


def test_addons_declare_menus():
    # both addons ship menus: an empty list would make the smoke test vacuous
    addons = {entry.menu.split(".")[0] for entry in MENU_ACTIONS}
    assert addons == {p.parent.name for p in ADDONS_DIR.glob("*/__manifest__.py")}


def test_server_menus_are_the_declared_ones(rpc):
    addons = sorted({p.parent.name for p in ADDONS_DIR.glob("*/__manifest__.py")})
    data = rpc("ir.model.data", "search_read",
               [("model", "=", "ir.ui.menu"), ("module", "in", addons)],
               fields=["module", "name", "res_id"])
    xmlid_of_menu = {row["res_id"]: "%s.%s" % (row["module"], row["name"]) for row in data}
    menus = rpc("ir.ui.menu", "read", list(xmlid_of_menu), ["action"])
    with_action = {}
    for menu in menus:
        if menu["action"]:
            model, action_id = menu["action"].split(",")
            action = rpc("ir.model.data", "search_read",
                         [("model", "=", model), ("res_id", "=", int(action_id))],
                         fields=["module", "name"])
            xmlid = "%s.%s" % (action[0]["module"], action[0]["name"])
            with_action[xmlid_of_menu[menu["id"]]] = xmlid
    declared = {entry.menu: entry.action for entry in MENU_ACTIONS}
    assert with_action == declared


@pytest.mark.parametrize("entry", MENU_ACTIONS, ids=[entry.menu for entry in MENU_ACTIONS])
def test_menu_action_renders(entry, watched, odoo_url, rpc):
    if rpc.xmlid_model(entry.action) != "ir.actions.act_window":
        # a report or URL menu downloads a file: the action exists and the menu opens it
        menu = rpc("ir.ui.menu", "read", [rpc.xmlid_to_id(entry.menu)], ["action"])[0]
        assert menu["action"] == "%s,%d" % (rpc.xmlid_model(entry.action),
                                            rpc.xmlid_to_id(entry.action))
        return
    action = rpc("ir.actions.act_window", "read", [rpc.xmlid_to_id(entry.action)],
                 ["name", "res_model", "domain", "context", "target"])[0]
    page = watched.page
    # '/web?#action=' forces a full load (a hash-only navigation may leave the view blank)
    page.goto("%s/web?#action=%s" % (odoo_url, entry.action))
    if action["target"] == "new":  # a wizard: its form opens in a dialog
        page.wait_for_selector(".modal .o_form_view", state="visible", timeout=RENDER_TIMEOUT_MS)
        assert page.inner_text(".modal .modal-title").strip() == action["name"]
        time.sleep(0.5)
        watched.screenshot(entry.menu)
        assert watched.errors == []
        return
    page.wait_for_selector(VIEWS, state="visible", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(".o_control_panel .breadcrumb li", timeout=RENDER_TIMEOUT_MS)
    assert page.inner_text(".o_control_panel .breadcrumb li:last-child").strip() == action["name"]
    # records show: the demo data has holders of every role
    page.wait_for_selector(".o_kanban_record:not(.o_kanban_ghost), .o_data_row",
                           timeout=RENDER_TIMEOUT_MS)
    time.sleep(0.5)  # let late RPCs finish so that their errors are caught
    assert page.locator(".modal:visible").count() == 0, page.inner_text(".modal")
    watched.screenshot(entry.menu)
    assert watched.errors == []


def test_top_menu_lists_every_section(watched, odoo_url, rpc):
    page = watched.page
    page.goto(odoo_url + "/web")
    root = page.locator('#oe_main_menu_navbar a[data-menu-xmlid="enercoop_energy.menu_root"]')
    root.click()
    root_id = rpc.xmlid_to_id("enercoop_energy.menu_root")
    sidebar = page.locator('.oe_secondary_menu[data-menu-parent="%d"]' % root_id)
    sidebar.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(VIEWS, state="visible", timeout=RENDER_TIMEOUT_MS)
    for entry in MENU_ACTIONS:
        link = sidebar.locator('a[data-menu-xmlid="%s"]' % entry.menu)
        assert link.is_visible(), entry.menu
    time.sleep(0.5)
    watched.screenshot("menus")
    # each sub-menu, clicked as a person would, changes the view's title
    for entry in MENU_ACTIONS:
        name = sidebar.locator('a[data-menu-xmlid="%s"]' % entry.menu).inner_text().strip()
        if rpc.xmlid_model(entry.action) != "ir.actions.act_window":
            continue  # a report or URL menu downloads a file (test_menu_action_renders)
        target = rpc("ir.actions.act_window", "read", [rpc.xmlid_to_id(entry.action)],
                     ["target"])[0]["target"]
        sidebar.locator('a[data-menu-xmlid="%s"]' % entry.menu).click()
        if target == "new":  # a wizard opens in a dialog: see its title, close it
            page.wait_for_function(
                "name => { const t = document.querySelector('.modal .modal-title');"
                " return t && t.textContent.trim() === name; }", arg=name,
                timeout=RENDER_TIMEOUT_MS)
            page.click(".modal .modal-header .close")
            page.wait_for_selector(".modal", state="detached", timeout=RENDER_TIMEOUT_MS)
            continue
        page.wait_for_function(
            "name => { const li = document.querySelector("
            "'.o_control_panel .breadcrumb li:last-child');"
            " return li && li.textContent.trim() === name; }", arg=name, timeout=RENDER_TIMEOUT_MS)
    assert watched.errors == []


def test_partner_form_shows_the_roles(watched, odoo_url, rpc):
    partner_id = rpc.xmlid_to_id("enercoop_energy.partner_demo_lea_dubois")
    page = watched.page
    page.goto("%s/web?#id=%d&model=res.partner&view_type=form" % (odoo_url, partner_id))
    roles = page.locator(".o_form_view .o_group:has(.o_field_boolean[name=role_consumer])").first
    roles.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    ticked = {}
    for field in ("role_consumer", "role_producer", "role_partner", "role_member", "role_employee"):
        ticked[field] = page.locator(".o_field_boolean[name=%s] input" % field).is_checked()
    # Léa Dubois is, in the demo data, an employee, a member and a consumer
    assert ticked == {"role_consumer": True, "role_producer": False, "role_partner": False,
                      "role_member": True, "role_employee": True}
    time.sleep(0.5)
    watched.screenshot("partner_form")
    assert watched.errors == []
