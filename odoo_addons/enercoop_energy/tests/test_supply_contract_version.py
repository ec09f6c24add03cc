# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A supply contract's history of terms: versions written at creation, by C15 events and
from the form, read by billing (a true-up of a month before an option change is priced on
the option of that month)."""
import os
from decimal import Decimal

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import common

from enercoop_core.billing.engine import bill_contract

from .. import core_adapter as adapter
from .common import BillingCase, EnergyCase, c15_flow, cents, r15_base


def terms(contract):
    return [(v.date_start, v.date_end, v.fta, v.subscribed_kva, v.offer_code)
            for v in contract.version_ids.sorted("date_start")]


@common.at_install(False)
@common.post_install(True)
class TestSupplyContractVersion(EnergyCase):

    def test_a_new_contract_starts_with_the_points_terms(self):
        point = self.create_point("30009000000031", fta="BTINFMU4", subscribed_kva=9)
        contract = self.create_contract(point, offer_code="HPHC", date_start="2024-03-01")
        self.assertEqual(terms(contract), [("2024-03-01", False, "BTINFMU4", 9, "HPHC")])
        self.assertEqual((contract.fta, contract.subscribed_kva), ("BTINFMU4", 9))
        contract.date_end = "2025-06-30"
        self.assertEqual(terms(contract)[0][1], "2025-06-30")

    def test_c15_events_write_the_versions(self):
        incoming = self.create_point("30009000000032", fta="BTINFCU4", subscribed_kva=6)
        planned = self.create_contract(incoming, date_start="2025-03-10")
        changed = self.create_point("30009000000033", fta="BTINFCU4", subscribed_kva=6)
        running = self.create_contract(changed)
        running.action_activate()
        flow = c15_flow([
            # supplier switch in before the planned start: the first version moves
            ("30009000000032", "2025-03-01", "CFNE", "BTINFMU4", "9"),
            ("30009000000033", "2025-03-20", "MCT", "BTINFCU4", "12"),
        ])
        flow_file = self.import_files([("C15_versions.xml", flow)])
        self.assertEqual(flow_file.state, "imported", flow_file.rejection_ids.mapped("reason"))
        self.assertEqual((planned.state, planned.date_start), ("active", "2025-03-01"))
        self.assertEqual(terms(planned), [("2025-03-01", False, "BTINFMU4", 9, "BASE")])
        self.assertEqual(terms(running), [("2024-01-01", "2025-03-19", "BTINFCU4", 6, "BASE"),
                                          ("2025-03-20", False, "BTINFCU4", 12, "BASE")])
        # an earlier power change arriving late: a version in between, the point keeps 12
        late = self.import_files([("C15_late.xml", c15_flow(
            [("30009000000033", "2025-02-01", "MCT", "BTINFCU4", "9")]))])
        self.assertEqual(late.new_count, 1)
        self.assertEqual([t[:4] for t in terms(running)], [
            ("2024-01-01", "2025-01-31", "BTINFCU4", 6),
            ("2025-02-01", "2025-03-19", "BTINFCU4", 9),
            ("2025-03-20", False, "BTINFCU4", 12)])
        self.assertEqual(changed.subscribed_kva, 12)
        self.assertEqual(late.event_ids.contract_id, running)

    def test_a_change_from_a_date_on_the_form_is_a_version(self):
        contract = self.create_contract(self.create_point("30009000000034"))
        contract.action_activate()
        # a line added on the Versions tab
        contract.write({"version_ids": [(0, 0, {
            "date_start": "2025-01-01", "fta": "BTINFMU4", "subscribed_kva": 9,
            "offer_code": "HPHC"})]})
        self.assertEqual(terms(contract), [("2024-01-01", "2024-12-31", "BTINFCU4", 6, "BASE"),
                                           ("2025-01-01", False, "BTINFMU4", 9, "HPHC")])
        self.assertEqual(contract.offer_code, "HPHC")  # the offer in force today
        # the offer changed on a running contract: a version from today
        today = fields.Date.context_today(contract)
        contract.offer_code = "BASE"
        self.assertEqual(terms(contract)[-1], (today, False, "BTINFMU4", 9, "BASE"))
        # a draft's offer is its offer from the start: no new version
        draft = self.create_contract(self.create_point("30009000000035"),
                                     date_start="2026-01-01")
        draft.offer_code = "HPHC"
        self.assertEqual(terms(draft), [("2026-01-01", False, "BTINFCU4", 6, "HPHC")])

    def test_a_contract_keeps_one_version(self):
        contract = self.create_contract(self.create_point("30009000000036"))
        with self.assertRaises(UserError):
            contract.version_ids.unlink()
        self.assertEqual(len(contract.version_ids), 1)

    def test_contracts_from_before_the_versions_get_their_first_one(self):
        # a database from before 11.0.1.1.0 (post-migrate.py), or rows copied in SQL
        point = self.create_point("30009000000037", fta="BTINFLU", subscribed_kva=12)
        contract = self.create_contract(point, offer_code="BASE", date_start="2023-05-01")
        self.env.cr.execute("DELETE FROM enercoop_supply_contract_version WHERE contract_id = %s",
                            (contract.id,))
        self.assertGreaterEqual(self.Contract._create_missing_versions(), 1)
        self.assertEqual(terms(contract), [("2023-05-01", False, "BTINFLU", 12, "BASE")])
        self.assertEqual(self.Contract._create_missing_versions(), 0)


@common.at_install(False)
@common.post_install(True)
class TestBillingReadsTheVersions(BillingCase):

    def test_true_up_of_a_month_before_an_option_change_is_priced_on_the_old_option(self):
        # October billed on BTINFCUST, estimated (no index on 1 November); from 1 November
        # the point is on BTINFLU (C15); November's bill trues October up on BTINFCUST, the
        # option of October, not on the point's option of the day
        prm = "30009100000088"
        point = self.create_point(prm, "BTINFCUST", 6)
        contract = self.create_contract(point, "BASE", name="T-OPTION")
        flow = os.path.join(self.flow_dir, "TEST_R15_OPTION.xml")
        with open(flow, "wb") as handle:
            handle.write(r15_base(prm, [("2025-09-01T00:00:00+02:00", 10000),
                                        ("2025-10-01T00:00:00+02:00", 13000)]))
        self.env["enercoop.flow.file"]._import_paths([flow], company=self.company)
        october = self.invoice_of(self.run_billing("2025-10"), contract)
        self.assertTrue(october.energy_estimated)
        # the option change comes as Enedis sends it: a C15 MCT of 1 November
        change = self.env["enercoop.flow.file"]._import_files([("C15_option.xml", c15_flow(
            [(prm, "2025-11-01", "MCT", "BTINFLU", "6")]))], company=self.company)
        self.assertEqual(change.state, "imported", change.rejection_ids.mapped("reason"))
        self.assertEqual(point.fta, "BTINFLU")
        self.assertEqual([(v.fta, v.start, v.end) for v in adapter.contract_versions(contract)],
                         [("BTINFCUST", self.day("2024-01-01"), self.day("2025-11-01")),
                          ("BTINFLU", self.day("2025-11-01"), None)])
        december = os.path.join(self.flow_dir, "TEST_R15_OPTION_DEC.xml")
        with open(december, "wb") as handle:
            handle.write(r15_base(prm, [("2025-09-01T00:00:00+02:00", 10000),
                                        ("2025-10-01T00:00:00+02:00", 13000),
                                        ("2025-12-01T00:00:00+01:00", 13100)]))
        self.env["enercoop.flow.file"]._import_paths([december], company=self.company)
        self.flow_paths = [december]  # the core's readings: the same file
        november = self.invoice_of(self.run_billing("2025-11"), contract)
        self.assertTrue(november.energy_true_up)

        lines = november.invoice_line_ids
        true_up = lines.filtered(lambda l: l.energy_true_up and l.energy_code == "turpe_c_BASE")
        own = lines.filtered(lambda l: not l.energy_true_up and l.energy_code == "turpe_c_BASE")
        self.assertEqual((true_up.energy_period_start, own.energy_period_start),
                         ("2025-10-01", "2025-11-01"))
        # TURPE 7 energy component from 2025-08-01 (CRE délib. n° 2025-78, core turpe.csv):
        # BTINFCUST 4.84 c EUR/kWh for October's true-up, BTINFLU 1.25 c EUR/kWh for November
        self.assertAlmostEqual(true_up.price_unit, 0.0484, places=6)
        self.assertAlmostEqual(own.price_unit, 0.0125, places=6)
        october_turpe = october.invoice_line_ids.filtered(
            lambda l: l.energy_code == "turpe_c_BASE")
        self.assertEqual(true_up.price_unit, october_turpe.price_unit)
        # the invoice is the core's bill of the stored versions, to the cent
        readings = self.core_readings(prm)
        start, end = adapter.period_bounds("2025-11")
        prior = [adapter.bill_from_invoice(october)]
        bill = bill_contract(adapter.contract_versions(contract), readings, start, end,
                             adapter.load_rates(self.env), prior_bills=prior)
        sign = -1 if november.type == "out_refund" else 1
        self.assertEqual(cents(november.amount_total) * sign, bill.total)
        self.assertNotEqual(Decimal(str(true_up.price_unit)), Decimal("0.0125"))

    def invoice_of(self, run, contract):
        line = run.line_ids.filtered(lambda l: l.contract_id == contract)
        self.assertEqual(line.state, "billed", line.message)
        return line.invoice_id
