"""Per-contract billing: consumption -> priced, taxed, explained bill lines.

The period ``[start, end)`` (end exclusive, local dates) is cut at every row boundary of every
rate table, every contract version boundary and every first day of a month (so annual parts
use the right year length, leap years included, and monthly subscriptions their month
length). Consecutive pieces using the same rate row, VAT row and unit price merge into one
line. Fixed parts are priced per day: ``unit_price = annual x multiplier / days_in_year``
(or ``monthly / days_in_month``) kept to 1e-8 EUR, ``amount = days x unit_price`` rounded.
Energy measured for the whole period is spread over the days: a line covering days
``[a, b)`` gets ``F(b) - F(a)`` Wh with ``F(d) = floor(Wh x days(start, d) / days(start, end))``,
so the lines of a period always add up to the measured Wh exactly. The CTA base is the
exact sum of the daily fixed TURPE prices over the line's days, rounded to the cent.
"""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, List, Sequence

from enercoop_core.billing.consumption import derive
from enercoop_core.billing.model import UNIT_PRICE_STEP, BillLine, Contract, round_cents
from enercoop_core.errors import InputError
from enercoop_core.tariffs import turpe as turpe_mod
from enercoop_core.tariffs.table import split_period
from enercoop_core.tariffs.taxes import accise_category

VAT_BASE = {"subscription": "subscription", "turpe_fixed": "turpe_fixed", "cta": "cta",
            "energy": "energy", "turpe_energy": "turpe_energy", "accise": "accise"}
KWH = Decimal("0.001")


def month_starts(start: dt.date, end: dt.date) -> List[dt.date]:
    days = []
    year, month = start.year, start.month
    while True:
        month += 1
        if month == 13:
            year, month = year + 1, 1
        day = dt.date(year, month, 1)
        if day >= end:
            return days
        days.append(day)


def cuts(versions: Sequence[Contract], start: dt.date, end: dt.date, rates) -> List[dt.date]:
    """Days strictly inside ``(start, end)`` where a line must be cut (see module doc)."""
    found = set(month_starts(start, end))
    for table in rates.billing_tables():
        found.update(table.boundaries(start, end))
    for version in versions:
        for day in (version.start, version.end):
            if day is not None and start < day < end:
                found.add(day)
    return sorted(found)


def daily_price(value: Decimal, days_in_span: int) -> Decimal:
    return (value / days_in_span).quantize(UNIT_PRICE_STEP, rounding=ROUND_HALF_UP)


def year_days(day: dt.date) -> int:
    return 366 if calendar.isleap(day.year) else 365


