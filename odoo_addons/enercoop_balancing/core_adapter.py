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
- ``compute(...)``: the core's balance, proof, registry ledger and forecast of one month;
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
from enercoop_core.balancing.matching import Producer
from enercoop_core.balancing.partitioned import CurveSpool, balance_spooled, match_spooled
from enercoop_core.balancing.portfolio import ProfiledConsumer, summarize
from enercoop_core.billing.consumption import consumption, readings_between
from enercoop_core.billing.profiles import ProfileCoefficients
from enercoop_core.tariffs.calendar import PARIS

from odoo.addons.enercoop_energy.core_adapter import readings_by_point

PARAM_PROFILES = "enercoop_balancing.profiles_csv"
PARAM_PARTITIONS = "enercoop_balancing.partitions"
DEFAULT_PARTITIONS = 16
#: weeks of history of the day-ahead forecast (the core's same-weekday average)
FORECAST_WEEKS = 4


def month_grid(period):
    return core_month_grid(period)


def utc_datetime(seconds):
    """UTC seconds -> Odoo datetime string (naive UTC)."""
    return dt.datetime.utcfromtimestamp(int(seconds)).strftime("%Y-%m-%d %H:%M:%S")


def local_day(seconds):
    """The Paris civil day (ISO date) of the half-hour STARTING at ``seconds``."""
    return dt.datetime.fromtimestamp(int(seconds), PARIS).date().isoformat()


def partitions(env):
    # sudo: system parameters are readable by administrators only; this one is a count
    value = env["ir.config_parameter"].sudo().get_param(PARAM_PARTITIONS)
    return max(int(value), 1) if value and value.isdigit() else DEFAULT_PARTITIONS


def spool_curves(env, company, grid, spool):
    """Stream the stored curves of ``company`` over ``grid`` into ``spool``.

    The curve rows hold a curve's summary; its points are in the flow file it came from,
    parsed again here (one file at a time), keeping only the curves whose key is stored.
    Returns ``(consumer PRMs, producer PRMs, problems)``.
    """
    first, end = month_bounds_of(grid)
    rows = env["enercoop.load.curve"].search([
        ("company_id", "=", company.id), ("date_start", "<", end.isoformat()),
        ("date_end", ">=", (first - dt.timedelta(days=1)).isoformat())])
    keys_by_file = {}
    for row in rows:
        keys_by_file.setdefault(row.flow_file_id, set()).add(row.key)
    consumers, producers, problems = set(), set(), []
    for flow_file, keys in keys_by_file.items():
        attachment = flow_file.attachment_id
        if not attachment or not attachment.datas:
            problems.append("%s: the stored file is missing, %d curve(s) left out"
                            % (flow_file.name, len(keys)))
            continue
        run = flows.parse(base64.b64decode(attachment.datas), name=flow_file.name)
        for record in run:
            if getattr(record, "family", None) != "curve" or record.key not in keys:
                continue
            injection = record.direction == "injection"
            (producers if injection else consumers).add(record.prm)
            spool.add(record, production=injection)
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


def compute(env, company, period, installations, withdrawal_points, history=None):
    """The month's balance of ``company``: a dict of plain values for the records.

    ``history``: ``(ends_utc, consumption_wh)`` of earlier half-hours (the previous run),
    for the day-ahead forecast. Keys: ``summary`` (core ``summarize``), ``grid``,
    ``consumption_wh``/``production_wh``/``forecast_wh`` (arrays), ``hourly`` and ``monthly``
    (allocation rows), ``issued`` (registry rows), ``coverage`` (per consumer PRM),
    ``problems``, ``forecast_mae_wh`` and ``persistence_mae_wh``.
    """
    grid = month_grid(period)
    problems = []
    with CurveSpool(partitions(env)) as spool:
        with_curve, _producing, found = spool_curves(env, company, grid, spool)
        problems += found
        without = withdrawal_points.filtered(lambda p: p.prm not in with_curve)
        profiled, missing = profiled_consumers(env, without, period) if without else ([], [])
        coefficients = None
        if profiled:
            coefficients = load_coefficients(env, {p.sub_profile for p in profiled})
            if coefficients is None:
                problems += ["PRM %s: profile coefficients not configured (system parameter "
                             "%s)" % (p.prm, PARAM_PROFILES) for p in profiled]
                profiled = []
        problems += missing
        result = balance_spooled(spool, grid, profiled, coefficients)
        named = producers(installations)
        matching = match_spooled(spool, grid, result, named, profiled, coefficients)
    problems += matching.check()
    for prm, slots in sorted(result.incomplete.items()):
        problems.append("PRM %s: %d half-hour(s) without a full measure" % (prm, slots))
    for installation in installations:
        if installation.prm not in result.producer_wh:
            problems.append("PRM %s (%s): no injection curve in %s"
                            % (installation.prm, installation.name, period))
    ends = grid.ends
    hist_ends, hist_wh = history if history else (np.array([], dtype=np.int64), np.array([]))
    all_ends = np.concatenate([np.asarray(hist_ends, dtype=np.int64), ends])
    all_wh = np.concatenate([np.asarray(hist_wh, dtype=np.float64), result.consumption_wh])
    predicted = forecast.same_weekday_average(all_ends, all_wh, ends, weeks=FORECAST_WEEKS)
    baseline = forecast.persistence(all_ends, all_wh, ends, days=1)
    return {
        "grid": grid, "summary": summarize(result),
        "consumption_wh": result.consumption_wh, "production_wh": result.production_wh,
        "forecast_wh": predicted,
        "forecast_mae_wh": _finite(forecast.mae(predicted, result.consumption_wh)),
        "persistence_mae_wh": _finite(forecast.mae(baseline, result.consumption_wh)),
        "hourly": list(matching.rows("month")),
        "monthly": list(registry.allocate(period, result.producer_wh, result.consumer_wh,
                                          named)),
        "issued": list(registry.issued_from_totals(period, result.producer_wh)),
        "coverage": matching.consumer_coverage(),
        "problems": problems,
    }


def _finite(value):
    return None if value is None or math.isnan(value) else value
