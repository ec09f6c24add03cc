"""Per-contract billing: consumption -> priced, taxed, explained bill lines.

The period ``[start, end)`` (end exclusive, local dates) is cut at every row boundary of every
rate table, every contract version boundary and every first day of a month (so annual parts
use the right year length, leap years included, and monthly subscriptions their month
length). Consecutive pieces using the same rate row, VAT row and unit price merge into one
line. Fixed parts are priced per day: ``unit_price = annual x multiplier / days_in_year``
(or ``monthly / days_in_month``) kept to 1e-8 EUR, ``amount = days x unit_price`` rounded.
Energy measured between two indexes is spread over the days between them only: a line covering
days ``[a, b)`` gets ``F(b) - F(a)`` Wh with ``F(d) = floor(Wh x days(i, d) / days(i, j))`` for
the indexes read on days ``i`` and ``j`` (the period's ends when no index is read inside it), so
the lines always add up to the measured Wh exactly and a real index read on a rate-change date
puts each side's energy on its own rates. When the contract names an Enedis profile and its
coefficients are loaded (``rates.profiles``), ``days(i, d)`` is replaced by the profile's
coefficients summed over those days (:class:`~enercoop_core.billing.profiles.ProfileSpread`,
per class with the ``<profile>_<class>`` sub-profile when there is one), in the true-up of
estimated bills too. A period bound without an index read on it gets one prorated between the
real indexes around it (a seasonal class over its season's days only, see :func:`_prorated`).
The CTA base is the
exact sum of the daily fixed TURPE prices over the line's days, rounded to the cent.
"""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, List, Optional, Sequence

from enercoop_core.billing.consumption import derive
from enercoop_core.billing.model import UNIT_PRICE_STEP, BillLine, Contract, round_cents
from enercoop_core.errors import InputError
from enercoop_core.tariffs import turpe as turpe_mod
from enercoop_core.tariffs.table import split_period
from enercoop_core.tariffs.taxes import accise_category_for_power
from enercoop_core.tariffs.vat import BASES as VAT_BASES
from enercoop_core.tariffs.vat import rate_percent
from enercoop_core.timeclasses import FOUR_CLASSES, HPH
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
                 "unit_price", "unit", "label", "energy", "base", "vat_rate", "citation")

    def __init__(self, code, key, start, end, piece, energy, base):
        self.code, self.key, self.start, self.end = code, key, start, end
        (self.kind, self.time_class, self.row, self.vat_row, self.unit_price, self.unit,
         self.label) = piece
        self.energy, self.base = energy, base
        self.vat_rate = rate_percent(self.vat_row)
        self.citation = self.row.citation


def contract_segment(contract: Contract) -> str:
    return turpe_mod.segment(contract.fta)


def accise_category_of(contract: Contract) -> str:
    """The accise category a version is taxed in: its attestation's, else its power's."""
    return contract.accise_attestation or accise_category_for_power(contract.kva)


def check_contract(contract: Contract) -> Contract:
    """Refuse a version whose FTA, segment, kVA and accise category disagree (InputError
    naming the contract and the field); returns it unchanged. BT <= 36 kVA options (BTINF*)
    are segment C5 with 1..36 kVA; BT > 36 kVA options (BTSUP*) C4 with 37..250 kVA (TURPE 7
    brochure pp.13-17: domains 'BT <= 36 kVA' and 'BT > 36 kVA'; above 250 kVA a point is
    connected in HTA, whose grids are not shipped)."""
    record = contract.contract_id
    try:
        seg = turpe_mod.segment(contract.fta)
    except InputError as exc:
        raise InputError(exc.message, record=record, field="fta") from exc
    low, high = (1, 36) if seg == "C5" else (37, 250)
    if not low <= contract.kva <= high:
        raise InputError("%s kVA does not fit option %s (segment %s: %d..%d kVA)" % (
            contract.kva, contract.fta, seg, low, high), record=record, field="kva")
    if contract.segment and contract.segment != seg:
        raise InputError("segment %s does not match option %s (segment %s)" % (
            contract.segment, contract.fta, seg), record=record, field="segment")
    by_power = accise_category_for_power(contract.kva)
    if contract.accise_category and contract.accise_category != by_power:
        raise InputError("accise category %s does not match %s kVA (category %s)" % (
            contract.accise_category, contract.kva, by_power), record=record,
            field="accise_category")
    if contract.meter not in METERS:
        raise InputError("meter must be one of %s, not %r" % (", ".join(METERS), contract.meter),
                         record=record, field="meter")
    if contract.meter and seg != "C5":
        raise InputError("meter %s applies to BT <= 36 kVA only" % contract.meter,
                         record=record, field="meter")
    if contract.kva_by_class:
        if seg != "C4":
            raise InputError("four subscribed powers apply to BT > 36 kVA only", record=record,
                             field="kva_by_class")
        powers = dict(contract.kva_by_class)
        try:
            turpe_mod.power_terms(contract.kva, contract.kva_by_class)
        except InputError as exc:
            raise InputError(exc.message, record=record, field="kva_by_class") from exc
        if max(powers.values()) != contract.kva or max(powers.values()) > 250:
            raise InputError("kva %s must be the highest subscribed power (%s), at most 250"
                             % (contract.kva, max(powers.values())), record=record,
                             field="kva_by_class")
    return contract


