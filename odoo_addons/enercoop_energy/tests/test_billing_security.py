# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A regional cooperative's user sees neither the billing runs nor the invoices of the
national cooperative; the national one's user sees its own."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import common

from .common import PRMS, BillingCase


@common.at_install(False)
@common.post_install(True)
class TestBillingSecurity(BillingCase):

    def setUp(self):
        super().setUp()
        point = self.create_point(PRMS["30001000000001"], "BTINFCU4", 6)
        self.contract = self.create_contract(point, "BASE")
        self.import_flows()
        self.run = self.run_billing("2025-10")
        self.invoice = self.run.line_ids.filtered(
            lambda l: l.contract_id == self.contract).invoice_id
        self.assertTrue(self.invoice)
        self.regional = self.env["res.company"].create({
            "name": "Regional test coop", "parent_id": self.company.id,
            "enercoop_code": "coop-ara"})
        groups = ["enercoop_energy.group_enercoop_user", "account.group_account_invoice"]
        self.regional_user = self.create_user("regional.biller", groups)
        self.regional_user.write({"company_ids": [(6, 0, [self.regional.id])],
                                  "company_id": self.regional.id})
        self.national_user = self.create_user("national.biller", groups)
        self.national_user.write({"company_ids": [(6, 0, [self.company.id, self.regional.id])],
                                  "company_id": self.company.id})

    def test_regional_user_cannot_read_national_runs_or_invoices(self):
        Run = self.env["enercoop.billing.run"].sudo(self.regional_user)
        Invoice = self.env["account.invoice"].sudo(self.regional_user)
        self.assertFalse(Run.search([("id", "=", self.run.id)]))
        self.assertFalse(Invoice.search([("id", "=", self.invoice.id)]))
        self.assertFalse(self.env["enercoop.billing.run.line"].sudo(self.regional_user).search(
            [("run_id", "=", self.run.id)]))
        with self.assertRaises(AccessError):
            Run.browse(self.run.id).read(["period"])
        with self.assertRaises(AccessError):
            Invoice.browse(self.invoice.id).read(["amount_total"])

    def test_national_user_reads_its_runs_and_invoices(self):
        Run = self.env["enercoop.billing.run"].sudo(self.national_user)
        self.assertEqual(Run.search([("id", "=", self.run.id)]), self.run)
        self.assertEqual(Run.browse(self.run.id).billed_count, self.run.billed_count)
        Invoice = self.env["account.invoice"].sudo(self.national_user)
        self.assertEqual(Invoice.browse(self.invoice.id).amount_total, self.invoice.amount_total)

    def test_regional_user_runs_billing_for_its_company_only(self):
        run = self.env["enercoop.billing.run"].sudo(self.regional_user).create(
            {"period": "2025-10"})
        self.assertEqual(run.company_id, self.regional)
        run.action_start()
        self.assertFalse(run.line_ids.filtered(lambda l: l.contract_id == self.contract))

    def test_billing_needs_invoicing_rights(self):
        # an energy user without invoicing rights can neither start nor run a billing
        energy_only = self.create_user("energy.only", ["enercoop_energy.group_enercoop_user"])
        run = self.env["enercoop.billing.run"].sudo(energy_only).create({"period": "2025-11"})
        for action in ("action_start", "action_run_all", "action_process_batch",
                       "action_cancel"):
            with self.assertRaises(AccessError):
                self.rpc(energy_only, "enercoop.billing.run", action, [run.id])
        self.assertEqual(run.state, "draft")
        self.assertFalse(run.line_ids)

    def test_invoices_are_written_with_the_billing_users_rights(self):
        # no superuser in between: the invoices are the user's, under the user's rules
        groups = ["enercoop_energy.group_enercoop_user", "account.group_account_invoice"]
        biller = self.create_user("national.biller2", groups)
        run = self.env["enercoop.billing.run"].sudo(biller).create({"period": "2025-11"})
        self.rpc(biller, "enercoop.billing.run", "action_run_all", [run.id])
        self.assertTrue(run.invoice_ids)
        self.assertEqual(run.invoice_ids.mapped("create_uid"), biller)

    def test_chart_installation_is_not_public(self):
        for method in ("_ensure_accounting", "_process_batch", "_bill_lines"):
            with self.assertRaises(AccessError):
                self.rpc(self.national_user, "enercoop.billing.run", method, [self.regional.id])
        with self.assertRaises(AttributeError):
            self.rpc(self.national_user, "enercoop.billing.run", "ensure_accounting",
                     [self.regional.id])

    def test_validated_invoice_energy_detail_is_frozen_for_everyone(self):
        manager = self.create_user("energy.manager.freeze", [
            "enercoop_energy.group_enercoop_manager", "account.group_account_invoice"])
        user = self.create_user("energy.user.freeze", [
            "enercoop_energy.group_enercoop_user", "account.group_account_invoice"])
        detail = self.invoice.energy_detail_ids[:1]
        self.assertTrue(detail)
        # a draft: the manager may still correct it; the user may not (the core's figures)
        detail.sudo(manager).write({"end_index_kwh": detail.end_index_kwh})
        with self.assertRaises(AccessError):
            detail.sudo(user).write({"end_index_kwh": 9250.0})
        self.invoice.action_invoice_open()
        self.assertEqual(self.invoice.state, "open")
        readings = self.env["enercoop.meter.reading"].search([
            ("delivery_point_id", "=", self.invoice.delivery_point_id.id),
            ("date", ">=", self.invoice.energy_period_start),
            ("date", "<=", "2025-11-01")])
        self.assertTrue(readings)
        later = self.env["enercoop.meter.reading"].search([
            ("delivery_point_id", "=", self.invoice.delivery_point_id.id),
            ("date", ">", "2025-11-01")], limit=1)
        for who in (user, manager, self.env.user):
            with self.assertRaises((AccessError, UserError)):
                detail.sudo(who).write({"end_index_kwh": 9250.0})
            with self.assertRaises((AccessError, UserError)):
                detail.sudo(who).unlink()
            with self.assertRaises((AccessError, UserError)):
                readings[:1].sudo(who).write({"value_wh": 9250000.0})
            with self.assertRaises((AccessError, UserError)):
                readings[:1].sudo(who).unlink()
            with self.assertRaises(UserError):
                self.invoice.sudo(who).write({"energy_end_index_json": "{}"})
            with self.assertRaises(UserError):
                self.invoice.invoice_line_ids[:1].sudo(who).write({"energy_amount": 1.0})
        self.assertNotEqual(detail.end_index_kwh, 9250.0)
        if later:  # a reading after the billed period is not frozen by this invoice
            later.write({"reason": later.reason})
