from __future__ import annotations

import datetime as dt

import numpy as np

from enercoop_core.balancing.grid import day_grid
from enercoop_core.balancing.matching import Producer, match
from enercoop_core.balancing.portfolio import portfolio_matrices
from enercoop_core.balancing.registry import allocate, issued, issued_from_totals, monthly_rows

from .builders import on_grid

JUNE_1 = day_grid(dt.date(2025, 6, 1), dt.date(2025, 6, 2))


def _day_and_night(prm, grid, watts, direction="withdrawal"):
    """A curve of ``watts`` over the first 24 half-hours (night), 0 after."""
    values = np.where(np.arange(grid.size) < 24, float(watts), 0.0)
    return on_grid(prm, grid, values, direction)


def test_monthly_allocation_ignores_the_hour_the_half_hourly_proof_does_not():
    grid = JUNE_1
    # P1 produces only at night (3000 Wh a half-hour over 24 slots = 72 kWh), C1 consumes
    # all day (1000 Wh x 48 = 48 kWh): the registry allocates 48 kWh, the half-hourly
    # proof only the 24 night half-hours (24 kWh).
    producers = [_day_and_night("P1", grid, 6000.0, "injection")]
    consumers = [on_grid("C1", grid, 2000.0)]
    matrices = portfolio_matrices(consumers, producers, grid)
    rows = list(monthly_rows(matrices, [Producer("P1", "Moulin", "hydro")]))
    assert [(r["period"], r["producer_prm"], r["consumer_prm"], r["allocated_wh"],
             r["technology"]) for r in rows] == [("2025-06", "P1", "C1", 48000, "hydro")]
    hourly = list(match(matrices).rows("month"))
    assert hourly[0]["allocated_wh"] == 24000
    assert list(issued(matrices)) == [{"period": "2025-06", "producer_prm": "P1",
                                       "issued_wh": 72000, "go_mwh": 0.072}]


def test_monthly_allocation_is_pro_rata_and_never_above_production_or_supply():
    grid = JUNE_1
    producers = [on_grid("P1", grid, 3000.0, "injection"),   # 72 kWh
                 on_grid("P2", grid, 1000.0, "injection")]   # 24 kWh
    consumers = [on_grid("C1", grid, 4000.0), on_grid("C2", grid, 2000.0)]  # 96 + 48 kWh
    rows = list(monthly_rows(portfolio_matrices(consumers, producers, grid)))
    # M = min(96, 144) = 96 kWh; A = 96 x P_i/96 x C_j/144
    assert {(r["producer_prm"], r["consumer_prm"]): r["allocated_wh"] for r in rows} == {
        ("P1", "C1"): 48000, ("P1", "C2"): 24000, ("P2", "C1"): 16000, ("P2", "C2"): 8000}
    assert rows[0]["producer"] == ""


def test_no_allocation_without_production():
    grid = JUNE_1
    matrices = portfolio_matrices([on_grid("C1", grid, 2000.0)], [], grid)
    assert list(monthly_rows(matrices)) == [] and list(issued(matrices)) == []


def test_allocation_from_totals_is_the_monthly_one():
    grid = JUNE_1
    producers = [on_grid("P1", grid, 3000.0, "injection"), on_grid("P2", grid, 1000.0,
                                                                    "injection")]
    consumers = [on_grid("C1", grid, 4000.0), on_grid("C2", grid, 2000.0)]
    matrices = portfolio_matrices(consumers, producers, grid)
    totals = allocate("2025-06", {"P1": 72000.0, "P2": 24000.0},
                      {"C1": 96000.0, "C2": 48000.0})
    assert list(totals) == list(monthly_rows(matrices))
    assert [r["issued_wh"] for r in issued_from_totals("2025-06", {"P1": 72000.7})] == [72000]
