"""``enercoop bill``: bill contracts for a month from their readings."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys

from enercoop_core.errors import EnercoopError, InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "bill", help="bill contracts for a month from meter readings",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Price the supply contracts of a contracts file (CSV or JSON, see "
            "enercoop_core/billing/io.py) for one calendar month from index readings "
            "(R15 flow files, or .json/.jsonl index_reading records), with TURPE, CTA, accise "
            "and VAT from the bundled dated tables and the cooperative's offers file."),
        epilog=(
            "example:\n  enercoop bill --contracts contracts.csv --offers offers.csv \\\n"
            "      --readings R15_*.xml --period 2025-09 --format json > bills.json\n\n"
            "exit status: 0 all billed, 1 some contracts could not be billed (listed on stderr)"))
    parser.add_argument("--contracts", required=True, help="contracts file (.csv or .json)")
    parser.add_argument("--offers", required=True, help="the cooperative's price grids (CSV)")
    parser.add_argument("--readings", nargs="+", required=True, help="flow or JSON files")
    parser.add_argument("--period", required=True, help="month to bill, YYYY-MM")
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.set_defaults(handler=run)


def month(text: str):
    try:
        start = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise InputError("period must be YYYY-MM, not %r" % text, field="--period")
    end = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, end


def bill_all(contracts, records, start, end, rates, rejected):
    """Bill every contract; returns (bills, problems [(contract_id, message)])."""
    from enercoop_core.billing.engine import bill_contract
    from enercoop_core.billing.readings import from_records
    readings = from_records(records, rejected)
    by_prm = {}
    for reading in readings:
        by_prm.setdefault(reading.prm, []).append(reading)
    bills, problems = [], []
    for contract_id, versions in sorted(contracts.items()):
        if not any(v.start < end and (v.end is None or v.end > start) for v in versions):
            continue
        try:
            bills.append(bill_contract(versions, by_prm.get(versions[0].prm, []), start, end, rates))
        except EnercoopError as exc:
            problems.append((contract_id, str(exc)))
    return bills, problems


def write_bills(bills, fmt: str, out=None) -> None:
    from enercoop_core.billing.io import bill_to_dict
    out = out or sys.stdout
    if fmt == "json":
        json.dump([bill_to_dict(b) for b in bills], out, indent=1, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["contract_id", "prm", "kind", "code", "label", "period_start", "period_end",
                         "quantity", "unit", "unit_price", "amount", "vat_rate", "estimated",
                         "true_up", "rate_ref"])
        for b in bills:
            for l in b.lines:
                writer.writerow([b.contract_id, b.prm, l.kind, l.code, l.label, l.period_start,
                                 l.period_end, l.quantity, l.unit, l.unit_price, l.amount,
                                 l.vat_rate, int(l.estimated), int(l.true_up), l.rate_ref])
    else:
        for b in bills:
            out.write("%s  PRM %s  %s..%s%s\n" % (b.contract_id, b.prm, b.period_start,
                                                 b.period_end, "  (ESTIMATED)" if b.estimated else ""))
            for l in b.lines:
                out.write("  %-44s %12s %-4s x %12s = %9s  VAT %5s%%%s\n" % (
                    l.label[:44], l.quantity, l.unit, l.unit_price, l.amount, l.vat_rate,
                    "  true-up %s" % l.period_start if l.true_up else ""))
            for v in b.vat:
                out.write("  VAT %5s%% on %10s = %9s\n" % (v.rate, v.base, v.amount))
            out.write("  total excl. VAT %s, VAT %s, total %s EUR\n\n" % (
                b.total_excl_vat, b.total_vat, b.total))


def run(args) -> int:
    from enercoop_core.billing.io import read_contracts, read_records
    from enercoop_core.tariffs.rates import Rates
    start, end = month(args.period)
    contracts = read_contracts(args.contracts)
    rates = Rates.load(args.offers)
    rejected = []
    records = read_records(args.readings, rejected)
    bills, problems = bill_all(contracts, records, start, end, rates, rejected)
    write_bills(bills, args.format)
    for record, error in rejected:
        print("rejected reading: %s" % (error,), file=sys.stderr)
    for contract_id, message in problems:
        print("not billed: %s: %s" % (contract_id, message), file=sys.stderr)
    return 1 if (problems or rejected) else 0