METERS = ("", "communicating", "non_communicating", "none")


def plan_period(versions: Sequence[Contract], start: dt.date, end: dt.date, rates,
                fixed: bool = True, turpe_only: bool = False,
                cacnc_surcharge: bool = False) -> List[Run]:
    """The lines of ``[start, end)`` before any consumption is known (see module doc).

    ``fixed=False`` leaves out the fixed parts (subscription, TURPE cg/cc/b, CACNC, CTA);
    ``turpe_only=True`` keeps the TURPE lines only (no offer is looked up: ``rates.offers``
    may be None), as the network invoice check needs them. ``cacnc_surcharge``: a
    non-communicating meter whose last real index is over 12 months old also pays the CACNC
    majoration. Every version is checked first (:func:`check_contract`).

    Fixed parts per day: cg, cc (``cc_no_meter`` for ``meter="none"``) and b x kVA at
    ``annual / days_in_year``; BT > 36 kVA one ``turpe_b`` line ``b_HPH x P1`` and one
    ``turpe_b_<class>`` line per further power step ``b_i x (P_i - P_(i-1))``; the CACNC
    (EUR per two months) at ``value / 2 / days_in_month``, so that two whole months cost the
    published amount. The CTA base is cg + cc + b terms (the CACNC is left out of it)."""
    if not start < end:
        raise InputError("empty period %s..%s" % (start, end), field="period")
    for version in versions:
        check_contract(version)
    plan = _Plan()
    for a, b in split_period(start, end, cuts(versions, start, end, rates)):
        v = version_at(versions, a)
        seg = turpe_mod.segment(v.fta)
        vat = {base: rates.taxes.vat(a, seg, base) for base in VAT_BASES}
        vkey = (v.fta, v.kva, v.company, v.offer, v.meter, v.kva_by_class)
        if fixed:
            _plan_fixed(plan, rates, a, b, v, vat, vkey, turpe_only, cacnc_surcharge)
        _plan_energy(plan, rates, a, b, v, vat, vkey, turpe_only)
    return plan.runs()


class _Plan:
    """The runs of a period by line code, codes in first-seen order; a run with the same key
    as the last one of its code and starting where it ends extends it."""

    def __init__(self):
        self.by_code = {}  # type: Dict[str, List[Run]]
        self.order = []  # type: List[str]

    def add(self, code, key, a, b, piece, energy=None, base=Decimal(0)):
        code_runs = self.by_code.get(code)
        if code_runs is None:
            code_runs = self.by_code[code] = []
            self.order.append(code)
        if code_runs and code_runs[-1].key == key and code_runs[-1].end == a:
            code_runs[-1].end = b
            code_runs[-1].base += base
        else:
            code_runs.append(Run(code, key, a, b, piece, energy, base))

    def runs(self) -> List[Run]:
        return [run for code in self.order for run in self.by_code[code]]


