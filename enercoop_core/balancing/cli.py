"""``enercoop balance``: the half-hourly portfolio balance of a month, and its proof."""
from __future__ import annotations

import argparse
import contextlib
import csv
import heapq
import json
import os
import sys
import textwrap

from enercoop_core.errors import InputError

#: Default --partitions: a month of 100,000 PRMs (2.5 GB of curves) in ~160 MB slices.
DEFAULT_PARTITIONS = 16
#: Seconds to wait for a --scheduler address to answer.
CONNECT_TIMEOUT_S = 30


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "balance", help="half-hourly balance of production against supply for a month",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_wrap(
            "Balance the cooperative's renewable production against its supply for one "
            "calendar month, half-hour by half-hour in Paris civil time (46/50 half-hours on "
            "the days of the clock changes).\n\n"
            "Consumption: the load curves given (R50 flow files, zips, folders, or CSV curves: "
            "prm, instant ending the interval, value_w in W, optional direction and "
            "step_minutes; see enercoop_core/balancing/io.py) plus, with --profiles and "
            "--profiled, consumers without a curve shaped by the Enedis profile coefficients. "
            "Production: the curves whose direction is 'injection' and every curve of "
            "--production. The report gives totals, the share of consumption covered "
            "half-hour by half-hour, deficit and surplus energy and hours, and which "
            "producers covered which consumers (pro rata rule: "
            "enercoop_core/balancing/matching.py)."),
        epilog=(
            "example:\n  enercoop balance --curves R50_*.zip consumers.csv \\\n"
            "      --production producers_curves.csv --producers producers.csv \\\n"
            "      --profiles coefficients.csv --profiled profiled.csv \\\n"
            "      --period 2025-03 --plot balance.png --matching proof.csv\n\n"
            "exit status: 0 done, 1 done but some input was rejected or incomplete (listed "
            "on stderr), 2 bad input"))
    parser.add_argument("--curves", nargs="+", required=True, metavar="PATH",
                        help="load curves: R50 flow files/zips/folders or .csv curves")
    parser.add_argument("--production", nargs="+", default=[], metavar="PATH",
                        help="producers' injection curves (any curve here counts as production)")
    parser.add_argument("--producers", help="producers CSV (prm, name, technology), for the proof")
    parser.add_argument("--profiles", help="Enedis profile coefficients (open-data CSV)")
    parser.add_argument("--profiled", metavar="FILE",
                        help="consumers without curve CSV (prm, sub_profile, energy_kwh, basis)")
    parser.add_argument("--period", required=True, help="month, YYYY-MM")
    parser.add_argument("--plot", metavar="PNG", help="write the balance chart (needs matplotlib)")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="chart labels")
    parser.add_argument("--matching", metavar="CSV",
                        help="write the proof: producer x consumer x month allocation (Wh)")
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text",
                        help="text summary, JSON summary and proof, or half-hourly CSV")
    parser.add_argument("--partitions", type=int, default=DEFAULT_PARTITIONS, metavar="N",
                        help="groups of PRMs whose curves are loaded one group at a time "
                             "(memory ~ 1/N of the curves; default %d)" % DEFAULT_PARTITIONS)
    parser.add_argument("--scheduler", metavar="ADDR",
                        help="run the partitions on a Dask cluster: its scheduler address "
                             "(tcp://host:8786), or 'local' for a cluster of local processes "
                             "(needs enercoop-core[dask]; workers must see TMPDIR); default: "
                             "one after the other in this process")
    parser.set_defaults(handler=run)


def _wrap(text: str) -> str:
    return "\n\n".join(textwrap.fill(part, 88) for part in text.split("\n\n"))


