from __future__ import annotations

import datetime as dt
import gc
from dataclasses import replace
import os
import weakref
import zlib

import numpy as np
import pytest

from enercoop_core.balancing import partitioned
from enercoop_core.balancing.grid import day_grid
from enercoop_core.balancing.matching import match
from enercoop_core.balancing.partitioned import (
    CurveSpool,
    balance_partitioned,
    balance_spooled,
    dask_available,
    match_spooled,
    partition_of,
)
from enercoop_core.balancing.portfolio import (
    ProfiledConsumer,
    balance,
    portfolio_matrices,
    summarize,
)
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


def fractional(consumers=23, producers=3, seed=5):
    """Curves of fractional W (sums not exact: their floats depend on the order of the
    additions), each consumer in two curves, one of them on the whole grid."""
    rng = np.random.RandomState(seed)
    cons = []
    for n in range(consumers):
        values = rng.rand(GRID.size) * 5000.0
        cons.append(curve("%014d" % n, GRID.ends, values))
        cons.append(curve("%014d" % n, GRID.ends[:0], values[:0]))
    prods = [curve("9%013d" % n, GRID.ends, rng.rand(GRID.size) * 80000.0,
                   direction="injection") for n in range(producers)]
    return cons, prods


def test_partitions_are_contiguous_runs_of_prms_and_empty_ones_are_left_out():
    consumers, producers = portfolio(consumers=5, producers=2)  # 2 curves a consumer
    seen = []
    real = partitioned._partial

    def recording(cons, prods, grid, profiled, coefficients):
        seen.append([c.prm for c in cons] + [p.prm for p in prods])
        return real(cons, prods, grid, profiled, coefficients)

    partitioned._partial = recording
    try:
        for count in (3, 50):
            seen.clear()
            balance_partitioned(consumers, producers, GRID, partitions=count,
                                scheduler="serial")
            if count == 3:  # 7 PRMs in first-seen order: runs of 3, 2, 2
                assert [sorted(set(run)) for run in seen] == [
                    ["%014d" % 0, "%014d" % 1, "%014d" % 2], ["%014d" % 3, "%014d" % 4],
                    ["9%013d" % 0, "9%013d" % 1]]
                assert seen[0][:2] == [consumers[0].prm] * 2  # in input order
            else:  # one PRM a partition, the others left out
                assert [sorted(set(run)) for run in seen] == [
                    [prm] for prm in dict.fromkeys(c.prm for c in consumers + producers)]
    finally:
        partitioned._partial = real
    with pytest.raises(InputError):
        balance_partitioned(consumers, producers, GRID, partitions=0)
    empty = balance_partitioned([], [], GRID, partitions=4, scheduler="serial")
    assert empty.consumption_wh.tolist() == [0.0] * GRID.size and empty.consumer_wh == {}


def test_spool_partitions_are_the_crc_of_the_prm(tmp_path):
    assert partition_of("30001234567890", 7) == zlib.crc32(b"30001234567890") % 7
    consumers, producers = portfolio(consumers=9, producers=2)
    with spooled(consumers, producers, 4, tmp_path) as spool:
        for number, path in enumerate(spool.paths):
            cons, prods = partitioned.load_spooled(path)
            assert {partition_of(c.prm, 4) for c in cons + prods} <= {number}


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
@pytest.mark.parametrize("scheduler", ["threads", "sync", "processes"])
def test_dask_schedulers_equal_the_serial_loop(scheduler):
    for consumers, producers in (portfolio(), fractional()):
        serial = balance_partitioned(consumers, producers, GRID, partitions=5,
                                     scheduler="serial")
        same(balance_partitioned(consumers, producers, GRID, partitions=5,
                                 scheduler=scheduler), serial)


@needs_dask
def test_dask_distributed_client_equals_the_serial_loop():
    distributed = pytest.importorskip("distributed")
    consumers, producers = portfolio(consumers=12)
    serial = balance_partitioned(consumers, producers, GRID, partitions=3, scheduler="serial")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None) as client:
        same(balance_partitioned(consumers, producers, GRID, partitions=3, scheduler=client),
             serial)


# Lazy loading: curves spooled per partition, each kernel reading back its own file only.

