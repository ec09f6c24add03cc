"""``enercoop demo``: bill the bundled sample data end to end and print a readable summary.

Sample data in ``enercoop_core/billing/data/demo/``: ``contracts.csv`` (six contracts, every
BT <= 36 kVA option, a power change mid-month, one BT > 36 kVA point), ``offers.csv`` (an
example price grid, not a real one), ``readings.json`` (index_reading records as the flows
engine produces them: a missing reading estimated then trued up, a meter roll-over).
Three months are billed in sequence, each month's bills feeding the next one's true-ups.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent / "billing" / "data" / "demo"
MONTHS = ("2025-09", "2025-10", "2025-11")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="bill the bundled sample data and print a summary",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__.split("\n\n", 1)[1],
        epilog="example:\n  enercoop demo            # summary\n  enercoop demo --details  # every bill line")
    parser.add_argument("--details", action="store_true", help="print every bill line")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from enercoop_core.billing.cli import month, write_bills
    from enercoop_core.billing.engine import bill_contract
    from enercoop_core.billing.io import read_contracts, read_records
    from enercoop_core.billing.readings import from_records
    from enercoop_core.errors import EnercoopError
    from enercoop_core.tariffs.rates import Rates

    rates = Rates.load(DEMO_DIR / "offers.csv")
    contracts = read_contracts(DEMO_DIR / "contracts.csv")
    rejected = []
    readings = from_records(read_records([DEMO_DIR / "readings.json"], rejected), rejected)
    out = sys.stdout
    out.write("enercoop demo: %d contracts, %d readings, months %s\n\n" % (
        len(contracts), len(readings), ", ".join(MONTHS)))
    history = {}
    problems = 0
    out.write("%-7s %-8s %-10s %9s %9s %9s  %s\n" % (
        "month", "contract", "option", "kWh", "excl.VAT", "total", "notes"))
    for period in MONTHS:
        start, end = month(period)
        for contract_id, versions in sorted(contracts.items()):
            mine = [r for r in readings if r.prm == versions[0].prm]
            try:
                bill = bill_contract(versions, mine, start, end, rates,
                                     prior_bills=history.get(contract_id, []))
            except EnercoopError as exc:
                problems += 1
                out.write("%-7s %-8s %-10s %9s %9s %9s  NOT BILLED: %s\n" % (
                    period, contract_id, versions[-1].fta, "", "", "", exc))
                continue
            history.setdefault(contract_id, []).append(bill)
            kwh = sum(l.quantity for l in bill.lines if l.kind == "accise")
            notes = []
            if bill.estimated:
                notes.append("estimated")
            trueups = [l for l in bill.lines if l.true_up]
            if trueups:
                notes.append("true-up of %s: %s EUR" % (
                    trueups[0].period_start.strftime("%Y-%m"), sum(l.amount for l in trueups)))
            if len([l for l in bill.lines if l.code == "turpe_b"]) > 1:
                notes.append("power change")
            out.write("%-7s %-8s %-10s %9s %9s %9s  %s\n" % (
                period, contract_id, versions[-1].fta, kwh, bill.total_excl_vat, bill.total,
                ", ".join(notes)))
            if args.details:
                write_bills([bill], "text", out)
    out.write("\n%d bills, %d not billed (a missing rate is an error naming its table and date,"
              " never a zero)\n" % (sum(len(v) for v in history.values()), problems))
    return 0