def _plan_fixed(plan, rates, a, b, v, vat, vkey, turpe_only, cacnc_surcharge) -> None:
    """The fixed parts of days ``[a, b)`` of version ``v``: subscription, TURPE cg/cc/b,
    CACNC, CTA (see :func:`plan_period`)."""
    days = (b - a).days
    if not turpe_only:
        sub = rates.offers.subscription(a, v.company, v.offer, v.kva)
        price = daily_price(Decimal(sub.values["value"]), month_days(a))
        plan.add("subscription", (sub.ref, vat["subscription"].ref, price, vkey), a, b,
                 ("subscription", None, sub, vat["subscription"], price, "day",
                  "Subscription %s kVA, %s EUR/month" % (v.kva, sub.values["value"])))
    cta_base = Decimal(0)
    for code, row, mult, label in _fixed_turpe(rates.turpe, a, v):
        price = daily_price(Decimal(row.values["value"]) * mult, year_days(a))
        cta_base += price * days
        plan.add(code, (row.ref, vat["turpe_fixed"].ref, price, vkey), a, b,
                 ("turpe_fixed", None, row, vat["turpe_fixed"], price, "day", label))
    if v.meter == "non_communicating":
        for code, surcharge in (("turpe_cacnc", False), ("turpe_cacnc_surcharge", True)):
            if surcharge and not cacnc_surcharge:
                continue
            row = rates.turpe.cacnc(a, v.fta, surcharge)
            price = daily_price(Decimal(row.values["value"]) / 2, month_days(a))
            plan.add(code, (row.ref, vat["turpe_fixed"].ref, price, vkey), a, b,
                     ("turpe_fixed", None, row, vat["turpe_fixed"], price, "day",
                      "TURPE CACNC %s%s EUR per two months" % (
                          "majoration " if surcharge else "", row.values["value"])))
    if not turpe_only:
        cta = rates.taxes.cta(a, "distribution")
        plan.add("cta", (cta.ref, vat["cta"].ref), a, b,
                 ("cta", None, cta, vat["cta"], Decimal(cta.values["rate_percent"]) / 100,
                  "EUR", "CTA %s %% of the fixed TURPE part" % cta.values["rate_percent"]),
                 base=cta_base)


def _plan_energy(plan, rates, a, b, v, vat, vkey, turpe_only) -> None:
    """The energy parts of days ``[a, b)`` of version ``v``: the offer's energy per time
    class, TURPE energy per class, accise (see :func:`plan_period`)."""
    classes = () if turpe_only else rates.offers.classes(v.company, v.offer)
    for tc in classes:
        row = rates.offers.energy(a, v.company, v.offer, tc)
        plan.add("energy_" + tc, (row.ref, vat["energy"].ref, vkey), a, b,
                 ("energy", tc, row, vat["energy"], Decimal(row.values["value"]), "kWh",
                  "Energy %s, %s EUR/kWh" % (tc, row.values["value"])), (classes, tc))
    classes = turpe_mod.energy_classes(v.fta)
    for tc in classes:
        row = rates.turpe.energy(a, v.fta, tc)
        plan.add("turpe_c_" + tc, (row.ref, vat["turpe_energy"].ref, vkey), a, b,
                 ("turpe_energy", tc, row, vat["turpe_energy"],
                  Decimal(row.values["value"]) / 100, "kWh",
                  "TURPE energy %s, %s cEUR/kWh" % (tc, row.values["value"])), (classes, tc))
    if turpe_only:
        return
    category = accise_category_of(v)
    row = rates.taxes.accise(a, category)
    label = "Accise %s EUR/MWh" % row.values["eur_per_mwh"]
    if v.accise_attestation:
        label += " (attestation: %s)" % v.accise_attestation
    plan.add("accise", (row.ref, vat["accise"].ref), a, b,
             ("accise", None, row, vat["accise"], Decimal(row.values["eur_per_mwh"]) / 1000,
              "kWh", label), ((), None))


def _fixed_turpe(turpe, day: dt.date, v: Contract):
    """``(code, row, multiplier, label)`` of the yearly fixed TURPE parts of a version."""
    cc = (turpe.metering_without_meter(day, v.fta) if v.meter == "none"
          else turpe.metering(day, v.fta))
    parts = [("turpe_cg", turpe.management(day, v.fta), 1, "TURPE cg %s EUR/year"),
             ("turpe_cc", cc, 1, "TURPE cc %s EUR/year" + (" (no meter)" if v.meter == "none"
                                                           else ""))]
    parts = [(code, row, mult, label % row.values["value"]) for code, row, mult, label in parts]
    if turpe_mod.segment(v.fta) == "C5":
        row = turpe.power(day, v.fta)
        return parts + [("turpe_b", row, v.kva, "TURPE b %s EUR/kVA/year x %s kVA" % (
            row.values["value"], v.kva))]
    for time_class, step in turpe_mod.power_terms(v.kva, v.kva_by_class):
        row = turpe.power_class(day, v.fta, time_class)
        code = "turpe_b" if time_class == HPH else "turpe_b_" + time_class
        label = ("TURPE b %s %s EUR/kVA/year x %s kVA" if time_class == HPH else
                 "TURPE b %s %s EUR/kVA/year x %s kVA (power step)") % (
                     time_class, row.values["value"], step)
        parts.append((code, row, step, label))
    return parts


def run_wh(run: Run, consumption_wh: Dict[str, int]) -> int:
    classes, tc = run.energy
    if tc is None:
        return sum(consumption_wh.values())
    return derive(consumption_wh, classes)[tc]


