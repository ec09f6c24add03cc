"""Benchmark: the half-hourly portfolio balance of N PRMs over one month.

Synthetic R50-like curves (whole W, 30-minute steps, March 2025: 1486 half-hours with the
spring change; consumers up to 6 kW, one producer per 50 consumers up to 250 kW). Each
variant runs in a FRESH subprocess, which builds the curves, then times, on the same
arrays and in that process:

- the baseline: a plain numpy sum of the same arrays (``total += curve.values_w`` per
  curve, consumers and producers apart, then x 0.5 h);
- the variant, once ("fresh": its first call in the process, page faults included), then
  best of ``--repeat`` more calls ("warm"), and the sum again (best of as many);
- its memory: peak RSS during its fresh call (``VmHWM``, reset through
  ``/proc/self/clear_refs`` once the curves are built) against the curves' own bytes
  (instants int64 + values float64 + quality int8, 17 B a point), and the peak of what it
  allocates (``tracemalloc``, numpy's buffers included) in one more, traced, call.

Variants: ``naive`` (the former baseline: a per-point Python loop, timed once; only up
to 20,000 consumers unless ``--naive``), ``single`` (portfolio.balance), ``partitioned``
(balance_partitioned serial), ``dask`` (balance_partitioned on Dask threads, when
importable), ``spooled`` (CurveSpool + balance_spooled serial, as ``enercoop balance``
runs, the spooling included: the balance summed as the curves are spooled), ``files``
(the same spool without the grid: each partition summed from its file), ``writes``
(the floor of any spool: the plain sum, each curve's W also written to its partition's
file as the spool writes them, uint16 for a consumer and int32 for a producer, and
nothing else: its ratio is what the writing costs by itself), ``processes``
and ``cluster`` (the spool summed from its files, the partitions
run by Dask's process pool, or by a ``LocalCluster`` of 2 worker processes started
untimed, as ``enercoop balance --scheduler``; their peak RSS is the parent's only),
``streamed`` (the same fed one curve at a time by the
generator, never all in memory, as ``enercoop balance`` reads its files: its times include
the generation, on both sides, and its ``/curves`` is its peak against what the curves
would take), ``matrices`` (portfolio_matrices: the two per-PRM matrices
of the proof) and ``proof`` (matching.match(matrices).monthly(), the matrices built
untimed). Every variant's half-hourly totals, per-PRM totals and incomplete PRMs are
compared with the single pass's (the sum's half-hourly totals too): "equal" means the
same floats, bit for bit.

    python benchmarks/balancing.py                  # 20,000 consumers + 400 producers
    python benchmarks/balancing.py --quick          # 2,000 consumers
    nice python benchmarks/balancing.py --prms 100000 --repeat 1   # 152 M points

Measured on the evening of 1 December 2026 (CPython 3.11, numpy 2.4, Dask 2026.8, 2
cores under a load average of 4 to 10: ratios move by about 1x from run to run; fresh =
the first call in a fresh process, x sum within that process), 100,000 consumers + 2,000
producers (152 M points, curves 2,577 MB), after the batched kernel (before it, same day):

- single pass 3.0x to 4.3x the sum fresh (was 4.1x to 5.2x), peak RSS 1.05x the curves
  (+27 MB); partitioned x8 serial 3.1x to 4.6x (was 4.2x to 4.6x; 3.0x to 3.2x warm);
  Dask threads 4.1x to 4.8x (was 5.4x to 6.3x); every engine the same floats;
- spooled x8 serial, spooling included, 16.7 s = 32x (was 17.9 to 24.1 s, 70x to 88x),
  +254 MB; on Dask's process pool 12.3 s (was 36.4 s); on a LocalCluster of 2 worker
  processes 14.5 s (was 49.4 s); streamed x8 20.4 s with a peak RSS of 290 MB, 0.10x what
  the curves would take (was 30.3 s, 389 MB).

Later that evening (load average about 2), the spool's batch records (curves of one shape
written by 256 as one record, summed from the block without a Curve each): spooled x8
serial 3.1 to 4.3 s, 15.8x to 16.8x fresh (12.5x to 16.9x warm), +113 MB, against 6.7 s,
26.1x (20.3x warm), +254 MB before them in the same conditions (``--variants
single,spooled --repeat 1``); at 20,000 consumers 11.4x fresh (7.8x warm), was 23.7x.

Later again (load average 2 to 3), the spool summing as the curves come (``spooled``;
``files``: the same spool summed from its files, as on a cluster), its files mapped,
uint16 W: spooled 2.96 s, 18.1x fresh (user 1.68 s, kernel 1.27 s: the page cache of
its files, first touched), 11.1x warm; files 3.15 s, 24.5x (11.0x warm); single 4.9x,
partitioned 4.6x; streamed 1.8x with a peak of 132 MB. README.md has the table.

On 2 December 2026 at 01:00 UTC (quiet: load average under 1), with ``writes`` (the floor
of any spool): single 4.8x fresh (3.7x warm), partitioned 4.1x (3.8x), writes 7.4x fresh
(kernel 0.86 s: the first child to write fresh page cache) and 3.0x warm, spooled 1.83 s,
11.9x (8.4x warm; user 1.31 s, kernel 0.52 s), files 13.9x (12.7x).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from enercoop_core.balancing.grid import SLOT_S, WH_PER_W_SLOT, month_grid  # noqa: E402
from enercoop_core.balancing.matching import match  # noqa: E402
from enercoop_core.balancing.partitioned import (  # noqa: E402
    SPOOL_BUFFER,
    CurveSpool,
    balance_partitioned,
    balance_spooled,
    dask_available,
    partition_of,
)
from enercoop_core.balancing.portfolio import (  # noqa: E402
    balance,
    portfolio_matrices,
    reduce_matrices,
)
from enercoop_core.flows import Curve  # noqa: E402

VARIANTS = ("naive", "single", "partitioned", "dask", "spooled", "files", "writes",
            "processes", "cluster", "streamed", "matrices", "proof")
#: Variants that need Dask (``cluster``: dask.distributed too).
DASK_VARIANTS = ("dask", "processes", "cluster")
NAIVE_MAX = 20000


def iter_curves(count, grid, direction, seed, peak_w):
    rng = np.random.RandomState(seed)
    for n in range(count):
        values = rng.randint(0, peak_w, grid.size).astype(np.float64)
        yield Curve(flow="BENCH", version=None, key=str(n),
                    source={"file": None, "member": None},
                    prm="%d%013d" % (1 if direction == "withdrawal" else 9, n),
                    direction=direction, step_minutes=30, dates=[],
                    instants=grid.ends.copy(), values_w=values,
                    quality=np.zeros(grid.size, dtype=np.int8))


def make_curves(count, grid, direction, seed, peak_w):
    return list(iter_curves(count, grid, direction, seed, peak_w))


def plain_sum(consumers, producers, grid):
    """The baseline: the curves' values added with numpy, one array at a time (Wh)."""
    totals = []
    for curves in (consumers, producers):
        total = np.zeros(grid.size, dtype=np.float64)
        for curve in curves:
            total += curve.values_w
        totals.append(total * WH_PER_W_SLOT)
    return totals[0], totals[1]


