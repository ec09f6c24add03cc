"""The half-hourly UTC time grid of a balancing period, and curves aligned onto it.

A period is a run of Europe/Paris civil days ``[start, end)``; its grid is every half-hour
from the local midnight opening ``start`` to the one opening ``end``, stored in UTC seconds.
A civil day has 48 half-hours, 46 on the spring change and 50 on the autumn change.

Conventions (those of the R50 flow, :class:`enercoop_core.flows.Curve`): an instant ENDS
its interval; slot ``k`` of a grid covers ``[start_utc + 1800 k, start_utc + 1800 (k+1))``
and is labelled by ``ends[k]``. Energies are Wh in float64 inside the kernels.

Aligning a curve (mean powers in W over intervals of any step: 5, 10, 15, 30, 60 minutes)
conserves energy: each interval's energy ``W x step_hours`` is shared between the slots it
overlaps in proportion to the overlap; a point with no value (NaN) adds nothing and leaves
its seconds uncovered (``covered_s``), so a slot is complete when ``covered_s == 1800``.
The parts of intervals outside the grid are left out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Tuple

import numpy as np

from enercoop_core.billing.profiles import local_midnight_utc
from enercoop_core.errors import InputError
from enercoop_core.period import month
from enercoop_core.tariffs.calendar import PARIS, paris_offset_seconds

SLOT_S = 1800
#: Wh in one slot per W of mean power.
WH_PER_W_SLOT = SLOT_S / 3600.0


@dataclass(frozen=True)
class Grid:
    """Half-hour slots between two UTC instants (``end_utc - start_utc`` a multiple of 1800)."""

    start_utc: int
    end_utc: int

    def __post_init__(self):
        if self.end_utc <= self.start_utc or (self.end_utc - self.start_utc) % SLOT_S:
            raise InputError("a grid spans a positive whole number of half-hours",
                             field="period")

    @property
    def size(self) -> int:
        return (self.end_utc - self.start_utc) // SLOT_S

    @property
    def starts(self) -> np.ndarray:
        """UTC seconds (int64) opening each slot."""
        return np.arange(self.start_utc, self.end_utc, SLOT_S, dtype=np.int64)

    @property
    def ends(self) -> np.ndarray:
        """UTC seconds (int64) ending each slot: the R50 label of the slot."""
        return self.starts + SLOT_S

    def local_starts(self) -> np.ndarray:
        """Paris wall-clock seconds (int64, "local epoch") opening each slot."""
        starts = self.starts
        return starts + paris_offset_seconds(starts)

    def local_months(self) -> np.ndarray:
        """Local month of each slot's start as ``year * 12 + month - 1`` (int64)."""
        days = (self.local_starts() // 86400).astype("datetime64[D]")
        return days.astype("datetime64[M]").astype(np.int64) + 1970 * 12

    def local_days(self) -> np.ndarray:
        """Local civil day of each slot's start as days since 1970-01-01 (int64)."""
        return self.local_starts() // 86400

    def slot_of(self, ends_utc) -> np.ndarray:
        """Slot index of each interval END instant (int64; out-of-grid gives -1)."""
        ends_utc = np.asarray(ends_utc, dtype=np.int64)
        slot = (ends_utc - self.start_utc - 1) // SLOT_S
        return np.where((slot >= 0) & (slot < self.size), slot, -1)


def day_grid(start: dt.date, end: dt.date) -> Grid:
    """Grid of the Paris civil days ``[start, end)``."""
    if end <= start:
        raise InputError("period end %s is not after its start %s" % (end, start),
                         field="period")
    return Grid(local_midnight_utc(start), local_midnight_utc(end))


def month_bounds(text: str) -> Tuple[dt.date, dt.date]:
    """``"2025-03"`` -> (2025-03-01, 2025-04-01) (see :func:`enercoop_core.period.month`)."""
    return month(text.strip(), field="period")


def month_grid(text: str) -> Grid:
    """Grid of a calendar month ``"YYYY-MM"`` in Paris civil time (1344..1490 slots)."""
    return day_grid(*month_bounds(text))


def local_label(utc_seconds: int) -> str:
    """ISO 8601 Paris time with offset of a UTC instant (``2025-03-30T03:00:00+02:00``)."""
    return dt.datetime.fromtimestamp(int(utc_seconds), PARIS).isoformat()


def month_label(month_code: int) -> str:
    """``year * 12 + month - 1`` -> ``"YYYY-MM"``."""
    return "%04d-%02d" % (month_code // 12, month_code % 12 + 1)


def align_flat(rows, ends_utc, values_w, step_s, grid: Grid, n_rows: int
               ) -> Tuple[np.ndarray, np.ndarray]:
    """Energy-conserving alignment of many curves' points at once (the numpy kernel).

    ``rows`` (int64, the curve of each point, ``0 <= row < n_rows``), ``ends_utc`` (int64,
    instants ending each interval), ``values_w`` (float64 mean power, NaN = no value) and
    ``step_s`` (int64 or one int, interval length in seconds) are flat arrays of points.
    Returns ``(energy_wh, covered_s)``, both float64 of shape ``(n_rows, grid.size)``.
    """
    rows = np.asarray(rows, dtype=np.int64)
    ends = np.asarray(ends_utc, dtype=np.int64)
    values = np.asarray(values_w, dtype=np.float64)
    steps = np.broadcast_to(np.asarray(step_s, dtype=np.int64), ends.shape)
    size = grid.size
    energy = np.zeros(n_rows * size, dtype=np.float64)
    covered = np.zeros(n_rows * size, dtype=np.float64)
    if not ends.size:
        return energy.reshape(n_rows, size), covered.reshape(n_rows, size)
    if np.any(steps <= 0):
        raise InputError("curve step must be positive", field="step_minutes")
    valid = ~np.isnan(values)
    point_wh = np.where(valid, values, 0.0) * (steps / 3600.0)
    starts = ends - steps
    offset = starts - grid.start_utc
    first = offset // SLOT_S
    aligned = np.all((steps <= SLOT_S) & (SLOT_S % steps == 0) & (offset % steps == 0))
    if aligned:  # the usual case (10, 15, 30 min): each interval lies inside one slot
        inside = (first >= 0) & (first < size)
        index = rows[inside] * size + first[inside]
        energy += np.bincount(index, weights=point_wh[inside], minlength=n_rows * size)
        covered += np.bincount(index, weights=np.where(valid, steps, 0)[inside],
                               minlength=n_rows * size)
    else:  # any other step: share each interval between the slots it overlaps
        spans = int((steps.max() + SLOT_S - 1) // SLOT_S) + 1
        for j in range(spans):
            slot = first + j
            slot_start = grid.start_utc + slot * SLOT_S
            overlap = (np.minimum(ends, slot_start + SLOT_S) - np.maximum(starts, slot_start))
            take = (overlap > 0) & (slot >= 0) & (slot < size)
            index = rows[take] * size + slot[take]
            fraction = overlap[take] / steps[take]
            energy += np.bincount(index, weights=point_wh[take] * fraction,
                                  minlength=n_rows * size)
            covered += np.bincount(index, weights=np.where(valid[take], overlap[take], 0),
                                   minlength=n_rows * size)
    return energy.reshape(n_rows, size), covered.reshape(n_rows, size)


def align(ends_utc, values_w, step_minutes: int, grid: Grid) -> Tuple[np.ndarray, np.ndarray]:
    """One curve onto ``grid``: ``(energy_wh, covered_s)`` float64 arrays of ``grid.size``."""
    ends = np.asarray(ends_utc, dtype=np.int64)
    energy, covered = align_flat(np.zeros(ends.shape, dtype=np.int64), ends, values_w,
                                 int(step_minutes) * 60, grid, 1)
    return energy[0], covered[0]


def align_curve(curve, grid: Grid) -> Tuple[np.ndarray, np.ndarray]:
    """A :class:`~enercoop_core.flows.Curve` onto ``grid`` (see :func:`align`)."""
    return align(curve.instants, curve.values_w, curve.step_minutes, grid)