def spooled(consumers, producers, partitions, tmp_path):
    spool = CurveSpool(partitions, directory=str(tmp_path))
    for item in consumers:
        spool.add(item)
    for item in producers:
        spool.add(item, production=True)
    spool.close()
    return spool


@pytest.mark.parametrize("partitions", [1, 3, 16])
def test_spooled_partitions_equal_the_single_pass(partitions, tmp_path):
    consumers, producers = portfolio()
    with spooled(consumers, producers, partitions, tmp_path) as spool:
        assert sum(spool.curves) == len(consumers) + len(producers)
        result = balance_spooled(spool, GRID)
    same(result, balance(consumers, producers, GRID))
    assert not list(tmp_path.iterdir())  # the spool directory is removed on exit


def test_spooled_profiled_consumers_and_proof(tmp_path):
    path = coefficients_csv(tmp_path / "c.csv", "RES1_BASE", dt.date(2025, 10, 25),
                            dt.date(2025, 10, 28), lambda local: 1.0 + local.hour / 10.0)
    coefficients = ProfileCoefficients.from_csv(path)
    consumers, producers = portfolio(consumers=9)
    profiled = [ProfiledConsumer("5%013d" % n, "RES1_BASE", 100.0 + n, "monthly")
                for n in range(6)]
    single = balance(consumers, producers, GRID, profiled, coefficients)
    proof = match(portfolio_matrices(consumers, producers, GRID, profiled, coefficients))
    with spooled(consumers, producers, 4, tmp_path) as spool:
        result = balance_spooled(spool, GRID, profiled, coefficients)
        lazy_proof = match_spooled(spool, GRID, result, (), profiled, coefficients)
    assert np.allclose(result.consumption_wh, single.consumption_wh, rtol=1e-13, atol=0)
    assert result.production_wh.tolist() == single.production_wh.tolist()
    assert result.consumer_wh == pytest.approx(single.consumer_wh, rel=1e-13)
    expected = {(r["producer_prm"], r["consumer_prm"]): r["allocated_wh"]
                for r in proof.rows("month")}
    got = {(r["producer_prm"], r["consumer_prm"]): r["allocated_wh"]
           for r in lazy_proof.rows("month")}
    assert got.keys() == expected.keys() and len(got) == 5 * 15
    assert all(abs(got[key] - expected[key]) <= 1 for key in got)  # floors of equal sums
    coverage = lazy_proof.consumer_coverage()
    assert coverage.keys() == proof.consumer_coverage().keys()
    assert lazy_proof.check() == []


def test_spool_keeps_a_prm_in_one_partition_and_its_clashes(tmp_path):
    consumers, _ = portfolio(consumers=3)
    again = curve(consumers[0].prm, GRID.ends[:2], [1.0, 2.0])  # overlaps its first curve
    with spooled(consumers + [again], [], 5, tmp_path) as spool:
        with pytest.raises(InputError, match="same half-hour"):
            balance_spooled(spool, GRID)


def test_spooled_loader_holds_one_partition_at_a_time(monkeypatch, tmp_path):
    """Counting hook on the spool's reader: every curve it gives (a batch record: its
    curves) is counted until freed."""
    from enercoop_core.balancing import partitioned

    alive, peak, real = [0], [0], partitioned._records

    def freed(count):
        alive[0] -= count

    def counting(path, wanted):
        gc.collect()
        for production, item in real(path, wanted):
            count = len(item.fields) if type(item) is partitioned._Block else 1
            alive[0] += count
            weakref.finalize(item, freed, count)
            peak[0] = max(peak[0], alive[0])
            yield production, item

    monkeypatch.setattr(partitioned, "_records", counting)
    consumers, producers = portfolio(consumers=40, producers=4)
    with spooled(consumers, producers, 8, tmp_path) as spool:
        largest = max(spool.curves)
        result = balance_spooled(spool, GRID)
        assert 0 < peak[0] <= largest < len(consumers) // 4
        peak[0] = 0
        match_spooled(spool, GRID, result)
        assert 0 < peak[0] <= largest + len(producers)
    gc.collect()
    assert alive[0] == 0