def writes(consumers, producers, grid, partitions):
    """The plain sum, each curve's W also written to one file per partition (consumers'
    as uint16, producers' as int32, as the spool writes whole W): the cost of writing a
    spool's points, without anything else a spool does."""
    directory = tempfile.mkdtemp(prefix="enercoop-bench-")
    try:
        handles = [open(os.path.join(directory, "partition-%05d" % number), "wb",
                        buffering=SPOOL_BUFFER) for number in range(partitions)]
        totals = []
        for curves, whole in ((consumers, "<u2"), (producers, "<i4")):
            total = np.zeros(grid.size, dtype=np.float64)
            for curve in curves:
                total += curve.values_w
                handles[partition_of(curve.prm, partitions)].write(
                    curve.values_w.astype(whole))
            totals.append(total * WH_PER_W_SLOT)
        for handle in handles:
            handle.close()
        return totals[0], totals[1]
    finally:
        shutil.rmtree(directory)


def naive(consumers, producers, grid):
    """Per-PRM, per-point Python loop: the way one would write it without numpy."""
    size, start = grid.size, grid.start_utc
    totals = []
    for curves in (consumers, producers):
        total = [0.0] * size
        for curve in curves:
            step_h = curve.step_minutes / 60.0
            for end, value in zip(curve.instants.tolist(), curve.values_w.tolist()):
                if value != value:
                    continue
                slot = (end - start - 1) // SLOT_S
                if 0 <= slot < size:
                    total[slot] += value * step_h
        totals.append(np.array(total))
    return totals[0], totals[1]


