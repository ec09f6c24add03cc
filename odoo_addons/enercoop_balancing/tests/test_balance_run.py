# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The balance run: the stored half-hours and totals are the core's on the same curves;
the computation is a queue_job job; a failure is written on the run."""
import datetime as dt
import tempfile

import numpy as np
import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import common
from odoo.tools import mute_logger

from odoo.addons.enercoop_energy.tests.common import r15_base
from odoo.addons.queue_job.job import Job

from enercoop_core.balancing import forecast
from enercoop_core.balancing.portfolio import summarize
from enercoop_core.tariffs.calendar import PARIS

from .. import core_adapter
from .common import CONSUMERS, PERIOD, PRODUCERS, BalancingCase, core_balance


@common.at_install(False)
@common.post_install(True)
class TestBalanceRun(BalancingCase):

    def test_totals_and_half_hours_are_the_core_balance(self):
        run = self.done_run()
        expected = core_balance(self.files)
        summary = summarize(expected)
        self.assertEqual(run.consumer_count, len(CONSUMERS))
        self.assertEqual(run.producer_count, len(PRODUCERS))
        self.assertAlmostEqual(run.consumption_kwh, summary["consumption_wh"] / 1000.0, 6)
        self.assertAlmostEqual(run.production_kwh, summary["production_wh"] / 1000.0, 6)
        self.assertAlmostEqual(run.deficit_kwh, summary["deficit_wh"] / 1000.0, 6)
        self.assertAlmostEqual(run.coverage_rate, 100.0 * summary["coverage_ratio"], 6)
        lines = run.line_ids.sorted("instant")
        self.assertEqual(len(lines), expected.grid.size)  # 1,440 half-hours of June
        np.testing.assert_allclose([line.consumption_kwh for line in lines],
                                   expected.consumption_wh / 1000.0, atol=1e-9)
        np.testing.assert_allclose([line.imbalance_kwh for line in lines],
                                   expected.balance_wh / 1000.0, atol=1e-9)
        # the first half-hour ends at 00:30 Paris time = 22:30 UTC the day before
        self.assertEqual(lines[0].instant, "2025-05-31 22:30:00")
        self.assertEqual(lines[0].date, "2025-06-01")
        # days: the database view adds up the half-hours of each Paris day
        self.assertEqual(len(run.day_ids), 30)
        first_day = run.day_ids.filtered(lambda d: d.date == "2025-06-01")
        self.assertAlmostEqual(first_day.consumption_kwh, sum(
            line.consumption_kwh for line in lines if line.date == "2025-06-01"), 6)
        # hand-worked: consumer 1 draws 1,200 W from 07:00 to 22:00 and 400 W otherwise,
        # consumer 2 600 W: (15 h x 1.2 + 9 h x 0.4 + 24 h x 0.6) kWh = 36 kWh a day
        self.assertAlmostEqual(first_day.consumption_kwh, 36.0, 6)
        # the three measured days only; the other half-hours are listed as incomplete
        self.assertIn("without a full measure", run.problems)
        self.assertIn("<svg", run.plot_html)

    def test_day_ahead_forecast_and_its_error_are_the_core_ones(self):
        run = self.done_run()
        expected = core_balance(self.files)
        ends = expected.grid.ends
        predicted = forecast.persistence(ends, expected.consumption_wh, ends, days=1)
        self.assertAlmostEqual(run.persistence_mae_kwh, forecast.mae(
            predicted, expected.consumption_wh) / 1000.0, 3)  # stored to the Wh
        # the same-weekday average of the core where the history has a value (from the
        # second week: the unmeasured days count as nothing supplied)
        average = forecast.same_weekday_average(ends, expected.consumption_wh, ends, weeks=4)
        lines = run.line_ids.sorted("instant")
        self.assertEqual([line.has_forecast for line in lines],
                         (~np.isnan(average)).tolist())
        self.assertFalse(lines[0].has_forecast)
        known = ~np.isnan(average)
        np.testing.assert_allclose(np.array([line.forecast_kwh for line in lines])[known],
                                   average[known] / 1000.0, atol=5e-4)  # stored to the Wh

    def test_forecast_uses_the_previous_month_run(self):
        june = self.done_run()
        july = self.new_run("2025-07")
        history = core_adapter.history(june.line_ids.sorted("instant"))
        self.assertEqual(len(history[0]), 1440)
        # July's forecast looks back into June's stored half-hours
        self.assertEqual(july._history()[0].tolist(), history[0].tolist())
        self.assertTrue(july._run_balance())
        self.assertEqual(july.state, "done")

    def test_the_run_is_queued_as_a_job_and_the_job_computes_it(self):
        run = self.new_run()
        run.action_queue()
        self.assertEqual(run.state, "queued")
        record = self.env["queue.job"].search([("uuid", "=", run.job_uuid)])
        self.assertEqual((record.model_name, record.method_name),
                         ("enercoop.balance.run", "_run_balance"))
        self.assertEqual(record.state, "pending")
        self.assertEqual(run.job_state, "Pending")
        with self.assertRaises(UserError):
            run.action_queue()  # already queued
        Job.load(self.env, run.job_uuid).perform()
        self.assertEqual(run.state, "done")
        self.assertTrue(run.line_ids)

    def test_a_failure_is_written_on_the_run(self):
        # a point without curve, shaped by a profile file that cannot be read
        point = self.create_point("30009500000009", balancing_sub_profile="RES1_BASE")
        self.create_contract(point, date_start="2025-01-01")
        self.import_files([("R15_p.xml", r15_base(point.prm, [
            ("2025-06-01T00:00:00+02:00", 1000), ("2025-07-01T00:00:00+02:00", 1300)]))])
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
            handle.write("not;the;open;data;columns\n")
        self.env["ir.config_parameter"].set_param(core_adapter.PARAM_PROFILES, handle.name)
        run = self.new_run()
        self.assertFalse(run._run_balance())
        self.assertEqual(run.state, "failed")
        self.assertIn("missing columns", run.error)
        self.assertFalse(run.line_ids)

    def test_profiled_consumer_from_its_indexes(self):
        point = self.create_point("30009500000009", balancing_sub_profile="RES1_BASE")
        self.create_contract(point, date_start="2025-01-01")
        self.import_files([("R15_p.xml", r15_base(point.prm, [
            ("2025-06-01T00:00:00+02:00", 1000), ("2025-07-01T00:00:00+02:00", 1300)]))])
        # the columns of Enedis's open-data set "Coefficients des profils" (CSV export,
        # field names, ';'), Paris time stamps with their offset, the dynamic columns empty
        # for a static profile, another sub-profile's rows that the run must leave out
        # (flat coefficients of our own: the test is about the format, not Enedis's values)
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
            handle.write("horodate;sous_profil;categorie;coefficient_prepare;"
                         "coefficient_ajuste;coefficient_dynamique;indic_dispers_poids_dyn;"
                         "indic_precision_dyn\n")
            grid = core_adapter.month_grid(PERIOD)
            for end in grid.ends.tolist():
                stamp = dt.datetime.fromtimestamp(end, PARIS).isoformat()
                handle.write("%s;RES1_BASE;Résidentiel;1.0;1,0;;;\n" % stamp)
                handle.write("%s;PRO1_BASE;Professionnel;7.0;7.0;;;\n" % stamp)
        self.env["ir.config_parameter"].set_param(core_adapter.PARAM_PROFILES, handle.name)
        run = self.done_run()
        # the 300 kWh between its two indexes, on top of the curves' energy
        curves = summarize(core_balance(self.files))["consumption_wh"] / 1000.0
        self.assertAlmostEqual(run.consumption_kwh, curves + 300.0, 3)
        self.assertNotIn(point.prm, run.problems or "")

    def test_point_without_curve_nor_profile_is_listed(self):
        point = self.create_point("30009500000009")
        self.create_contract(point, date_start="2025-01-01")
        run = self.done_run()
        self.assertIn("PRM 30009500000009", run.problems)

    def test_period_is_checked_and_one_run_per_company_and_month(self):
        with self.assertRaises(ValidationError):
            self.new_run("2025-13")
        self.new_run()
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.new_run()

    def test_scheduled_action_queues_last_month(self):
        self.Run._cron_queue_previous_month()
        runs = self.Run.search([("company_id", "=", self.company.id)])
        self.assertEqual(runs.mapped("state"), ["queued"])