@needs_dask
def test_local_cluster_of_processes_equals_serial_and_single_pass(tmp_path):
    distributed = pytest.importorskip("distributed")
    consumers, producers = portfolio(consumers=20)
    single = balance(consumers, producers, GRID)
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with spooled(consumers, producers, 6, tmp_path) as spool:
            serial = balance_spooled(spool, GRID, scheduler="serial")
            on_cluster = balance_spooled(spool, GRID, scheduler=client)
        in_memory = balance_partitioned(consumers, producers, GRID, partitions=4,
                                        scheduler=client)
        inexact = fractional()  # sums that depend on the order: the same floats too
        with spooled(*inexact, 3, tmp_path) as spool:
            inexact_spooled = (balance_spooled(spool, GRID, scheduler="serial"),
                               balance_spooled(spool, GRID, scheduler=client))
        inexact_in_memory = (
            balance_partitioned(*inexact, GRID, partitions=3, scheduler="serial"),
            balance_partitioned(*inexact, GRID, partitions=3, scheduler=client))
    for result in (serial, on_cluster, in_memory):
        same(result, single)
    for serial_result, cluster_result in (inexact_spooled, inexact_in_memory):
        same(cluster_result, serial_result)


def test_spool_gives_back_the_very_same_curves_and_packs_r50_curves(tmp_path):
    regular = curve("10000000000001", GRID.ends, np.arange(GRID.size, dtype=float))
    odd_values = np.array([1.5, np.nan, -0.0, 3e12, -7.0])
    odd = curve("10000000000002", GRID.ends[[0, 1, 2, 5, 9]], odd_values, step=30)
    single = curve("10000000000003", GRID.ends[:1], [4.0], direction="injection")
    flagged = replace(curve("10000000000004", GRID.ends, np.ones(GRID.size)),
                      quality=np.arange(GRID.size, dtype=np.int32) % 3)
    with spooled([regular], [single], 1, tmp_path) as spool:
        size = os.path.getsize(spool.paths[0])
    with spooled([regular, odd, flagged], [single], 1, tmp_path) as spool:
        consumers, producers = partitioned.load_spooled(spool.paths[0])
        assert partitioned.load_spooled(spool.paths[0], consumers=False) == ([], producers)
        only = partitioned.load_spooled(spool.paths[0], producers=False)
    assert [c.prm for c in consumers] == [regular.prm, odd.prm, flagged.prm]
    assert [c.prm for c in only[0]] == [c.prm for c in consumers] and only[1] == []
    assert [c.prm for c in producers] == [single.prm]
    # regular instants come back as one shared array, read-only
    assert consumers[0].instants is consumers[2].instants
    assert not consumers[0].instants.flags.writeable
    for back, sent in zip(consumers + producers, [regular, odd, flagged, single]):
        for name in ("instants", "values_w", "quality"):
            ours, theirs = getattr(back, name), getattr(sent, name)
            assert ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes()
        assert (back.flow, back.key, back.source, back.direction, back.step_minutes) == (
            sent.flow, sent.key, sent.source, sent.direction, sent.step_minutes)
    # whole W of consecutive half-hours, one quality: int32 values, no instants
    assert size < 4 * GRID.size + 800  # + one header (its fields pickled)


def batched(count, seed=7, whole=True):
    """``count`` whole-grid consumers (more than a batch record holds)."""
    rng = np.random.RandomState(seed)
    out = []
    for n in range(count):
        values = rng.randint(0, 9000, GRID.size).astype(float)
        out.append(curve("1%013d" % n, GRID.ends, values if whole else values + rng.rand()))
    return out


def test_spooled_batches_mixed_with_odd_curves_keep_the_order_and_the_floats(tmp_path):
    """One partition: the file's order is the order of the adds, so even sums that
    depend on the order (fractional W) give the single pass's floats."""
    regular = batched(partitioned.SPOOL_BATCH + 37, whole=False)  # 2 records, the 2nd partial
    odd = [curve("2%013d" % n, GRID.ends[[0, 3, 4]], [1.25, 2.5, 3.75]) for n in range(5)]
    halves = [curve("3%013d" % n, GRID.ends[:40], np.full(40, 0.1 * n)) for n in range(7)]
    flagged = replace(regular[3], prm="40000000000000",
                      quality=np.arange(GRID.size, dtype=np.int8) % 2)
    consumers = regular[:100] + odd[:2] + halves + regular[100:] + [flagged] + odd[2:]
    producers = fractional()[1]
    with spooled(consumers, producers, 1, tmp_path) as spool:
        result = balance_spooled(spool, GRID)
        back = partitioned.load_spooled(spool.paths[0])
    same(result, balance(consumers, producers, GRID))
    assert [c.prm for c in back[0]] == [c.prm for c in consumers]
    assert [c.prm for c in back[1]] == [c.prm for c in producers]


