"""``enercoop bill``: bill contracts for a month from their readings; ``enercoop bill check``
(network invoice check, F15/F12); ``enercoop bill purchases`` (producers' self-billing)."""
from __future__ import annotations

import argparse
import csv
import json
import sys

from enercoop_core.errors import EnercoopError, InputError
from enercoop_core.period import month, resolve
from enercoop_core.timeclasses import CLASS_NAMES


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "bill", help=("bill contracts for a month or any period; monthly payment schedules; "
                      "check network invoices; producer purchases"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Price the supply contracts of a contracts file (CSV or JSON, see "
            "enercoop_core/billing/io.py) for one calendar month (--period) or any period "
            "(--from/--to: a move-out on the 17th, a two-month cycle, a true-up year) from "
            "index readings "
            "(R15 flow files, or .json/.jsonl index_reading records), with TURPE, CTA, accise "
            "and VAT from the bundled dated tables and the cooperative's offers file. A bill "
            "whose consumption cannot be right (an index going down without a dial digit "
            "count; more than subscribed kVA x hours) is held for review: listed on stderr "
            "with its reason, never written with the bills.\n\n"
            "Sub-commands: 'enercoop bill check' compares the network operator's F15/F12 "
            "invoice lines with the TURPE computed here; 'enercoop bill purchases' writes "
            "the producers' self-billing purchase invoices."),
        epilog=(
            "example:\n  enercoop bill --contracts contracts.csv --offers offers.csv \\\n"
            "      --readings R15_*.xml --period 2025-09 --format json > bills.json\n"
            "  enercoop bill --contracts contracts.csv --offers offers.csv \\\n"
            "      --readings R15_*.xml --from 2025-09-01 --to 2025-10-17"
            "   # to: last day, included\n"
            "  enercoop bill check --help\n  enercoop bill purchases --help\n"
            "  enercoop bill schedule --help   # monthly payments (mensualisation)\n\n"
            "exit status: 0 all billed, 1 some contracts could not be billed or are held for "
            "review (listed on stderr)"))
    add_contracts(parser, required=False)
    add_offers(parser, required=False)
    parser.add_argument("--readings", nargs="+", help="flow files (XML, zip, folders) or JSON")
    parser.add_argument("--period", help="month to bill, YYYY-MM")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                        help="first day to bill (with --to, instead of --period)")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                        help="last day to bill, included")
    parser.add_argument("--profiles", help="Enedis profile coefficients (open-data CSV): for "
                        "the contracts with a 'profile', the energy between two indexes is "
                        "spread over their days by the profile instead of by days, and "
                        "estimates without history follow it")
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.set_defaults(handler=run)
    commands = parser.add_subparsers(dest="bill_command", metavar="{check,purchases,schedule}")
    _register_check(commands)
    _register_purchases(commands)
    from enercoop_core.billing import schedule_cli  # monthly payments, in their own module
    schedule_cli.register(commands)


def _register_check(commands) -> None:
    """``enercoop bill check``: the network operator's invoices against our TURPE."""
    check = commands.add_parser(
        "check", help="compare the network operator's F15/F12 TURPE lines with ours",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Read the network operator's invoice detail (F15 for C5 points, F12 for C2-C4; "
            "XML, zip or folders, through enercoop_core.flows) and compare each TURPE line "
            "(management cg, metering cc, fixed withdrawal b, energy per time class) with the "
            "TURPE the billing engine computes for the same PRM and dates from the contracts "
            "file and the bundled TURPE table. Differences are reported by PRM and component; "
            "lines that are not TURPE (services, fees) or whose PRM has no contract are listed "
            "as not checked. Energy is priced on the PRM's readings when given (--readings), "
            "else on the billed kWh. See enercoop_core/billing/network_check.py."),
        epilog=(
            "example:\n  enercoop bill check --contracts contracts.csv --network F15_*.zip \\\n"
            "      --period 2025-09 --readings R15_*.xml --tolerance 0.05\n\n"
            "exit status: 0 everything within tolerance, 1 differences or TURPE lines that "
            "could not be checked"))
    add_contracts(check)
    check.add_argument("--network", nargs="+", required=True,
                       help="F15/F12 flow files (XML, zip, folders) or JSON records")
    check.add_argument("--period", help="keep the lines starting in this month, YYYY-MM")
    check.add_argument("--readings", nargs="+", help="R15 files or JSON for the energy kWh")
    check.add_argument("--tolerance", default="0.05",
                       help="EUR allowed per PRM and component (default 0.05)")
    check.add_argument("--format", choices=("text", "json", "csv"), default="text")
    check.set_defaults(handler=run_check)


