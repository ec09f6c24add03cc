"""Benchmark: the half-hourly portfolio balance of N PRMs over one month.

Measured in the same run, on the same synthetic curves (whole W, 30-minute R50-like
curves of March 2025, 1486 half-hours with the spring change):

- baseline: a naive per-PRM, per-point Python loop (slot arithmetic on Python ints);
- single pass: enercoop_core.balancing.portfolio.balance (one numpy kernel for all PRMs);
- partitioned serial: balance_partitioned(..., scheduler="serial");
- partitioned Dask: balance_partitioned(..., scheduler="threads") when Dask is importable;
- spooled serial: the curves spooled per partition (CurveSpool) then balance_spooled, as
  ``enercoop balance`` runs, the spooling included;
- the proof: matching.match(...).monthly() on the single-pass matrices.

Every variant's half-hourly totals are checked equal to the baseline's.

Peak memory (``--rss-prms``, default 20,000 consumers): the single pass and the spooled
partitioned run each in a fresh process (peak RSS: ``VmHWM``), against a fresh process
that only imports and builds the grid; the curves are generated one at a time and streamed
into the spool in the partitioned run, as ``enercoop balance`` reads its files.

    python benchmarks/balancing.py              # 5000 consumers, 100 producers
    python benchmarks/balancing.py --quick      # 500 consumers
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from enercoop_core.balancing.grid import SLOT_S, month_grid  # noqa: E402
from enercoop_core.balancing.matching import match  # noqa: E402
from enercoop_core.balancing.partitioned import (  # noqa: E402
    CurveSpool,
    balance_partitioned,
    balance_spooled,
    dask_available,
)
from enercoop_core.balancing.portfolio import balance, portfolio_matrices  # noqa: E402
from enercoop_core.flows import Curve  # noqa: E402


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


def spooled(consumers, producers, grid, partitions):
    """Spool the curves (iterables), then balance them partition by partition."""
    with CurveSpool(partitions) as spool:
        for curve in consumers:
            spool.add(curve)
        for curve in producers:
            spool.add(curve, production=True)
        return balance_spooled(spool, grid)


def rss_child(mode, prms, producers_n, partitions) -> int:
    """One fresh-process measure: prints the peak RSS (MB) and the consumption total."""
    grid = month_grid("2025-03")
    total = 0.0
    if mode == "single":
        result = balance(make_curves(prms, grid, "withdrawal", 1, 6000),
                         make_curves(producers_n, grid, "injection", 2, 250000), grid)
        total = float(result.consumption_wh.sum())
    elif mode == "spooled":
        result = spooled(iter_curves(prms, grid, "withdrawal", 1, 6000),
                         iter_curves(producers_n, grid, "injection", 2, 250000), grid,
                         partitions)
        total = float(result.consumption_wh.sum())
    print("%.1f %r" % (peak_rss_mb(), total))
    return 0


def peak_rss_mb() -> float:
    """This process's peak RSS in MB: VmHWM on Linux (ru_maxrss survives fork and exec, so
    it would start at the parent's size), else ru_maxrss."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    scale = 1.0 if sys.platform == "darwin" else 1024.0  # bytes on macOS, KB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale / 1024.0


def peak_rss(prms, partitions) -> None:
    """Peak RSS of the single pass against the spooled run, each in a fresh process."""
    producers_n = max(1, prms // 50)
    points = (prms + producers_n) * month_grid("2025-03").size
    figures = {}
    for mode in ("imports", "single", "spooled"):
        began = time.perf_counter()
        out = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--rss-child", mode, "--prms",
             str(prms), "--producers", str(producers_n), "--partitions", str(partitions)],
            check=True, stdout=subprocess.PIPE, text=True,
            env=dict(os.environ, TMPDIR=tempfile.gettempdir())).stdout.split()
        figures[mode] = (float(out[0]), float(out[1]), time.perf_counter() - began)
    base = figures["imports"][0]
    print("")
    print("peak RSS, fresh processes, %s consumers + %d producers (%s points; curves %.0f MB, "
          "one (PRMs x half-hours) float64 matrix %.0f MB):" % (
              format(prms, ","), producers_n, format(points, ","), points * 17 / 1e6,
              points * 8 / 1e6))
    print("  imports and grid only            %7.0f MB" % base)
    for mode, label in (("single", "single pass (all curves loaded)"),
                        ("spooled", "spooled x%d serial" % partitions)):
        peak, _total, seconds = figures[mode]
        print("  %-32s %7.0f MB  (+%.0f MB over imports; %.1f s with start-up)" % (
            label, peak, peak - base, seconds))
    print("  same consumption total: %s" % (
        "yes" if figures["single"][1] == figures["spooled"][1] else "NO"))


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