def run(args) -> int:
    from enercoop_core.balancing.grid import local_label, month_grid
    from enercoop_core.balancing.partitioned import (
        CurveSpool,
        balance_spooled,
        spooled_matchings,
    )
    from enercoop_core.balancing.portfolio import summarize

    grid = month_grid(args.period)
    if args.partitions < 1:
        raise InputError("--partitions must be >= 1", field="--partitions")
    profiled, coefficients = _read_profiled(args)
    # without a cluster the balance is summed while the curves are spooled (nothing read
    # back for it); with one, the partitions are summed by its workers
    summed_on = None if args.scheduler else grid
    with _Scheduler(args.scheduler) as scheduler, \
            CurveSpool(args.partitions, grid=summed_on) as spool:
        problems = _spool_curves(args, spool)
        result = balance_spooled(spool, grid, profiled, coefficients, scheduler)
        # the proof partition by partition: what the output needs is kept, the rest
        # dropped (every producer x consumer row only for --format json)
        proof = _Proof(spool.directory, rows=args.format == "json",
                       coverage=args.format == "json", csv_rows=bool(args.matching))
        for matching in spooled_matchings(spool, grid, result, _producer_contracts(args),
                                          profiled, coefficients):
            proof.add(matching)
        if args.matching:
            proof.write_csv(args.matching)
    summary = summarize(result)
    problems += proof.problems
    for prm, slots in sorted(result.incomplete.items()):
        problems.append("PRM %s: %d half-hour(s) without a full measure" % (prm, slots))
    if args.plot:
        from enercoop_core.balancing.plot import plot_balance
        plot_balance(result, args.plot, lang=args.lang, title="%s %s" % (
            "Équilibre" if args.lang == "fr" else "Balance", args.period))
    summary = dict(summary, period=args.period, start=local_label(grid.start_utc),
                   end=local_label(grid.end_utc))
    _write(args.format, summary, proof, result, grid, problems, sys.stdout)
    for problem in problems:
        print("enercoop balance: %s" % problem, file=sys.stderr)
    return 1 if problems else 0


def _row_order(row):
    return (row["period"], row["producer_prm"], row["consumer_prm"])


