"""Where a portfolio's curves land: one row per PRM, one column per half-hour of a grid.

The curves' instants are read once and the curves sorted in two kinds:

- on-grid curves (30-minute step, consecutive half-hours aligned on the grid: what R50
  gives), the usual case: the in-grid values ``values_w[skip:skip + hi - lo]`` fill slots
  ``[lo, hi)`` of their PRM's row, one point per slot. A PRM may have several of them
  (several files, several days) when their windows do not overlap;
- every other row (a PRM with a curve of another step or off the grid, or with two
  windows that overlap) is aligned point by point by
  :func:`~enercoop_core.balancing.grid.align_flat`, which measures the seconds covered
  per slot, so that two points covering the same seconds raise an
  :class:`~enercoop_core.errors.InputError`.

Two kernels: :func:`totals` (what the balance needs: per-slot and per-PRM sums in one
pass over the curves, without any ``(PRMs x half-hours)`` matrix; each on-grid curve is
added as it comes into a ``grid.size`` accumulator) and :func:`fill_matrix` of
:func:`place` (the per-PRM matrix of the proof, written in place, one row slice per
curve). Both count per PRM the slots its curves do not fully cover (missing or NaN
points). Energies: W are summed, then times 0.5 h (exact: a power of two); a slot's sum
adds the curves in input order, a curve's own sum is a dot product with ones (both exact
for whole W, as R50 gives, so equal in any order). Memory: the
curves, plus ``grid.size`` floats (totals) or the matrix (fill_matrix); the rows aligned
point by point also take two float64 ``(those rows x half-hours)`` matrices.
"""
from __future__ import annotations

import math
from typing import Dict, List, Sequence, Tuple

import numpy as np

from enercoop_core.balancing.grid import SLOT_S, WH_PER_W_SLOT, Grid, align_flat
from enercoop_core.errors import InputError


class Placement:
    """The result of :func:`place`.

    - ``prms``: PRMs in first-seen order (row ``k`` is ``prms[k]``);
    - ``fast``: ``(row, values_w, lo, hi, skip)`` of each on-grid curve with points in the
      grid, in input order;
    - ``slow``: row -> its curves, for the rows aligned point by point (ascending rows).
    """

    __slots__ = ("grid", "prms", "fast", "slow")

    def __init__(self, grid: Grid, prms: List[str], fast: list, slow: Dict[int, list]):
        self.grid, self.prms, self.fast, self.slow = grid, prms, fast, slow


def _window(inst: np.ndarray, step_minutes, start: int, ends: bytes):
    """``(lo, hi, skip)`` of an on-grid curve (``lo == hi`` when it misses the grid),
    None for any other curve. ``start``: the grid's first instant; ``ends``: the bytes of
    its ``ends`` (int64, 8 B a slot)."""
    if int(step_minutes) * 60 != SLOT_S:
        return None
    offset = int(inst[0]) - start
    if offset % SLOT_S:
        return None
    first = offset // SLOT_S - 1  # slot of the first point
    count, size = inst.size, len(ends) // 8
    if 0 <= first and first + count <= size:
        # inside the grid: its instants are those of the grid (one memcmp of their bytes)
        same = inst.tobytes() == ends[first * 8:(first + count) * 8]
        return (first, first + count, 0) if same else None
    if count > 1 and not bool((np.diff(inst) == SLOT_S).all()):
        return None
    lo, hi = max(first, 0), min(first + count, size)
    return (lo, hi, lo - first) if lo < hi else (0, 0, 0)


def place(curves: Sequence, grid: Grid) -> Placement:
    """Sort ``curves`` (:class:`~enercoop_core.flows.Curve`) on ``grid`` (module docstring)."""
    prms = []  # type: List[str]
    row_of = {}  # type: Dict[str, int]
    fast, slow = [], {}  # type: Tuple[list, Dict[int, list]]
    repeated = set()
    start, ends = grid.start_utc, grid.ends.astype(np.int64).tobytes()
    for curve in curves:
        row = row_of.get(curve.prm)
        if row is None:
            row = row_of[curve.prm] = len(prms)
            prms.append(curve.prm)
        else:
            repeated.add(row)
        inst = np.asarray(curve.instants, dtype=np.int64)
        if not inst.size:
            continue
        window = _window(inst, curve.step_minutes, start, ends)
        if window is None:
            slow.setdefault(row, []).append(curve)
        elif window[0] < window[1]:
            fast.append((row, curve, window[0], window[1], window[2]))
    moved = set(slow) | _overlapping([(row, lo, hi) for row, _curve, lo, hi, _skip in fast],
                                        repeated)
    if moved:  # such a row is aligned point by point, all its curves together
        kept = []
        for item in fast:
            if item[0] in moved:
                slow.setdefault(item[0], []).append(item[1])
            else:
                kept.append(item)
        fast = kept
    fast = [(row, np.asarray(curve.values_w, dtype=np.float64), lo, hi, skip)
            for row, curve, lo, hi, skip in fast]
    return Placement(grid, prms, fast, {row: slow[row] for row in sorted(slow)})