def _spread(wh: int, origin: dt.date, final: dt.date, a: dt.date, b: dt.date,
            time_class: Optional[str] = None) -> int:
    """Wh of ``[a, b)`` when ``wh`` is spread by days over ``[origin, final)`` (the days of
    its season for a seasonal register class): see
    :func:`~enercoop_core.billing.profiles.spread_by_days`."""
    from enercoop_core.billing.profiles import spread_by_days
    return spread_by_days(wh, origin, final, a, b, time_class)


def spread_of(versions: Sequence[Contract], rates):
    """How energy between two indexes is spread over their days: by the Enedis profile of the
    contract (its latest version's ``profile``) when profile coefficients are loaded
    (``rates.profiles``), as a :class:`~enercoop_core.billing.profiles.ProfileSpread`; None
    (by days) otherwise."""
    from enercoop_core.billing.profiles import ProfileSpread
    coefficients = getattr(rates, "profiles", None)
    profile = sorted(versions, key=lambda v: v.start)[-1].profile if versions else ""
    if coefficients is None or not profile:
        return None
    return ProfileSpread(coefficients, profile)


def price_period(versions: Sequence[Contract], start: dt.date, end: dt.date,
                 consumption_wh: Dict[str, int], rates, fixed: bool = True,
                 estimated: bool = False, true_up: bool = False,
                 turpe_only: bool = False, segments=None,
                 cacnc_surcharge: bool = False, spread=None) -> List[BillLine]:
    """Bill lines of ``[start, end)`` for ``consumption_wh`` (Wh per register class);
    ``fixed``, ``turpe_only`` and ``cacnc_surcharge`` as in :func:`plan_period`.

    ``segments``: the consumption as measured between real (or estimated) indexes,
    ``[(day_a, day_b, {class: Wh}), ...]`` covering ``[start, end)``; each is spread by days
    over its own days only, so a real index on a rate-change date puts each side's energy on
    its own rates. None: ``consumption_wh`` spread over the whole period. ``spread``: how a
    segment's energy is spread over its days, ``spread(wh, time_class, day_a, day_b, a, b)``
    -> Wh of ``[a, b)`` (a :class:`~enercoop_core.billing.profiles.ProfileSpread`, see
    :func:`spread_of`); None: by days."""
    runs = plan_period(versions, start, end, rates, fixed, turpe_only, cacnc_surcharge)
    return price_runs(runs, start, end, consumption_wh, estimated, true_up, segments, spread)


def run_quantity(run: Run, segments, spread=None) -> Optional[Decimal]:
    """Quantity of a planned line: days, the CTA base (EUR), or kWh of ``segments``
    (``[(day_a, day_b, {class: Wh})]``, see :func:`price_period`; ``spread`` as there);
    None for no energy."""
    if run.unit == "day":
        return Decimal((run.end - run.start).days)
    if run.unit == "EUR":
        return round_cents(run.base)
    how, spread = spread, 0
    for seg_a, seg_b, wh in segments:
        a, b = max(run.start, seg_a), min(run.end, seg_b)
        if a < b and how is None:  # by days: the line's classes spread as they are
            spread += _spread(run_wh(run, wh), seg_a, seg_b, a, b)
        elif a < b:  # by profile: each register class by its own sub-profile, re-expressed
            spread += run_wh(run, _spread_days(wh, seg_a, seg_b, a, b, how))
    return Decimal(spread) * KWH if spread else None


def price_runs(runs: Sequence[Run], start: dt.date, end: dt.date, consumption_wh: Dict[str, int],
               estimated: bool = False, true_up: bool = False, segments=None,
               spread=None) -> List[BillLine]:
    """The consumption-dependent half of :func:`price_period`: bill lines of a line plan
    (:func:`plan_period` of the same period), so that a plan can be priced for many
    consumptions."""
    if segments is None:
        segments = [(start, end, consumption_wh)]
    lines = []
    for run in runs:
        quantity = run_quantity(run, segments, spread)
        if quantity is None:
            continue  # no line for a class without energy
        lines.append(BillLine(
            kind=run.kind, code=run.code, label=run.label, time_class=run.time_class,
            period_start=run.start, period_end=run.end, quantity=quantity, unit=run.unit,
            unit_price=run.unit_price, amount=round_cents(quantity * run.unit_price),
            vat_rate=run.vat_rate, rate_ref=run.row.ref,
            rate_source=run.citation, estimated=estimated, true_up=true_up))
    return lines


def _reading_on(readings, day):
    """The index readings of ``day``, real ones if any (None when there is none); of several,
    :func:`_pick` takes the installation side to open a period, the removal side to close one."""
    found = [r for r in readings if r.day == day and r.indexes()]
    found.sort(key=lambda r: r.estimated)  # real first
    if not found:
        return None
    return [r for r in found if r.estimated == found[0].estimated]


