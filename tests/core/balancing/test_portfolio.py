from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from enercoop_core.balancing.grid import day_grid, month_grid
from enercoop_core.balancing.portfolio import (
    ProfiledConsumer,
    balance,
    combine,
    portfolio_matrices,
    profiled_energy,
    summarize,
)
from enercoop_core.billing.profiles import ProfileCoefficients
from enercoop_core.errors import InputError, MissingRateError

from .builders import coefficients_csv, curve, on_grid

JUNE_1 = day_grid(dt.date(2025, 6, 1), dt.date(2025, 6, 2))


def small_portfolio():
    grid = JUNE_1
    half = np.r_[np.ones(24), np.zeros(24)]
    consumers = [on_grid("A", grid, 1000.0),            # 500 Wh every half-hour
                 on_grid("B", grid, 2000.0 * half)]     # 1000 Wh in the first 24
    producers = [on_grid("P", grid, 4000.0 * (1 - half), direction="injection")]  # 2000 Wh
    return grid, consumers, producers


def test_hand_worked_balance():
    grid, consumers, producers = small_portfolio()
    result = balance(consumers, producers, grid)
    assert result.consumption_wh.tolist() == [1500.0] * 24 + [500.0] * 24
    assert result.production_wh.tolist() == [0.0] * 24 + [2000.0] * 24
    assert result.balance_wh.tolist() == [-1500.0] * 24 + [1500.0] * 24
    assert result.consumer_wh == {"A": 24000.0, "B": 24000.0}
    assert result.producer_wh == {"P": 48000.0}
    summary = summarize(result)
    assert summary["consumption_wh"] == 48000 and summary["production_wh"] == 48000
    assert summary["balance_wh"] == 0
    # covered half-hour by half-hour: min(P, C) = 0 x 24 + 500 x 24 = 12000 of 48000
    assert summary["coverage_ratio"] == pytest.approx(0.25)
    assert summary["volume_ratio"] == pytest.approx(1.0)
    assert summary["deficit_wh"] == 36000 and summary["surplus_wh"] == 36000
    assert summary["deficit_hours"] == 12.0 and summary["surplus_hours"] == 12.0
    assert summary["incomplete_prms"] == 0


def test_same_prm_in_two_curves_is_one_row_and_overlap_is_refused():
    grid = day_grid(dt.date(2025, 6, 1), dt.date(2025, 6, 3))
    first = curve("A", grid.ends[:48], np.full(48, 100.0))
    second = curve("A", grid.ends[48:], np.full(48, 300.0))
    result = balance([first, second], [], grid)
    assert result.consumer_wh == {"A": 48 * 50.0 + 48 * 150.0}
    assert result.incomplete == {}
    with pytest.raises(InputError) as error:
        balance([first, first], [], grid)
    assert error.value.record == "A"


def test_incomplete_curves_are_counted():
    grid = JUNE_1
    values = np.full(48, 100.0)
    values[[3, 7]] = np.nan
    result = balance([curve("A", grid.ends[:40], values[:40])], [], grid)
    assert result.incomplete == {"A": 2 + 8}


def test_profiled_annual_consumer_uses_the_billing_share(tmp_path):
    path = coefficients_csv(tmp_path / "c.csv", "RES1_BASE", dt.date(2025, 1, 1),
                            dt.date(2026, 1, 1))
    coefficients = ProfileCoefficients.from_csv(path)
    consumer = ProfiledConsumer("X", "RES1_BASE", 3650.0, "annual")
    energy = profiled_energy(consumer, coefficients, JUNE_1)
    # flat coefficients: one day = 1/365 of 3650 kWh = 10 kWh, 48 equal half-hours
    assert energy.sum() == pytest.approx(10000.0)
    assert energy == pytest.approx(np.full(48, 10000.0 / 48))
    share = coefficients.share("RES1_BASE", dt.date(2025, 6, 1), dt.date(2025, 6, 2))
    assert energy.sum() == pytest.approx(3650000.0 * share, rel=1e-12)


def test_profiled_monthly_consumer_follows_the_shape(tmp_path):
    def night(local):
        return 2.0 if local.hour < 6 else 1.0

    path = coefficients_csv(tmp_path / "c.csv", "RES2_HC", dt.date(2025, 6, 1),
                            dt.date(2025, 7, 1), night)
    coefficients = ProfileCoefficients.from_csv(path)
    grid = month_grid("2025-06")
    energy = profiled_energy(ProfiledConsumer("X", "RES2_HC", 300.0, "monthly"),
                             coefficients, grid)
    # per day 12 half-hours x 2 + 36 x 1 = 60 units; June 1800 units for 300000 Wh
    assert energy[0] == pytest.approx(2 * 300000.0 / 1800)
    assert energy[12] == pytest.approx(300000.0 / 1800)
    assert energy.sum() == pytest.approx(300000.0)


