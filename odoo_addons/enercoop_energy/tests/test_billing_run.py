# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Flow import -> contract -> billing run -> draft invoices equal to the core's bills."""
import os
from decimal import Decimal

from odoo.tests import common

from enercoop_core.billing.engine import bill_contract

from .. import core_adapter as adapter
from .common import PRMS, BillingCase, cents, r15_base


@common.at_install(False)
@common.post_install(True)
class TestBillingRun(BillingCase):

    def setUp(self):
        super().setUp()
        self.point_base = self.create_point(PRMS["30001000000001"], "BTINFCU4", 6,
                                            "22:00-06:00")
        self.point_hphc = self.create_point(PRMS["30001000000002"], "BTINFMU4", 9,
                                            "01:00-07:00;12:30-14:30")
        self.contract_base = self.create_contract(self.point_base, "BASE")
        self.contract_hphc = self.create_contract(self.point_hphc, "HPHC")
        self.import_flows()
        self.rates = adapter.load_rates(self.env)

    def core_bill(self, contract, period, prior=(), known_before=None):
        """The core's bill, from the readings of days before ``known_before`` (the ones
        known when the period was billed) or all of them."""
        start, end = adapter.period_bounds(period)
        readings = self.core_readings(contract.delivery_point_id.prm)
        if known_before:
            readings = [r for r in readings if r.day < self.day(known_before)]
        return bill_contract(adapter.contract_versions(contract), readings, start, end,
                             self.rates, prior_bills=prior)

    def hold_back_readings(self, point, day):
        """Remove the point's readings of ``day`` and later (not known yet when the month
        is billed: with a later real index the core prorates instead of estimating)."""
        held = self.env["enercoop.meter.reading"].search([
            ("delivery_point_id", "=", point.id), ("date", ">=", day)])
        self.assertTrue(held)
        held.unlink()

    def invoice_of(self, run, contract):
        line = run.line_ids.filtered(lambda l: l.contract_id == contract)
        self.assertEqual(line.state, "billed", line.message)
        return line.invoice_id

    def test_invoice_equals_core_bill_to_the_cent(self):
        run = self.run_billing("2025-10")
        self.assertEqual(run.state, "done")
        invoice = self.invoice_of(run, self.contract_base)
        bill = self.core_bill(self.contract_base, "2025-10")
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.type, "out_invoice")
        self.assertFalse(invoice.energy_estimated)
        self.assertEqual(len(invoice.invoice_line_ids), len(bill.lines))
        self.assertEqual(cents(invoice.amount_untaxed), bill.total_excl_vat)
        self.assertEqual(cents(invoice.amount_tax), bill.total_vat)
        self.assertEqual(cents(invoice.amount_total), bill.total)
        for line, core in zip(invoice.invoice_line_ids.sorted("sequence"), bill.lines):
            self.assertEqual(line.energy_code, core.code)
            self.assertEqual(cents(line.price_subtotal), core.amount)
            self.assertEqual(Decimal(str(line.quantity)), core.quantity)
            taxes = line.invoice_line_tax_ids
            self.assertEqual(len(taxes), 1)
            self.assertEqual(Decimal(str(taxes.amount)), core.vat_rate)
            self.assertEqual(taxes.type_tax_use, "sale")
        # the subscription: 13.00 EUR/month (example grid from 2025-08-01) spread over
        # October's 31 days: 13.00 / 31 = 0.41935484 EUR/day (1e-8), x 31 days = 13.00
        sub = invoice.invoice_line_ids.filtered(lambda l: l.energy_code == "subscription")
        self.assertAlmostEqual(sub.price_unit, 0.41935484, places=8)
        self.assertEqual(sub.quantity, 31)
        self.assertEqual(cents(sub.price_subtotal), Decimal("13.00"))
        # energy per time class on the invoice: end index - start index
        details = invoice.energy_detail_ids
        self.assertEqual(set(details.mapped("time_class")), set(bill.consumption_wh))
        for detail in details:
            self.assertAlmostEqual(detail.end_index_kwh - detail.start_index_kwh,
                                   detail.consumption_kwh, places=3)
            self.assertEqual(Decimal(str(detail.consumption_kwh)) * 1000,
                             Decimal(bill.consumption_wh[detail.time_class]))
        energy = invoice.invoice_line_ids.filtered(lambda l: l.energy_code == "energy_BASE")
        self.assertEqual(Decimal(str(energy.quantity)) * 1000,
                         sum(bill.consumption_wh.values()))
        # VAT of the period: every line at 20 % after 2025-08-01 (core table vat.csv)
        self.assertEqual(set(invoice.tax_line_ids.mapped("amount")),
                         {float(v.amount) for v in bill.vat})

    def test_estimated_bill_then_true_up(self):
        # October is billed before the December index arrives: no index on 1 November,
        # so October is estimated; December's flow then brings the real index
        self.hold_back_readings(self.point_hphc, "2025-12-01")
        october = self.run_billing("2025-10")
        estimated = self.invoice_of(october, self.contract_hphc)
        core_october = self.core_bill(self.contract_hphc, "2025-10", known_before="2025-12-01")
        self.assertTrue(core_october.estimated)
        self.assertTrue(estimated.energy_estimated)
        self.assertTrue(all(estimated.invoice_line_ids.filtered(
            lambda l: l.energy_kind == "energy").mapped("energy_estimated")))
        self.assertEqual(cents(estimated.amount_total), core_october.total)

        self.import_flows()  # December's index arrives
        november = self.run_billing("2025-11")
        trued_up = self.invoice_of(november, self.contract_hphc)
        core_november = self.core_bill(self.contract_hphc, "2025-11", prior=[core_october])
        self.assertFalse(core_november.estimated)
        self.assertTrue(any(l.true_up for l in core_november.lines))
        self.assertFalse(trued_up.energy_estimated)
        self.assertTrue(trued_up.energy_true_up)
        true_up_lines = trued_up.invoice_line_ids.filtered("energy_true_up")
        self.assertEqual(len(true_up_lines), len([l for l in core_november.lines if l.true_up]))
        # the true-up lines correct October for October's own dates
        self.assertEqual(set(true_up_lines.mapped("energy_period_start")), {"2025-10-01"})
        sign = -1 if trued_up.type == "out_refund" else 1
        self.assertEqual(cents(trued_up.amount_total) * sign, core_november.total)

    def test_true_up_larger_than_the_month_gives_a_credit_note(self):
        # September: 3,000 kWh (13,000 - 10,000); no index on 1 November; 1 December: only
        # 100 kWh more than on 1 October
        prm = "30009100000077"
        point = self.create_point(prm, "BTINFCUST", 6)
        contract = self.create_contract(point, "BASE", name="T-REFUND")
        path = os.path.join(self.flow_dir, "TEST_R15_REFUND.xml")
        with open(path, "wb") as handle:
            handle.write(r15_base(prm, [("2025-09-01T00:00:00+02:00", 10000),
                                        ("2025-10-01T00:00:00+02:00", 13000)]))
        self.flow_paths.append(path)
        self.assertEqual(self.env["enercoop.flow.file"]._import_paths(
            [path], company=self.company).state, "imported")

        # October, estimated from September: 3,000 kWh / 30 days x 31 days = 3,100 kWh
        october = self.invoice_of(self.run_billing("2025-10"), contract)
        core_october = self.core_bill(contract, "2025-10")
        self.assertEqual(core_october.consumption_wh, {"BASE": 3100000})
        self.assertTrue(october.energy_estimated)
        self.assertEqual(october.type, "out_invoice")
        self.assertEqual(cents(october.amount_total), core_october.total)

        # December's flow brings the index of 1 December (October was billed without it);
        # it repeats the earlier readings (same reading ids: already known, skipped)
        december = os.path.join(self.flow_dir, "TEST_R15_REFUND_DEC.xml")
        with open(december, "wb") as handle:
            handle.write(r15_base(prm, [("2025-09-01T00:00:00+02:00", 10000),
                                        ("2025-10-01T00:00:00+02:00", 13000),
                                        ("2025-12-01T00:00:00+01:00", 13100)]))
        self.flow_paths[self.flow_paths.index(path)] = december
        self.assertEqual(self.env["enercoop.flow.file"]._import_paths(
            [december], company=self.company).state, "imported")
        # November: the 100 kWh of October + November spread over their 61 days, October
        # gets 100 x 31 / 61 = 50.819 kWh: the true-up gives back 3,100 - 50.819 = 3,049.181
        # kWh, far more than November's 49.181 kWh cost -> a credit note
        refund = self.invoice_of(self.run_billing("2025-11"), contract)
        core_november = self.core_bill(contract, "2025-11", prior=[core_october])
        self.assertLess(core_november.total, 0)
        self.assertEqual(refund.type, "out_refund")
        self.assertTrue(refund.energy_true_up)
        self.assertEqual(cents(refund.amount_total), -core_november.total)
        self.assertEqual(cents(refund.amount_untaxed), -core_november.total_excl_vat)
        self.assertEqual(cents(refund.amount_tax), -core_november.total_vat)
        self.assertGreater(refund.amount_total, 0)
        # one refund line per core line, signs turned: the true-up lines are the credits
        lines = refund.invoice_line_ids.sorted("sequence")
        self.assertEqual(len(lines), len(core_november.lines))
        for line, core in zip(lines, core_november.lines):
            self.assertEqual(line.energy_code, core.code)
            self.assertEqual(cents(line.price_subtotal), -core.amount)
        energy_true_up = lines.filtered(
            lambda l: l.energy_true_up and l.energy_code == "energy_BASE")
        self.assertAlmostEqual(energy_true_up.quantity, 3049.181, places=3)
        # 3,049.181 kWh x 0.1800 EUR/kWh (example grid) = 548.85258 -> 548.85 EUR credited
        self.assertEqual(cents(energy_true_up.price_subtotal), Decimal("548.85"))
        self.assertEqual(energy_true_up.energy_period_start, "2025-10-01")

    def test_batches_progress_and_log_of_contracts_not_billed(self):
        orphan_point = self.create_point("30009100000099", "BTINFCU4", 6)
        orphan = self.create_contract(orphan_point, "BASE")
        run = self.Run.create({"period": "2025-10", "company_id": self.company.id,
                               "batch_size": 1})
        run.action_start()
        mine = run.line_ids.filtered(lambda l: l.contract_id in (
            self.contract_base | self.contract_hphc | orphan))
        self.assertEqual(len(mine), 3)
        total = run.contract_count
        self.assertEqual(run.pending_count, total)
        self.assertEqual(run._process_batch(), 1)
        run.invalidate_cache()
        self.assertEqual(run.pending_count, total - 1)
        self.assertAlmostEqual(run.progress, 100.0 / total)
        self.assertEqual(run.state, "running")
        run.action_run_all()
        run.invalidate_cache()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.pending_count, 0)
        failed = run.line_ids.filtered(lambda l: l.contract_id == orphan)
        self.assertEqual(failed.state, "error")
        self.assertIn("InputError", failed.message)
        self.assertIn("no index", failed.message)
        self.assertFalse(failed.invoice_id)
        # the others went on
        self.assertEqual(run.line_ids.filtered(
            lambda l: l.contract_id == self.contract_base).state, "billed")
        # billing the month again bills nothing twice
        again = self.run_billing("2025-10")
        self.assertFalse(again.line_ids.filtered(
            lambda l: l.contract_id in (self.contract_base | self.contract_hphc)))

    def test_cron_processes_running_runs(self):
        run = self.Run.create({"period": "2025-10", "company_id": self.company.id})
        run.action_start()
        self.Run._cron_process_runs(time_budget=120)
        self.assertEqual(run.state, "done")
        self.assertTrue(run.invoice_ids)

    def test_energy_report_shows_the_prm_and_detail(self):
        run = self.run_billing("2025-10")
        invoice = self.invoice_of(run, self.contract_base)
        report = self.env.ref("enercoop_energy.action_report_energy_invoice")
        html = report.render_qweb_html(invoice.ids)[0].decode("utf-8")
        self.assertIn(self.point_base.prm, html)
        # the customer's bill: indexes and the priced lines (test_energy_bill tells more)
        self.assertIn('name="bill_indexes"', html)
        self.assertIn('name="bill_detail"', html)
        self.assertNotIn("energy_BASE", html)  # no core line code