def _pick(found, opening: bool, readings=()):
    """The installation side of same-day ``found`` readings (``opening``), else the removal
    side, ordered among all ``readings`` of the PRM (their neighbours tell the sides apart
    when no reason code does, see :func:`~enercoop_core.billing.readings.chronological`)."""
    from enercoop_core.billing.readings import chronological
    if found is None:
        return None
    mine = set(id(r) for r in found)
    ordered = [r for r in chronological(readings) if id(r) in mine] or chronological(found)
    return ordered[-1] if opening else ordered[0]


def _chain(readings, start_reading, end_reading):
    """The readings from ``start_reading`` to ``end_reading``: the real ones in between."""
    inner = [r for r in readings if start_reading.day < r.day < end_reading.day
             and not r.estimated and r.indexes()]
    same_start = [r for r in readings if r.day == start_reading.day and not r.estimated
                  and r is not start_reading and _after(r, start_reading)]
    same_end = [r for r in readings if r.day == end_reading.day and not r.estimated
                and r is not end_reading and _after(end_reading, r)]
    return [start_reading] + same_start + inner + same_end + [end_reading]


def _after(later, earlier) -> bool:
    from enercoop_core.billing.readings import same_day_rank
    return same_day_rank(later) > same_day_rank(earlier)


def _segments(readings, start_reading, end_reading, digits=None):
    """Consumption segments of ``[start_reading.day, end_reading.day)`` (zero-length ones,
    from same-day readings, folded into their neighbour)."""
    from enercoop_core.billing.consumption import segments
    found = segments(_chain(readings, start_reading, end_reading), digits=digits)
    merged = []
    pending = {}  # type: Dict[str, int]
    for a, b, wh in found:
        if a == b:
            for c, v in wh.items():
                pending[c] = pending.get(c, 0) + v
            continue
        if pending:
            wh = {c: wh.get(c, 0) + pending.get(c, 0) for c in set(wh) | set(pending)}
            pending = {}
        merged.append((a, b, wh))
    if pending:
        if merged:
            a, b, wh = merged[-1]
            merged[-1] = (a, b, {c: wh.get(c, 0) + pending.get(c, 0)
                                 for c in set(wh) | set(pending)})
        else:
            merged.append((start_reading.day, end_reading.day, pending))
    return merged


def _consumption_between(readings, start_reading, end_reading, digits=None):
    from enercoop_core.billing.consumption import add_up
    return add_up(wh for _a, _b, wh in _segments(readings, start_reading, end_reading, digits))


def _spread_days(wh: Dict[str, int], origin: dt.date, final: dt.date, a: dt.date, b: dt.date,
                 spread=None):
    """Wh per register class of ``[a, b)`` of ``wh`` measured over ``[origin, final)``, by
    days or by ``spread`` (see :func:`price_period`)."""
    if a == origin and b == final:
        return dict(wh)
    if spread is None:
        return {c: _spread(v, origin, final, a, b) for c, v in wh.items()}
    return {c: spread(v, c, origin, final, a, b) for c, v in wh.items()}


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = day.year, day.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def overrun_lines(versions: Sequence[Contract], start: dt.date, end: dt.date, overrun_s,
                  rates, estimated: bool = False) -> List[BillLine]:
    """BT > 36 kVA CMDPS lines: ``alpha x h`` per time class, ``h`` the overrun duration of the
    period (``overrun_s``: seconds per class, R171 ``DD``), priced at the row of ``start``
    (TURPE 7 brochure p.15: CMDPS = 12,41 x h per time class and month)."""
    lines = []
    v = version_at(versions, start)
    if turpe_mod.segment(v.fta) != "C4":
        return lines
    for time_class in FOUR_CLASSES:
        seconds = int(overrun_s.get(time_class, 0))
        if seconds <= 0:
            continue
        row = rates.turpe.overrun(start, v.fta)
        vat = rates.taxes.vat(start, "C4", "turpe_energy")
        hours = (Decimal(seconds) / 3600).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        price = Decimal(row.values["value"])
        lines.append(BillLine(
            kind="turpe_energy", code="turpe_cmdps_" + time_class,
            label="TURPE CMDPS %s, %s EUR per hour of overrun" % (time_class, row.values["value"]),
            time_class=time_class, period_start=start, period_end=end, quantity=hours, unit="h",
            unit_price=price, amount=round_cents(hours * price),
            vat_rate=rate_percent(vat), rate_ref=row.ref,
            rate_source=row.citation, estimated=estimated))
    return lines