def month_days(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def version_at(versions: Sequence[Contract], day: dt.date) -> Contract:
    for version in versions:
        if version.start <= day and (version.end is None or day < version.end):
            return version
    raise InputError("no contract version covers %s" % day, record=versions[0].contract_id,
                     field="start")


class Run:
    """One future bill line: a code over days ``[start, end)`` with its rate rows and price.

    ``energy`` is None for fixed parts, else ``(classes, time_class)``: the line's Wh is the
    consumption re-expressed in ``classes`` (see :func:`derive`) for ``time_class``
    (``time_class`` None = total of all classes, for the accise).
    """

    __slots__ = ("code", "key", "start", "end", "kind", "time_class", "row", "vat_row",
                 "unit_price", "unit", "label", "energy", "base")

    def __init__(self, code, key, start, end, piece, energy, base):
        self.code, self.key, self.start, self.end = code, key, start, end
        (self.kind, self.time_class, self.row, self.vat_row, self.unit_price, self.unit,
         self.label) = piece
        self.energy, self.base = energy, base


def plan_period(versions: Sequence[Contract], start: dt.date, end: dt.date, rates,
                fixed: bool = True, turpe_only: bool = False) -> List[Run]:
    """The lines of ``[start, end)`` before any consumption is known (see module doc).

    ``fixed=False`` leaves out the fixed parts (subscription, TURPE cg/cc/b, CTA);
    ``turpe_only=True`` keeps the TURPE lines only (no offer is looked up: ``rates.offers``
    may be None), as the network invoice check needs them."""
    if not start < end:
        raise InputError("empty period %s..%s" % (start, end), field="period")
    runs = {}  # type: Dict[str, List[Run]]
    order = []  # codes in first-seen order

    def add(code, key, a, b, piece, energy=None, base=Decimal(0)):
        code_runs = runs.get(code)
        if code_runs is None:
            code_runs = runs[code] = []
            order.append(code)
        if code_runs and code_runs[-1].key == key and code_runs[-1].end == a:
            code_runs[-1].end = b
            code_runs[-1].base += base
        else:
            code_runs.append(Run(code, key, a, b, piece, energy, base))

    for a, b in split_period(start, end, cuts(versions, start, end, rates)):
        v = version_at(versions, a)
        seg = turpe_mod.segment(v.fta)
        days = (b - a).days
        vat = {base: rates.taxes.vat(a, seg, base) for base in VAT_BASE.values()}
        vkey = (v.fta, v.kva, v.company, v.offer)
        if fixed and not turpe_only:
            sub = rates.offers.subscription(a, v.company, v.offer, v.kva)
            price = daily_price(Decimal(sub.values["value"]), month_days(a))
            add("subscription", (sub.ref, vat["subscription"].ref, price, vkey), a, b,
                ("subscription", None, sub, vat["subscription"], price, "day",
                 "Subscription %s kVA, %s EUR/month" % (v.kva, sub.values["value"])))
        if fixed:
            cta_base = Decimal(0)
            for comp, row, mult in (
                    ("cg", rates.turpe.management(a, v.fta), 1),
                    ("cc", rates.turpe.metering(a, v.fta), 1),
                    ("b", rates.turpe.power(a, v.fta), v.kva)):
                price = daily_price(Decimal(row.values["value"]) * mult, year_days(a))
                cta_base += price * days
                label = ("TURPE %s %s EUR/kVA/year x %s kVA" % (comp, row.values["value"], v.kva)
                         if comp == "b" else "TURPE %s %s EUR/year" % (comp, row.values["value"]))
                add("turpe_" + comp, (row.ref, vat["turpe_fixed"].ref, price, vkey), a, b,
                    ("turpe_fixed", None, row, vat["turpe_fixed"], price, "day", label))
        if fixed and not turpe_only:
            cta = rates.taxes.cta(a, "distribution")
            add("cta", (cta.ref, vat["cta"].ref), a, b,
                ("cta", None, cta, vat["cta"], Decimal(cta.values["rate_percent"]) / 100, "EUR",
                 "CTA %s %% of the fixed TURPE part" % cta.values["rate_percent"]),
                base=cta_base)
        classes = () if turpe_only else rates.offers.classes(v.company, v.offer)
        for tc in classes:
            row = rates.offers.energy(a, v.company, v.offer, tc)
            add("energy_" + tc, (row.ref, vat["energy"].ref, vkey), a, b,
                ("energy", tc, row, vat["energy"], Decimal(row.values["value"]), "kWh",
                 "Energy %s, %s EUR/kWh" % (tc, row.values["value"])), (classes, tc))
        classes = turpe_mod.energy_classes(v.fta)
        for tc in classes:
            row = rates.turpe.energy(a, v.fta, tc)
            add("turpe_c_" + tc, (row.ref, vat["turpe_energy"].ref, vkey), a, b,
                ("turpe_energy", tc, row, vat["turpe_energy"], Decimal(row.values["value"]) / 100,
                 "kWh", "TURPE energy %s, %s cEUR/kWh" % (tc, row.values["value"])), (classes, tc))
        if turpe_only:
            continue
        row = rates.taxes.accise(a, accise_category(seg))
        add("accise", (row.ref, vat["accise"].ref), a, b,
            ("accise", None, row, vat["accise"], Decimal(row.values["eur_per_mwh"]) / 1000, "kWh",
             "Accise %s EUR/MWh" % row.values["eur_per_mwh"]), ((), None))
    return [run for code in order for run in runs[code]]


def run_wh(run: Run, consumption_wh: Dict[str, int]) -> int:
    classes, tc = run.energy
    if tc is None:
        return sum(consumption_wh.values())
    return derive(consumption_wh, classes)[tc]


def price_period(versions: Sequence[Contract], start: dt.date, end: dt.date,
                 consumption_wh: Dict[str, int], rates, fixed: bool = True,
                 estimated: bool = False, true_up: bool = False,
                 turpe_only: bool = False) -> List[BillLine]:
    """Bill lines of ``[start, end)`` for ``consumption_wh`` (Wh per register class);
    ``fixed`` and ``turpe_only`` as in :func:`plan_period`."""
    total_days = (end - start).days
    lines = []
    for run in plan_period(versions, start, end, rates, fixed, turpe_only):
        if run.unit == "day":
            quantity = Decimal((run.end - run.start).days)
        elif run.unit == "EUR":
            quantity = round_cents(run.base)
        else:
            wh = run_wh(run, consumption_wh)
            spread = ((wh * (run.end - start).days) // total_days
                      - (wh * (run.start - start).days) // total_days)
            if not spread:
                continue  # no line for a class without energy
            quantity = Decimal(spread) * KWH
        lines.append(BillLine(
            kind=run.kind, code=run.code, label=run.label, time_class=run.time_class,
            period_start=run.start, period_end=run.end, quantity=quantity, unit=run.unit,
            unit_price=run.unit_price, amount=round_cents(quantity * run.unit_price),
            vat_rate=Decimal(run.vat_row.values["rate_percent"]), rate_ref=run.row.ref,
            rate_source=run.row.citation, estimated=estimated, true_up=true_up))
    return lines


def _reading_on(readings, day):
    found = [r for r in readings if r.day == day]
    found.sort(key=lambda r: r.estimated)  # real first
    return found[0] if found else None


def _consumption_between(readings, start_reading, end_reading):
    from enercoop_core.billing.consumption import consumption
    inner = [r for r in readings if start_reading.day < r.day < end_reading.day and not r.estimated]
    return consumption([start_reading] + sorted(inner, key=lambda r: r.day) + [end_reading])


def _spread_days(wh: Dict[str, int], origin: dt.date, final: dt.date, a: dt.date, b: dt.date):
    span = (final - origin).days
    return {c: (v * (b - origin).days) // span - (v * (a - origin).days) // span
            for c, v in wh.items()}


def bill_contract(versions: Sequence[Contract], readings, start: dt.date, end: dt.date, rates,
                  prior_bills=()):
    """Bill one contract for ``[start, end)`` (clipped to the contract's own dates).

    ``versions``: every version of the contract (same ``contract_id``); ``readings``:
    :class:`~enercoop_core.billing.readings.Reading` objects of the PRM (any dates);
    ``prior_bills``: earlier bills of the contract, needed to start from an estimated index
    and to true it up. When the end index is missing it is estimated (bill flagged). When a
    real end index follows estimated bills, the true-up lines correct each estimated bill
    for its own period and rates: the real consumption since the last real reading is spread
    by days over the estimated periods and this one; each estimated period gets the
    difference with what it billed. Nothing is billed twice or lost.
    """
    from enercoop_core.billing.estimate import estimate_consumption
    from enercoop_core.billing.model import make_bill
    from enercoop_core.billing.readings import Reading as _Reading

    versions = sorted(versions, key=lambda v: v.start)
    first, last = versions[0], versions[-1]
    eff_start = max(start, first.start)
    eff_end = min(end, last.end) if last.end else end
    if not eff_start < eff_end:
        raise InputError("contract not active in %s..%s" % (start, end), record=first.contract_id,
                         field="start")
    active = [v for v in versions if v.start < eff_end and (v.end is None or v.end > eff_start)]
    readings = sorted((r for r in readings if r.prm == first.prm), key=lambda r: r.day)
    prior = sorted(prior_bills, key=lambda b: b.period_start)

    start_reading = _reading_on(readings, eff_start)
    if start_reading is None:
        previous = [b for b in prior if b.period_end == eff_start]
        if not previous:
            raise InputError("no index on %s and no earlier bill ending then" % eff_start,
                             record=first.contract_id, field="readings")
        bill_before = previous[-1]
        start_reading = _Reading(prm=first.prm, day=eff_start,
                                 nature="estimated" if bill_before.end_estimated else "real",
                                 registers=_registers(bill_before.end_index_wh))
    end_reading = _reading_on(readings, eff_end)
    if end_reading is not None and end_reading.estimated and not start_reading.estimated:
        end_reading = None  # re-estimate with our own rule rather than trust a foreign one
    end_estimated = end_reading is None or end_reading.estimated
    if end_reading is None:
        classes = sorted(start_reading.indexes())
        est = estimate_consumption(last, [r for r in readings if r.day <= eff_start], classes,
                                   (eff_end - eff_start).days, eff_start,
                                   getattr(rates, "profiles", None))
        indexes = start_reading.indexes()
        end_reading = _Reading(prm=first.prm, day=eff_end, nature="estimated",
                               registers=_registers({c: indexes[c] + est[c] for c in classes}))

    lines = []
    if start_reading.estimated and not end_estimated:
        # true-up: from the last real reading, across the estimated bills, to this one
        reals = [r for r in readings if not r.estimated and r.day < eff_start]
        if not reals:
            raise InputError("cannot true up: no real reading before %s" % eff_start,
                             record=first.contract_id, field="readings")
        origin = reals[-1]
        actual = _consumption_between(readings, origin, end_reading)
        to_correct = [b for b in prior if b.period_start >= origin.day and b.period_end <= eff_start]
        covered = sum((b.period_end - b.period_start).days for b in to_correct)
        if covered != (eff_start - origin.day).days:
            raise InputError("earlier bills do not cover %s..%s" % (origin.day, eff_start),
                             record=first.contract_id, field="prior_bills")
        for old in to_correct:
            should = _spread_days(actual, origin.day, eff_end, old.period_start, old.period_end)
            delta = {c: should[c] - old.consumption_wh.get(c, 0) for c in should}
            if any(delta.values()):
                lines.extend(price_period(versions, old.period_start, old.period_end, delta, rates,
                                          fixed=False, true_up=True))
        used = _spread_days(actual, origin.day, eff_end, eff_start, eff_end)
        estimated = False
    else:
        used = _consumption_between(readings, start_reading, end_reading)
        estimated = start_reading.estimated or end_estimated
    lines = price_period(active, eff_start, eff_end, used, rates, estimated=estimated) + lines
    return make_bill(first, eff_start, eff_end, lines, estimated, consumption_wh=used,
                     start_index_wh=start_reading.indexes(), end_index_wh=end_reading.indexes(),
                     end_estimated=end_estimated)


def _registers(indexes: Dict[str, int]):
    from enercoop_core.billing.readings import Register
    return tuple(Register("distributor", c, "withdrawal", wh) for c, wh in sorted(indexes.items()))
