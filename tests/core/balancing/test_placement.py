"""The two kernels over placed curves (totals without a matrix, the matrix written in
place) against a reference built curve by curve with grid.align_curve."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enercoop_core.balancing import placement
from enercoop_core.balancing.grid import SLOT_S, align_curve, day_grid
from enercoop_core.balancing.placement import place, totals
from enercoop_core.balancing.portfolio import balance, portfolio_matrices, reduce_matrices
from enercoop_core.errors import InputError

from .builders import curve

GRID = day_grid(dt.date(2025, 3, 29), dt.date(2025, 3, 31))  # 48 + 46 half-hours


def reference(curves, grid):
    """PRM -> (Wh row, covered seconds row), one align_curve per curve; InputError on
    two points covering the same seconds."""
    rows = {}
    for item in curves:
        energy, covered = align_curve(item, grid)
        if item.prm in rows:
            energy, covered = energy + rows[item.prm][0], covered + rows[item.prm][1]
        rows[item.prm] = (energy, covered)
    for prm, (_energy, covered) in rows.items():
        if (covered > SLOT_S).any():
            raise InputError("overlap", record=prm)
    return rows


def check_against_reference(curves, grid=GRID):
    rows = reference(curves, grid)
    result = balance(curves, [], grid)
    matrices = portfolio_matrices(curves, [], grid)
    assert matrices.consumer_prms == list(rows)
    for number, (prm, (energy, _covered)) in enumerate(rows.items()):
        assert matrices.consumption[number].tolist() == energy.tolist(), prm
    expected = {prm: int((covered < SLOT_S).sum()) for prm, (_e, covered) in rows.items()}
    expected = {prm: count for prm, count in expected.items() if count}
    assert result.incomplete == matrices.incomplete == expected
    assert result.consumption_wh.tolist() == sum(e for e, _c in rows.values()).tolist()
    assert result.consumer_wh == {prm: float(e.sum()) for prm, (e, _c) in rows.items()}
    from_matrices = reduce_matrices(matrices)
    assert result.consumption_wh.tolist() == from_matrices.consumption_wh.tolist()
    assert result.consumer_wh == from_matrices.consumer_wh


def slots(first, count):
    """End instants of ``count`` half-hours from slot ``first`` of GRID (may stick out)."""
    return GRID.start_utc + SLOT_S * np.arange(first + 1, first + count + 1)


def test_on_grid_curves_take_the_fast_path_others_are_aligned_point_by_point():
    whole = curve("A", GRID.ends, np.arange(GRID.size) * 10.0)
    early = curve("B", slots(-10, 30), np.full(30, 100.0))   # starts before the grid
    late = curve("C", slots(80, 30), np.full(30, 200.0))     # ends after it
    ten = curve("D", GRID.start_utc + 600 * np.arange(1, 31), np.full(30, 60.0), step=10)
    gap = curve("E", np.r_[slots(0, 3), slots(5, 3)], np.full(6, 10.0))  # not consecutive
    placement = place([whole, early, late, ten, gap], GRID)
    assert [(row, lo, hi, skip) for row, _v, lo, hi, skip in placement.fast] == [
        (0, 0, GRID.size, 0), (1, 0, 20, 10), (2, 80, GRID.size, 0)]
    assert sorted(placement.slow) == [3, 4]
    check_against_reference([whole, early, late, ten, gap])


def test_a_prm_in_several_files_adds_up_and_nan_points_stay_open():
    values = np.full(GRID.size, 1000.0)
    values[[5, 50]] = np.nan
    days = [curve("A", GRID.ends[:48], values[:48]), curve("A", GRID.ends[48:], values[48:])]
    other = [curve("B", GRID.ends[10:20], np.full(10, 3.0))]
    check_against_reference(days + other)
    assert balance(days + other, [], GRID).incomplete == {"A": 2, "B": GRID.size - 10}


def test_mixed_kinds_or_overlapping_windows_fall_back_to_point_by_point():
    # the same PRM as a 30-minute curve and a 10-minute one, on different slots
    mixed = [curve("A", GRID.ends[:10], np.full(10, 100.0)),
             curve("A", GRID.start_utc + 600 * np.arange(31, 61), np.full(30, 60.0), step=10)]
    check_against_reference(mixed + [curve("B", GRID.ends, np.full(GRID.size, 7.0))])
    # two windows overlapping where one of them has no value: allowed (NaN covers nothing)
    holes = np.full(10, 500.0)
    holes[5:] = np.nan
    nan_overlap = [curve("C", GRID.ends[:10], holes), curve("C", GRID.ends[5:15], np.ones(10))]
    check_against_reference(nan_overlap + [curve("D", GRID.ends, np.full(GRID.size, 2.0))])


def test_overlapping_values_are_refused_on_every_path():
    twice = [curve("Z", GRID.ends[:10], np.ones(10)), curve("Z", GRID.ends[9:12], np.ones(3))]
    for function in (balance, portfolio_matrices):
        with pytest.raises(InputError) as error:
            function(twice, [], GRID)
        assert error.value.record == "Z"


def test_totals_take_any_iterable_and_empty_curves():
    items = [curve("A", GRID.ends, np.ones(GRID.size)), curve("B", [], [])]
    prms, per_slot, per_prm, incomplete = totals(iter(items), GRID)
    assert prms == ["A", "B"] and per_prm == [GRID.size * 0.5, 0.0]
    assert per_slot.tolist() == [0.5] * GRID.size
    assert incomplete == {"B": GRID.size}


def test_whole_grid_curves_are_summed_by_batches_like_the_others():
    """More whole-grid curves than a batch, with NaN, a PRM in two whole-grid curves
    (refused), instants of another dtype or a list (the general path), and a fraction."""
    rng = np.random.RandomState(11)
    items = []
    for number in range(2 * placement.BATCH + 5):
        values = rng.randint(0, 7000, GRID.size).astype(float)
        if number % 7 == 3:
            values[rng.randint(0, GRID.size, 3)] = np.nan
        items.append(curve("W%03d" % number, GRID.ends, values))
    items[4] = replace(items[4], instants=GRID.ends.astype(np.int32))
    items[9] = replace(items[9], instants=GRID.ends.tolist(), values_w=[2.0] * GRID.size)
    items[12] = replace(items[12], values_w=items[12].values_w.astype(np.float32))
    items.append(curve("W010", GRID.ends[:0], []))  # a second, empty curve of a PRM
    check_against_reference(items)
    result = balance(items, [], GRID)
    assert result.incomplete == {item.prm: int(np.isnan(item.values_w).sum())
                                 for item in items if np.isnan(item.values_w).any()}
    nan_everywhere = curve("N", GRID.ends, np.full(GRID.size, np.nan))
    assert balance([nan_everywhere], [], GRID).consumer_wh == {"N": 0.0}
    with pytest.raises(InputError) as error:
        balance(items + [curve("W007", GRID.ends, np.ones(GRID.size))], [], GRID)
    assert error.value.record == "W007"
    with pytest.raises(InputError):  # whole grid + part of it
        balance(items + [curve("W008", GRID.ends[3:5], np.ones(2))], [], GRID)


@st.composite
def portfolios(draw):
    """Up to 6 PRMs, each with 1 to 3 curves of any step, start and length; whole W
    multiples of 12 so that every Wh is exact whatever the order of the additions."""
    items = []
    for number in range(draw(st.integers(1, 6))):
        for _ in range(draw(st.integers(1, 3))):
            step = draw(st.sampled_from([30, 30, 30, 10, 15, 60]))
            count = draw(st.integers(0, 40))
            first = draw(st.integers(-5 * 1800 // 600, GRID.size * 3))  # in 10-minute units
            ends = GRID.start_utc + 600 * first + step * 60 * np.arange(1, count + 1)
            values = 12.0 * np.array(draw(st.lists(st.integers(0, 500), min_size=count,
                                                   max_size=count)), dtype=float)
            if count and draw(st.booleans()):
                values[draw(st.integers(0, count - 1))] = np.nan
            items.append(curve("P%d" % number, ends, values, step=step))
    return items


@settings(max_examples=150, deadline=None)
@given(portfolios())
def test_kernels_equal_the_curve_by_curve_reference(items):
    try:
        reference(items, GRID)
    except InputError as error:
        for function in (balance, portfolio_matrices):
            with pytest.raises(InputError) as ours:
                function(items, [], GRID)
            assert ours.value.record == error.record
        return
    check_against_reference(items)
