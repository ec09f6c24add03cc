"""Simple half-hourly consumption forecasts, and the error metric that judges them.

Series are energies per half-hour (Wh, float64) labelled by the UTC instant ENDING each
half-hour (the R50 convention). Forecasts look up the history by Paris wall-clock time, so
that "Monday 08:00" stays 08:00 across a summer-time change.

- :func:`same_weekday_average`: the forecast of a half-hour is the mean of the same
  weekday and wall-clock time over the last ``weeks`` weeks of history (the ones present;
  NaN when none is). Residential and business load is mostly weekly-periodic, so this is
  the usual first forecast of a supplier's portfolio.
- :func:`persistence`: the naive baseline: the same wall-clock time ``days`` days before
  (1 = "tomorrow looks like today").
- :func:`mae`: mean absolute error over the half-hours where both series have a value.

In the repeated hour of the autumn change two UTC half-hours share a wall-clock time; the
history's two values are averaged and both targets get the same forecast.
"""
from __future__ import annotations

import numpy as np

from enercoop_core.tariffs.calendar import paris_offset_seconds

DAY_S = 86400
WEEK_S = 7 * DAY_S


def _wall_clock(ends_utc) -> np.ndarray:
    ends = np.asarray(ends_utc, dtype=np.int64)
    return ends + paris_offset_seconds(ends)


def _history_lookup(history_ends, history_wh):
    """Sorted unique wall-clock labels and the mean value of each (NaN values skipped)."""
    wall = _wall_clock(history_ends)
    values = np.asarray(history_wh, dtype=np.float64)
    keys, inverse = np.unique(wall, return_inverse=True)
    inverse = inverse.reshape(-1)
    valid = ~np.isnan(values)
    sums = np.bincount(inverse[valid], weights=values[valid], minlength=keys.size)
    counts = np.bincount(inverse[valid], minlength=keys.size)
    means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return keys, means


def _lag_values(keys, means, wanted) -> np.ndarray:
    at = np.searchsorted(keys, wanted)
    clipped = np.minimum(at, max(keys.size - 1, 0))
    if not keys.size:
        return np.full(wanted.shape, np.nan)
    found = (at < keys.size) & (keys[clipped] == wanted)
    return np.where(found, means[clipped], np.nan)


def same_weekday_average(history_ends, history_wh, target_ends, weeks: int = 4) -> np.ndarray:
    """Forecast (Wh, float64 per target half-hour): mean of the same weekday and wall-clock
    time over the previous ``weeks`` weeks found in the history."""
    if weeks < 1:
        raise ValueError("weeks must be >= 1")
    keys, means = _history_lookup(history_ends, history_wh)
    wall = _wall_clock(target_ends)
    lags = np.vstack([_lag_values(keys, means, wall - k * WEEK_S) for k in range(1, weeks + 1)])
    present = ~np.isnan(lags)
    counts = present.sum(axis=0)
    total = np.where(present, lags, 0.0).sum(axis=0)
    return np.where(counts > 0, total / np.maximum(counts, 1), np.nan)


def persistence(history_ends, history_wh, target_ends, days: int = 1) -> np.ndarray:
    """Naive forecast (Wh): the value at the same wall-clock time ``days`` days before."""
    keys, means = _history_lookup(history_ends, history_wh)
    return _lag_values(keys, means, _wall_clock(target_ends) - days * DAY_S)


def mae(forecast, actual) -> float:
    """Mean absolute error (same unit as the series) where both have a value; NaN if none."""
    forecast = np.asarray(forecast, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    both = ~(np.isnan(forecast) | np.isnan(actual))
    if not both.any():
        return float("nan")
    return float(np.abs(forecast[both] - actual[both]).mean())
