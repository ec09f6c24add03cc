"""The portfolio balance: the cooperative's renewable production against its supply.

Supply (consumption) per half-hour = the sum of the consumers' load curves (R50
:class:`~enercoop_core.flows.Curve`, aligned by :mod:`.grid`) + the profiled consumers,
those without a curve, whose energy is shaped by the Enedis profile coefficients
(:class:`~enercoop_core.billing.profiles.ProfileCoefficients`):

- ``basis="annual"``: ``energy_kwh`` is a year's consumption; the period receives
  ``energy x ProfileCoefficients.share(sub_profile, start, end)`` (the billing rule), spread
  over the half-hours in proportion to their coefficients;
- ``basis="monthly"``: ``energy_kwh`` is each local month's consumption, spread over that
  month's half-hours in proportion to their coefficients.

Production per half-hour = the sum of the producers' injection curves. The balance is
``production - consumption`` (Wh, float64 per half-hour; positive = surplus). The same
PRM in several curves (several files, several days) is one row: its points add up; two
points covering the same seconds are an :class:`~enercoop_core.errors.InputError`.
"""
from __future__ import annotations

import collections
import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import numpy as np

from enercoop_core.balancing.grid import Grid, local_label
from enercoop_core.balancing.placement import fill_matrix, place, totals
from enercoop_core.errors import InputError, MissingRateError

BASES = ("annual", "monthly")


@dataclass(frozen=True)
class ProfiledConsumer:
    """A consumer without a load curve: ``energy_kwh`` per year or per month (``basis``)."""

    prm: str
    sub_profile: str
    energy_kwh: float
    basis: str = "annual"


@dataclass(frozen=True)
class Matrices:
    """Per-PRM half-hourly energies (Wh, float64, shape ``(n_prms, grid.size)``).

    ``incomplete``: PRM -> number of half-hours its curves do not fully cover (missing or
    NaN points; profiled consumers are always complete).
    """

    grid: Grid
    consumer_prms: List[str]
    consumption: np.ndarray
    producer_prms: List[str]
    production: np.ndarray
    incomplete: Dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Balance:
    """Half-hourly totals of a portfolio (Wh, float64 arrays of ``grid.size``)."""

    grid: Grid
    consumption_wh: np.ndarray
    production_wh: np.ndarray
    consumer_wh: Dict[str, float]
    producer_wh: Dict[str, float]
    incomplete: Dict[str, int] = field(default_factory=dict)

    @property
    def balance_wh(self) -> np.ndarray:
        """Production minus consumption per half-hour (Wh; > 0 surplus, < 0 deficit)."""
        return self.production_wh - self.consumption_wh


def profile_shape(coefficients, sub_profile: str, grid: Grid) -> np.ndarray:
    """Profile coefficient of each slot of ``grid`` (float64); MissingRateError if absent."""
    if not coefficients.has(sub_profile):
        raise MissingRateError(coefficients.name, local_label(grid.start_utc),
                               "sous_profil=%s" % sub_profile)
    starts, values = coefficients.series[sub_profile]
    wanted = grid.starts
    at = np.searchsorted(starts, wanted)
    found = (at < len(starts)) & (starts[np.minimum(at, len(starts) - 1)] == wanted)
    if not found.all():
        first = int(wanted[np.argmin(found)])
        raise MissingRateError(coefficients.name, local_label(first),
                               "sous_profil=%s, half-hour starting then" % sub_profile)
    return values[at]


def _spread(total_wh: float, weights: np.ndarray, what: str) -> np.ndarray:
    mass = float(weights.sum())
    if mass <= 0:
        raise InputError("profile coefficients add up to zero over the period", record=what,
                         field="coefficient")
    return total_wh * weights / mass