def spooled(consumers, producers, grid, partitions, scheduler="serial", summed=True):
    """Spool the curves and balance them: summed as they are spooled (``summed``, as
    ``enercoop balance`` without a cluster), else partition by partition from the files
    (on ``scheduler``)."""
    with CurveSpool(partitions, grid=grid if summed else None) as spool:
        for curve in consumers:
            spool.add(curve)
        for curve in producers:
            spool.add(curve, production=True)
        return balance_spooled(spool, grid, scheduler=scheduler)


def variant_function(mode, consumers, producers, grid, partitions, client=None):
    """The call a variant times (the proof's matrices are built here, untimed;
    ``client``: the cluster's, for ``cluster``)."""
    if mode == "naive":
        return lambda: naive(consumers, producers, grid)
    if mode == "single":
        return lambda: balance(consumers, producers, grid)
    if mode in ("partitioned", "dask"):
        scheduler = "serial" if mode == "partitioned" else "threads"
        return lambda: balance_partitioned(consumers, producers, grid,
                                           partitions=partitions, scheduler=scheduler)
    if mode == "spooled":
        return lambda: spooled(consumers, producers, grid, partitions)
    if mode == "files":
        return lambda: spooled(consumers, producers, grid, partitions, summed=False)
    if mode == "writes":
        return lambda: writes(consumers, producers, grid, partitions)
    if mode in ("processes", "cluster"):
        scheduler = "processes" if mode == "processes" else client
        return lambda: spooled(consumers, producers, grid, partitions, scheduler,
                               summed=False)
    if mode == "matrices":
        return lambda: portfolio_matrices(consumers, producers, grid)
    matrices = portfolio_matrices(consumers, producers, grid)
    return lambda: match(matrices).monthly()


def digest(*parts) -> str:
    """A short fingerprint of float arrays and dicts (bit-exact: their bytes / reprs)."""
    sha = hashlib.sha256()
    for part in parts:
        if isinstance(part, dict):
            sha.update(repr(sorted(part.items())).encode())
        else:
            sha.update(np.ascontiguousarray(part, dtype=np.float64).tobytes())
    return sha.hexdigest()[:16]


def fingerprints(mode, result):
    """(half-hourly totals, per-PRM totals and incomplete PRMs) fingerprints of a result."""
    if mode == "proof":
        table = result["2025-03"]
        return None, "%d x %d table" % table.shape
    if mode == "matrices":
        result = reduce_matrices(result)
    if isinstance(result, tuple):  # naive
        return digest(*result), None
    return (digest(result.consumption_wh, result.production_wh),
            digest(result.consumer_wh, result.producer_wh, result.incomplete))


