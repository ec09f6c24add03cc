# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The access suite of enercoop_balancing, as enercoop_energy's, run as each kind of user.

- CRUD of every ``enercoop.*`` model of the addon, the expected rights written out below;
  a regional cooperative's user is refused the national cooperative's records;
- every public method of the addon (found by introspection) called as XML-RPC calls it;
- every route (the portal's, tested over HTTP in test_statement) and report (none of its
  own: the bill's statement is enercoop_energy's report, tested in test_statement).
"""
import inspect

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import EnercoopAccessMixin
from odoo.addons.enercoop_energy.tests.test_access import addon_public_methods

from ..controllers.portal import OriginPortal

USER, MANAGER, REGIONAL, ACCOUNTANT, PORTAL, PUBLIC = (
    "user", "manager", "regional", "accountant", "portal", "public")
ROLES = (USER, MANAGER, REGIONAL, ACCOUNTANT, PORTAL, PUBLIC)
ENERGY = frozenset([USER, MANAGER])
ADDON = "enercoop_balancing"

# model -> what an energy user may do (managers: also delete runs); the half-hours and the
# ledger are written by the run only, for nobody to edit
USER_RIGHTS = {
    "enercoop.balance.run": "rwc",
    "enercoop.balance.line": "r",
    "enercoop.balance.day": "r",
    "enercoop.origin.issue": "r",
    "enercoop.origin.allocation": "r",
    "enercoop.origin.statement": "r",
}
MANAGER_RIGHTS = dict(USER_RIGHTS, **{"enercoop.balance.run": "rwcu"})
PORTAL_RIGHTS = {"enercoop.origin.statement": "r"}  # their own (record rule)
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
CRUD = "crud"
METHODS = {
    ("enercoop.balance.run", "action_queue"): (ENERGY, ()),
    ("enercoop.balance.day", "init"): CRUD,  # the ORM's table hook (a database view)
}
ROUTES = {"/my/energy-origin", "/my/energy-origin/<int:statement_id>"}


@common.at_install(False)
@common.post_install(True)
class TestAccess(EnercoopAccessMixin, common.SavepointCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_access_world()
        run = cls.env["enercoop.balance.run"].create({
            "period": "2025-11", "company_id": cls.national.id}) if not cls.env[
            "enercoop.balance.run"].search([("company_id", "=", cls.national.id),
                                            ("state", "=", "done")]) else None
        if run:
            run._run_balance()
        run = cls.env["enercoop.balance.run"].search([("company_id", "=", cls.national.id),
                                                      ("state", "=", "done")], limit=1)
        cls.mine = {"enercoop.balance.run": run}
        for model in USER_RIGHTS:
            if model != "enercoop.balance.run":
                cls.mine[model] = cls.env[model].search([("run_id", "=", run.id)], limit=1)

    def expected(self, role, model, letter):
        if role == MANAGER:
            return letter in MANAGER_RIGHTS[model]
        if role in (USER, REGIONAL):
            return letter in USER_RIGHTS[model]
        if role == PORTAL:
            return letter in PORTAL_RIGHTS.get(model, "")
        return False

    def test_every_model_of_the_addon_is_listed(self):
        models = {m.model for m in self.env["ir.model"].search([]) if m.model.startswith(
            "enercoop.") and ADDON in m.modules.split(", ") and not self.env[m.model]._abstract
            and m.model not in self.RECORD_MODELS}
        self.assertEqual(models, set(USER_RIGHTS))

    def test_crud_rights_of_each_kind_of_user(self):
        for model in USER_RIGHTS:
            for role in ROLES:
                for letter, operation in OPERATIONS.items():
                    allowed = self.env[model].sudo(self.users[role]).check_access_rights(
                        operation, raise_exception=False)
                    self.assertEqual(allowed, self.expected(role, model, letter),
                                     "%s %s %s" % (role, operation, model))

    def test_national_records_refused_to_the_regional_user(self):
        for model, record in self.mine.items():
            self.assertTrue(record, "no %s record to test" % model)
            record.sudo(self.users[USER]).read(["display_name"])
            self.assertFalse(self.env[model].sudo(self.users[REGIONAL]).search(
                [("id", "=", record.id)]), model)
            with self.assertRaises(AccessError, msg=model):
                record.sudo(self.users[REGIONAL]).check_access_rule("read")

    def test_outsiders_read_nothing(self):
        for model, record in self.mine.items():
            for role in (ACCOUNTANT, PORTAL, PUBLIC):
                with self.assertRaises(AccessError, msg="%s %s" % (role, model)):
                    self.rpc(self.users[role], model, "read", [record.id], ["display_name"])

    def test_portal_member_reads_only_their_own_statement(self):
        statement = self.mine["enercoop.origin.statement"]
        portal = self.users[PORTAL]
        self.assertNotEqual(statement.partner_id, portal.partner_id)
        self.assertFalse(self.rpc(portal, "enercoop.origin.statement", "search", []))
        statement.sudo().partner_id = portal.partner_id
        self.assertEqual(self.rpc(portal, "enercoop.origin.statement", "search", []),
                         statement.ids)
        # the ledger behind it stays closed
        with self.assertRaises(AccessError):
            self.rpc(portal, "enercoop.origin.allocation", "search", [])

    def test_every_public_method_has_an_access_entry(self):
        found = addon_public_methods(self.env, ADDON)
        self.assertEqual(found, set(METHODS))

    def test_public_methods_as_each_kind_of_user(self):
        for (model, method), entry in sorted(METHODS.items()):
            if entry == CRUD:
                continue
            allowed, args = entry
            for role in ROLES:
                refused = False
                try:
                    with self.env.cr.savepoint():
                        self.rpc(self.users[role], model, method, self.mine[model].ids, *args)
                        raise _Rollback()
                except AccessError:
                    refused = True
                except (_Rollback, UserError):
                    pass
                self.assertEqual(refused, role not in allowed,
                                 "%s.%s as %s" % (model, method, role))

    def test_every_route_is_tested_and_the_addon_has_no_report(self):
        # Odoo lists only direct subclasses of Controller: ours extends the portal's
        self.assertFalse(http.controllers_per_module.get(ADDON))
        routes = set()
        for value in vars(OriginPortal).values():
            if inspect.isfunction(value) and hasattr(value, "routing"):
                routes.update(value.routing["routes"])
        # each is asked over HTTP by both members and the visitor (test_statement)
        self.assertEqual(routes, ROUTES)
        reports = self.env["ir.model.data"].search([
            ("module", "=", ADDON), ("model", "=", "ir.actions.report")])
        self.assertFalse(reports)


class _Rollback(Exception):
    pass