def _overlapping(spans: list, repeated: set) -> set:
    """Rows among ``repeated`` whose on-grid windows ``(row, lo, hi)`` overlap."""
    windows = {}  # type: Dict[int, list]
    for row, lo, hi in spans:
        if row in repeated:
            windows.setdefault(row, []).append((lo, hi))
    overlapping = set()
    for row, pairs in windows.items():
        pairs.sort()
        if any(pairs[k + 1][0] < pairs[k][1] for k in range(len(pairs) - 1)):
            overlapping.add(row)
    return overlapping


def _align_slow(grid: Grid, prms: List[str], slow: Dict[int, list]
                ) -> Tuple[List[int], np.ndarray, List[int]]:
    """The point-by-point rows: (rows, energy_wh (len(rows), T), uncovered slots per row);
    InputError on the first row with two points covering the same seconds."""
    rows = sorted(slow)
    if not rows:
        return rows, np.zeros((0, grid.size)), []
    index, ends, values, steps = [], [], [], []
    for number, row in enumerate(rows):
        for curve in slow[row]:
            inst = np.asarray(curve.instants, dtype=np.int64)
            index.append(np.full(inst.size, number, dtype=np.int64))
            ends.append(inst)
            values.append(np.asarray(curve.values_w, dtype=np.float64))
            steps.append(np.full(inst.size, int(curve.step_minutes) * 60, dtype=np.int64))
    energy, covered = align_flat(np.concatenate(index), np.concatenate(ends),
                                 np.concatenate(values), np.concatenate(steps), grid,
                                 len(rows))
    over = np.nonzero((covered > SLOT_S).any(axis=1))[0]
    if over.size:
        raise InputError("two curve points cover the same half-hour",
                         record=prms[rows[over[0]]], field="instants")
    return rows, energy, (covered < SLOT_S).sum(axis=1).tolist()


def _incomplete(size: int, prms: List[str], valid: List[int], slow_rows, slow_short
                ) -> Dict[str, int]:
    """PRM -> slots not fully covered, for the PRMs with any (``valid``: on-grid points
    with a value per row)."""
    short = [size - count for count in valid]
    for row, count in zip(slow_rows, slow_short):
        short[row] = count
    return {prms[row]: count for row, count in enumerate(short) if count}


#: Longest curve part summed with a dot product (BLAS ddot: a cheaper call than a numpy
#: reduction, and single-threaded at this length, so its sums do not depend on threads).
DOT_MAX = 4096


def _add(total_w: np.ndarray, lo: int, hi: int, part: np.ndarray, ones: np.ndarray
         ) -> Tuple[float, int]:
    """Add an on-grid curve's in-grid W into ``total_w[lo:hi]``: (their sum, points with
    a value). NaN points carry no energy and leave their slot open. ``ones``: float64
    ones of ``total_w``'s size."""
    count = hi - lo
    if count <= DOT_MAX:
        watts = float(part.dot(ones if count == ones.size else ones[:count]))
    else:
        watts = float(np.add.reduce(part))
    if not math.isfinite(watts):
        missing = np.isnan(part)
        part = np.where(missing, 0.0, part)
        watts = float(np.add.reduce(part))
        count -= int(np.count_nonzero(missing))
    if hi - lo == total_w.size:
        total_w += part
    else:
        view = total_w[lo:hi]
        view += part
    return watts, count