def profiled_energy(consumer: ProfiledConsumer, coefficients, grid: Grid,
                    _cache=None) -> np.ndarray:
    """Half-hourly Wh (float64, ``grid.size``) of a profiled consumer (module docstring rule).

    ``_cache``: a dict kept by the caller across the consumers of one grid and one
    coefficient file (shapes, shares and months are then computed once per sub-profile)."""
    if consumer.basis not in BASES:
        raise InputError("basis must be one of %s, not %r" % (", ".join(BASES), consumer.basis),
                         record=consumer.prm, field="basis")
    cache = {} if _cache is None else _cache
    key = ("shape", consumer.sub_profile)
    if key not in cache:
        cache[key] = profile_shape(coefficients, consumer.sub_profile, grid)
    shape = cache[key]
    energy_wh = float(consumer.energy_kwh) * 1000.0
    if consumer.basis == "annual":
        key = ("share", consumer.sub_profile)
        if key not in cache:
            days = grid.local_days()
            first = dt.date(1970, 1, 1) + dt.timedelta(days=int(days[0]))
            last = dt.date(1970, 1, 1) + dt.timedelta(days=int(days[-1]) + 1)
            cache[key] = coefficients.share(consumer.sub_profile, first, last)
        return _spread(energy_wh * cache[key], shape, consumer.prm)
    if "months" not in cache:
        months = grid.local_months()
        cache["months"] = [months == month for month in np.unique(months)]
    out = np.zeros(grid.size, dtype=np.float64)
    for inside in cache["months"]:
        out[inside] = _spread(energy_wh, shape[inside], consumer.prm)
    return out


def _profiled_rows(profiled: Sequence[ProfiledConsumer], coefficients, grid: Grid,
                   curve_prms: Sequence[str]):
    """Each profiled consumer's Wh row, in order; InputError for a PRM seen twice."""
    if not profiled:
        return
    if coefficients is None:
        raise InputError("profiled consumers need profile coefficients", field="profiles")
    seen = set(curve_prms)
    cache = {}  # type: dict
    for consumer in profiled:
        if consumer.prm in seen:
            raise InputError("PRM has both a load curve and a profile", record=consumer.prm)
        seen.add(consumer.prm)
        yield profiled_energy(consumer, coefficients, grid, cache)


def portfolio_matrices(consumers: Sequence, producers: Sequence, grid: Grid,
                       profiled: Sequence[ProfiledConsumer] = (),
                       coefficients=None) -> Matrices:
    """Per-PRM half-hourly Wh of consumers (curves, then profiled) and producers: two
    float64 matrices, written in place (:func:`~.placement.fill_matrix`)."""
    c_place = place(consumers, grid)
    c_energy, incomplete = fill_matrix(c_place, extra_rows=len(profiled))
    p_prms, p_energy, p_incomplete = curve_matrix(producers, grid)
    incomplete.update(p_incomplete)
    rows = len(c_place.prms)
    for number, energy in enumerate(_profiled_rows(profiled, coefficients, grid,
                                                   c_place.prms)):
        c_energy[rows + number] = energy
    c_prms = c_place.prms + [consumer.prm for consumer in profiled]
    return Matrices(grid, c_prms, c_energy, p_prms, p_energy, incomplete)


def curve_matrix(curves: Sequence, grid: Grid) -> Tuple[List[str], np.ndarray, Dict[str, int]]:
    """Curves -> (PRMs in first-seen order, energy_wh float64 ``(PRMs, grid.size)``,
    PRM -> half-hours not fully covered, for the PRMs with any)."""
    placement = place(curves, grid)
    energy, incomplete = fill_matrix(placement)
    return placement.prms, energy, incomplete


def reduce_matrices(matrices: Matrices) -> Balance:
    """Totals per half-hour and per PRM of :class:`Matrices`."""
    grid = matrices.grid
    return Balance(
        grid=grid,
        consumption_wh=matrices.consumption.sum(axis=0) if matrices.consumer_prms
        else np.zeros(grid.size),
        production_wh=matrices.production.sum(axis=0) if matrices.producer_prms
        else np.zeros(grid.size),
        consumer_wh=dict(zip(matrices.consumer_prms, matrices.consumption.sum(axis=1).tolist())),
        producer_wh=dict(zip(matrices.producer_prms, matrices.production.sum(axis=1).tolist())),
        incomplete=dict(matrices.incomplete))


def balance(consumers: Sequence, producers: Sequence, grid: Grid,
            profiled: Sequence[ProfiledConsumer] = (), coefficients=None) -> Balance:
    """The portfolio balance in one pass, without any ``(PRMs x half-hours)`` matrix:
    each curve's values are added once into the half-hourly totals
    (:func:`~.placement.totals`), then each profiled consumer's row.

    The same floats as :func:`reduce_matrices` of :func:`portfolio_matrices` whenever the
    sums are exact (whole W, as R50 gives); otherwise equal up to the order of additions."""
    return balance_of_totals(grid, totals(consumers, grid), totals(producers, grid),
                             profiled, coefficients)


