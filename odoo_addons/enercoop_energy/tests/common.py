# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Factories and readers shared by the tests of the cooperative's addons."""
import ast
import os

from lxml import etree

from odoo.models import check_method_name
from odoo.service.model import execute_cr
from odoo.tests import common
from odoo.tools.safe_eval import safe_eval


def rpc_call(env, user, model, method, *args, **kwargs):
    """Call ``model.method(*args)`` as ``user`` the way XML-RPC's ``execute_kw`` does
    (private names refused, then ``odoo.api.call_kw``), in the test's transaction."""
    check_method_name(method)
    return execute_cr(env.cr, user.id, model, method, *args, **kwargs)


class EnercoopCase(common.TransactionCase):
    """A transaction rolled back after each test, with factories for contacts and users."""

    def setUp(self):
        super().setUp()
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

    def rpc(self, user, model, method, *args, **kwargs):
        return rpc_call(self.env, user, model, method, *args, **kwargs)

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


class EnercoopAccessMixin:
    """The people of the access suites (``cls.users``: energy user and manager of the
    national cooperative, both with invoicing rights, a regional cooperative's user, an
    accountant, a portal member, the public visitor) and one national record of each
    model (``cls.records``, from the demo data of the national cooperative)."""

    ROLE_GROUPS = {
        "user": ["enercoop_energy.group_enercoop_user", "account.group_account_invoice"],
        "manager": ["enercoop_energy.group_enercoop_manager", "account.group_account_invoice"],
        "regional": ["enercoop_energy.group_enercoop_user", "account.group_account_invoice"],
        "accountant": ["account.group_account_invoice"],
        "portal": ["base.group_portal"],
    }
    RECORD_MODELS = (
        "enercoop.delivery.point", "enercoop.supply.contract", "enercoop.contract.event",
        "enercoop.flow.file", "enercoop.flow.rejection", "enercoop.meter.reading",
        "enercoop.load.curve", "enercoop.network.invoice.line",
        "enercoop.network.invoice.total", "enercoop.billing.run",
        "enercoop.billing.run.line", "enercoop.invoice.energy.detail",
        "enercoop.production.installation", "enercoop.purchase.contract",
        "enercoop.network.check", "enercoop.network.check.line")
    WIZARD_VALUES = {
        "enercoop.flow.import.wizard": {},
        "enercoop.purchase.billing.wizard": {"period": "2025-10"},
    }

    @classmethod
    def setup_access_world(cls):
        env = cls.env
        cls.national = env.ref("base.main_company")
        cls.regional = env["res.company"].create({
            "name": "Access test regional coop", "parent_id": cls.national.id,
            "currency_id": env.ref("base.EUR").id})
        cls.users = {}
        for role, groups in cls.ROLE_GROUPS.items():
            company = cls.regional if role == "regional" else cls.national
            cls.users[role] = env["res.users"].with_context(no_reset_password=True).create({
                "name": "Access %s" % role, "login": "access.%s" % role,
                "email": "access.%s@example.org" % role,
                "groups_id": [(6, 0, [env.ref(g).id for g in groups])],
                "company_id": company.id, "company_ids": [(6, 0, [company.id])]})
        cls.users["public"] = env.ref("base.public_user")
        cls.records = {}
        for model in cls.RECORD_MODELS:
            cls.records[model] = env[model].search([("company_id", "=", cls.national.id)],
                                                   limit=1)
        if not cls.records["enercoop.contract.event"]:
            point = cls.records["enercoop.delivery.point"]
            cls.records["enercoop.contract.event"] = env["enercoop.contract.event"].create({
                "key": "ACCESS-TEST-EVENT", "prm": point.prm, "event_code": "MES",
                "delivery_point_id": point.id, "company_id": cls.national.id})
        for model in cls.WIZARD_VALUES:
            cls.records[model] = env[model].create(dict(cls.WIZARD_VALUES[model]))
        cls.records["account.invoice"] = env["account.invoice"].search([
            ("company_id", "=", cls.national.id), ("delivery_point_id", "!=", False),
            ("type", "=", "out_invoice")], limit=1)
        cls.records["account.invoice.line"] = cls.records["account.invoice"].invoice_line_ids[:1]

    def rpc(self, user, model, method, *args, **kwargs):
        return rpc_call(self.env, user, model, method, *args, **kwargs)

    def create_partner(self, name, **values):
        values["name"] = name
        return self.env["res.partner"].create(values)


# Source texts whose French translation is the same text (words French spells the same,
# units, codes of the Enedis and TURPE texts).
SAME_IN_FRENCH = frozenset([
    "Code", "Contact", "Contacts", "Date", "Documents", "ID", "Index (Wh)", "Index (kWh)",
    "Injection", "Instant", "Nature", "OK", "Points", "Segment", "Source", "Version",
    "FTA", "PRM", "BTINFCU4", "BTINFCUST", "BTINFLU", "BTINFMU4", "BTINFMUDT", "BTSUPCU4",
    "BTSUPLU4"])


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