def _register_purchases(commands) -> None:
    """``enercoop bill purchases``: the producers' self-billing purchase invoices."""
    purchases = commands.add_parser(
        "purchases", help="self-billing purchase invoices of producers for a month",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Write the monthly self-billing (autofacturation) purchase invoices of the "
            "producers of a purchase contracts file (CSV or JSON: contract_id, prm, producer, "
            "tariff, start, end, index, vat_regime liable|franchise; see "
            "enercoop_core/billing/io.py) from the injection registers of their readings and "
            "the purchase price grid (CSV: valid_from, valid_to, tariff, time_class, value "
            "EUR/kWh, unit, source, status) with an optional index coefficient file (CSV: "
            "valid_from, valid_to, index, coefficient, source, status). See "
            "enercoop_core/billing/purchase.py."),
        epilog=(
            "example:\n  enercoop bill purchases --contracts purchase_contracts.csv \\\n"
            "      --prices purchase_prices.csv --index purchase_index.csv \\\n"
            "      --readings R15_*.xml --period 2025-09\n\n"
            "exit status: 0 all invoiced, 1 some contracts could not be invoiced (on stderr)"))
    purchases.add_argument("--contracts", required=True, help="purchase contracts (.csv/.json)")
    purchases.add_argument("--prices", required=True, help="purchase price grid (CSV)")
    purchases.add_argument("--index", help="index coefficients (CSV), for indexed contracts")
    purchases.add_argument("--readings", nargs="+", required=True, help="flow files or JSON")
    purchases.add_argument("--period", required=True, help="month to invoice, YYYY-MM")
    purchases.add_argument("--format", choices=("text", "json", "csv"), default="text")
    purchases.set_defaults(handler=run_purchases)


def add_contracts(parser, required: bool = True) -> None:
    """``--contracts``: the supply contracts file (of ``bill``, ``check``, ``schedule``)."""
    parser.add_argument("--contracts", required=required, help="contracts file (.csv or .json)")


def add_offers(parser, required: bool = True) -> None:
    """``--offers``: the cooperative's price grids (of ``bill`` and ``schedule``)."""
    parser.add_argument("--offers", required=required,
                        help="the cooperative's price grids (CSV)")


def period_of(args):
    """``(start, end)`` (end exclusive) from ``--period YYYY-MM`` or ``--from``/``--to``
    (both days included): :func:`enercoop_core.period.resolve`."""
    return resolve(args.period, getattr(args, "date_from", None), getattr(args, "date_to", None))


def bill_all(contracts, records, start, end, rates, rejected, held=None):
    """Bill every contract; returns (bills, problems [(contract_id, message)]). Bills held for
    review are appended to ``held`` as :class:`~enercoop_core.billing.review.ReviewHold`
    (else reported among the problems)."""
    from enercoop_core.billing.engine import bill_contract
    from enercoop_core.billing.readings import from_records
    from enercoop_core.billing.review import ReviewHold
    readings = from_records(records, rejected)
    by_prm = {}
    for reading in readings:
        by_prm.setdefault(reading.prm, []).append(reading)
    bills, problems = [], []
    for contract_id, versions in sorted(contracts.items()):
        if not any(v.start < end and (v.end is None or v.end > start) for v in versions):
            continue
        try:
            bills.append(bill_contract(versions, by_prm.get(versions[0].prm, []), start, end,
                                       rates))
        except ReviewHold as hold:
            if held is None:
                problems.append((contract_id, str(hold)))
            else:
                held.append(hold)
        except EnercoopError as exc:
            problems.append((contract_id, str(exc)))
    return bills, problems


def _write_json(results, out) -> None:
    """Bills or purchase invoices as a JSON list (see
    :func:`~enercoop_core.billing.io.bill_to_dict`)."""
    from enercoop_core.billing.io import bill_to_dict
    json.dump([bill_to_dict(r) for r in results], out, indent=1, ensure_ascii=False)
    out.write("\n")


def _write_vat_and_total(result, out) -> None:
    """The VAT per rate and the totals of a bill or purchase invoice, as text."""
    for v in result.vat:
        out.write("  VAT %5s%% on %10s = %9s\n" % (v.rate, v.base, v.amount))
    out.write("  total excl. VAT %s, VAT %s, total %s EUR\n" % (
        result.total_excl_vat, result.total_vat, result.total))


