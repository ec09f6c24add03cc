# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The seam between Odoo records and ``enercoop_core.balancing``: conversions only.

- ``month_grid(period)``: ``YYYY-MM`` -> the core's half-hour grid of that Paris month;
- ``spool_curves(env, company, grid, spool)``: the stored load curves of the company's
  delivery points (``enercoop.load.curve``) read back from their flow files into a core
  ``CurveSpool`` (one partition's curves in memory at a time), injection curves as
  production; returns the PRMs found and the problems met;
- ``profiled_consumers(env, points, period)``: withdrawal points without a curve -> the
  core's ``ProfiledConsumer`` (the month's energy from the stored indexes) and the problems;
- ``load_coefficients(env, sub_profiles)``: the Enedis profile coefficients of the file
  named by the system parameter ``enercoop_balancing.profiles_csv`` (None if unset);
- ``producers(installations)``: installations -> the core's ``Producer`` (PRM, name,
  technology);
- ``MonthBalance``: the core's balance, registry ledger, half-hourly proof and forecast of
  one month; the members' shares of the proof come partition by partition
  (``statements()``), so that memory does not grow with the portfolio;
- ``utc_datetime(seconds)``, ``local_day(seconds)``: grid instants as Odoo values;
  ``history(lines)``: stored half-hours back to the core's arrays.
