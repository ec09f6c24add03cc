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
added as it comes into a ``grid.size`` accumulator, the curves that cover the whole grid
by batches of :data:`BATCH`) and :func:`fill_matrix` of :func:`place` (the per-PRM
matrix of the proof, written in place, one row slice per curve). Both count per PRM the
slots its curves do not fully cover (missing or NaN points). Energies: W are summed,
then times 0.5 h (exact: a power of two); the order of the additions depends only on
the input order, and every sum is exact for whole W (as R50 gives), so equal in any
order. Memory: the curves, plus ``grid.size`` floats and one batch buffer (totals) or
the matrix (fill_matrix); the rows aligned point by point also take two float64
``(those rows x half-hours)`` matrices.
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

#: Whole-grid curves summed together: once their instants are checked (one comparison
#: of their bytes with the grid's), their W are copied into one ``(BATCH, grid.size)``
#: buffer (380 kB for a month: it stays in the CPU cache) and summed per curve and per
#: slot in two numpy calls for the whole batch: fewer calls a curve than adding each
#: one (about 25 % faster), and long stretches without the GIL for Dask's threads.
BATCH = 32

#: The grid's step (minutes), as a curve's ``step_minutes``.
STEP_MINUTES = SLOT_S // 60


class _Sums:
    """The state of one :func:`totals` pass: W per slot; per row (PRM) its W, its points
    with a value, its on-grid windows (``spans``: ``(row, lo, hi)``); the rows aligned
    point by point (``slow``); the batch of whole-grid curves not yet summed (``batch``,
    their ``rows``: the caller appends to both, then calls :meth:`flush` at
    :data:`BATCH` curves)."""

    def __init__(self, grid: Grid):
        self.grid = grid
        self.ends_bytes = grid.ends.astype(np.int64).tobytes()
        self.size, self.shape = grid.size, (grid.size,)
        self.total_w = np.zeros(grid.size, dtype=np.float64)
        self.ones = np.ones(grid.size)
        self.row_w = []  # type: List[float]
        self.valid = []  # type: List[int]
        self.spans, self.slow = [], {}  # type: Tuple[list, Dict[int, list]]
        self.batch, self.rows = [], []  # type: Tuple[list, List[int]]
        self._watts = None  # the batch buffer, made on the first flush

    def add(self, row: int, lo: int, hi: int, part: np.ndarray) -> None:
        """A curve's in-grid W ``part`` that fill slots ``[lo, hi)``."""
        watts, count = _add(self.total_w, lo, hi, part, self.ones)
        self.row_w[row] += watts
        self.valid[row] += count

    def other(self, curve, row: int) -> None:
        """A curve that is not a whole-grid one: added now if it is on the grid (its
        window), else kept in ``slow``."""
        inst = np.asarray(curve.instants, dtype=np.int64)
        if not inst.size:
            return
        window = _window(inst, curve.step_minutes, self.grid.start_utc, self.ends_bytes)
        if window is None:
            self.slow.setdefault(row, []).append(curve)
            return
        lo, hi, skip = window
        if lo < hi:
            self.spans.append((row, lo, hi))
            part = np.asarray(curve.values_w, dtype=np.float64)
            if skip or part.size != hi - lo:
                part = part[skip:skip + hi - lo]
            self.add(row, lo, hi, part)

    def flush(self) -> None:
        """Sum the batch (float64 W of curves whose instants are the grid's), then
        empty it in place. NaN points carry no energy and leave their slot open."""
        batch, rows, size = self.batch, self.rows, self.total_w.size
        count = len(batch)
        if not count:
            return
        if self._watts is None:
            self._watts = np.empty(BATCH * size, dtype=np.float64)
        flat = self._watts[:count * size]
        np.concatenate(batch, out=flat)  # one C loop over the batch (np.stack: Python)
        block = flat.reshape(count, size)
        # numpy's reductions, not BLAS: BLAS may split a sum between threads, and its
        # floats would then depend on the thread count (1 in a Dask worker process)
        watts = np.add.reduce(block, axis=1)
        counts = [size] * count
        if not math.isfinite(float(np.add.reduce(watts))):
            for k in np.nonzero(~np.isfinite(watts))[0].tolist():
                line = block[k]
                missing = np.isnan(line)
                line[missing] = 0.0
                watts[k] = np.add.reduce(line)
                counts[k] -= int(np.count_nonzero(missing))
        self.total_w += np.add.reduce(block, axis=0)
        row_w, valid = self.row_w, self.valid
        for row, wh, points in zip(rows, watts.tolist(), counts):
            row_w[row] += wh
            valid[row] += points
        self.spans.extend([(row, 0, size) for row in rows])
        del batch[:], rows[:]


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


def _finish(grid: Grid, prms: List[str], sums: _Sums, slow: Dict[int, list]):
    """W sums to Wh, plus the point-by-point rows (see :func:`totals`)."""
    total_wh = sums.total_w * WH_PER_W_SLOT
    row_wh = [watts * WH_PER_W_SLOT for watts in sums.row_w]
    slow_rows, energy, slow_short = _align_slow(grid, prms, slow)
    for row, line in zip(slow_rows, energy):
        total_wh += line
        row_wh[row] = float(np.add.reduce(line))
    return prms, total_wh, row_wh, _incomplete(grid.size, prms, sums.valid, slow_rows,
                                               slow_short)


