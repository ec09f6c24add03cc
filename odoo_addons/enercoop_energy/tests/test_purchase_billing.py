# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Producers: injection readings -> monthly self-billing vendor bills equal to the core's."""
from odoo.tests import common

from enercoop_core.billing.purchase import purchase_invoice

from .. import core_adapter as adapter
from .common import PRMS, BillingCase, cents


@common.at_install(False)
@common.post_install(True)
class TestPurchaseBilling(BillingCase):

    def setUp(self):
        super().setUp()
        self.producer = self.create_partner("Moulin test", is_company=True)
        self.point = self.create_point(PRMS["30002000000001"], kva=36, direction="injection",
                                       partner=self.producer)
        self.installation = self.env["enercoop.production.installation"].create({
            "name": "Moulin test", "partner_id": self.producer.id, "technology": "hydro",
            "capacity_kw": 250, "delivery_point_id": self.point.id})
        self.contract = self.env["enercoop.purchase.contract"].create({
            "name": "P-TEST-1", "installation_id": self.installation.id,
            "tariff_code": "hydro-2024", "index_code": "coop-index", "vat_regime": "liable",
            "date_start": "2024-01-01", "state": "active"})
        self.import_flows()

    def test_vendor_bill_equals_core_purchase_invoice(self):
        invoices, problems = self.contract._create_self_billing("2025-10")
        self.assertEqual(problems, [])
        self.assertEqual(len(invoices), 1)
        bill = invoices
        start, end = adapter.period_bounds("2025-10")
        core = purchase_invoice(self.contract._core_contract(),
                                self.core_readings(self.point.prm), start, end,
                                adapter.load_purchase_tariffs(self.env))
        self.assertEqual(bill.type, "in_invoice")
        self.assertEqual(bill.partner_id, self.producer)
        self.assertEqual(cents(bill.amount_untaxed), core.total_excl_vat)
        self.assertEqual(cents(bill.amount_tax), core.total_vat)
        self.assertEqual(cents(bill.amount_total), core.total)
        self.assertGreater(core.total, 0)
        self.assertEqual(bill.invoice_line_ids.mapped("invoice_line_tax_ids.type_tax_use"),
                         ["purchase"])
        self.assertIn("Autofacturation", bill.energy_mentions)
        # injected energy: end index - start index, HP + HC
        self.assertEqual(sum(bill.energy_detail_ids.mapped("consumption_kwh")) * 1000,
                         sum(core.injection_wh.values()))
        # a second call does not bill the month twice
        again, _problems = self.contract._create_self_billing("2025-10")
        self.assertEqual(again, bill)

    def test_franchise_producer_has_no_vat(self):
        self.contract.write({"vat_regime": "franchise", "tariff_code": "pv-flat",
                             "index_code": False})
        invoices, problems = self.contract._create_self_billing("2025-10")
        self.assertEqual(problems, [])
        self.assertFalse(invoices.tax_line_ids)
        self.assertEqual(invoices.amount_tax, 0.0)
        self.assertIn("293 B", invoices.energy_mentions)

    def test_missing_index_is_reported(self):
        invoices, problems = self.contract._create_self_billing("2026-03")
        self.assertFalse(invoices)
        self.assertEqual(len(problems), 1)
        self.assertIn("no injection index", problems[0][1])

    def test_wizard_bills_the_selected_contracts_or_all_from_the_menu(self):
        # a second active contract of the company; the first one is not ticked
        point = self.create_point(PRMS["30002000000002"], kva=36, direction="injection",
                                  partner=self.producer)
        installation = self.env["enercoop.production.installation"].create({
            "name": "Moulin test 2", "partner_id": self.producer.id, "technology": "hydro",
            "capacity_kw": 100, "delivery_point_id": point.id})
        other = self.env["enercoop.purchase.contract"].create({
            "name": "P-TEST-2", "installation_id": installation.id,
            "tariff_code": "hydro-2024", "index_code": "coop-index", "vat_regime": "liable",
            "date_start": "2024-01-01", "state": "active"})
        Wizard = self.env["enercoop.purchase.billing.wizard"]
        # only the ticked contract is billed (or reported): the other one is left alone
        ticked = Wizard.with_context(active_model="enercoop.purchase.contract",
                                     active_ids=other.ids).create({"period": "2025-10"})
        self.assertEqual(ticked.contract_ids, other)
        ticked.action_bill()
        self.env["enercoop.purchase.contract"].invalidate_cache()
        self.assertFalse(self.contract.invoice_ids)
        # from the menu (no selection): every active contract of the company
        everyone = Wizard.create({"period": "2025-10"})
        self.assertFalse(everyone.contract_ids)
        everyone.action_bill()
        self.env["enercoop.purchase.contract"].invalidate_cache()
        self.assertTrue(self.contract.invoice_ids)
        self.assertEqual(len(self.contract.invoice_ids), 1, "billed once per period")
