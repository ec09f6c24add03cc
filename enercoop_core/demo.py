"""``enercoop demo``: bill the bundled sample data end to end and print a readable summary.

Sample data in ``enercoop_core/billing/data/demo/``: ``contracts.csv`` (six contracts, every
BT <= 36 kVA option, a power change mid-month, one BT > 36 kVA point), ``offers.csv`` (an
example price grid, not a real one), flow files written for the demo after the Enedis schemas
(``R15_*.xml``: monthly index readings of the C5 points and of two producers, with a missing
reading estimated then trued up and a meter roll-over; ``R171_*.xml``: daily indexes of the
BT > 36 kVA point), and the producers' ``purchase_contracts.csv`` with an example purchase
grid ``purchase_prices.csv`` and index ``purchase_index.csv``.
The flow files go through the flows engine (``enercoop_core.flows.parse``, validation on),
three months are billed in sequence, each month's bills feeding the next one's true-ups, and
each month's self-billing purchase invoices of the producers follow.
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
        epilog="example:\n  enercoop demo            # summary\n"
               "  enercoop demo --details  # every bill and invoice line")
    parser.add_argument("--details", action="store_true", help="print every bill line")
    parser.set_defaults(handler=run)


def flow_files():
    """The demo's flow files, in name order (R15 monthly files, then the R171 file)."""
    return sorted(str(p) for p in DEMO_DIR.glob("R1*.xml"))


_ROW = "%-7s %-8s %-10s %9s %9s %9s  %s\n"


def run(args) -> int:
    from enercoop_core import flows
    from enercoop_core.billing.io import read_contracts, read_purchase_contracts
    from enercoop_core.billing.readings import from_records
    from enercoop_core.period import month
    from enercoop_core.tariffs.purchase import PurchaseTariffs
    from enercoop_core.tariffs.rates import Rates

    rates = Rates.load(DEMO_DIR / "offers.csv")
    contracts = read_contracts(DEMO_DIR / "contracts.csv")
    producers = read_purchase_contracts(DEMO_DIR / "purchase_contracts.csv")
    tariffs = PurchaseTariffs.from_csv(DEMO_DIR / "purchase_prices.csv",
                                       DEMO_DIR / "purchase_index.csv")
    run_ = flows.parse(flow_files())
    records = list(run_)
    rejected = []
    readings = from_records(records, rejected)
    out = sys.stdout
    out.write("enercoop demo: %d flow files (%s) -> %d index readings, %d rejected\n" % (
        len(run_.documents), ", ".join(sorted({"%s %s" % (d.kind, d.version)
                                               for d in run_.documents})),
        len(readings), len(run_.rejected) + len(rejected)))
    out.write("%d supply contracts, %d producers, months %s\n\n" % (
        len(contracts), len(producers), ", ".join(MONTHS)))
    history = {}
    problems = len(run_.rejected) + len(rejected)
    invoices_count = 0
    out.write(_ROW % ("month", "contract", "option", "kWh", "excl.VAT", "total", "notes"))
    for period in MONTHS:
        start, end = month(period)
        problems += _bill_month(period, start, end, contracts, readings, rates, history,
                                out, args.details)
        count, failed = _purchase_month(period, start, end, producers, readings, tariffs,
                                        out, args.details)
        invoices_count += count
        problems += failed
    out.write("\n%d bills, %d purchase invoices, %d problems (a missing rate is an error naming "
              "its table and date, never a zero)\n" % (
                  sum(len(v) for v in history.values()), invoices_count, problems))
    return 0 if not problems else 1


def _bill_month(period, start, end, contracts, readings, rates, history, out, details) -> int:
    """Bill every contract for one month (``history``: the bills so far, by contract, fed to
    the true-ups and extended); one summary row each. Returns the count of problems."""
    from enercoop_core.billing.cli import write_bills
    from enercoop_core.billing.engine import bill_contract
    from enercoop_core.errors import EnercoopError

    problems = 0
    for contract_id, versions in sorted(contracts.items()):
        # the readings known when the month is billed: none after its end (else the
        # engine prorates a missing end index between the real ones around it)
        mine = [r for r in readings if r.prm == versions[0].prm and r.day <= end]
        try:
            bill = bill_contract(versions, mine, start, end, rates,
                                 prior_bills=history.get(contract_id, []))
        except EnercoopError as exc:
            problems += 1
            out.write(_ROW % (period, contract_id, versions[-1].fta, "", "", "",
                              "NOT BILLED: %s" % exc))
            continue
        history.setdefault(contract_id, []).append(bill)
        kwh = sum(l.quantity for l in bill.lines if l.kind == "accise")
        out.write(_ROW % (period, contract_id, versions[-1].fta, kwh, bill.total_excl_vat,
                          bill.total, ", ".join(_bill_notes(bill))))
        if details:
            write_bills([bill], "text", out)
    return problems


def _bill_notes(bill):
    """What the summary row says of a bill: estimated, a true-up, a power change."""
    notes = []
    if bill.estimated:
        notes.append("estimated")
    trueups = [l for l in bill.lines if l.true_up]
    if trueups:
        notes.append("true-up of %s: %s EUR" % (
            trueups[0].period_start.strftime("%Y-%m"), sum(l.amount for l in trueups)))
    if len([l for l in bill.lines if l.code == "turpe_b"]) > 1:
        notes.append("power change")
    return notes


def _purchase_month(period, start, end, producers, readings, tariffs, out, details):
    """The producers' self-billing invoices of one month, one summary row each. Returns
    (invoices made, problems)."""
    from enercoop_core.billing.cli import purchase_all, write_purchases

    invoices, failed = purchase_all(producers, readings, start, end, tariffs)
    for invoice in invoices:
        kwh = sum(l.quantity for l in invoice.lines)
        out.write(_ROW % (period, invoice.contract_id, "producer", kwh, invoice.total_excl_vat,
                          invoice.total, "purchase (self-billing), %s%s" % (
                              invoice.producer, "; no VAT, art. 293 B"
                              if invoice.vat_regime == "franchise" else "")))
        if details:
            write_purchases([invoice], "text", out)
    for contract_id, message in failed:
        out.write(_ROW % (period, contract_id, "producer", "", "", "",
                          "NOT INVOICED: %s" % message))
    return len(invoices), len(failed)
