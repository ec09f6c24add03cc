from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from enercoop_core.balancing.grid import day_grid
from enercoop_core.balancing.matching import Producer, add_problems, match
from enercoop_core.balancing.portfolio import Matrices, portfolio_matrices

from .builders import on_grid

JUNE_1 = day_grid(dt.date(2025, 6, 1), dt.date(2025, 6, 2))


def test_hand_worked_pro_rata_allocation():
    grid = JUNE_1
    producers = [on_grid("P1", grid, 6000.0, "injection"),   # 3000 Wh per half-hour
                 on_grid("P2", grid, 2000.0, "injection")]   # 1000 Wh
    consumers = [on_grid("C1", grid, 2000.0), on_grid("C2", grid, 2000.0)]  # 1000 Wh each
    matching = match(portfolio_matrices(consumers, producers, grid),
                     [Producer("P1", "Moulin de la Dore", "hydro")])
    # M = min(4000, 2000) = 2000; A_ij = 2000 x P_i/4000 x C_j/2000
    assert matching.half_hour(0).tolist() == [[750.0, 750.0], [250.0, 250.0]]
    rows = list(matching.rows("month"))
    assert [(r["period"], r["producer_prm"], r["consumer_prm"], r["allocated_wh"])
            for r in rows] == [("2025-06", "P1", "C1", 36000), ("2025-06", "P1", "C2", 36000),
                               ("2025-06", "P2", "C1", 12000), ("2025-06", "P2", "C2", 12000)]
    assert rows[0]["producer"] == "Moulin de la Dore" and rows[0]["technology"] == "hydro"
    assert rows[0]["go_mwh"] == 0.036
    assert rows[2]["producer"] == ""
    half = list(matching.rows("half-hour"))
    assert len(half) == 48 * 4 and half[0]["period"] == "2025-06-01T00:30:00+02:00"
    coverage = matching.consumer_coverage()
    assert coverage["C1"] == {"consumed_wh": 48000, "covered_wh": 48000, "share": 1.0}
    assert matching.check() == []


def test_deficit_half_hours_cover_consumers_pro_rata():
    grid = JUNE_1
    matrices = Matrices(grid, ["C1", "C2"], np.vstack([np.full(48, 300.0), np.full(48, 100.0)]),
                        ["P"], np.full((1, 48), 200.0))
    matching = match(matrices)
    # M = 200 of 400 consumed: each consumer covered half
    assert matching.half_hour(5).tolist() == [[150.0, 50.0]]
    assert matching.consumer_coverage()["C2"]["share"] == pytest.approx(0.5)


def test_months_are_split_at_paris_midnight():
    grid = day_grid(dt.date(2025, 3, 31), dt.date(2025, 4, 2))
    matrices = Matrices(grid, ["C"], np.full((1, 96), 10.0), ["P"], np.full((1, 96), 10.0))
    monthly = match(matrices).monthly()
    assert sorted(monthly) == ["2025-03", "2025-04"]
    assert monthly["2025-03"].tolist() == [[480.0]] and monthly["2025-04"].tolist() == [[480.0]]


def energies(rows):
    return hnp.arrays(np.float64, (rows, 12),
                      elements=st.floats(min_value=0, max_value=1e7, allow_nan=False) |
                      st.just(0.0))


@settings(max_examples=80, deadline=None)
@given(data=st.data(), producers=st.integers(1, 4), consumers=st.integers(1, 5))
def test_allocation_never_exceeds_production_or_consumption(data, producers, consumers):
    grid = day_grid(dt.date(2025, 10, 25), dt.date(2025, 10, 27))
    size = grid.size
    prod = np.zeros((producers, size))
    cons = np.zeros((consumers, size))
    prod[:, -12:] = data.draw(energies(producers))   # the last 12 half-hours only
    cons[:, -12:] = data.draw(energies(consumers))
    matrices = Matrices(grid, ["C%d" % j for j in range(consumers)], cons,
                        ["P%d" % i for i in range(producers)], prod)
    matching = match(matrices)
    assert matching.check() == []
    def tol(x):
        return 1e-9 * np.maximum(x, 1.0)

    for t in range(size - 12, size):
        a = matching.half_hour(t)
        assert (a >= 0).all()
        assert (a.sum(axis=1) <= prod[:, t] + tol(prod[:, t])).all()
        assert (a.sum(axis=0) <= cons[:, t] + tol(cons[:, t])).all()
        assert a.sum() == pytest.approx(min(prod[:, t].sum(), cons[:, t].sum()), rel=1e-9,
                                        abs=1e-6)
    month = matching.monthly()["2025-10"]
    total = sum(matching.half_hour(t) for t in range(size))
    assert month == pytest.approx(total, rel=1e-9, abs=1e-6)
    rows = list(matching.rows("month"))
    for i in range(producers):
        given_wh = sum(r["allocated_wh"] for r in rows if r["producer_prm"] == "P%d" % i)
        assert given_wh <= prod[i].sum() + 1e-6
    for j in range(consumers):
        got_wh = sum(r["allocated_wh"] for r in rows if r["consumer_prm"] == "C%d" % j)
        assert got_wh <= cons[j].sum() + 1e-6


def test_check_reports_a_broken_allocation():
    grid = JUNE_1
    matrices = Matrices(grid, ["C"], np.full((1, 48), 100.0), ["P"], np.full((1, 48), 100.0))
    matching = match(matrices)
    matching.producer_share = matching.producer_share * 2  # as if twice the energy went out
    problems = matching.check()
    assert problems and "allocated" in problems[0]


def test_add_problems_keeps_the_first_of_each_in_order():
    problems = ["a", "b"]
    assert add_problems(problems, ["b", "c", "a", "c", "d"]) is problems
    assert problems == ["a", "b", "c", "d"]
    assert add_problems([], iter(["x", "x"])) == ["x"]
