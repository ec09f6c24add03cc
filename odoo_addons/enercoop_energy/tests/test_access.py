# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The access suite of enercoop_energy, run as each kind of user.

- CRUD of every ``enercoop.*`` model of the addon: the expected rights per kind of user are
  written out below (not read from ir.model.access.csv, so that a change there fails here),
  and a regional cooperative's user is refused the national cooperative's records.
- Every public method of the addon's classes (found by introspection: names not starting
  with ``_`` defined in this addon's modules): a new public method with no entry in
  ``METHODS`` fails ``test_every_public_method_has_an_access_entry``. Each one is called
  as XML-RPC calls it (``TestCase.rpc``) by each kind of user; the refusal is asserted
  where it is due.
- Every report and controller route of the addon.
"""
import inspect
import sys

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import common

from .common import EnercoopAccessMixin

USER, MANAGER, REGIONAL, ACCOUNTANT, PORTAL, PUBLIC = (
    "user", "manager", "regional", "accountant", "portal", "public")
ROLES = (USER, MANAGER, REGIONAL, ACCOUNTANT, PORTAL, PUBLIC)
ENERGY = frozenset([USER, MANAGER])

# model -> the operations an energy user may do (r, w, c, u); managers may do them all;
# accountants, portal members and visitors none. A regional user has the user's rights
# but never on the national cooperative's records (record rules).
USER_RIGHTS = {
    "enercoop.delivery.point": "rwc",
    "enercoop.supply.contract": "rwc",
    "enercoop.supply.contract.version": "rwcu",  # a contract's history, edited on its form
    "enercoop.contract.event": "rc",
    "enercoop.flow.file": "rwc",
    "enercoop.flow.rejection": "rc",
    "enercoop.meter.reading": "rc",
    "enercoop.load.curve": "rc",
    "enercoop.network.invoice.line": "rc",
    "enercoop.network.invoice.total": "rc",
    "enercoop.billing.run": "rwc",
    "enercoop.billing.run.line": "rwc",
    "enercoop.invoice.energy.detail": "rc",
    "enercoop.production.installation": "rwc",
    "enercoop.purchase.contract": "rwc",
    "enercoop.network.check": "rwcu",
    "enercoop.network.check.line": "rwcu",
    "enercoop.flow.import.wizard": "rwc",
    "enercoop.purchase.billing.wizard": "rwc",
}
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
BILLERS = frozenset([USER, MANAGER])  # the test gives both invoicing rights

# (model, method) -> (who may call it on a national record, arguments after the ids);
# "crud" marks the ORM overrides (create/write/unlink), covered by the CRUD test.
CRUD = "crud"
METHODS = {
    ("enercoop.supply.contract", "create"): CRUD,
    ("enercoop.supply.contract", "write"): CRUD,
    ("enercoop.supply.contract.version", "create"): CRUD,
    ("enercoop.supply.contract.version", "write"): CRUD,
    ("enercoop.supply.contract.version", "unlink"): CRUD,
    ("enercoop.supply.contract", "action_activate"): (ENERGY, ()),
    ("enercoop.supply.contract", "action_terminate"): (ENERGY, ()),
    ("enercoop.supply.contract", "action_draft"): (ENERGY, ()),
    ("enercoop.purchase.contract", "action_activate"): (ENERGY, ()),
    ("enercoop.purchase.contract", "action_terminate"): (ENERGY, ()),
    ("enercoop.delivery.point", "action_view_readings"): (ENERGY, ()),
    ("enercoop.flow.file", "action_reimport"): (ENERGY, ()),
    ("enercoop.billing.run", "action_start"): (BILLERS, ()),
    ("enercoop.billing.run", "action_process_batch"): (BILLERS, ()),
    ("enercoop.billing.run", "action_run_all"): (BILLERS, ()),
    ("enercoop.billing.run", "action_cancel"): (BILLERS, ()),
    ("enercoop.billing.run", "action_view_invoices"): (ENERGY, ()),
    # progress fields and lines: the workflow's only (test_security_billing_progress)
    ("enercoop.billing.run", "create"): CRUD,
    ("enercoop.billing.run", "write"): CRUD,
    ("enercoop.billing.run.line", "create"): CRUD,
    ("enercoop.billing.run.line", "write"): CRUD,
    ("enercoop.network.check", "action_check"): (ENERGY, ()),
    ("enercoop.meter.reading", "write"): CRUD,
    ("enercoop.meter.reading", "unlink"): CRUD,
    ("enercoop.invoice.energy.detail", "create"): CRUD,
    ("enercoop.invoice.energy.detail", "write"): CRUD,
    ("enercoop.invoice.energy.detail", "unlink"): CRUD,
    # a wizard is its creator's: the regional user imports and bills for its own company
    ("enercoop.flow.import.wizard", "action_import"): (ENERGY | {REGIONAL}, ()),
    ("enercoop.purchase.billing.wizard", "action_bill"): (BILLERS | {REGIONAL}, ()),
    # Odoo's models extended here: the invoice's own rights and rules hold (accountants
    # and the energy users with invoicing rights read the national invoices)
    ("account.invoice", "write"): CRUD,
    ("account.invoice", "get_taxes_values"): (BILLERS | {ACCOUNTANT}, ()),
    ("account.invoice", "energy_period_label"): (BILLERS | {ACCOUNTANT}, ()),
    ("account.invoice.line", "write"): CRUD,
    ("res.partner", "create"): CRUD,
    # Odoo's customer statement, rights added (its own test: test_security_reports)
    ("report.account.report_overdue", "get_report_values"): CRUD,
    ("res.partner", "default_get"): CRUD,
    # the customer's bill: the reader's rights on the invoices (test below)
    ("report.enercoop_energy.report_energy_invoice", "get_report_values"): CRUD,
}
# The addon's HTTP routes: each one is tried by two portal customers on each other's ids
# and by the public visitor in test_portal_http.
ROUTES = {
    "/my/energy": "user",
    "/my/energy/contract/<int:contract_id>": "user",
    "/my/energy/contract/<int:contract_id>/document/<int:attachment_id>": "user",
    # Odoo's portal invoice download (account), overridden to serve the energy bill
    "/my/invoices/pdf/<int:invoice_id>": "public",
}


def addon_public_methods(env, addon="enercoop_energy"):
    """{(model, method name)} of the public methods defined in ``addon``'s modules."""
    prefix = "odoo.addons.%s." % addon
    found = set()
    for name, model in env.registry.items():  # model classes, their MRO holds ours
        for cls in model.__mro__:
            if not (cls.__module__ or "").startswith(prefix) or ".tests." in cls.__module__:
                continue
            for attr, value in vars(cls).items():
                if attr.startswith("_") or not inspect.isfunction(value):
                    continue
                if attr in model._fields:
                    continue
                found.add((name, attr))
    return found