def write_bills(bills, fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        _write_json(bills, out)
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["contract_id", "prm", "kind", "code", "label", "period_start",
                         "period_end", "quantity", "unit", "unit_price", "amount", "vat_rate",
                         "estimated", "true_up", "rate_ref"])
        for b in bills:
            for l in b.lines:
                writer.writerow([b.contract_id, b.prm, l.kind, l.code, l.label, l.period_start,
                                 l.period_end, l.quantity, l.unit, l.unit_price, l.amount,
                                 l.vat_rate, int(l.estimated), int(l.true_up), l.rate_ref])
    else:
        for b in bills:
            out.write("%s  PRM %s  %s..%s%s\n" % (
                b.contract_id, b.prm, b.period_start, b.period_end,
                "  (ESTIMATED)" if b.estimated else ""))
            for l in b.lines:
                out.write("  %-44s %12s %-4s x %12s = %9s  VAT %5s%%%s\n" % (
                    l.label[:44], l.quantity, l.unit, l.unit_price, l.amount, l.vat_rate,
                    "  true-up %s" % l.period_start if l.true_up else ""))
            _write_vat_and_total(b, out)
            out.write("\n")


def _require(args, *names) -> None:
    missing = ["--" + n for n in names if not getattr(args, n, None)]
    if missing:
        raise InputError("enercoop bill needs %s (or a sub-command: check, purchases)"
                         % ", ".join(missing), field=missing[0])


def _sub_profiles(profiles):
    """Sub-profiles to read for the contracts' profiles: each one itself (``RES1_BASE``) and
    ``<profile>_<class>`` for every time class (``RES2`` -> ``RES2_HP``, ``RES2_HC`` ...)."""
    wanted = set(profiles)
    for profile in profiles:
        for time_class in CLASS_NAMES:
            wanted.add("%s_%s" % (profile, time_class))
    return wanted


def report_rejected(rejected) -> None:
    """The rejected readings, one line each on stderr."""
    for _record, error in rejected:
        print("rejected reading: %s" % (error,), file=sys.stderr)


def run(args) -> int:
    from enercoop_core.billing.io import read_contracts, read_records
    from enercoop_core.tariffs.rates import Rates
    _require(args, "contracts", "offers", "readings")
    start, end = period_of(args)
    contracts = read_contracts(args.contracts)
    rates = Rates.load(args.offers)
    if args.profiles:
        from enercoop_core.billing.profiles import ProfileCoefficients
        wanted = {v.profile for vs in contracts.values() for v in vs if v.profile}
        rates.profiles = ProfileCoefficients.from_csv(args.profiles, _sub_profiles(wanted))
    rejected, held = [], []
    records = read_records(args.readings, rejected)
    bills, problems = bill_all(contracts, records, start, end, rates, rejected, held)
    write_bills(bills, args.format)
    report_rejected(rejected)
    for hold in held:
        print("held for review: %s: %s" % (hold.record, "; ".join(hold.reasons)),
              file=sys.stderr)
    for contract_id, message in problems:
        print("not billed: %s: %s" % (contract_id, message), file=sys.stderr)
    return 1 if (problems or rejected or held) else 0


def purchase_all(contracts, readings, start, end, tariffs):
    """Invoice every purchase contract active in ``[start, end)``; (invoices, problems)."""
    from enercoop_core.billing.purchase import purchase_invoice
    invoices, problems = [], []
    for contract_id, contract in sorted(contracts.items()):
        if not (contract.start < end and (contract.end is None or contract.end > start)):
            continue
        try:
            invoices.append(purchase_invoice(contract, readings, start, end, tariffs))
        except EnercoopError as exc:
            problems.append((contract_id, str(exc)))
    return invoices, problems


def write_purchases(invoices, fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        _write_json(invoices, out)
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["contract_id", "prm", "producer", "code", "label", "period_start",
                         "period_end", "quantity", "unit", "unit_price", "amount", "vat_rate",
                         "estimated", "rate_ref"])
        for i in invoices:
            for l in i.lines:
                writer.writerow([i.contract_id, i.prm, i.producer, l.code, l.label,
                                 l.period_start, l.period_end, l.quantity, l.unit, l.unit_price,
                                 l.amount, l.vat_rate, int(l.estimated), l.rate_ref])
    else:
        for i in invoices:
            out.write("%s  %s  PRM %s  %s..%s%s\n" % (
                i.contract_id, i.producer, i.prm, i.period_start, i.period_end,
                "  (ESTIMATED)" if i.estimated else ""))
            for l in i.lines:
                out.write("  %-66s %10s %-3s x %10s = %9s\n" % (
                    l.label[:66], l.quantity, l.unit, l.unit_price, l.amount))
            _write_vat_and_total(i, out)
            for mention in i.mentions:
                out.write("  %s\n" % mention)
            out.write("\n")


