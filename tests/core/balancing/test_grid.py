from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enercoop_core.balancing.grid import (
    Grid,
    align,
    align_curve,
    align_flat,
    day_grid,
    local_label,
    month_bounds,
    month_grid,
    month_label,
)
from enercoop_core.errors import InputError

from .builders import curve


def one_day(day):
    return day_grid(day, day + dt.timedelta(days=1))


def test_dst_days_have_46_and_50_half_hours():
    assert one_day(dt.date(2025, 3, 30)).size == 46
    assert one_day(dt.date(2025, 10, 26)).size == 50
    assert one_day(dt.date(2025, 6, 1)).size == 48
    assert one_day(dt.date(2024, 3, 31)).size == 46
    assert one_day(dt.date(2024, 10, 27)).size == 50


def test_month_grids_count_the_clock_changes():
    assert month_grid("2025-03").size == 31 * 48 - 2
    assert month_grid("2025-10").size == 31 * 48 + 2
    assert month_grid("2025-02").size == 28 * 48
    assert month_bounds("2025-12") == (dt.date(2025, 12, 1), dt.date(2026, 1, 1))
    with pytest.raises(InputError):
        month_grid("2025-13")


def test_grid_starts_at_paris_midnight_and_labels_slot_ends():
    grid = one_day(dt.date(2025, 3, 30))
    # 2025-03-30 00:00+01:00 == 2025-03-29 23:00 UTC
    assert grid.start_utc == int(dt.datetime(2025, 3, 29, 23, tzinfo=dt.timezone.utc).timestamp())
    assert local_label(grid.ends[0]) == "2025-03-30T00:30:00+01:00"
    assert local_label(grid.ends[3]) == "2025-03-30T03:00:00+02:00"  # 02:00-03:00 skipped
    assert local_label(grid.ends[-1]) == "2025-03-31T00:00:00+02:00"
    autumn = one_day(dt.date(2025, 10, 26))
    labels = [local_label(t) for t in autumn.ends[4:8]]
    assert labels == ["2025-10-26T02:30:00+02:00", "2025-10-26T02:00:00+01:00",
                      "2025-10-26T02:30:00+01:00", "2025-10-26T03:00:00+01:00"]


def test_local_months_and_slot_of():
    grid = day_grid(dt.date(2025, 3, 31), dt.date(2025, 4, 2))
    months = grid.local_months()
    assert [month_label(m) for m in (months[0], months[47], months[48], months[-1])] == [
        "2025-03", "2025-03", "2025-04", "2025-04"]
    ends = np.array([grid.start_utc, grid.start_utc + 1800, grid.start_utc + 1801,
                     grid.end_utc, grid.end_utc + 1800])
    assert grid.slot_of(ends).tolist() == [-1, 0, 1, grid.size - 1, -1]


def test_bad_grids_are_refused():
    with pytest.raises(InputError):
        Grid(0, 1000)
    with pytest.raises(InputError):
        day_grid(dt.date(2025, 1, 2), dt.date(2025, 1, 1))


def test_ten_minute_curve_sums_three_points_per_half_hour():
    grid = one_day(dt.date(2025, 6, 1))
    ends = grid.start_utc + 600 * np.arange(1, 145)
    values = np.arange(1, 145, dtype=float) * 60.0  # W
    energy, covered = align(ends, values, 10, grid)
    # slot 0 = points 1..3: (60 + 120 + 180) W x 1/6 h = 60 Wh
    assert energy[0] == pytest.approx(60.0)
    # slot 47 = points 142..144: (142+143+144) x 60 / 6 = 4290 Wh
    assert energy[47] == pytest.approx(4290.0)
    assert energy.sum() == pytest.approx(values.sum() / 6.0)
    assert covered.tolist() == [1800.0] * 48


def test_hour_steps_straddling_half_hours_are_shared_by_overlap():
    grid = one_day(dt.date(2025, 6, 1))
    # one 60-minute interval 00:15-01:15 at 1200 W = 1200 Wh: 15/60 in slot 0, 30/60 in
    # slot 1, 15/60 in slot 2
    energy, covered = align([grid.start_utc + 4500], [1200.0], 60, grid)
    assert energy[:4].tolist() == pytest.approx([300.0, 600.0, 300.0, 0.0])
    assert covered[:4].tolist() == [900.0, 1800.0, 900.0, 0.0]


def test_missing_values_and_out_of_grid_points_add_nothing():
    grid = one_day(dt.date(2025, 6, 1))
    c = curve("1", [grid.start_utc + 1800, grid.start_utc + 3600, grid.end_utc + 1800],
              [1000.0, np.nan, 5000.0])
    energy, covered = align_curve(c, grid)
    assert energy.sum() == 500.0
    assert covered[:2].tolist() == [1800.0, 0.0]


def test_align_flat_keeps_rows_apart():
    grid = one_day(dt.date(2025, 6, 1))
    energy, _ = align_flat([0, 1, 1], [grid.start_utc + 1800] * 3, [100.0, 200.0, 400.0],
                           [1800, 600, 1800], grid, 2)
    assert energy[:, 0].tolist() == pytest.approx([50.0, 200.0 / 6 + 200.0])


@settings(max_examples=60, deadline=None)
@given(step=st.sampled_from([5, 10, 15, 20, 30, 45, 60, 90]),
       shift=st.integers(min_value=0, max_value=59),
       values=st.lists(st.integers(min_value=0, max_value=20000), min_size=1, max_size=40))
def test_alignment_conserves_energy(step, shift, values):
    grid = day_grid(dt.date(2025, 3, 29), dt.date(2025, 3, 31))  # across the spring change
    step_s = step * 60
    first_end = grid.start_utc + shift * 60 + step_s
    values = values[:(grid.end_utc - first_end) // step_s + 1]  # inside the grid's 47 h
    ends = first_end + step_s * np.arange(len(values))
    energy, covered = align(ends, np.array(values, dtype=float), step, grid)
    expected = sum(values) * step / 60.0
    assert energy.sum() == pytest.approx(expected, rel=1e-12, abs=1e-9)
    assert covered.sum() == pytest.approx(step_s * len(values))
    assert (covered <= 1800 + 1e-9).all()
