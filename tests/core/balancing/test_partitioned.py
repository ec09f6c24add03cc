from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from enercoop_core.balancing.grid import day_grid
from enercoop_core.balancing.partitioned import (
    balance_partitioned,
    dask_available,
    split_prms,
)
from enercoop_core.balancing.portfolio import ProfiledConsumer, balance, summarize
from enercoop_core.billing.profiles import ProfileCoefficients
from enercoop_core.errors import InputError

from .builders import coefficients_csv, curve

GRID = day_grid(dt.date(2025, 10, 25), dt.date(2025, 10, 28))  # with the 50-slot day


def portfolio(consumers=37, producers=5, seed=3):
    rng = np.random.RandomState(seed)
    cons = []
    for n in range(consumers):
        values = rng.randint(0, 9000, GRID.size).astype(float)  # whole W, as in R50
        values[rng.rand(GRID.size) < 0.02] = np.nan
        cut = GRID.size // 2  # each PRM in two curves (two files)
        cons.append(curve("%014d" % n, GRID.ends[:cut], values[:cut]))
        cons.append(curve("%014d" % n, GRID.ends[cut:], values[cut:]))
    prods = [curve("9%013d" % n, GRID.ends, rng.randint(0, 90000, GRID.size).astype(float),
                   direction="injection") for n in range(producers)]
    return cons, prods


def same(left, right):
    assert left.consumption_wh.tolist() == right.consumption_wh.tolist()
    assert left.production_wh.tolist() == right.production_wh.tolist()
    assert left.consumer_wh == right.consumer_wh
    assert left.producer_wh == right.producer_wh
    assert left.incomplete == right.incomplete


def test_split_prms():
    assert split_prms(["c", "a", "b", "a", "d", "e"], 2) == [["a", "b", "c"], ["d", "e"]]
    assert split_prms(["a"], 4) == [["a"]]
    assert split_prms([], 3) == [[]]
    with pytest.raises(InputError):
        split_prms(["a"], 0)


@pytest.mark.parametrize("partitions", [1, 3, 7, 100])
def test_serial_partitions_equal_the_single_pass(partitions):
    consumers, producers = portfolio()
    single = balance(consumers, producers, GRID)
    split = balance_partitioned(consumers, producers, GRID, partitions=partitions,
                                scheduler="serial")
    same(split, single)  # whole W x 0.5 h: every sum is exact, in any order
    assert summarize(split) == summarize(single)


def test_profiled_consumers_partitioned(tmp_path):
    path = coefficients_csv(tmp_path / "c.csv", "RES1_BASE", dt.date(2025, 10, 25),
                            dt.date(2025, 10, 28), lambda local: 1.0 + local.hour / 10.0)
    coefficients = ProfileCoefficients.from_csv(path)
    consumers, producers = portfolio(consumers=5)
    profiled = [ProfiledConsumer("5%013d" % n, "RES1_BASE", 100.0 + n, "monthly")
                for n in range(9)]
    single = balance(consumers, producers, GRID, profiled, coefficients)
    split = balance_partitioned(consumers, producers, GRID, profiled, coefficients,
                                partitions=4, scheduler="serial")
    assert np.allclose(split.consumption_wh, single.consumption_wh, rtol=1e-13, atol=0)
    assert split.consumer_wh == pytest.approx(single.consumer_wh, rel=1e-13)
    left, right = summarize(split), summarize(single)
    assert left["coverage_ratio"] == pytest.approx(right["coverage_ratio"], rel=1e-12)
    for key in ("consumption_wh", "production_wh", "deficit_hours", "surplus_hours"):
        assert left[key] == right[key]


def test_unknown_scheduler_is_refused():
    consumers, producers = portfolio(consumers=2)
    with pytest.raises(InputError):
        balance_partitioned(consumers, producers, GRID, scheduler="gpu")


def test_auto_scheduler_runs_without_dask_too():
    consumers, producers = portfolio(consumers=6)
    same(balance_partitioned(consumers, producers, GRID, partitions=3, scheduler="auto"),
         balance(consumers, producers, GRID))


needs_dask = pytest.mark.skipif(not dask_available(), reason="dask is not installed")


@needs_dask
@pytest.mark.parametrize("scheduler", ["threads", "sync"])
def test_dask_schedulers_equal_the_serial_loop(scheduler):
    consumers, producers = portfolio()
    serial = balance_partitioned(consumers, producers, GRID, partitions=5, scheduler="serial")
    same(balance_partitioned(consumers, producers, GRID, partitions=5, scheduler=scheduler),
         serial)


@needs_dask
def test_dask_distributed_client_equals_the_serial_loop():
    distributed = pytest.importorskip("distributed")
    consumers, producers = portfolio(consumers=12)
    serial = balance_partitioned(consumers, producers, GRID, partitions=3, scheduler="serial")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None) as client:
        same(balance_partitioned(consumers, producers, GRID, partitions=3, scheduler=client),
             serial)