def test_profiled_consumers_join_the_supply(tmp_path):
    path = coefficients_csv(tmp_path / "c.csv", "RES1_BASE", dt.date(2025, 1, 1),
                            dt.date(2026, 1, 1))
    coefficients = ProfileCoefficients.from_csv(path)
    grid, consumers, producers = small_portfolio()
    profiled = [ProfiledConsumer("X", "RES1_BASE", 3650.0)]
    matrices = portfolio_matrices(consumers, producers, grid, profiled, coefficients)
    assert matrices.consumer_prms == ["A", "B", "X"]
    result = balance(consumers, producers, grid, profiled, coefficients)
    assert result.consumer_wh["X"] == pytest.approx(10000.0)
    assert summarize(result)["consumption_wh"] == 58000


def test_profiled_errors(tmp_path):
    path = coefficients_csv(tmp_path / "c.csv", "RES1_BASE", dt.date(2025, 6, 1),
                            dt.date(2025, 6, 2))
    coefficients = ProfileCoefficients.from_csv(path)
    grid, consumers, _producers = small_portfolio()
    with pytest.raises(MissingRateError):
        balance([], [], grid, [ProfiledConsumer("X", "PRO1_BASE", 1.0, "monthly")],
                coefficients)
    with pytest.raises(MissingRateError):  # the file does not cover 2 June
        balance([], [], day_grid(dt.date(2025, 6, 1), dt.date(2025, 6, 3)),
                [ProfiledConsumer("X", "RES1_BASE", 1.0, "monthly")], coefficients)
    with pytest.raises(InputError):  # a PRM with a curve and a profile
        balance(consumers, [], grid, [ProfiledConsumer("A", "RES1_BASE", 1.0, "monthly")],
                coefficients)
    with pytest.raises(InputError):
        balance([], [], grid, [ProfiledConsumer("X", "RES1_BASE", 1.0, "weekly")], coefficients)
    with pytest.raises(InputError):
        balance([], [], grid, [ProfiledConsumer("X", "RES1_BASE", 1.0)], None)


def test_combine_adds_disjoint_parts_and_refuses_overlaps():
    grid, consumers, producers = small_portfolio()
    whole = balance(consumers, producers, grid)
    parts = [balance(consumers[:1], [], grid), balance(consumers[1:], producers, grid)]
    combined = combine(parts)
    assert combined.consumption_wh.tolist() == whole.consumption_wh.tolist()
    assert combined.production_wh.tolist() == whole.production_wh.tolist()
    assert combined.consumer_wh == whole.consumer_wh
    with pytest.raises(InputError):
        combine([parts[0], parts[0]])


def test_empty_portfolio_summary():
    summary = summarize(balance([], [], JUNE_1))
    assert summary["consumption_wh"] == 0 and summary["coverage_ratio"] is None


def test_on_grid_fast_path_and_general_alignment_agree():
    grid = JUNE_1
    rng = np.random.RandomState(7)
    watts = rng.randint(0, 5000, 48 * 3).astype(float)
    watts[10] = np.nan
    ten_minute = curve("T", grid.start_utc + 600 * np.arange(1, 145), watts, step=10)
    # the same energy as a 30-minute curve, starting one day early (clipped to the grid)
    per_half_hour = np.nanmean(watts.reshape(48, 3), axis=1)
    per_half_hour[3] = np.nan  # one missing half-hour
    early = np.r_[np.full(48, 123.0), per_half_hour]
    half_hourly = curve("H", grid.start_utc - 86400 + 1800 * np.arange(1, 97), early)
    matrices = portfolio_matrices([ten_minute, half_hourly], [], grid)
    energy = matrices.consumption
    # slot 3 of the 10-minute curve holds its points 10..12, one without value
    assert energy[0, 3] == pytest.approx((watts[9] + watts[11]) / 6)
    assert energy[1, 3] == 0.0
    both = np.arange(48) != 3
    assert energy[0, both] == pytest.approx(energy[1, both])
    assert matrices.incomplete == {"T": 1, "H": 1}
