# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A regional cooperative's user sees neither the billing runs nor the invoices of the
national cooperative; the national one's user sees its own."""
from odoo.exceptions import AccessError
from odoo.tests import common

from .billing_common import PRMS, BillingCase


@common.at_install(False)
@common.post_install(True)
class TestBillingSecurity(BillingCase):

    def setUp(self):
        super(TestBillingSecurity, self).setUp()
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