class Totals:
    """:func:`totals` fed one item at a time (a curve, or a block of the spool): ``add``
    each, then :meth:`result`. The same additions in the same order as :func:`totals` of
    the same items, so the same floats. Memory: the PRMs and their sums, one batch of
    :data:`BATCH` W rows (references), and the curves that are not on the grid (kept
    until the end).

    :meth:`result` is None when a PRM's curves overlap or mix on-grid and other curves
    (rare: usually an error); the sums must then be made again from the curves
    themselves (:func:`totals` does it from its list)."""

    def __init__(self, grid: Grid):
        self.grid = grid
        self.sums = _Sums(grid)
        self.prms = []  # type: List[str]
        self._row_of = {}  # type: Dict[str, int]
        self._repeated = set()
        self.blocks = False  # any item was a block

    def _row(self, prm: str) -> int:
        row = self._row_of.get(prm)
        if row is None:
            row = self._row_of[prm] = len(self.prms)
            self.prms.append(prm)
            self.sums.row_w.append(0.0)
            self.sums.valid.append(0)
        else:
            self._repeated.add(row)
        return row

    def add(self, item) -> None:
        sums = self.sums
        grid_rows = getattr(item, "grid_rows", None)
        if grid_rows is None:
            _add_curve(sums, item, self._row(item.prm))
            return
        self.blocks = True
        pairs = grid_rows(sums.ends_bytes)
        if pairs is None:  # a block of other curves: one by one
            for curve in item.curves():
                _add_curve(sums, curve, self._row(curve.prm))
            return
        add_whole = self.add_whole
        for prm, values in pairs:
            add_whole(prm, values)

    def add_whole(self, prm: str, values: np.ndarray) -> None:
        """A curve whose instants are known to be the grid's (30-minute step; W float64,
        or as a spool block wrote them: the batch copies them into float64): :meth:`add`
        without checking them again."""
        sums = self.sums
        sums.batch.append(values)
        sums.rows.append(self._row(prm))
        if len(sums.batch) == BATCH:
            sums.flush()

    def result(self):
        """:func:`totals`' tuple, or None (class docstring)."""
        sums = self.sums
        sums.flush()
        spans, slow, repeated = sums.spans, sums.slow, self._repeated
        if repeated and (_overlapping(spans, repeated)
                         or any(row in slow for row, _, _ in spans)):
            return None
        return _finish(self.grid, self.prms, sums, slow)


def totals(curves: Sequence, grid: Grid
           ) -> Tuple[List[str], np.ndarray, List[float], Dict[str, int]]:
    """(PRMs in first-seen order, Wh per slot (float64, ``grid.size``), Wh per PRM,
    incomplete PRMs): the curves' sums without any ``(PRMs x half-hours)`` matrix.

    One pass (:class:`Totals`): each on-grid curve is added as it comes (those covering
    the whole grid by batches of :data:`BATCH`). A PRM whose on-grid windows overlap or
    which also has another kind of curve (rare: usually an error) is only known at the
    end; then the sums are made again from :func:`place`, with that PRM aligned point by
    point.

    An item may also be a block of curves (the spool's batch records): an object with
    ``grid_rows(ends_bytes)`` giving its ``(prm, W row)`` pairs when they all cover the
    whole grid (else None), and ``curves()``: its rows are added as its curves would be,
    in the same order, without a Curve object each."""
    curves = curves if isinstance(curves, (list, tuple)) else list(curves)
    stream = Totals(grid)
    add = stream.add
    for item in curves:
        add(item)
    out = stream.result()
    if out is not None:
        return out
    if stream.blocks:
        curves = [curve for item in curves for curve in (
            item.curves() if getattr(item, "grid_rows", None) is not None else (item,))]
    return _placed_totals(place(curves, grid))


_NDARRAY, _FLOAT64 = np.ndarray, np.dtype(np.float64)


def _add_curve(sums: _Sums, curve, row: int) -> None:
    """One curve into ``sums`` as :func:`totals` adds it: a whole-grid one (the usual R50
    month: its instants those of the grid) into the batch, else by its window or slow."""
    inst, values = curve.instants, curve.values_w
    if (type(inst) is _NDARRAY and type(values) is _NDARRAY and inst.size == sums.size
            and values.shape == sums.shape and values.dtype == _FLOAT64
            and curve.step_minutes == STEP_MINUTES and inst.tobytes() == sums.ends_bytes):
        sums.batch.append(values)
        sums.rows.append(row)
        if len(sums.batch) == BATCH:
            sums.flush()
    else:
        sums.other(curve, row)


def _placed_totals(placement: Placement):
    """:func:`totals` of a :class:`Placement`."""
    sums = _Sums(placement.grid)
    sums.row_w.extend([0.0] * len(placement.prms))
    sums.valid.extend([0] * len(placement.prms))
    for row, values, lo, hi, skip in placement.fast:
        sums.add(row, lo, hi, values[skip:skip + hi - lo])
    return _finish(placement.grid, placement.prms, sums, placement.slow)


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