def balance_of_totals(grid: Grid, consumer_totals, producer_totals,
                      profiled: Sequence[ProfiledConsumer] = (), coefficients=None
                      ) -> Balance:
    """The :class:`Balance` of the consumers' and the producers' curve sums (each what
    :func:`~.placement.totals` returns), the profiled consumers' rows added to the supply."""
    c_prms, consumption, c_wh, incomplete = consumer_totals
    # copies: the caller's sums are left as they were
    c_prms, c_wh, incomplete = list(c_prms), list(c_wh), dict(incomplete)
    consumption = np.array(consumption, dtype=np.float64)
    curve_prms = list(c_prms)
    for consumer, energy in zip(profiled, _profiled_rows(profiled, coefficients, grid,
                                                         curve_prms)):
        consumption += energy
        c_prms.append(consumer.prm)
        c_wh.append(float(np.add.reduce(energy)))
    p_prms, production, p_wh, p_incomplete = producer_totals
    incomplete.update(p_incomplete)
    return Balance(grid, consumption, production, dict(zip(c_prms, c_wh)),
                   dict(zip(p_prms, p_wh)), incomplete)


def combine(parts: Sequence[Balance]) -> Balance:
    """Add partial balances over disjoint PRM sets (in the given order)."""
    if not parts:
        raise InputError("nothing to combine", field="partitions")
    grid = parts[0].grid
    consumption = np.zeros(grid.size, dtype=np.float64)
    production = np.zeros(grid.size, dtype=np.float64)
    consumer_wh, producer_wh, incomplete = {}, {}, {}  # type: Tuple[dict, dict, dict]
    for part in parts:
        if part.grid != grid:
            raise InputError("partial balances on different grids", field="grid")
        consumption += part.consumption_wh
        production += part.production_wh
        consumer_wh.update(part.consumer_wh)
        producer_wh.update(part.producer_wh)
        incomplete.update(part.incomplete)
    for merged, name in ((consumer_wh, "consumer_wh"), (producer_wh, "producer_wh")):
        if len(merged) != sum(len(getattr(part, name)) for part in parts):
            seen = collections.Counter(prm for part in parts for prm in getattr(part, name))
            raise InputError("PRM in two partitions",
                             record=min(prm for prm, count in seen.items() if count > 1))
    return Balance(grid, consumption, production, consumer_wh, producer_wh, incomplete)


def summarize(result: Balance) -> Dict[str, object]:
    """Totals of a balance (energies in whole Wh, rounded once here).

    - ``coverage_ratio``: share of consumption covered half-hour by half-hour,
      ``sum(min(production, consumption)) / sum(consumption)`` (None without consumption);
    - ``volume_ratio``: ``sum(production) / sum(consumption)`` over the period;
    - ``deficit_wh`` / ``surplus_wh``: sums of ``max(consumption - production, 0)`` and
      ``max(production - consumption, 0)``; ``deficit_hours`` / ``surplus_hours``: number
      of half-hours in deficit / surplus, times 0.5.
    """
    cons, prod = result.consumption_wh, result.production_wh
    diff = prod - cons
    total_c, total_p = float(cons.sum()), float(prod.sum())
    return {
        "start": result.grid.start_utc, "end": result.grid.end_utc, "slots": result.grid.size,
        "consumers": len(result.consumer_wh), "producers": len(result.producer_wh),
        "consumption_wh": int(round(total_c)), "production_wh": int(round(total_p)),
        "balance_wh": int(round(total_p - total_c)),
        "coverage_ratio": (float(np.minimum(prod, cons).sum()) / total_c) if total_c > 0
        else None,
        "volume_ratio": (total_p / total_c) if total_c > 0 else None,
        "deficit_wh": int(round(float(np.clip(-diff, 0, None).sum()))),
        "surplus_wh": int(round(float(np.clip(diff, 0, None).sum()))),
        "deficit_hours": 0.5 * int((diff < 0).sum()),
        "surplus_hours": 0.5 * int((diff > 0).sum()),
        "incomplete_prms": len(result.incomplete),
    }


def totals_wh(values: Dict[str, float]) -> Dict[str, int]:
    """Per-PRM float Wh -> whole Wh (rounded half away from zero once)."""
    return {prm: int(round(wh)) for prm, wh in values.items()}