@common.at_install(False)
@common.post_install(True)
class TestAccess(EnercoopAccessMixin, common.SavepointCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_access_world()

    # ------------------------------------------------------------------ CRUD
    def expected(self, role, model, operation):
        if self.env[model]._transient:
            return True  # Odoo: no access rights on wizards, a rule (own records only)
        if role == MANAGER:
            return True
        if role in (USER, REGIONAL):
            return operation in USER_RIGHTS[model]
        return False

    def test_every_model_of_the_addon_is_listed(self):
        # abstract models (the mixins) have no records, hence no access rights
        models = {m.model for m in self.env["ir.model"].search([]) if m.model.startswith(
            "enercoop.") and "enercoop_energy" in m.modules.split(", ")
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
        for model, record in self.records.items():
            if self.env[model]._transient:
                continue
            self.assertTrue(record, "no %s record to test" % model)
            # the same-company energy user reads it, the regional user does not see it
            record.sudo(self.users[USER]).read(["display_name"])
            as_regional = self.env[model].sudo(self.users[REGIONAL])
            self.assertFalse(as_regional.search([("id", "=", record.id)]), model)
            for operation in ("read", "write", "unlink"):
                with self.assertRaises(AccessError, msg="%s %s" % (operation, model)):
                    record.sudo(self.users[REGIONAL]).check_access_rule(operation)

    def test_no_energy_rights_for_outsiders(self):
        for model, record in self.records.items():
            if model not in USER_RIGHTS or self.env[model]._transient:
                continue
            for role in (ACCOUNTANT, PORTAL, PUBLIC):
                with self.assertRaises(AccessError, msg="%s %s" % (role, model)):
                    self.rpc(self.users[role], model, "read", [record.id], ["display_name"])
                with self.assertRaises(AccessError, msg="%s %s" % (role, model)):
                    self.rpc(self.users[role], model, "search", [[]])

    # ------------------------------------------------------------------ public methods
    def test_every_public_method_has_an_access_entry(self):
        missing = addon_public_methods(self.env) - set(METHODS)
        self.assertFalse(missing, "public methods without an access test: %s"
                         % sorted(missing))
        stale = set(METHODS) - addon_public_methods(self.env)
        self.assertFalse(stale, "access entries of methods that no longer exist: %s"
                         % sorted(stale))

    def test_public_methods_as_each_kind_of_user(self):
        for (model, method), entry in sorted(METHODS.items()):
            if entry == CRUD:
                continue
            allowed, args = entry
            for role in ROLES:
                refused = False
                try:
                    with self.env.cr.savepoint():
                        if self.env[model]._transient:  # a wizard of the caller's own
                            ids = [self.rpc(self.users[role], model, "create",
                                            self.WIZARD_VALUES[model])]
                        else:
                            ids = [self.records[model].id]
                        self.rpc(self.users[role], model, method, ids, *args)
                        self.env["res.partner"].invalidate_cache()
                        raise _Rollback()
                except AccessError:
                    refused = True
                except (_Rollback, UserError):
                    pass
                self.env["res.partner"].invalidate_cache()
                self.assertEqual(refused, role not in allowed,
                                 "%s.%s as %s: %s" % (model, method, role,
                                                      "refused" if refused else "allowed"))

    def test_server_path_methods_are_private(self):
        for method in ("import_paths", "import_files"):
            self.assertNotIn(("enercoop.flow.file", method), addon_public_methods(self.env))
        for role in ROLES:
            with self.assertRaises(AccessError):
                self.rpc(self.users[role], "enercoop.flow.file", "_import_paths",
                         ["/work/.run/odoo.conf"])

    # ------------------------------------------------------------------ reports, routes
    def test_energy_invoice_report_applies_the_readers_rights(self):
        report = self.env.ref("enercoop_energy.action_report_energy_invoice")
        invoice = self.records["account.invoice"]
        html, _kind = report.sudo(self.users[USER]).render_qweb_html(invoice.ids)
        self.assertIn(invoice.delivery_point_id.prm, html.decode("utf-8"))
        for role in (REGIONAL, PORTAL, PUBLIC):
            with self.assertRaises(Exception, msg=role) as caught:
                report.sudo(self.users[role]).render_qweb_html(invoice.ids)
            # QWeb wraps the error of the record read
            error = getattr(caught.exception, "error", caught.exception)
            self.assertIsInstance(error, AccessError, role)
        self.assertEqual(report.groups_id, self.env.ref("account.group_account_invoice")
                         | self.env.ref("enercoop_energy.group_enercoop_user"))

    def test_every_report_of_the_addon_is_tested(self):
        reports = self.env["ir.model.data"].search([
            ("module", "=", "enercoop_energy"), ("model", "=", "ir.actions.report")])
        self.assertEqual(reports.mapped("name"), ["action_report_energy_invoice"])

    def test_every_route_of_the_addon_is_listed(self):
        # a new route must get its entry here and its test in test_portal_http
        # (Odoo lists only the direct subclasses of Controller per module: the addon's
        # controllers, subclasses of the portal's, are found by their module)
        found = {}
        prefix = "odoo.addons.enercoop_energy.controllers"
        for module_name, module in list(sys.modules.items()):
            if not module_name.startswith(prefix):
                continue
            for cls in vars(module).values():
                if not (inspect.isclass(cls) and issubclass(cls, http.Controller)
                        and cls.__module__ == module_name):
                    continue
                for method in vars(cls).values():  # the addon's own, not inherited
                    routing = getattr(method, "routing", None)
                    for route in (routing or {}).get("routes", ()):
                        found[route] = routing["auth"]
        self.assertEqual(found, ROUTES)

    def test_energy_bill_of_an_invoice_of_someone_else(self):
        # the report model itself checks the reader's rights (portal: own invoices only)
        invoice = self.records["account.invoice"]
        for role in (REGIONAL, PORTAL, PUBLIC):
            with self.assertRaises(AccessError, msg=role):
                self.env["report.enercoop_energy.report_energy_invoice"].sudo(
                    self.users[role]).get_report_values(invoice.ids)

    # ------------------------------------------------------------------ contacts
    def test_regional_users_do_not_see_national_contacts(self):
        national = self.create_partner("National customer", company_id=self.national.id)
        shared = self.create_partner("Shared contact", company_id=False)
        Partner = self.env["res.partner"].sudo(self.users[REGIONAL])
        self.assertFalse(Partner.search([("id", "=", national.id)]))
        with self.assertRaises(AccessError):
            national.sudo(self.users[REGIONAL]).write({"name": "Changed"})
        self.assertEqual(Partner.search([("id", "=", shared.id)]), shared)
        # colleagues (internal users) stay visible across the network
        self.assertTrue(Partner.search([("id", "=", self.users[USER].partner_id.id)]))
        # a contact created by the regional user belongs to the regional cooperative
        mine = Partner.create({"name": "Regional customer"})
        self.assertEqual(mine.company_id, self.regional)
        # the national cooperative (parent) sees its children's contacts
        self.assertEqual(self.env["res.partner"].sudo(self.users[USER]).search(
            [("id", "=", mine.id)]), mine)

    def test_new_contact_speaks_the_company_language(self):
        if not self.env["res.lang"].search([("code", "=", "fr_FR")]):
            self.skipTest("fr_FR not loaded")
        self.regional.partner_id.lang = "fr_FR"
        Partner = self.env["res.partner"].sudo(self.users[REGIONAL])
        self.assertEqual(Partner.create({"name": "Client régional"}).lang, "fr_FR")
        self.assertEqual(Partner.default_get(["lang"])["lang"], "fr_FR")
        self.assertEqual(self.env["res.partner"].create({
            "name": "Client", "company_id": self.regional.id}).lang, "fr_FR")
        # a language given is kept
        self.assertEqual(Partner.create({"name": "Client", "lang": "en_US"}).lang, "en_US")


class _Rollback(Exception):
    """Raised to roll a savepoint back after a call that succeeded."""
