# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The guarantee-of-origin ledger: issued = produced; allocated per producer against the
portfolio's supply, monthly (registry) and half-hour by half-hour, never above production
or supply; never allocated twice; each member's share (on their statement) is the core's
proof and the shares never add up to more than the ledger allocated."""
import math
from unittest import mock

import psycopg2

from odoo.tests import common
from odoo.tools import mute_logger

from enercoop_core import flows
from enercoop_core.balancing.grid import month_grid
from enercoop_core.balancing.matching import Producer, match
from enercoop_core.balancing.portfolio import portfolio_matrices
from enercoop_core.balancing.registry import allocate

from .. import core_adapter
from .common import CONSUMERS, PERIOD, PRODUCERS, BalancingCase, core_balance


@common.at_install(False)
@common.post_install(True)
class TestLedger(BalancingCase):

    def ledger(self):
        Allocation = self.env["enercoop.origin.allocation"]
        rows = Allocation.search([("company_id", "=", self.company.id)])
        issues = self.env["enercoop.origin.issue"].search([("company_id", "=", self.company.id)])
        return (sorted((r.method, r.producer_point_id.prm, r.allocated_kwh) for r in rows),
                sorted((i.producer_point_id.prm, i.issued_kwh) for i in issues))

    def core_proof(self):
        """The core's half-hourly proof of the same curves, unpartitioned: (producer PRMs,
        consumer PRMs, allocation matrix in Wh of the month)."""
        consumers, producers = [], []
        for name, data in self.files:
            for curve in flows.parse(data, name=name):
                (producers if curve.direction == "injection" else consumers).append(curve)
        matrices = portfolio_matrices(consumers, producers, month_grid(PERIOD))
        return (matrices.producer_prms, matrices.consumer_prms,
                match(matrices).monthly()[PERIOD])

    def test_issued_is_produced_and_allocations_are_bounded(self):
        run = self.done_run()
        expected = core_balance(self.files)
        for issue in run.issue_ids:
            self.assertAlmostEqual(issue.issued_kwh, int(
                expected.producer_wh[issue.producer_point_id.prm]) / 1000.0, 6)
            self.assertEqual(issue.technology, PRODUCERS[issue.producer_point_id.prm][0])
            self.assertAlmostEqual(issue.go_mwh, issue.issued_kwh / 1000.0, 9)
        issued = {i.producer_point_id: i.issued_kwh for i in run.issue_ids}
        for method in ("monthly", "hourly"):
            rows = run.allocation_ids.filtered(lambda r, m=method: r.method == m)
            # one row per producer, against the whole portfolio's supply
            self.assertEqual(sorted(rows.mapped("producer_point_id.prm")), sorted(PRODUCERS))
            for row in rows:
                self.assertLessEqual(row.allocated_kwh, issued[row.producer_point_id] + 1e-9)
                self.assertAlmostEqual(row.go_mwh, row.allocated_kwh / 1000.0, 9)
            self.assertLessEqual(sum(rows.mapped("allocated_kwh")),
                                 sum(expected.consumer_wh.values()) / 1000.0 + 1e-9)
        # the monthly rows are the core registry's on the month's totals of the portfolio
        monthly = sorted((r.producer_point_id.prm, r.allocated_kwh)
                         for r in run.allocation_ids if r.method == "monthly")
        core = sorted((row["producer_prm"], row["allocated_wh"] / 1000.0)
                      for row in allocate(PERIOD, expected.producer_wh,
                                          {"all": sum(expected.consumer_wh.values())},
                                          [Producer(p) for p in PRODUCERS]))
        self.assertEqual(monthly, core)
        # the half-hourly rows: the core's proof of each producer, summed over consumers
        producer_prms, _consumers, matrix = self.core_proof()
        hourly = {r.producer_point_id.prm: r.allocated_kwh
                  for r in run.allocation_ids if r.method == "hourly"}
        for i, prm in enumerate(producer_prms):
            self.assertAlmostEqual(hourly[prm], math.floor(matrix[i].sum()) / 1000.0,
                                   delta=0.0011)  # whole Wh, rounded down once
        self.assertEqual(month_grid(PERIOD), expected.grid)
        # the half-hourly matching allocates no more than the monthly one
        self.assertLessEqual(sum(hourly.values()), sum(m[1] for m in monthly) + 1e-9)

    def test_member_shares_are_the_proof_and_never_exceed_the_ledger(self):
        # one partition per curve at most (4 curves: up to 4 spool files read in turn)
        self.env["ir.config_parameter"].set_param(core_adapter.PARAM_PARTITIONS, "1")
        with mock.patch.object(core_adapter, "CURVES_PER_PARTITION", 1):
            self.assertEqual(core_adapter.partitions(self.env, 4), 4)
            run = self.done_run()
        producer_prms, consumer_prms, matrix = self.core_proof()
        point_prm = {point.id: point.prm for point in self.env["enercoop.delivery.point"]
                     .search([("company_id", "=", self.company.id)])}
        given = {}
        self.assertEqual(len(run.statement_ids), len(CONSUMERS))
        for statement in run.statement_ids:
            j = consumer_prms.index(statement.prm)
            shares = {point_prm[pid]: wh for pid, wh in statement._shares().items()}
            self.assertEqual(sorted(shares), sorted(PRODUCERS))
            for prm, wh in shares.items():
                # the core's cell, whole Wh rounded down (partitioning changes no Wh)
                self.assertAlmostEqual(wh, math.floor(matrix[producer_prms.index(prm), j]),
                                       delta=1)
                given[prm] = given.get(prm, 0) + wh
            self.assertLessEqual(sum(shares.values()) / 1000.0, statement.covered_kwh + 1e-9)
        for row in run.allocation_ids.filtered(lambda r: r.method == "hourly"):
            # never more given to the members than the ledger allocated
            self.assertLessEqual(given[row.producer_point_id.prm] / 1000.0,
                                 row.allocated_kwh + 1e-9)

    def test_partitions_grow_with_the_portfolio(self):
        self.assertEqual(core_adapter.partitions(self.env, 0), core_adapter.DEFAULT_PARTITIONS)
        self.assertEqual(core_adapter.partitions(self.env, 100000),
                         100000 // core_adapter.CURVES_PER_PARTITION)
        self.assertEqual(core_adapter.partitions(self.env, 10 ** 9), core_adapter.MAX_PARTITIONS)

    def test_running_twice_changes_nothing(self):
        run = self.done_run()
        before = self.ledger()
        statements = run.statement_ids.read(["consumed_kwh", "covered_kwh"])
        self.assertTrue(before[0] and before[1])
        run.action_queue()
        self.assertTrue(run._run_balance())
        self.assertEqual(self.ledger(), before)
        self.assertIn("already written", run.problems)
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
                "producer_point_id, allocated_kwh) VALUES (%s, %s, %s, %s, 1.0)",
                (row.company_id.id, row.period, row.method, row.producer_point_id.id))
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
