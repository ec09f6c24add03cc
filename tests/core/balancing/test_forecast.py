from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from enercoop_core.balancing.forecast import mae, persistence, same_weekday_average
from enercoop_core.balancing.grid import day_grid
from enercoop_core.tariffs.calendar import paris_offset_seconds


def weekly_load(ends, noise=0.0, seed=0):
    """Wh per half-hour by Paris wall-clock time: a weekday shape and a weekend shape."""
    ends = np.asarray(ends, dtype=np.int64)
    local = ends + paris_offset_seconds(ends)
    hour = (local % 86400) / 3600.0
    weekday = ((local // 86400) + 3) % 7  # 1970-01-01 was a Thursday (3)
    working = np.where(weekday < 5, 1.0, 0.0)
    load = 400.0 + 300.0 * working * ((hour >= 8) & (hour < 18)) + 150.0 * (hour >= 18)
    rng = np.random.RandomState(seed)
    return load + noise * rng.standard_normal(ends.size)


def test_mae_hand_worked():
    assert mae([1.0, 2.0, np.nan, 4.0], [2.0, 2.0, 5.0, 1.0]) == pytest.approx((1 + 0 + 3) / 3)
    assert np.isnan(mae([np.nan], [1.0]))


def test_same_weekday_average_of_hand_values():
    grid = day_grid(dt.date(2025, 6, 2), dt.date(2025, 6, 23))  # three Mondays..Sundays
    history = np.zeros(grid.size)
    history[0] = 10.0            # Monday 2 June 00:00-00:30
    history[7 * 48] = 20.0       # Monday 9 June
    history[14 * 48] = 60.0      # Monday 16 June
    target = grid.ends[-1:] + 1800 * (1 + 0)  # Monday 23 June 00:30
    assert same_weekday_average(grid.ends, history, target, weeks=3)[0] == pytest.approx(30.0)
    assert same_weekday_average(grid.ends, history, target, weeks=1)[0] == pytest.approx(60.0)
    # persistence = Sunday 22 June 00:30 = 0
    assert persistence(grid.ends, history, target)[0] == 0.0
    # no history that far back
    assert np.isnan(same_weekday_average(grid.ends, history, target + 400 * 86400)[0])


def test_weekday_average_beats_persistence_on_a_weekly_series():
    history = day_grid(dt.date(2025, 1, 6), dt.date(2025, 3, 3))   # 8 weeks
    target = day_grid(dt.date(2025, 3, 3), dt.date(2025, 3, 10))   # the week after
    past = weekly_load(history.ends, noise=40.0, seed=1)
    actual = weekly_load(target.ends, noise=40.0, seed=2)
    forecast = same_weekday_average(history.ends, past, target.ends, weeks=4)
    naive = persistence(history.ends, past, target.ends)
    # forecast uses only the history: every target has 4 weeks behind it
    assert not np.isnan(forecast).any()
    error, baseline = mae(forecast, actual), mae(naive, actual)
    assert error <= baseline
    # the weekday average halves the noise (4 samples) and never mistakes Monday for Sunday
    assert error < 0.8 * baseline


def test_wall_clock_lookup_survives_the_clock_change():
    history = day_grid(dt.date(2025, 3, 3), dt.date(2025, 3, 31))   # spring change on 30
    target = day_grid(dt.date(2025, 3, 31), dt.date(2025, 4, 7))
    past = weekly_load(history.ends)
    forecast = same_weekday_average(history.ends, past, target.ends, weeks=4)
    assert mae(forecast, weekly_load(target.ends)) == 0.0
    # a lag in plain UTC seconds would be one hour off after the change
    utc_lag = np.interp(target.ends - 7 * 86400, history.ends, past)
    assert mae(utc_lag, weekly_load(target.ends)) > 0.0


def test_weeks_must_be_positive():
    with pytest.raises(ValueError):
        same_weekday_average([1800], [1.0], [1800], weeks=0)
