"""``enercoop bill schedule``: the monthly-payment schedule (mensualisation) of each contract.

Registered by :mod:`enercoop_core.billing.cli` under ``enercoop bill``; the rules are in
:mod:`enercoop_core.billing.schedule`.
"""
from __future__ import annotations

import argparse
import json
import sys

from enercoop_core.errors import EnercoopError, InputError
from enercoop_core.period import day


def register(commands) -> None:
    """Add ``schedule`` to the sub-commands of ``enercoop bill``."""
    from enercoop_core.billing.cli import add_contracts, add_offers
    parser = commands.add_parser(
        "schedule", help="monthly-payment schedule (10-12 instalments) of each contract",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Estimate each contract's consumption for the year from --start (a year of real "
            "readings scaled to the year; else the daily average of the last two real "
            "readings; else the contract's annual_kwh, shaped by its Enedis profile with "
            "--profiles), price it with the billing engine at the prices in force on the "
            "pricing date (--priced-on, default --start: no guess of future prices), and "
            "spread the yearly bill incl. VAT over --count monthly instalments, each rounded "
            "down to the cent, the last one carrying the rounding remainder. See "
            "enercoop_core/billing/schedule.py and the README section 'Monthly payments'."),
        epilog=(
            "example:\n  enercoop bill schedule --contracts contracts.csv --offers offers.csv \\\n"
            "      --readings R15_*.xml --start 2025-12-01 --count 10 --first-due 2025-12-05\n\n"
            "exit status: 0 every contract scheduled, 1 some could not be (listed on stderr), "
            "2 bad usage or unreadable input"))
    add_contracts(parser)
    add_offers(parser)
    parser.add_argument("--readings", nargs="+", default=(),
                        help="flow files (XML, zip, folders) or JSON index readings: the history")
    parser.add_argument("--start", required=True, help="first day of the schedule year, YYYY-MM-DD")
    parser.add_argument("--count", type=int, choices=(10, 11, 12), default=12,
                        help="number of monthly instalments (default 12)")
    parser.add_argument("--first-due", help="due date of the first instalment (default --start)")
    parser.add_argument("--priced-on", help="pricing date (default --start)")
    parser.add_argument("--profiles", help="Enedis profile coefficients (open-data CSV)")
    parser.add_argument("--contract", nargs="+", dest="contract_ids", metavar="ID",
                        help="only these contract ids")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def _day(text, option):
    """The date of an option, None when the option is not given."""
    return day(text, option) if text else None


def schedule_all(contracts, readings, start, rates, count=12, first_due=None, priced_on=None):
    """Schedule every contract active on ``start``; returns (schedules, problems)."""
    from enercoop_core.billing.schedule import make_schedule
    by_prm = {}
    for reading in readings:
        by_prm.setdefault(reading.prm, []).append(reading)
    schedules, problems = [], []
    for contract_id, versions in sorted(contracts.items()):
        if not any(v.start <= start and (v.end is None or v.end > start) for v in versions):
            continue
        try:
            schedules.append(make_schedule(versions, by_prm.get(versions[0].prm, []), start,
                                           rates, count, first_due, priced_on))
        except EnercoopError as exc:
            problems.append((contract_id, str(exc)))
    return schedules, problems


def schedule_to_dict(schedule) -> dict:
    """A Schedule as JSON-able data (Decimal as strings, dates ISO)."""
    from enercoop_core.billing.io import bill_to_dict
    est = schedule.estimate
    return {
        "contract_id": schedule.contract_id, "prm": schedule.prm,
        "start": schedule.start.isoformat(), "end": schedule.end.isoformat(),
        "count": schedule.count, "basis": est.basis, "consumption_wh": est.consumption_wh,
        "kwh": str(est.kwh), "pricing_dates": [d.isoformat() for d in est.pricing_dates],
        "total": str(schedule.total), "estimated_bill": bill_to_dict(est.bill),
        "instalments": [{"number": i.number, "due_date": i.due_date.isoformat(),
                         "amount": str(i.amount), "note": i.note} for i in schedule.instalments]}


def write_schedules(schedules, fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        json.dump([schedule_to_dict(s) for s in schedules], out, indent=1, ensure_ascii=False)
        out.write("\n")
        return
    for s in schedules:
        bill = s.estimate.bill
        out.write("%s  PRM %s  %s..%s  %d instalments\n" % (s.contract_id, s.prm, s.start, s.end,
                                                           s.count))
        out.write("  estimate: %s kWh (%s)\n" % (s.estimate.kwh, s.estimate.basis))
        out.write("  yearly bill at the prices in force on %s: %s EUR (excl. VAT %s, VAT %s)\n"
                  % (", ".join(str(d) for d in s.estimate.pricing_dates), s.total,
                     bill.total_excl_vat, bill.total_vat))
        for i in s.instalments:
            out.write("  %2d  %s  %9s%s\n" % (i.number, i.due_date, i.amount,
                                               "  (%s)" % i.note if i.note else ""))
        out.write("\n")


def run(args) -> int:
    from enercoop_core.billing.io import read_contracts, read_records
    from enercoop_core.billing.cli import report_rejected
    from enercoop_core.billing.readings import from_records
    from enercoop_core.tariffs.rates import Rates
    start = _day(args.start, "--start")
    contracts = read_contracts(args.contracts)
    if args.contract_ids:
        unknown = sorted(set(args.contract_ids) - set(contracts))
        if unknown:
            raise InputError("unknown contract id %s" % ", ".join(unknown), field="--contract")
        contracts = {k: v for k, v in contracts.items() if k in args.contract_ids}
    rates = Rates.load(args.offers)
    if args.profiles:
        from enercoop_core.billing.profiles import ProfileCoefficients
        rates.profiles = ProfileCoefficients.from_csv(args.profiles)
    rejected = []
    readings = from_records(read_records(args.readings, rejected), rejected) if args.readings \
        else []
    schedules, problems = schedule_all(contracts, readings, start, rates, args.count,
                                       _day(args.first_due, "--first-due"),
                                       _day(args.priced_on, "--priced-on"))
    write_schedules(schedules, args.format)
    report_rejected(rejected)
    for contract_id, message in problems:
        print("not scheduled: %s: %s" % (contract_id, message), file=sys.stderr)
    return 1 if (problems or rejected) else 0