def run_purchases(args) -> int:
    from enercoop_core.billing.io import read_purchase_contracts, read_records
    from enercoop_core.billing.readings import from_records
    from enercoop_core.tariffs.purchase import PurchaseTariffs
    start, end = month(args.period)
    contracts = read_purchase_contracts(args.contracts)
    tariffs = PurchaseTariffs.from_csv(args.prices, args.index)
    rejected = []
    readings = from_records(read_records(args.readings, rejected), rejected)
    invoices, problems = purchase_all(contracts, readings, start, end, tariffs)
    write_purchases(invoices, args.format)
    report_rejected(rejected)
    for contract_id, message in problems:
        print("not invoiced: %s: %s" % (contract_id, message), file=sys.stderr)
    return 1 if (problems or rejected) else 0


def write_check(report, fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        def line_dict(l):
            return {"key": l.key, "invoice_number": l.invoice_number, "item_id": l.item_id,
                    "label": l.label, "prm": l.prm, "component": l.component,
                    "start": l.start.isoformat(), "end": l.end.isoformat(),
                    "billed": str(l.billed), "expected": str(l.expected),
                    "difference": str(l.difference),
                    "billed_kwh": None if l.billed_kwh is None else str(l.billed_kwh),
                    "expected_kwh": None if l.expected_kwh is None else str(l.expected_kwh),
                    "note": l.note}

        def unchecked(r, why):
            return {"key": r.get("key"), "prm": r.get("prm"), "item_id": r.get("item_id"),
                    "label": r.get("label"), "amount": r.get("amount"), "reason": why}
        json.dump({
            "ok": report.ok, "tolerance": str(report.tolerance),
            "components": [{"prm": c.prm, "component": c.component, "billed": str(c.billed),
                            "expected": str(c.expected), "difference": str(c.difference),
                            "lines": c.lines, "ok": c.ok, "notes": list(c.notes)}
                           for c in report.components],
            "lines": [line_dict(l) for l in report.lines],
            "unchecked": [unchecked(r, why) for r, why in report.unchecked],
            "not_turpe": [unchecked(r, why) for r, why in report.not_turpe]},
            out, indent=1, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["prm", "component", "billed", "expected", "difference", "lines", "ok",
                         "notes"])
        for c in report.components:
            writer.writerow([c.prm, c.component, c.billed, c.expected, c.difference, c.lines,
                             int(c.ok), "; ".join(c.notes)])
    else:
        out.write("%-14s %-9s %10s %10s %10s %5s  %s\n" % (
            "PRM", "component", "billed", "expected", "diff", "lines", "status"))
        for c in report.components:
            out.write("%-14s %-9s %10s %10s %10s %5d  %s%s\n" % (
                c.prm, c.component, c.billed, c.expected, c.difference, c.lines,
                "ok" if c.ok else "DIFFERENCE", ("  (" + "; ".join(c.notes) + ")") if c.notes
                else ""))
        for title, items in (("TURPE line NOT CHECKED", report.unchecked),
                             ("not TURPE", report.not_turpe)):
            for record, why in items:
                out.write("%s: %s %s %s %s EUR: %s\n" % (
                    title, record.get("prm"), record.get("item_id"), record.get("label") or "",
                    record.get("amount"), why))
        out.write("%d components, %d differences beyond %s EUR, %d TURPE lines not checked, "
                  "%d other lines\n" % (len(report.components), len(report.differences),
                                        report.tolerance, len(report.unchecked),
                                        len(report.not_turpe)))


def run_check(args) -> int:
    from decimal import Decimal, InvalidOperation

    from enercoop_core.billing.io import read_contracts, read_records
    from enercoop_core.billing.network_check import check_network
    from enercoop_core.billing.readings import from_records
    from enercoop_core.tariffs.rates import Rates
    try:
        tolerance = Decimal(args.tolerance)
    except InvalidOperation as exc:
        raise InputError("not a number: %r" % args.tolerance, field="--tolerance") from exc
    start = end = None
    if args.period:
        start, end = month(args.period)
    contracts = read_contracts(args.contracts)
    rejected = []
    records = read_records(args.network, rejected)
    readings = from_records(read_records(args.readings, rejected), rejected) if args.readings \
        else []
    report = check_network(contracts, records, Rates.load(), start, end, readings, tolerance)
    write_check(report, args.format)
    for _record, error in rejected:
        print("rejected: %s" % (error,), file=sys.stderr)
    return 0 if (report.ok and not rejected) else 1
