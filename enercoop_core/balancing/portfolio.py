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

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import numpy as np

from enercoop_core.balancing.grid import (
    SLOT_S,
    WH_PER_W_SLOT,
    Grid,
    align_flat,
    local_label,
)
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


def stack_curves(curves: Sequence, grid: Grid) -> Tuple[List[str], np.ndarray, np.ndarray]:
    """Curves -> (PRMs in first-seen order, energy_wh (n, T), covered_s (n, T)).

    A curve already on the grid (30-minute step, consecutive half-hours: what R50 gives) is
    added as one slice of its row; every other curve goes through one call of
    :func:`~enercoop_core.balancing.grid.align_flat` for all of them together.
    """
    prms = []  # type: List[str]
    row_of = {}  # type: Dict[str, int]
    placed = []
    for curve in curves:
        row = row_of.get(curve.prm)
        if row is None:
            row = row_of[curve.prm] = len(prms)
            prms.append(curve.prm)
        placed.append((row, curve))
    size = grid.size
    energy = np.zeros((len(prms), size), dtype=np.float64)
    covered = np.zeros((len(prms), size), dtype=np.float64)
    rows, ends, values, steps = [], [], [], []
    for row, curve in placed:
        inst = np.asarray(curve.instants, dtype=np.int64)
        vals = np.asarray(curve.values_w, dtype=np.float64)
        step = int(curve.step_minutes) * 60
        if not inst.size:
            continue
        if (step == SLOT_S and (int(inst[0]) - grid.start_utc) % SLOT_S == 0
                and (inst.size == 1 or bool((np.diff(inst) == SLOT_S).all()))):
            first = (int(inst[0]) - grid.start_utc) // SLOT_S - 1
            lo, hi = max(first, 0), min(first + inst.size, size)
            if lo < hi:
                part = vals[lo - first:hi - first]
                missing = np.isnan(part)
                if missing.any():
                    energy[row, lo:hi] += np.where(missing, 0.0, part) * WH_PER_W_SLOT
                    covered[row, lo:hi] += np.where(missing, 0.0, float(SLOT_S))
                else:
                    energy[row, lo:hi] += part * WH_PER_W_SLOT
                    covered[row, lo:hi] += SLOT_S
            continue
        rows.append(np.full(inst.size, row, dtype=np.int64))
        ends.append(inst)
        values.append(vals)
        steps.append(np.full(inst.size, step, dtype=np.int64))
    if rows:
        more_energy, more_covered = align_flat(
            np.concatenate(rows), np.concatenate(ends), np.concatenate(values),
            np.concatenate(steps), grid, len(prms))
        energy += more_energy
        covered += more_covered
    over = np.nonzero((covered > SLOT_S).any(axis=1))[0]
    if over.size:
        raise InputError("two curve points cover the same half-hour", record=prms[over[0]],
                         field="instants")
    return prms, energy, covered


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


def profiled_energy(consumer: ProfiledConsumer, coefficients, grid: Grid) -> np.ndarray:
    """Half-hourly Wh (float64, ``grid.size``) of a profiled consumer (module docstring rule)."""
    if consumer.basis not in BASES:
        raise InputError("basis must be one of %s, not %r" % (", ".join(BASES), consumer.basis),
                         record=consumer.prm, field="basis")
    shape = profile_shape(coefficients, consumer.sub_profile, grid)
    energy_wh = float(consumer.energy_kwh) * 1000.0
    if consumer.basis == "annual":
        days = grid.local_days()
        first = dt.date(1970, 1, 1) + dt.timedelta(days=int(days[0]))
        last = dt.date(1970, 1, 1) + dt.timedelta(days=int(days[-1]) + 1)
        share = coefficients.share(consumer.sub_profile, first, last)
        return _spread(energy_wh * share, shape, consumer.prm)
    out = np.zeros(grid.size, dtype=np.float64)
    months = grid.local_months()
    for month in np.unique(months):
        inside = months == month
        out[inside] = _spread(energy_wh, shape[inside], consumer.prm)
    return out


def portfolio_matrices(consumers: Sequence, producers: Sequence, grid: Grid,
                       profiled: Sequence[ProfiledConsumer] = (),
                       coefficients=None) -> Matrices:
    """Per-PRM half-hourly Wh of consumers (curves, then profiled) and producers."""
    c_prms, c_energy, c_covered = stack_curves(consumers, grid)
    p_prms, p_energy, p_covered = stack_curves(producers, grid)
    incomplete = {}
    for prms, covered in ((c_prms, c_covered), (p_prms, p_covered)):
        short = (covered < SLOT_S).sum(axis=1)
        for row in np.nonzero(short)[0]:
            incomplete[prms[row]] = int(short[row])
    if profiled:
        if coefficients is None:
            raise InputError("profiled consumers need profile coefficients", field="profiles")
        seen = set(c_prms)
        extra = []
        for consumer in profiled:
            if consumer.prm in seen:
                raise InputError("PRM has both a load curve and a profile", record=consumer.prm)
            seen.add(consumer.prm)
            extra.append(profiled_energy(consumer, coefficients, grid))
        c_prms = c_prms + [consumer.prm for consumer in profiled]
        c_energy = np.vstack([c_energy] + [row[None, :] for row in extra])
    return Matrices(grid, c_prms, c_energy, p_prms, p_energy, incomplete)


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
    """The portfolio balance in one pass (all PRMs in one numpy kernel)."""
    return reduce_matrices(portfolio_matrices(consumers, producers, grid, profiled,
                                              coefficients))


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
        for mine, theirs in ((consumer_wh, part.consumer_wh), (producer_wh, part.producer_wh)):
            clash = set(mine) & set(theirs)
            if clash:
                raise InputError("PRM in two partitions", record=sorted(clash)[0])
            mine.update(theirs)
        incomplete.update(part.incomplete)
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