def test_spooled_batched_curves_come_back_the_very_same(tmp_path):
    sent = batched(partitioned.SPOOL_BATCH + 3)  # a full batch record, then a partial one
    sent[5] = replace(sent[5], quality=np.where(np.arange(GRID.size) % 7, 0, 1).astype(np.int8))
    sent[6] = replace(sent[6], values_w=sent[6].values_w + 0.5)  # its record: float64 W
    with spooled(sent, [], 1, tmp_path) as spool:
        back, producers = partitioned.load_spooled(spool.paths[0])
    assert producers == [] and len(back) == len(sent)
    for ours, theirs in zip(back, sent):
        for name in ("instants", "values_w", "quality"):
            mine, given = getattr(ours, name), getattr(theirs, name)
            assert mine.dtype == given.dtype and mine.tobytes() == given.tobytes()
        others = [name for name in theirs.__dict__
                  if name not in ("instants", "values_w", "quality")]
        assert [getattr(ours, n) for n in others] == [getattr(theirs, n) for n in others]
    # one shared read-only array of the instants, and of a quality the same everywhere
    assert back[0].instants is back[-1].instants and not back[0].instants.flags.writeable
    assert back[0].quality is back[-1].quality and not back[0].quality.flags.writeable
    assert back[5].quality.flags.writeable  # its own copy


def test_spooled_batches_of_incomplete_prms_count_their_open_slots(tmp_path):
    consumers = batched(40)
    holes = consumers[3].values_w.copy()
    holes[[0, 10, 11]] = np.nan
    quality = consumers[3].quality.copy()
    quality[[0, 10, 11]] = -1
    consumers[3] = replace(consumers[3], values_w=holes, quality=quality)
    consumers[9] = replace(consumers[9], values_w=np.full(GRID.size, np.nan))
    with spooled(consumers, [], 2, tmp_path) as spool:
        result = balance_spooled(spool, GRID)
    single = balance(consumers, [], GRID)
    same(result, single)
    assert result.incomplete == {consumers[3].prm: 3, consumers[9].prm: GRID.size}


def test_spooled_batches_with_a_prm_in_two_curves(tmp_path):
    consumers = batched(50)
    first, second = consumers[4], consumers[20]
    # a PRM twice on the whole grid: its points clash, as in the single pass
    with spooled(consumers + [replace(first, key="again")], [], 3, tmp_path) as spool:
        with pytest.raises(InputError, match="same half-hour"):
            balance_spooled(spool, GRID)
    # a whole-grid PRM with an odd curve too: aligned point by point (the clash found);
    # a batched PRM also in a curve of other slots: its points add up
    clash = curve(first.prm, GRID.ends[[2, 5]], [1.0, 2.0], step=30)
    later = curve(second.prm, GRID.ends[-1:] + 1800, [5.0])  # after the grid: no slot
    with spooled(consumers + [clash], [], 3, tmp_path) as spool:
        with pytest.raises(InputError, match="same half-hour"):
            balance_spooled(spool, GRID)
    # PRMs in two halves (two batch records of other instants), one also after the grid
    whole = [replace(c, prm="5" + c.prm[1:]) for c in batched(partitioned.SPOOL_BATCH + 5, 9)]
    cut = GRID.size // 3
    mixed = ([curve(c.prm, GRID.ends[:cut], c.values_w[:cut]) for c in whole] + [later]
             + [curve(c.prm, GRID.ends[cut:], c.values_w[cut:]) for c in whole] + consumers)
    with spooled(mixed, [], 2, tmp_path) as spool:
        result = balance_spooled(spool, GRID)
    same(result, balance(mixed, [], GRID))
    same(result, balance(whole + consumers, [], GRID))