"""
import base64
import datetime as dt
import math
import os

import numpy as np

from enercoop_core import flows
from enercoop_core.balancing import forecast, registry
from enercoop_core.balancing.grid import month_bounds
from enercoop_core.balancing.grid import month_grid as core_month_grid
from enercoop_core.balancing.matching import Matching, Producer, add_problems
from enercoop_core.balancing.partitioned import (
    CurveSpool,
    balance_spooled,
    spooled_matchings,
)
from enercoop_core.balancing.portfolio import (
    Matrices,
    ProfiledConsumer,
    curve_matrix,
    summarize,
)
from enercoop_core.billing.consumption import consumption, readings_between
from enercoop_core.billing.profiles import ProfileCoefficients
from enercoop_core.tariffs.calendar import PARIS

from odoo.addons.enercoop_energy.core_adapter import readings_by_point

PARAM_PROFILES = "enercoop_balancing.profiles_csv"
PARAM_PARTITIONS = "enercoop_balancing.partitions"
DEFAULT_PARTITIONS = 16
#: curves per partition at most: more partitions for a larger portfolio, so that one
#: partition (what the job holds at a time: about 1,000 x 1,488 points, 25 MB of curves
#: and a 12 MB matrix) does not grow with it; at most MAX_PARTITIONS (one open spool file
#: each)
CURVES_PER_PARTITION = 1000
MAX_PARTITIONS = 500
#: weeks of history of the day-ahead forecast (the core's same-weekday average)
FORECAST_WEEKS = 4
#: the ledger's consumer: the guarantees are allocated against the portfolio's supply
PORTFOLIO = "portfolio"


def month_grid(period):
    return core_month_grid(period)


def utc_datetime(seconds):
    """UTC seconds -> Odoo datetime string (naive UTC)."""
    return dt.datetime.utcfromtimestamp(int(seconds)).strftime("%Y-%m-%d %H:%M:%S")


def local_day(seconds):
    """The Paris civil day (ISO date) of the half-hour STARTING at ``seconds``."""
    return dt.datetime.fromtimestamp(int(seconds), PARIS).date().isoformat()


def partitions(env, curves=0):
    """Spool partitions for ``curves`` curves: the system parameter (default 16), more when
    a partition would hold over ``CURVES_PER_PARTITION`` curves."""
    # sudo: system parameters are readable by administrators only; this one is a count
    value = env["ir.config_parameter"].sudo().get_param(PARAM_PARTITIONS)
    wanted = max(int(value), 1) if value and value.isdigit() else DEFAULT_PARTITIONS
    return min(max(wanted, -(-curves // CURVES_PER_PARTITION)), MAX_PARTITIONS)


def curve_keys(env, company, grid):
    """{flow file id: set of curve keys} of the stored curves of ``company`` that overlap
    ``grid`` (read in SQL: 100,000 curve records through the ORM cost minutes and hold
    their cache; the caller may read the company's balance, see BalanceRun._run_balance)."""
    first, end = month_bounds_of(grid)
    env.cr.execute("""
        SELECT flow_file_id, key FROM enercoop_load_curve
        WHERE company_id = %s AND date_start < %s AND date_end >= %s
          AND flow_file_id IS NOT NULL""",
                   (company.id, end.isoformat(), (first - dt.timedelta(days=1)).isoformat()))
    keys_by_file = {}
    for file_id, key in env.cr.fetchall():
        keys_by_file.setdefault(file_id, set()).add(key)
    return keys_by_file


def spool_curves(env, keys_by_file, spool):
    """Stream the curves of ``keys_by_file`` (:func:`curve_keys`) into ``spool``.

    The curve rows hold a curve's summary; its points are in the flow file it came from,
    parsed again here (one file at a time), keeping only the curves whose key is stored.
    Returns ``(consumer PRMs, producers' curves, problems)``: the producers' curves are
    also kept in memory (a few hundred producers), for the proof.
    """
    consumers, producers, problems = set(), [], []
    for file_id, keys in sorted(keys_by_file.items()):
        flow_file = env["enercoop.flow.file"].browse(file_id)
        attachment = flow_file.attachment_id
        data = attachment.datas if attachment else None
        if not data:
            problems.append("%s: the stored file is missing, %d curve(s) left out"
                            % (flow_file.name, len(keys)))
            continue
        run = flows.parse(base64.b64decode(data), name=flow_file.name)
        del data
        for record in run:
            if getattr(record, "family", None) != "curve" or record.key not in keys:
                continue
            injection = record.direction == "injection"
            if injection:
                producers.append(record)
            else:
                consumers.add(record.prm)
            spool.add(record, production=injection)
        flow_file.invalidate_cache()  # the attachment's base64 text, tens of MB
    return consumers, producers, problems


def history(lines):
    """``(ends_utc, consumption_wh)`` arrays of stored balance lines (for the forecast)."""
    ends = np.array([_utc_seconds(line.instant) for line in lines], dtype=np.int64)
    wh = np.array([line.consumption_kwh * 1000.0 for line in lines], dtype=np.float64)
    return ends, wh


def _utc_seconds(value):
    moment = dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    return int(moment.replace(tzinfo=dt.timezone.utc).timestamp())


def month_bounds_of(grid):
    first = dt.datetime.fromtimestamp(grid.start_utc, PARIS).date()
    end = dt.datetime.fromtimestamp(grid.end_utc, PARIS).date()
    return first, end


def load_coefficients(env, sub_profiles):
    """The profile coefficients file of ``PARAM_PROFILES`` (None when not configured)."""
    # sudo: system parameters are readable by administrators only; this one is a file name
    path = env["ir.config_parameter"].sudo().get_param(PARAM_PROFILES)
    if not path or not os.path.isfile(path):
        return None
    return ProfileCoefficients.from_csv(path, sub_profiles=sub_profiles)


def profiled_consumers(env, points, period):
    """``(ProfiledConsumer list, problems)`` of withdrawal ``points`` without a curve: the
    month's energy = the core's consumption between the stored indexes read from the
    month's first day to the next month's first day (basis "monthly")."""
    first, end = month_bounds(period)
    readings = readings_by_point(env, points, direction="withdrawal")
    result, problems = [], []
    for point in points:
        mine = readings_between(readings.get(point.id, []), point.prm, first, end)
        if len(mine) < 2:
            problems.append("PRM %s: no curve and fewer than two indexes in %s"
                            % (point.prm, period))
            continue
        if not point.balancing_sub_profile:
            problems.append("PRM %s: no curve and no profile (sub-profile) to shape its "
                            "indexes" % point.prm)
            continue
        energy_kwh = sum(consumption(mine).values()) / 1000.0
        result.append(ProfiledConsumer(point.prm, point.balancing_sub_profile, energy_kwh,
                                       basis="monthly"))
    return result, problems


def producers(installations):
    return [Producer(i.prm, i.name, i.technology) for i in installations]




class MonthBalance:
    """One month of a company's portfolio through the core, in memory that does not grow
    with the portfolio: the curves are spooled partition by partition (temporary files,
    removed on exit), the ledger is allocated against the portfolio's supply (one row per
    producer and method), and the members' shares of the half-hourly proof come one
    partition at a time::

        with MonthBalance(env, company, period, installations, points, history) as month:
            month.data                       # totals, arrays, ledger rows, problems
            for rows in month.statements():  # one partition's members
                ...

    ``points``: {PRM: delivery point id} of the supplied withdrawal points (those without
    a curve are profiled from their indexes); ``history``: ``(ends_utc, consumption_wh)``
    of earlier half-hours (the previous run), for the day-ahead forecast.

    ``data`` keys: ``summary`` (core ``summarize``), ``grid``, ``consumption_wh`` /
    ``production_wh`` / ``forecast_wh`` (arrays), ``issued`` (registry rows per producer),
    ``monthly`` and ``hourly`` (allocation rows per producer against the portfolio's supply,
    ``consumer_prm`` = ``PORTFOLIO``), ``problems`` (grown by :meth:`statements`),
    ``forecast_mae_wh`` and ``persistence_mae_wh``.
    """

    def __init__(self, env, company, period, installations, points, history=None):
        self.env, self.company, self.period = env, company, period
        self.installations, self.points, self.history = installations, points, history
        self.grid = month_grid(period)
        self.data = None
        self._spool = None

    def __enter__(self):
        keys = curve_keys(self.env, self.company, self.grid)
        # grid: the month's sums made while the curves are spooled (none read back for them)
        self._spool = CurveSpool(partitions(self.env, sum(len(k) for k in keys.values())),
                                 grid=self.grid)
        try:
            self._compute(keys)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info):
        if self._spool is not None:
            self._spool.__exit__(*exc_info)
            self._spool = None

    def _profiled(self, with_curve, problems):
        """(ProfiledConsumer list, coefficients) of the supplied points without a curve."""
        without = sorted(pid for prm, pid in self.points.items() if prm not in with_curve)
        if not without:
            return [], None
        profiled, missing = profiled_consumers(
            self.env, self.env["enercoop.delivery.point"].browse(without), self.period)
        problems += missing
        if not profiled:
            return [], None
        coefficients = load_coefficients(self.env, {p.sub_profile for p in profiled})
        if coefficients is None:
            problems += ["PRM %s: profile coefficients not configured (system parameter "
                         "%s)" % (p.prm, PARAM_PROFILES) for p in profiled]
            return [], None
        return profiled, coefficients

    def _compute(self, keys):
        grid, period, problems = self.grid, self.period, []
        with_curve, production, found = spool_curves(self.env, keys, self._spool)
        problems += found
        self.profiled, self.coefficients = self._profiled(with_curve, problems)
        result = balance_spooled(self._spool, grid, self.profiled, self.coefficients)
        self.named = producers(self.installations)
        self.producer_prms, self.production, _ = curve_matrix(production, grid)
        del production
        self.result = result
        self.totals = (result.production_wh, result.consumption_wh)
        # the ledger: each producer's guarantees against the portfolio's whole supply, the
        # core's rules with the portfolio as one consumer (registry: the month's totals;
        # hourly: half-hour by half-hour)
        supply = Matrices(grid, [PORTFOLIO], result.consumption_wh[None, :],
                          self.producer_prms, self.production)
        whole = Matching(supply, {p.prm: p for p in self.named}, totals=self.totals)
        problems += whole.check()
        for prm, slots in sorted(result.incomplete.items()):
            problems.append("PRM %s: %d half-hour(s) without a full measure" % (prm, slots))
        for installation in self.installations:
            if installation.prm not in result.producer_wh:
                problems.append("PRM %s (%s): no injection curve in %s"
                                % (installation.prm, installation.name, period))
        self.data = dict(self._forecast(result), **{
            "grid": grid, "summary": summarize(result),
            "consumption_wh": result.consumption_wh, "production_wh": result.production_wh,
            "hourly": list(whole.rows("month")),
            "monthly": list(registry.allocate(
                period, result.producer_wh, {PORTFOLIO: sum(result.consumer_wh.values())},
                self.named)),
            "issued": list(registry.issued_from_totals(period, result.producer_wh)),
            "problems": problems})

    def _forecast(self, result):
        ends = self.grid.ends
        hist_ends, hist_wh = self.history if self.history else (
            np.array([], dtype=np.int64), np.array([]))
        all_ends = np.concatenate([np.asarray(hist_ends, dtype=np.int64), ends])
        all_wh = np.concatenate([np.asarray(hist_wh, dtype=np.float64),
                                 result.consumption_wh])
        predicted = forecast.same_weekday_average(all_ends, all_wh, ends,
                                                  weeks=FORECAST_WEEKS)
        baseline = forecast.persistence(all_ends, all_wh, ends, days=1)
        return {"forecast_wh": predicted,
                "forecast_mae_wh": _finite(forecast.mae(predicted, result.consumption_wh)),
                "persistence_mae_wh": _finite(forecast.mae(baseline,
                                                           result.consumption_wh))}

    def statements(self):
        """Per partition, its members' rows of the half-hourly proof: ``consumer_prm``,
        ``consumed_wh``, ``covered_wh``, ``share`` (core ``consumer_coverage``) and
        ``parts`` {producer PRM: Wh} (the core's rows: whole Wh rounded down, cells under
        1 Wh left out). Each partition's curves are read back here, then dropped."""
        problems = self.data["problems"]
        for matching in spooled_matchings(self._spool, self.grid, self.result, self.named,
                                          self.profiled, self.coefficients):
            rows = {prm: dict(cover, consumer_prm=prm, parts={})
                    for prm, cover in matching.consumer_coverage().items()}
            for cell in matching.rows("month"):
                rows[cell["consumer_prm"]]["parts"][cell["producer_prm"]] = cell["allocated_wh"]
            add_problems(problems, matching.check())
            del matching
            yield [rows[prm] for prm in sorted(rows)]


def _finite(value):
    return None if value is None or math.isnan(value) else value