def timed(label, fn, repeat):
    best, result = None, None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - began
        best = elapsed if best is None else min(best, elapsed)
    return label, best, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prms", type=int, default=5000, help="consumers (default 5000)")
    parser.add_argument("--producers", type=int, default=None,
                        help="producers (default prms / 50)")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the fast variants")
    parser.add_argument("--quick", action="store_true", help="500 consumers")
    parser.add_argument("--rss-prms", type=int, default=20000,
                        help="consumers of the peak-memory comparison (0: skip it)")
    parser.add_argument("--rss-partitions", type=int, default=16)
    parser.add_argument("--rss-child", choices=("imports", "single", "spooled"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        return rss_child(args.rss_child, args.prms, args.producers or 1, args.partitions)
    if args.quick:
        args.prms = 500
    compare(args)  # its curves are freed on return
    if args.rss_prms:
        peak_rss(args.rss_prms, args.rss_partitions)
    return 0


def compare(args) -> None:
    """Time every variant on the same in-memory curves; check their totals equal."""
    producers_n = args.producers or max(1, args.prms // 50)
    grid = month_grid("2025-03")
    consumers = make_curves(args.prms, grid, "withdrawal", 1, 6000)
    producers = make_curves(producers_n, grid, "injection", 2, 250000)
    points = (args.prms + producers_n) * grid.size
    print("portfolio: %d consumers + %d producers x %d half-hours = %s points (2025-03)" % (
        args.prms, producers_n, grid.size, format(points, ",")))
    print("python %s, numpy %s, dask %s, cpus %s" % (
        sys.version.split()[0], np.__version__,
        __import__("dask").__version__ if dask_available() else "absent", os.cpu_count()))

    rows = [timed("naive per-PRM Python loop (baseline)",
                  lambda: naive(consumers, producers, grid), 1)]
    reference = rows[0][2]
    rows.append(timed("single pass numpy", lambda: balance(consumers, producers, grid),
                      args.repeat))
    rows.append(timed("partitioned x%d serial" % args.partitions,
                      lambda: balance_partitioned(consumers, producers, grid,
                                                  partitions=args.partitions,
                                                  scheduler="serial"), args.repeat))
    rows.append(timed("spooled x%d serial (with spooling)" % args.partitions,
                      lambda: spooled(consumers, producers, grid, args.partitions),
                      args.repeat))
    if dask_available():
        rows.append(timed("partitioned x%d dask threads" % args.partitions,
                          lambda: balance_partitioned(consumers, producers, grid,
                                                      partitions=args.partitions,
                                                      scheduler="threads"), args.repeat))
    else:
        print("(dask not importable: the Dask variant is skipped)")
    baseline = rows[0][1]
    print("")
    print("%-36s %10s %14s %9s  %s" % ("variant", "seconds", "points/s", "speed-up", "equal"))
    for label, seconds, result in rows:
        if isinstance(result, tuple):
            cons, prod = result
        else:
            cons, prod = result.consumption_wh, result.production_wh
        equal = np.array_equal(cons, reference[0]) and np.array_equal(prod, reference[1])
        print("%-36s %10.3f %14s %8.1fx  %s" % (label, seconds, format(int(points / seconds), ","),
                                                baseline / seconds, "yes" if equal else "NO"))
    matrices = portfolio_matrices(consumers, producers, grid)
    label, seconds, monthly = timed("proof: match().monthly()",
                                    lambda: match(matrices).monthly(), args.repeat)
    table = monthly["2025-03"]
    print("%-36s %10.3f   (%d x %d producer x consumer Wh table)" % (
        label, seconds, table.shape[0], table.shape[1]))
    print("single-pass matrices: %.0f MB; per partition about %.0f MB" % (
        (matrices.consumption.nbytes + matrices.production.nbytes) / 1e6,
        (matrices.consumption.nbytes + matrices.production.nbytes) / 1e6 / args.partitions))


if __name__ == "__main__":
    sys.exit(main())