def test_spooled_long_curves_make_shorter_batches(tmp_path):
    count = partitioned.SPOOL_BATCH_POINTS // 3 + 1  # two rows a batch record
    ends = GRID.start_utc + 600 * np.arange(1, count + 1, dtype=np.int64)
    sent = [curve("6%013d" % n, ends, np.full(count, float(n)), step=10) for n in range(5)]
    spool = CurveSpool(1, directory=str(tmp_path))
    for item in sent:
        spool.add(item)
    assert [len(batch.values) for batch in spool._batches.values()] == [2]
    with spool:
        spool.close()  # the open batch written
        back = partitioned.load_spooled(spool.paths[0])[0]
    assert [c.values_w.tobytes() for c in back] == [c.values_w.tobytes() for c in sent]


# The balance summed while spooling (CurveSpool(grid=...)): nothing read back for it.

def summed(consumers, producers, partitions, tmp_path, grid=GRID):
    spool = CurveSpool(partitions, directory=str(tmp_path), grid=grid)
    for item in consumers:
        spool.add(item)
    for item in producers:
        spool.add(item, production=True)
    return spool


def test_spool_sums_while_spooling_the_very_floats_of_the_single_pass(monkeypatch, tmp_path):
    """Fractional W (sums that depend on the order of the additions), odd curves, curves
    of part of the grid, NaN and profiled consumers: the same floats as balance(), as the
    adds come in the input's order; the spool files are not read for it."""
    path = coefficients_csv(tmp_path / "c.csv", "RES1_BASE", dt.date(2025, 10, 25),
                            dt.date(2025, 10, 28), lambda local: 1.0 + local.hour / 10.0)
    coefficients = ProfileCoefficients.from_csv(path)
    profiled = [ProfiledConsumer("5%013d" % n, "RES1_BASE", 100.0 + n, "monthly")
                for n in range(4)]
    regular = batched(partitioned.SPOOL_BATCH + 37, whole=False)
    regular[7] = replace(regular[7], values_w=np.where(
        np.arange(GRID.size) % 9, regular[7].values_w, np.nan))
    odd = [curve("2%013d" % n, GRID.ends[[0, 3, 4]], [1.25, 2.5, 3.75]) for n in range(5)]
    halves = [curve("3%013d" % n, GRID.ends[:40], np.full(40, 0.1 * n)) for n in range(7)]
    quarter = GRID.start_utc + 900 * np.arange(1, 2 * GRID.size + 1, dtype=np.int64)
    fifteen = [curve("7%013d" % n, quarter, np.full(quarter.size, 0.3 * n), step=15)
               for n in range(3)]
    consumers = regular[:100] + odd[:2] + halves + fifteen + regular[100:] + odd[2:]
    producers = fractional()[1]
    single = balance(consumers, producers, GRID, profiled, coefficients)

    def unread(*args):
        raise AssertionError("a spool file was read for the balance")

    (tmp_path / "s").mkdir()
    with summed(consumers, producers, 3, tmp_path / "s") as spool:
        monkeypatch.setattr(partitioned, "_records", unread)
        result = balance_spooled(spool, GRID, profiled, coefficients)
        again = balance_spooled(spool, GRID, profiled, coefficients)  # no sum twice
    same(result, single)
    same(again, single)
    assert result.incomplete[regular[7].prm] == len(range(0, GRID.size, 9))


def test_spool_sums_from_its_files_for_another_grid_or_a_prm_it_cannot_sum_alone(tmp_path):
    consumers = batched(40)
    other_grid = day_grid(dt.date(2025, 10, 26), dt.date(2025, 10, 27))
    with summed(consumers, [], 3, tmp_path) as spool:
        same(balance_spooled(spool, other_grid), balance(consumers, [], other_grid))
        same(balance_spooled(spool, GRID), balance(consumers, [], GRID))
    # one PRM in two kinds of curves (half on the grid, half in 15-minute points): only
    # known at the end, so the sums are made from the files, as the single pass does
    first = consumers[5]
    cut = GRID.size // 2
    quarter = GRID.ends[cut] - 1800 + 900 * np.arange(1, 2 * (GRID.size - cut) + 1)
    split = [curve(first.prm, GRID.ends[:cut], first.values_w[:cut]),
             curve(first.prm, quarter, np.repeat(first.values_w[cut:], 2), step=15)]
    mixed = consumers[:5] + split + consumers[6:]
    with summed(mixed, [], 3, tmp_path) as spool:
        assert spool.streamed_totals(GRID) is None
        result = balance_spooled(spool, GRID)
    same(result, balance(mixed, [], GRID))
    same(result, balance(consumers, [], GRID))
    # points covering the same half-hour twice: refused, as by the single pass
    clash = curve(first.prm, GRID.ends[:2], [1.0, 2.0])
    with summed(consumers + [clash], [], 3, tmp_path) as spool:
        with pytest.raises(InputError, match="same half-hour"):
            balance_spooled(spool, GRID)