def bill_contract(versions: Sequence[Contract], readings, start: dt.date, end: dt.date, rates,
                  prior_bills=(), prorate_end: bool = True):
    """Bill one contract for ``[start, end)`` (clipped to the contract's own dates).

    ``versions``: every version of the contract (same ``contract_id``); ``readings``:
    :class:`~enercoop_core.billing.readings.Reading` objects of the PRM (any dates);
    ``prior_bills``: earlier bills of the contract, needed to start from an estimated index
    and to true it up. A bound of the period without an index read on it is prorated
    between the real indexes read before and after it (:func:`_prorated`; the start only when
    no earlier bill ends there; the end unless ``prorate_end`` is False, e.g. to bill as if the
    later readings were not known yet). When the end index is still missing it is estimated
    (bill flagged). When a
    real end index follows estimated bills, the true-up lines correct each estimated bill
    for its own period and rates: the real consumption since the last real reading is spread
    by days over the estimated periods and this one; each estimated period gets the
    difference with what it billed. Nothing is billed twice or lost.

    Real indexes inside the period (e.g. read on a rate-change date) split the energy: each
    stretch between two indexes is spread over its own days only, by days, or by the
    contract's Enedis profile when ``rates.profiles`` holds its coefficients
    (:func:`spread_of`). A consumption
    that cannot be right (falling index without digit count; above subscribed kVA x hours)
    raises :class:`~enercoop_core.billing.review.ReviewHold` carrying the bill with its
    ``review`` reasons: it is never returned as issuable. BT > 36 kVA: overrun durations
    (R171 ``DD``, seconds, on the readings' ``durations_s``) between the start and end
    readings give the CMDPS lines. A non-communicating meter (``meter``) whose last real
    index is over 12 months old pays the CACNC majoration.
    """
    try:
        return _bill_contract(versions, readings, start, end, rates, prior_bills, prorate_end)
    except InputError as exc:
        if not exc.record and versions:
            # raised by a rule that does not know the contract (e.g. a time class the
            # readings lack): name it
            exc.record = versions[0].contract_id
            exc.args = (str(exc),)
        raise


def _bill_contract(versions, readings, start, end, rates, prior_bills, prorate_end):
    from enercoop_core.billing.model import make_bill
    from enercoop_core.billing.review import ReviewHold

    versions = sorted(versions, key=lambda v: v.start)
    first, last = versions[0], versions[-1]
    for version in versions:
        check_contract(version)
    eff_start = max(start, first.start)
    eff_end = min(end, last.end) if last.end else end
    if not eff_start < eff_end:
        raise InputError("contract not active in %s..%s" % (start, end), record=first.contract_id,
                         field="start")
    active = [v for v in versions if v.start < eff_end and (v.end is None or v.end > eff_start)]
    digits = last.meter_digits
    readings = _distinct(sorted((r for r in readings if r.prm == first.prm),
                                key=lambda r: r.day))
    prior = sorted(prior_bills, key=lambda b: b.period_start)

    how = spread_of(active, rates)
    start_reading = _start_reading(versions, readings, eff_start, prior, digits, how)
    end_reading, end_estimated = _end_reading(versions, readings, start_reading, eff_start,
                                              eff_end, digits, how, rates, prorate_end)
    lines = []  # type: List[BillLine]
    segs = None
    try:
        if start_reading.estimated and not end_estimated:
            used, lines, reasons = _true_up(versions, readings, prior, end_reading, eff_start,
                                            eff_end, digits, how, rates)
            estimated = False
        else:
            segs, used, reasons = _measured(active, readings, start_reading, end_reading, digits)
            estimated = start_reading.estimated or end_estimated
    except ReviewHold as hold:
        raise ReviewHold(hold.reasons, record=first.contract_id) from hold
    surcharge = _cacnc_surcharge(active, readings, eff_start, eff_end)
    lines = price_period(active, eff_start, eff_end, used, rates, estimated=estimated,
                         segments=segs, cacnc_surcharge=surcharge, spread=how) + lines
    lines += overrun_lines(active, eff_start, eff_end,
                           _overrun_seconds(start_reading, end_reading), rates, estimated)
    from enercoop_core.billing.readings import chronological
    chain = chronological(_chain(readings, start_reading, end_reading)) if segs is not None \
        else [start_reading, end_reading]
    bill = make_bill(first, eff_start, eff_end, lines, estimated, consumption_wh=used,
                     start_index_wh=start_reading.indexes(), end_index_wh=end_reading.indexes(),
                     end_estimated=end_estimated,
                     index_readings=tuple((r.day, r.nature, r.indexes()) for r in chain),
                     review=tuple(reasons))
    if reasons:
        raise ReviewHold(reasons, record=first.contract_id, bill=bill)
    return bill


