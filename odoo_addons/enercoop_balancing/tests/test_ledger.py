# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The guarantee-of-origin ledger: issued = produced; allocated monthly (registry) and
half-hour by half-hour, never above production or supply; never allocated twice."""
import psycopg2

from odoo.tests import common
from odoo.tools import mute_logger

from enercoop_core.balancing.grid import month_grid
from enercoop_core.balancing.matching import Producer
from enercoop_core.balancing.registry import allocate

from .common import PERIOD, PRODUCERS, BalancingCase, core_balance


@common.at_install(False)
@common.post_install(True)
class TestLedger(BalancingCase):

    def ledger(self):
        Allocation = self.env["enercoop.origin.allocation"]
        rows = Allocation.search([("company_id", "=", self.company.id)])
        issues = self.env["enercoop.origin.issue"].search([("company_id", "=", self.company.id)])
        return (sorted((r.method, r.producer_point_id.prm, r.delivery_point_id.prm,
                        r.allocated_kwh) for r in rows),
                sorted((i.producer_point_id.prm, i.issued_kwh) for i in issues))

    def test_issued_is_produced_and_allocations_are_bounded(self):
        run = self.done_run()
        expected = core_balance(self.files)
        for issue in run.issue_ids:
            self.assertAlmostEqual(issue.issued_kwh, int(
                expected.producer_wh[issue.producer_point_id.prm]) / 1000.0, 6)
            self.assertEqual(issue.technology, PRODUCERS[issue.producer_point_id.prm][0])
            self.assertAlmostEqual(issue.go_mwh, issue.issued_kwh / 1000.0, 9)
        for method in ("monthly", "hourly"):
            rows = run.allocation_ids.filtered(lambda r, m=method: r.method == m)
            self.assertTrue(rows, method)
            for issue in run.issue_ids:
                given = sum(rows.filtered(
                    lambda r, i=issue: r.producer_point_id == i.producer_point_id
                ).mapped("allocated_kwh"))
                self.assertLessEqual(given, issue.issued_kwh + 1e-9)
            for prm, point in self.consumers.items():
                taken = sum(rows.filtered(lambda r, p=point: r.delivery_point_id == p)
                            .mapped("allocated_kwh"))
                self.assertLessEqual(taken, expected.consumer_wh[prm] / 1000.0 + 1e-9)
        # the monthly rows are the core registry's on the month's totals
        monthly = sorted((r.producer_point_id.prm, r.delivery_point_id.prm, r.allocated_kwh)
                         for r in run.allocation_ids if r.method == "monthly")
        core = sorted((row["producer_prm"], row["consumer_prm"], row["allocated_wh"] / 1000.0)
                      for row in allocate(PERIOD, expected.producer_wh, expected.consumer_wh,
                                          [Producer(p) for p in PRODUCERS]))
        self.assertEqual(monthly, core)
        self.assertEqual(month_grid(PERIOD), expected.grid)
        # the half-hourly matching allocates no more than the monthly one
        hourly = sum(run.allocation_ids.filtered(lambda r: r.method == "hourly")
                     .mapped("allocated_kwh"))
        self.assertLessEqual(hourly, sum(m[2] for m in monthly) + 1e-9)

    def test_running_twice_changes_nothing(self):
        run = self.done_run()
        before = self.ledger()
        statements = run.statement_ids.read(["consumed_kwh", "covered_kwh"])
        self.assertTrue(before[0] and before[1])
        run.action_queue()
        self.assertTrue(run._run_balance())
        self.assertEqual(self.ledger(), before)
        self.assertEqual(self.env["enercoop.origin.statement"].search([
            ("company_id", "=", self.company.id)]).read(["consumed_kwh", "covered_kwh"]),
            statements)

    def test_the_database_refuses_a_second_allocation(self):
        run = self.done_run()
        row = run.allocation_ids[0]
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.env.cr.execute(
                "INSERT INTO enercoop_origin_allocation (company_id, period, method, "
                "producer_point_id, delivery_point_id, allocated_kwh) VALUES "
                "(%s, %s, %s, %s, %s, 1.0)", (row.company_id.id, row.period, row.method,
                                               row.producer_point_id.id,
                                               row.delivery_point_id.id))
        issue = run.issue_ids[0]
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.env.cr.execute(
                "INSERT INTO enercoop_origin_issue (company_id, period, producer_point_id, "
                "issued_kwh) VALUES (%s, %s, %s, 1.0)", (issue.company_id.id, issue.period,
                                                         issue.producer_point_id.id))

    def test_energy_mix_by_technology(self):
        run = self.done_run()
        self.assertIn("Hydro", run.mix_html)
        self.assertIn("Solar", run.mix_html)
        groups = self.env["enercoop.origin.allocation"].read_group(
            [("run_id", "=", run.id), ("method", "=", "hourly")], ["allocated_kwh", "technology"],
            ["technology"])
        self.assertEqual(sorted(g["technology"] for g in groups), ["hydro", "solar"])