def test_spool_stops_summing_when_too_many_prms_are_off_the_grid(monkeypatch, tmp_path):
    monkeypatch.setattr(partitioned, "STREAM_SLOW_ROWS", 2)
    quarter = GRID.start_utc + 900 * np.arange(1, 2 * GRID.size + 1, dtype=np.int64)
    fifteen = [curve("7%013d" % n, quarter, np.full(quarter.size, 2.0 * n), step=15)
               for n in range(5)]
    consumers = batched(20) + fifteen
    with summed(consumers, [], 2, tmp_path) as spool:
        assert spool._totals is None  # the kept curves dropped as soon as over the limit
        result = balance_spooled(spool, GRID)
    same(result, balance(consumers, [], GRID))


def test_spool_writes_whole_w_in_the_narrowest_type_that_keeps_them(tmp_path):
    """uint16 for 0..65,535 W (a household), int32 above or below, float64 for -0.0 and
    fractions; each comes back bit for bit."""
    cases = {"<u2": [0.0, 65535.0], "<i4": [65536.0, -3.0], "<f8": [-0.0, 0.5]}
    for dtype, extremes in cases.items():
        sent = batched(5, seed=11)
        values = sent[2].values_w.copy()
        values[[4, 9]] = extremes
        sent[2] = replace(sent[2], values_w=values)
        with summed(sent, [], 1, tmp_path, grid=None) as spool:
            spool.close()
            blocks = [item for _kind, item in partitioned._records(spool.paths[0],
                                                                   (True, True))]
            back = partitioned.load_spooled(spool.paths[0])[0]
            assert [block.raw.dtype.str for block in blocks] == [dtype]
            assert [c.values_w.tobytes() for c in back] == [c.values_w.tobytes()
                                                            for c in sent]
            del blocks, back  # views of the mapped file


def test_an_empty_spool_balances_to_zeros(tmp_path):
    with CurveSpool(3, directory=str(tmp_path)) as spool:
        open(spool.paths[0], "wb").close()  # an empty file: nothing to map
        result = balance_spooled(spool, GRID)
        assert partitioned.load_spooled(spool.paths[0]) == ([], [])
    assert result.consumer_wh == {} and not result.consumption_wh.any()


def test_open_batches_stay_bounded_whatever_the_partitions(tmp_path):
    """One open batch a partition: with many partitions each holds fewer rows, so that
    together they stay under SPOOL_OPEN_POINTS (plus a row each)."""
    rows = {parts: partitioned._batch_rows(GRID.size, parts) for parts in (1, 8, 100, 10 ** 5)}
    assert rows[1] == partitioned.SPOOL_BATCH
    assert rows[100] * 100 * GRID.size <= partitioned.SPOOL_OPEN_POINTS
    assert rows[10 ** 5] == 1
    month = partitioned._batch_rows(1440, 100)  # a month in 100 partitions: fewer rows
    assert month < partitioned.SPOOL_BATCH and month * 100 * 1440 <= partitioned.SPOOL_OPEN_POINTS
    sent = batched(300)
    spool = CurveSpool(100, directory=str(tmp_path), grid=GRID)
    for item in sent:
        spool.add(item)
    assert {len(batch.values) for batch in spool._batches.values()} == {rows[100]}
    with spool:
        same(balance_spooled(spool, GRID), balance(sent, [], GRID))
        back = [c for path in spool.paths for c in partitioned.load_spooled(path)[0]]
    assert sorted(c.values_w.tobytes() for c in back) == sorted(
        c.values_w.tobytes() for c in sent)