def _start_reading(versions, readings, eff_start, prior, digits, how):
    """The index the period starts from: the reading of its first day (a real one; a
    distributor's estimate only when nothing better is known), else the end of the earlier bill
    ending then, else an index prorated between real ones; for a point without a meter, zero."""
    from enercoop_core.billing.readings import Reading
    first, last = versions[0], versions[-1]
    start_reading = _pick(_reading_on(readings, eff_start), True, readings)
    foreign = None  # an estimated index of the distributor's on the start day
    if start_reading is not None and start_reading.estimated:
        # the earlier bill's end, else an index prorated between real ones, come first:
        # the same day's index is then the same in both bills
        foreign, start_reading = start_reading, None
    if start_reading is None and last.meter == "none" and not any(r.indexes() for r in readings):
        # a point without a meter has no index ever: each period is estimated on its own from
        # annual_kwh (TURPE 7 brochure p.17: the distributor estimates its flows), from zero
        classes = [c for c, _share in last.class_shares] or list(
            turpe_mod.energy_classes(last.fta))
        start_reading = Reading(prm=first.prm, day=eff_start, nature="estimated",
                                registers=_registers({c: 0 for c in classes}))
    previous = [b for b in prior if b.period_end == eff_start]
    if start_reading is None and not previous:
        start_reading = _prorated(readings, eff_start, digits, how, first.contract_id) or foreign
    if start_reading is None:
        if not previous:
            raise InputError("no index on %s, no real indexes before and after it and no "
                             "earlier bill ending then" % eff_start,
                             record=first.contract_id, field="readings")
        bill_before = previous[-1]
        start_reading = Reading(prm=first.prm, day=eff_start,
                                nature="estimated" if bill_before.end_estimated else "real",
                                registers=_registers(bill_before.end_index_wh))
    return start_reading


def _end_reading(versions, readings, start_reading, eff_start, eff_end, digits, how, rates,
                 prorate_end):
    """``(end reading, whether it is estimated)``: the reading of the end day (a foreign
    estimate only after an estimated start), else prorated when ``prorate_end``, else our
    estimate from the latest real index of the period (or its start)."""
    from enercoop_core.billing.estimate import estimate_consumption
    from enercoop_core.billing.readings import Reading
    first, last = versions[0], versions[-1]
    end_reading = _pick(_reading_on(readings, eff_end), False, readings)
    if end_reading is not None and end_reading.estimated and not start_reading.estimated:
        end_reading = None  # re-estimate with our own rule rather than trust a foreign one
    if end_reading is None and prorate_end:
        end_reading = _prorated(readings, eff_end, digits, how, first.contract_id)
    end_estimated = end_reading is None or end_reading.estimated
    if end_reading is None:
        # estimated from the latest index of the period (a real one read inside it, else the
        # start), so that the estimate continues the real indexes instead of crossing them
        inside = [r for r in readings if eff_start < r.day < eff_end and not r.estimated
                  and r.indexes()]
        base = _pick([r for r in inside if r.day == inside[-1].day], True, readings) \
            if inside else start_reading
        classes = sorted(base.indexes())
        est = estimate_consumption(last, [r for r in readings if r.day <= base.day], classes,
                                   (eff_end - base.day).days, base.day,
                                   getattr(rates, "profiles", None))
        indexes = base.indexes()
        end_reading = Reading(prm=first.prm, day=eff_end, nature="estimated",
                              registers=_registers({c: indexes[c] + est[c] for c in classes}))
    return end_reading, end_estimated


def _true_up(versions, readings, prior, end_reading, eff_start, eff_end, digits, how, rates):
    """``(Wh of the period, correction lines, review reasons)`` when a real end index follows
    an estimated start: the consumption from the last real reading before the period to this
    one is spread again over the earlier (estimated) bills, whose differences are billed."""
    from enercoop_core.billing.review import bound_reasons
    contract_id = versions[0].contract_id
    reals = [r for r in readings if not r.estimated and r.day < eff_start and r.indexes()]
    if not reals:
        raise InputError("cannot true up: no real reading before %s" % eff_start,
                         record=contract_id, field="readings")
    origin = _pick([r for r in reals if r.day == reals[-1].day], True, readings)
    actual = _consumption_between(readings, origin, end_reading, digits)
    reasons = bound_reasons(versions, origin.day, eff_end, actual)
    to_correct = [b for b in prior
                  if b.period_start >= origin.day and b.period_end <= eff_start]
    covered = sum((b.period_end - b.period_start).days for b in to_correct)
    if covered != (eff_start - origin.day).days:
        raise InputError("earlier bills do not cover %s..%s" % (origin.day, eff_start),
                         record=contract_id, field="prior_bills")
    lines = []
    for old in to_correct:
        should = _spread_days(actual, origin.day, eff_end, old.period_start,
                              old.period_end, how)
        delta = {c: should[c] - old.consumption_wh.get(c, 0) for c in should}
        if any(delta.values()):
            lines.extend(price_period(versions, old.period_start, old.period_end, delta,
                                      rates, fixed=False, true_up=True, spread=how))
    used = _spread_days(actual, origin.day, eff_end, eff_start, eff_end, how)
    return used, lines, reasons


