# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The access suite of enercoop_payment, run as each kind of user (as enercoop_energy's):
CRUD of the addon's models per kind of user, the national cooperative's records refused
to a regional cooperative's user, every public method of the addon found by
introspection, the report; the routes are tested in test_portal."""
from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import EnercoopAccessMixin
from odoo.addons.enercoop_energy.tests.test_access import addon_public_methods

from ..controllers.portal import PaymentPortal
from .common import IBANS, PaymentWorld, WorkflowSteps

USER, MANAGER, REGIONAL, ACCOUNTANT, PORTAL, PUBLIC = (
    "user", "manager", "regional", "accountant", "portal", "public")
ROLES = (USER, MANAGER, REGIONAL, ACCOUNTANT, PORTAL, PUBLIC)
ENERGY = frozenset([USER, MANAGER])
INVOICING = frozenset([USER, MANAGER, ACCOUNTANT])  # the suite gives the energy users
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}

# model -> rights of an energy user (managers: all); accountants: ACCOUNTANT_RIGHTS
USER_RIGHTS = {
    "enercoop.payment.schedule": "rwc",
    "enercoop.payment.instalment": "rwcu",  # unlink: planned ones of a draft only
}
ACCOUNTANT_RIGHTS = {
    "enercoop.payment.schedule": "r",
    "enercoop.payment.instalment": "rw",  # a return marks its instalment returned
}

# (model, method) -> roles allowed on a national record (others: AccessError); "oca": an
# override of an OCA workflow method, whose rights are the OCA addon's (account payment
# managers, invoicing staff): asserted refused to the portal and the public.
OCA = "oca"
CRUD = "crud"  # an ORM override, covered by the CRUD test and its own
METHODS = {
    ("enercoop.payment.schedule", "action_compute"): ENERGY,
    ("enercoop.payment.schedule", "action_confirm"): ENERGY,
    ("enercoop.payment.schedule", "action_true_up"): ENERGY,
    ("account.payment.order", "generated2uploaded"): OCA,
    ("payment.return", "action_confirm"): OCA,
    ("report.enercoop_payment.report_dunning_due", "get_report_values"): INVOICING,
    # a draft schedule's instalments, dropped when it is computed again
    ("enercoop.payment.instalment", "unlink"): CRUD,
}


@common.at_install(False)
@common.post_install(True)
class TestAccess(EnercoopAccessMixin, PaymentWorld, WorkflowSteps, common.SavepointCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_access_world()
        cls.setup_company(cls.national)
        contract = cls.create_customer("Access Customer", cls.national, IBANS[1],
                                       "30009300000011")
        cls.schedule = cls.create_schedule(contract, confirm=False)
        cls.records.update({
            "enercoop.payment.schedule": cls.schedule,
            "enercoop.payment.instalment": cls.schedule.instalment_ids[0],
            "account.payment.order": cls.env["account.payment.order"].create({
                "payment_mode_id": cls.national.enercoop_debit_mode_id.id}),
            "report.enercoop_payment.report_dunning_due": cls.national,
        })
        cls.records["payment.return"] = cls.env["payment.return"].create({
            "journal_id": cls.national.enercoop_debit_mode_id.fixed_journal_id.id,
            "company_id": cls.national.id})

    def expected(self, role, model, letter):
        if role == MANAGER:
            return True
        if role in (USER, REGIONAL):
            return letter in USER_RIGHTS[model]
        if role == ACCOUNTANT:
            return letter in ACCOUNTANT_RIGHTS[model]
        return False

    def test_every_model_of_the_addon_is_listed(self):
        models = {m.model for m in self.env["ir.model"].search([]) if
                  "enercoop_payment" in m.modules.split(", ") and m.model.startswith("enercoop.")
                  and "enercoop_energy" not in m.modules.split(", ")
                  and not self.env[m.model]._abstract}
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
        for model in USER_RIGHTS:
            record = self.records[model]
            record.sudo(self.users[USER]).read(["display_name"])
            self.assertFalse(self.env[model].sudo(self.users[REGIONAL]).search(
                [("id", "=", record.id)]), model)
            for operation in ("read", "write", "unlink"):
                with self.assertRaises(AccessError, msg="%s %s" % (operation, model)):
                    record.sudo(self.users[REGIONAL]).check_access_rule(operation)

    def test_every_public_method_has_an_access_entry(self):
        found = addon_public_methods(self.env, "enercoop_payment")
        self.assertFalse(found - set(METHODS), "public methods without an access test")
        self.assertFalse(set(METHODS) - found, "access entries of methods gone")

    def test_public_methods_as_each_kind_of_user(self):
        for (model, method), allowed in sorted(METHODS.items()):
            args = ([self.records[model].id],)
            if model.startswith("report."):
                args = ([self.national.id],)
            if allowed == CRUD:
                continue
            for role in ROLES:
                if allowed == OCA and role not in (PORTAL, PUBLIC):
                    continue
                refused = False
                try:
                    with self.env.cr.savepoint():
                        self.rpc(self.users[role], model, method, *args)
                        raise _Rollback()
                except AccessError:
                    refused = True
                except (_Rollback, UserError):
                    pass
                expected_refused = allowed == OCA or role not in allowed
                self.assertEqual(refused, expected_refused, "%s.%s as %s: %s" % (
                    model, method, role, "refused" if refused else "allowed"))

    def test_report_applies_the_readers_rights(self):
        report = self.env.ref("enercoop_payment.action_report_dunning_due")
        html = report.sudo(self.users[USER]).render_qweb_html(self.national.ids)[0]
        self.assertIn(self.national.name, html.decode())
        for role in (PORTAL, PUBLIC):
            with self.assertRaises(Exception, msg=role) as caught:
                report.sudo(self.users[role]).render_qweb_html(self.national.ids)
            error = getattr(caught.exception, "error", caught.exception)
            self.assertIsInstance(error, AccessError, role)
        reports = self.env["ir.model.data"].search([
            ("module", "=", "enercoop_payment"), ("model", "=", "ir.actions.report")])
        self.assertEqual(reports.mapped("name"), ["action_report_dunning_due"])

    def test_routes_are_the_portal_pages(self):
        # the addon's one controller (it extends the portal's, so Odoo does not list it in
        # controllers_per_module); its routes are those tested in test_portal
        self.assertFalse(http.controllers_per_module.get("enercoop_payment"))
        routes = set()
        for method in vars(PaymentPortal).values():
            routes.update(getattr(method, "routing", {}).get("routes", []))
        self.assertEqual(routes, {"/my/payment", "/my/payment/<int:contract_id>",
                                  "/my/payment/<int:contract_id>/iban"})


class _Rollback(Exception):
    """Raised to roll a savepoint back after a call that succeeded."""