def _finish(grid: Grid, prms: List[str], total_w: np.ndarray, row_w: List[float],
            valid: List[int], slow: Dict[int, list]):
    """W sums to Wh, plus the point-by-point rows (see :func:`totals`)."""
    total_wh = total_w * WH_PER_W_SLOT
    row_wh = [watts * WH_PER_W_SLOT for watts in row_w]
    slow_rows, energy, slow_short = _align_slow(grid, prms, slow)
    for row, line in zip(slow_rows, energy):
        total_wh += line
        row_wh[row] = float(np.add.reduce(line))
    return prms, total_wh, row_wh, _incomplete(grid.size, prms, valid, slow_rows, slow_short)


def totals(curves: Sequence, grid: Grid
           ) -> Tuple[List[str], np.ndarray, List[float], Dict[str, int]]:
    """(PRMs in first-seen order, Wh per slot (float64, ``grid.size``), Wh per PRM,
    incomplete PRMs): the curves' sums without any ``(PRMs x half-hours)`` matrix.

    One pass: each on-grid curve is added as it comes, in input order. A PRM whose
    on-grid windows overlap or which also has another kind of curve (rare: usually an
    error) is only known at the end; then the sums are made again from :func:`place`,
    in the same order, with that PRM aligned point by point."""
    curves = curves if isinstance(curves, (list, tuple)) else list(curves)
    start, ends = grid.start_utc, grid.ends.astype(np.int64).tobytes()
    total_w, ones = np.zeros(grid.size, dtype=np.float64), np.ones(grid.size)
    prms, row_w, valid = [], [], []  # type: Tuple[List[str], List[float], List[int]]
    row_of = {}  # type: Dict[str, int]
    spans, slow, repeated = [], {}, set()  # type: Tuple[list, Dict[int, list], set]
    for curve in curves:
        row = row_of.get(curve.prm)
        if row is None:
            row = row_of[curve.prm] = len(prms)
            prms.append(curve.prm)
            row_w.append(0.0)
            valid.append(0)
        else:
            repeated.add(row)
        inst = np.asarray(curve.instants, dtype=np.int64)
        if not inst.size:
            continue
        window = _window(inst, curve.step_minutes, start, ends)
        if window is None:
            slow.setdefault(row, []).append(curve)
            continue
        lo, hi, skip = window
        if lo < hi:
            spans.append((row, lo, hi))
            part = np.asarray(curve.values_w, dtype=np.float64)
            if skip or part.size != hi - lo:
                part = part[skip:skip + hi - lo]
            watts, count = _add(total_w, lo, hi, part, ones)
            row_w[row] += watts
            valid[row] += count
    if repeated and (_overlapping(spans, repeated) or any(row in slow for row, _, _ in spans)):
        return _placed_totals(place(curves, grid))
    return _finish(grid, prms, total_w, row_w, valid, slow)


def _placed_totals(placement: Placement):
    """:func:`totals` of a :class:`Placement`."""
    grid = placement.grid
    total_w = np.zeros(grid.size, dtype=np.float64)
    row_w = [0.0] * len(placement.prms)
    valid = [0] * len(placement.prms)
    ones = np.ones(grid.size)
    for row, values, lo, hi, skip in placement.fast:
        watts, count = _add(total_w, lo, hi, values[skip:skip + hi - lo], ones)
        row_w[row] += watts
        valid[row] += count
    return _finish(grid, placement.prms, total_w, row_w, valid, placement.slow)


def fill_matrix(placement: Placement, extra_rows: int = 0
                ) -> Tuple[np.ndarray, Dict[str, int]]:
    """(energy_wh float64 ``(len(prms) + extra_rows, grid.size)``, incomplete PRMs); the
    ``extra_rows`` at the bottom are left at zero for the caller to fill."""
    grid = placement.grid
    energy = np.zeros((len(placement.prms) + extra_rows, grid.size), dtype=np.float64)
    valid = [0] * len(placement.prms)
    for row, values, lo, hi, skip in placement.fast:
        segment = energy[row, lo:hi]  # zero: windows of a row never overlap
        np.multiply(values[skip:skip + hi - lo], WH_PER_W_SLOT, out=segment)
        count = hi - lo
        if not math.isfinite(float(np.add.reduce(segment))):
            missing = np.isnan(segment)
            segment[missing] = 0.0
            count -= int(np.count_nonzero(missing))
        valid[row] += count
    slow_rows, slow_energy, slow_short = _align_slow(grid, placement.prms, placement.slow)
    if slow_rows:
        energy[slow_rows] = slow_energy
    return energy, _incomplete(grid.size, placement.prms, valid, slow_rows, slow_short)