def _measured(active, readings, start_reading, end_reading, digits):
    """``(segments, Wh of the period, review reasons)`` from the index differences between
    the start and end readings (segments split at meter changes)."""
    from enercoop_core.billing.review import bound_reasons
    segs = _segments(readings, start_reading, end_reading, digits)
    used, reasons = {}, []
    for a, b, wh in segs:
        reasons += bound_reasons(active, a, b, wh)
        for c, v in wh.items():
            used[c] = used.get(c, 0) + v
    if not used:
        used = {c: 0 for c in start_reading.indexes()}
    return segs, used, reasons


def _distinct(readings):
    """The readings without repeats: the same reading delivered twice (two flow files, a
    file imported again) is kept once, so that it shows once on the bill."""
    from enercoop_core.billing.readings import same_day_rank
    seen, kept = set(), []
    for r in readings:
        key = (r.day, r.nature, r.registers, r.meter_serial, same_day_rank(r), r.durations_s)
        if key not in seen:
            seen.add(key)
            kept.append(r)
    return kept


def _prorated(readings, day: dt.date, digits, spread, record):
    """The index of ``day`` (no reading on it) prorated between the real indexes read just
    before and just after it on the same meter, by days or by ``spread`` (see
    :func:`price_period`; by days, a seasonal class HPH/HCH or HPB/HCB over the days of its
    TURPE season only, so that a winter class is not prorated into October):
    ``before + F(day)`` per class, nature ``prorated`` (final, never trued up: both ends are
    measured). None when there is no such pair (or a meter change
    between them)."""
    from enercoop_core.billing.consumption import rollover_modulus_wh
    from enercoop_core.billing.readings import Reading, Register
    from enercoop_core.billing.review import ReviewHold
    reals = [r for r in readings if not r.estimated and r.indexes()]
    earlier = [r for r in reals if r.day < day]
    later = [r for r in reals if r.day > day]
    if not earlier or not later:
        return None
    before = _pick([r for r in earlier if r.day == earlier[-1].day], True, readings)
    after = _pick([r for r in later if r.day == later[0].day], False, readings)
    try:
        found = _segments(readings, before, after, digits)
    except ReviewHold as hold:
        raise ReviewHold(hold.reasons, record=record) from hold
    if len(found) != 1 or found[0][:2] != (before.day, after.day):
        return None  # a meter change between them: no index of one meter on that day
    if spread is None:  # by days, a seasonal class over the days of its season only
        used = {c: _spread(v, before.day, after.day, before.day, day, c)
                for c, v in found[0][2].items()}
    else:
        used = _spread_days(found[0][2], before.day, after.day, before.day, day, spread)
    registers = []
    for c, wh in sorted(before.indexes().items()):
        reg = before.register(c)
        modulus = rollover_modulus_wh(wh, reg.digits or digits)
        index = wh + used[c]
        registers.append(Register(reg.owner, c, "withdrawal", index % modulus if modulus
                                  else index, reg.digits))
    return Reading(prm=before.prm, day=day, nature="prorated", registers=tuple(registers),
                   meter_serial=before.meter_serial or after.meter_serial)


def _cacnc_surcharge(versions, readings, start: dt.date, end: dt.date) -> bool:
    """Whether the CACNC majoration applies: a non-communicating meter whose last real index
    before the period's end was read more than 12 months before the period's start."""
    if not any(v.meter == "non_communicating" for v in versions):
        return False
    reals = [r.day for r in readings if not r.estimated and r.day <= end and r.indexes()]
    return bool(reals) and max(reals) < _months_before(start, 12)


def _overrun_seconds(start_reading, end_reading) -> Dict[str, int]:
    before = dict(getattr(start_reading, "durations_s", ()) or ())
    after = dict(getattr(end_reading, "durations_s", ()) or ())
    return {c: after[c] - before.get(c, 0) for c in after if after[c] > before.get(c, 0)}


def _registers(indexes: Dict[str, int]):
    from enercoop_core.billing.readings import Register
    return tuple(Register("distributor", c, "withdrawal", wh) for c, wh in sorted(indexes.items()))