def status_kb(key) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def reset_peak() -> None:
    """Start VmHWM afresh from the current RSS (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def best_of(function, repeat):
    best, result = None, None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - began
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def child(mode, prms, producers_n, partitions, repeat) -> int:
    """One fresh process: curves, sum, the variant (fresh, warm, traced); JSON on stdout."""
    client = None
    if mode in DASK_VARIANTS:  # imported before the memory baseline, not timed
        import dask  # noqa: F401
        import dask.delayed  # noqa: F401
        import dask.multiprocessing  # noqa: F401
        import dask.threaded  # noqa: F401
    if mode == "cluster":  # started untimed: 2 worker processes of 1 thread
        import distributed
        client = distributed.Client(distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None))
    grid = month_grid("2025-03")
    rss_imports = status_kb("VmRSS")
    if mode == "streamed":
        return streamed_child(grid, prms, producers_n, partitions, rss_imports)
    consumers = make_curves(prms, grid, "withdrawal", 1, 6000)
    producers = make_curves(producers_n, grid, "injection", 2, 250000)
    curves_bytes = sum(c.instants.nbytes + c.values_w.nbytes + c.quality.nbytes
                       for c in consumers + producers)
    rss_curves = status_kb("VmRSS")
    function = variant_function(mode, consumers, producers, grid, partitions, client)
    sum_fresh, sums = best_of(lambda: plain_sum(consumers, producers, grid), 1)
    reset_peak()
    before = os.times()
    fresh, result = best_of(function, 1)
    after = os.times()
    peak = status_kb("VmHWM")
    out = {"mode": mode, "fresh": fresh, "sum_fresh": sum_fresh, "rss_imports": rss_imports,
           "fresh_user": after.user - before.user, "fresh_sys": after.system - before.system,
           "rss_curves": rss_curves, "peak": peak, "curves_bytes": curves_bytes,
           "sum_totals": digest(*sums)}
    out["totals"], out["per_prm"] = fingerprints(mode, result)
    if mode == "matrices":
        out["matrices"] = [[name, list(array.shape), array.nbytes] for name, array in
                           (("consumption", result.consumption),
                            ("production", result.production))]
    del result
    if mode == "naive":  # slow: one call only
        repeat = 0
    if repeat:
        out["warm"] = best_of(function, repeat)[0]
        out["sum_warm"] = best_of(lambda: plain_sum(consumers, producers, grid), repeat)[0]
    if mode != "naive":
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        function()
        out["traced"] = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    if client is not None:
        cluster = client.cluster
        client.close()
        cluster.close()
    print(json.dumps(out))
    return 0


def streamed_child(grid, prms, producers_n, partitions, rss_imports) -> int:
    """The spooled run fed by the generator, as ``enercoop balance`` reads its files: the
    curves are never all in memory (times include their generation, on both sides)."""
    def curves(name):
        return (iter_curves(prms, grid, "withdrawal", 1, 6000) if name == "c"
                else iter_curves(producers_n, grid, "injection", 2, 250000))

    sum_fresh, sums = best_of(lambda: plain_sum(curves("c"), curves("p"), grid), 1)
    reset_peak()
    before = os.times()
    fresh, result = best_of(lambda: spooled(curves("c"), curves("p"), grid, partitions), 1)
    after = os.times()
    out = {"mode": "streamed", "fresh": fresh, "sum_fresh": sum_fresh,
           "fresh_user": after.user - before.user, "fresh_sys": after.system - before.system,
           "rss_imports": rss_imports, "rss_curves": rss_imports,
           "peak": status_kb("VmHWM"), "curves_bytes": (prms + producers_n) * grid.size * 17,
           "sum_totals": digest(*sums)}
    out["totals"], out["per_prm"] = fingerprints("streamed", result)
    print(json.dumps(out))
    return 0


def run_child(mode, args, producers_n):
    command = [sys.executable, os.path.abspath(__file__), "--child", mode, "--prms",
               str(args.prms), "--producers", str(producers_n), "--partitions",
               str(args.partitions), "--repeat", str(args.repeat)]
    return json.loads(subprocess.run(command, check=True, stdout=subprocess.PIPE,
                                     text=True).stdout.splitlines()[-1])


def report(figures, args, producers_n) -> None:
    grid = month_grid("2025-03")
    points = (args.prms + producers_n) * grid.size
    curves = figures[0]["curves_bytes"]
    print("portfolio: %s consumers + %s producers x %d half-hours = %s points (2025-03); "
          "curves %.0f MB (values alone %.0f MB)" % (
              format(args.prms, ","), format(producers_n, ","), grid.size,
              format(points, ","), curves / 1e6, points * 8 / 1e6))
    print("python %s, numpy %s, dask %s, cpus %s, partitions %d; fresh = first call in a "
          "fresh process; x sum = against the plain numpy sum in that process" % (
              sys.version.split()[0], np.__version__,
              __import__("dask").__version__ if dask_available() else "absent",
              os.cpu_count(), args.partitions))
    print("")
    print("%-12s %8s %7s %11s %8s %7s %9s %8s %9s %9s  %s" % (
        "variant", "fresh s", "x sum", "user/sys s", "warm s", "x sum", "peak MB", "/curves",
        "+MB", "alloc MB", "equal"))
    reference = next((f for f in figures if f["mode"] == "single"), None)
    for f in figures:
        data_peak = (f["peak"] - f["rss_imports"]) * 1024.0
        if f["mode"] == "proof":
            equal = f["per_prm"]
        elif reference is None:
            equal = "?"
        else:
            equal = "yes" if (f["totals"] == reference["totals"]
                              and f["per_prm"] in (None, reference["per_prm"])) else "NO"
        warm = ("%8.3f %6.1fx" % (f["warm"], f["warm"] / f["sum_warm"]) if "warm" in f
                else "%8s %7s" % ("-", "-"))
        cpu = ("%5.2f/%-5.2f" % (f["fresh_user"], f["fresh_sys"]) if "fresh_user" in f
               else "%11s" % "-")
        print("%-12s %8.3f %6.1fx %s %s %9.0f %7.2fx %9.0f %9.0f  %s" % (
            f["mode"], f["fresh"], f["fresh"] / f["sum_fresh"], cpu, warm, f["peak"] / 1024.0,
            data_peak / curves, (f["peak"] - f["rss_curves"]) / 1024.0,
            f.get("traced", float("nan")) / 1e6, equal))
    sums = {f["sum_totals"] for f in figures}
    print("")
    if reference is None:
        against = "(no single pass to compare them with)"
    else:
        against = "%s the single pass's" % (
            "equal" if sums == {reference["totals"]} else "DIFFER FROM")
    print("plain numpy sum: fresh %.3f to %.3f s over the processes; its half-hourly totals "
          "%s" % (min(f["sum_fresh"] for f in figures), max(f["sum_fresh"] for f in figures),
                  against))
    print("user/sys s: CPU seconds of the fresh call in Python and numpy / in the kernel "
          "(page faults, the spool's page cache)")
    print("peak MB: peak RSS of the fresh call; /curves: (peak - RSS of the imports) / bytes "
          "of the curves; +MB: peak over the RSS with the curves loaded; alloc MB: peak of "
          "the traced allocations of one call")
    for f in figures:
        for name, shape, nbytes in f.get("matrices", ()):
            print("matrix %-12s %s float64: %.0f MB" % (
                name, " x ".join(format(n, ",") for n in shape), nbytes / 1e6))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prms", type=int, default=20000, help="consumers (default 20000)")
    parser.add_argument("--producers", type=int, default=None,
                        help="producers (default prms / 50)")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3,
                        help="warm calls after the fresh one, best kept (0: none)")
    parser.add_argument("--quick", action="store_true", help="2000 consumers")
    parser.add_argument("--naive", action="store_true",
                        help="run the naive loop above %d consumers too" % NAIVE_MAX)
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="comma-separated subset of %s" % ",".join(VARIANTS))
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.prms = 2000
    producers_n = args.producers or max(1, args.prms // 50)
    if args.child:
        return child(args.child, args.prms, producers_n, args.partitions, args.repeat)
    wanted = [mode for mode in args.variants.split(",") if mode]
    unknown = set(wanted) - set(VARIANTS)
    if unknown:
        parser.error("unknown variants: %s" % ", ".join(sorted(unknown)))
    if args.prms > NAIVE_MAX and not args.naive and "naive" in wanted:
        wanted.remove("naive")
    if not dask_available():
        print("(dask not importable: the Dask variants are skipped)")
        wanted = [mode for mode in wanted if mode not in DASK_VARIANTS]
    figures = []
    for mode in wanted:
        figures.append(run_child(mode, args, producers_n))
        print("  %s done (%.1f s fresh)" % (mode, figures[-1]["fresh"]), file=sys.stderr)
    report(figures, args, producers_n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
