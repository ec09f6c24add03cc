# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Factories and readers shared by the tests of the cooperative's addons."""
import ast
import os

from lxml import etree

from odoo.tests import common
from odoo.tools.safe_eval import safe_eval


class EnercoopCase(common.TransactionCase):
    """A transaction rolled back after each test, with factories for contacts and users."""

    def setUp(self):
        super(EnercoopCase, self).setUp()
        self.Partner = self.env["res.partner"]

    def create_partner(self, name, **values):
        values["name"] = name
        return self.Partner.create(values)

    def create_user(self, login, group_xmlids):
        """An internal user (not the superuser: record rules and access rights apply)."""
        groups = [self.env.ref(xmlid).id for xmlid in group_xmlids]
        return self.env["res.users"].with_context(no_reset_password=True).create({
            "name": login.replace(".", " ").title(),
            "login": login,
            "email": "%s@example.org" % login,
            "groups_id": [(6, 0, groups)],
        })

    def contacts_search_arch(self):
        """The Contacts search view as the web client receives it (inheritance applied)."""
        view = self.env.ref("base.view_res_partner_filter")
        arch = self.Partner.fields_view_get(view_id=view.id, view_type="search")["arch"]
        return etree.fromstring(arch)

    def search_filter_domain(self, name):
        """The evaluated domain of the Contacts search filter called ``name``."""
        found = self.contacts_search_arch().xpath("//filter[@name='%s']" % name)
        self.assertEqual(len(found), 1, "Contacts search view: filter %r" % name)
        return safe_eval(found[0].get("domain"), {"uid": self.env.uid})

    def action_context(self, xmlid):
        action = self.env.ref(xmlid)
        return safe_eval(action.context or "{}", {"uid": self.env.uid})

    def visible_menus(self, user, xmlids):
        """Which of the menus ``xmlids`` the web client loads for ``user``."""
        shown = set(self.env["ir.ui.menu"].sudo(user).load_menus(False)["all_menu_ids"])
        return {x for x in xmlids if self.env.ref(x).id in shown}


# Source texts whose French translation is the same text.
SAME_IN_FRENCH = frozenset(["Contact", "Contacts"])


def read_po(path):
    """The (msgid, msgstr) pairs of a gettext file, header entry excluded."""
    entries, key = [], None
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.strip()
            if line.startswith("msgid "):
                entries.append({"msgid": ast.literal_eval(line[6:]), "msgstr": ""})
                key = "msgid"
            elif line.startswith("msgstr "):
                entries[-1]["msgstr"] = ast.literal_eval(line[7:])
                key = "msgstr"
            elif line.startswith('"') and key:
                entries[-1][key] += ast.literal_eval(line)
            else:
                key = None
    return [(e["msgid"], e["msgstr"]) for e in entries if e["msgid"]]


def addon_po_path(addon_file, lang="fr"):
    """i18n/<lang>.po of the addon holding the test module ``addon_file``."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(addon_file))),
                        "i18n", "%s.po" % lang)