class _Proof:
    """What the command prints and writes of the proof, gathered partition by partition:
    problems (without repeats) and each producer's allocated Wh always; the rows and the
    consumers' coverage when asked (``rows``, ``coverage``); with ``csv_rows``, each
    partition's rows sorted into a file of ``directory``, merged by :meth:`write_csv` (the
    order of one sort of every row, in bounded memory)."""

    def __init__(self, directory, rows=False, coverage=False, csv_rows=False):
        self.directory, self.problems, self.by_producer = directory, [], {}
        self.rows = [] if rows else None
        self.coverage = {} if coverage else None
        self.parts = [] if csv_rows else None

    def add(self, matching) -> None:
        from enercoop_core.balancing.matching import add_problems

        rows = sorted(matching.rows("month"), key=_row_order)
        for row in rows:
            key = (row["producer_prm"], row["producer"])
            self.by_producer[key] = self.by_producer.get(key, 0) + row["allocated_wh"]
        if self.rows is not None:
            self.rows.extend(rows)
        if self.coverage is not None:
            self.coverage.update(matching.consumer_coverage())
        add_problems(self.problems, matching.check())
        if self.parts is not None:
            path = os.path.join(self.directory, "proof-%05d.csv" % len(self.parts))
            with open(path, "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=_MATCH_COLUMNS)
                writer.writerows(rows)
            self.parts.append(path)

    def sorted_rows(self):
        """Every row, sorted by (period, producer PRM, consumer PRM)."""
        if self.rows is not None:
            self.rows.sort(key=_row_order)
        return self.rows

    def write_csv(self, target) -> None:
        with contextlib.ExitStack() as stack, \
                open(target, "w", newline="", encoding="utf-8") as handle:
            readers = [csv.DictReader(stack.enter_context(open(path, newline="",
                                                               encoding="utf-8")),
                                      fieldnames=_MATCH_COLUMNS) for path in self.parts]
            writer = csv.DictWriter(handle, fieldnames=_MATCH_COLUMNS)
            writer.writeheader()
            writer.writerows(heapq.merge(*readers, key=_row_order))


class _Scheduler:
    """``--scheduler``: None -> "serial"; "local" -> a LocalCluster of processes; else the
    address of a Dask scheduler. Closes what it opened."""

    def __init__(self, address):
        self.address, self.opened = address, []

    def __enter__(self):
        if not self.address:
            return "serial"
        try:
            from dask import distributed
        except ImportError as exc:
            raise InputError("--scheduler needs Dask: pip install 'enercoop-core[dask]' "
                             "(Python >= 3.9)", field="--scheduler") from exc
        try:
            if self.address == "local":
                cluster = distributed.LocalCluster(processes=True, threads_per_worker=1,
                                                   dashboard_address=None)
                self.opened.append(cluster)
                client = distributed.Client(cluster)
            else:
                client = distributed.Client(self.address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, ValueError, TypeError) as exc:
            self.__exit__()
            raise InputError("cannot reach the Dask scheduler %r: %s" % (self.address, exc),
                             field="--scheduler") from exc
        self.opened.insert(0, client)
        return client

    def __exit__(self, *exc_info):
        for opened in self.opened:
            opened.close()
        self.opened = []


def _spool_curves(args, spool):
    """Stream the command's curves into ``spool``; returns the problems met."""
    from enercoop_core.balancing.io import iter_curves

    problems = []  # type: list
    for curve in iter_curves(args.curves, problems):
        spool.add(curve, production=curve.direction == "injection")
    for curve in iter_curves(args.production, problems):
        spool.add(curve, production=True)
    return problems


def _read_profiled(args):
    """(profiled consumers, their coefficients or None) from --profiled and --profiles."""
    from enercoop_core.balancing.io import read_profiled

    if not args.profiled:
        return [], None
    if not args.profiles:
        raise InputError("--profiled needs --profiles (the coefficient file)",
                         field="--profiles")
    from enercoop_core.billing.profiles import ProfileCoefficients
    profiled = read_profiled(args.profiled)
    coefficients = ProfileCoefficients.from_csv(
        args.profiles, sub_profiles={p.sub_profile for p in profiled})
    return profiled, coefficients


def _producer_contracts(args):
    from enercoop_core.balancing.io import read_producers

    return read_producers(args.producers) if args.producers else ()


def _write(fmt, summary, proof, result, grid, problems, out) -> None:
    """The balance on ``out`` as JSON, as half-hourly CSV rows, or as text."""
    from enercoop_core.balancing.grid import local_label

    if fmt == "json":
        json.dump({"summary": summary, "matching": proof.sorted_rows(),
                   "coverage": proof.coverage, "problems": problems},
                  out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(["instant_end", "consumption_wh", "production_wh", "balance_wh"])
        for end, cons, prod in zip(grid.ends.tolist(), result.consumption_wh.tolist(),
                                   result.production_wh.tolist()):
            writer.writerow([local_label(end), round(cons, 3), round(prod, 3),
                             round(prod - cons, 3)])
    else:
        _text(summary, proof.by_producer, out)


_MATCH_COLUMNS = ["period", "producer_prm", "producer", "technology", "consumer_prm",
                  "allocated_wh", "go_mwh"]


def _ratio(value) -> str:
    return "-" if value is None else "%.1f %%" % (100.0 * value)


def _kwh(wh) -> str:
    """``1234567`` Wh -> ``"1 234.6 kWh"`` (thousands grouped by a space)."""
    return "%s kWh" % format(wh / 1000.0, ",.1f").replace(",", " ")


def _text(summary, by_producer, out) -> None:
    print("Balance %(period)s (%(start)s .. %(end)s, %(slots)d half-hours)" % summary, file=out)
    print("  consumers %d, producers %d" % (summary["consumers"], summary["producers"]),
          file=out)
    print("  consumption   %s" % _kwh(summary["consumption_wh"]), file=out)
    print("  production    %s" % _kwh(summary["production_wh"]), file=out)
    print("  balance       %s" % _kwh(summary["balance_wh"]), file=out)
    print("  covered half-hour by half-hour %s; production / consumption %s" % (
        _ratio(summary["coverage_ratio"]), _ratio(summary["volume_ratio"])), file=out)
    print("  deficit %s over %.1f h; surplus %s over %.1f h" % (
        _kwh(summary["deficit_wh"]), summary["deficit_hours"], _kwh(summary["surplus_wh"]),
        summary["surplus_hours"]), file=out)
    if by_producer:
        print("  supply covered by producer:", file=out)
        for (prm, name), wh in sorted(by_producer.items(), key=lambda kv: -kv[1]):
            print("    %s %s  %s" % (prm, name, _kwh(wh)), file=out)
