"""Monthly payments (mensualisation): schedule, revision, yearly true-up, final bill.

Pure functions on plain data; money is Decimal EUR including VAT, energy integer Wh. Every
price comes from the billing engine (:func:`~enercoop_core.billing.engine.price_period`,
:func:`~enercoop_core.billing.engine.bill_contract`); this module adds no pricing rule.

Rules:

1. **Year.** A schedule covers ``[start, start + 12 months)``; the contract versions must cover
   it (a move-out is :func:`close_schedule`).
2. **Estimated yearly consumption** (:func:`estimate_year`), Wh per register class:

   - with a year of history (real readings of the PRM on or before ``start``): ``latest`` is
     the last real reading, ``origin`` the last real reading at least 365 days before it;
     ``Wh = consumption(origin..latest) x days_of_year // span_days`` (meter changes and
     inner readings respected by :func:`~enercoop_core.billing.consumption.consumption`);
   - with less than a year of real readings and the contract's Enedis profile loaded: the
     consumption between the first and the last real reading extrapolated by the profile,
     ``Wh = used x days_of_year / 365 / share(first..last)`` (per class with the sub-profiles
     ``<profile>_<class>`` when all exist, else the profile itself; ``share`` as in
     :meth:`~enercoop_core.billing.profiles.ProfileCoefficients.share`), so that a winter
     month is not taken for an average one (the split between seasonal classes, HPH/HPB
     and HCH/HCB, stays that of the readings: a history inside one season is extrapolated
     in that season's classes);
   - otherwise the engine's estimate rule
     (:func:`~enercoop_core.billing.estimate.estimate_consumption` over the year's days): the
     daily average between the last two real readings, else the contract's ``annual_kwh``
     shaped by its Enedis profile when coefficients are loaded, else flat; register classes
     are the ``class_shares`` keys, else the FTA's TURPE classes.
3. **Prices in force.** The year is priced by ``price_period`` with every rate looked up on
   the *pricing date* instead of the day itself (:class:`PricesInForce`): the prices known
   when the schedule is made, not guesses of future ones. A schedule has one pricing date
   (its start, or ``priced_on``); each revision adds one, from which the year is priced at the
   prices in force on that date.
4. **Instalments.** ``count`` is 10, 11 or 12, due monthly from ``first_due`` (default: the
   start; a day past the month's end falls on its last day); with fewer than 12 the last
   months of the year have none and the true-up follows them. Each instalment is
   ``total / count`` rounded *down* to the cent; the **last instalment carries the rounding
   remainder** ``total - (count - 1) x instalment`` (0 to ``count - 1`` cents more), so
   the instalments add up to the estimated yearly bill exactly.
5. **Revision** (:func:`revise_schedule`): a price, power or option change on ``day``
   re-prices the year (``[start, day)`` as before, ``[day, end)`` at the prices in force on
   ``day`` with the contract versions then in force) and spreads the revised total less the
   instalments due before ``day`` over the instalments due on or after it, rule 4 again.
   Never below zero: if more was already due than the revised total, the remaining
   instalments are 0.00 and the true-up pays the excess back. With no instalment left, the
   difference is left to the true-up.
6. **True-up** (:func:`true_up`, facture de régularisation): the engine bills the year on
   the real readings (real prices day by day, true-ups of estimated bills included); the
   instalments paid are deducted line by line; ``balance = bill.total - paid``. A positive
   balance is due; a credit below the refund threshold of
   ``data/bill_content.json`` (``overpayment``, arrêté du 18 avril 2012) is carried to the
   next bill unless the household asks for it, from the threshold on it is refunded. The
   next schedule is proposed from the new history, priced on ``next_priced_on`` (default:
   the end of the year).
7. **Move-out** (:func:`close_schedule`): the contract ends on ``move_out``; the engine bills
   ``[start, move_out)``, the instalments due before ``move_out`` are deducted, the later ones
   cancelled; a credit is refunded (there is no next bill); no next schedule.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Dict, Optional, Sequence, Tuple

from enercoop_core.billing.model import CENT, Bill, Contract, make_bill
from enercoop_core.errors import InputError

COUNTS = (10, 11, 12)
ZERO = Decimal("0.00")


def add_months(day: dt.date, months: int, day_of_month: Optional[int] = None) -> dt.date:
    """``day`` moved by ``months`` calendar months; a day past the month's end is its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day_of_month or day.day, last))


# --- prices in force -------------------------------------------------------------------------

class _AsOf:
    """A rate object (TURPE, taxes, offers) whose dated lookups answer for the pricing date."""

    def __init__(self, inner, pricing_day):
        self._inner = inner
        self._pricing_day = pricing_day

    def __getattr__(self, name):
        value = getattr(self._inner, name)
        if not callable(value):
            return value

        def lookup(*args, **kwargs):
            if args and isinstance(args[0], dt.date):
                args = (self._pricing_day(args[0]),) + args[1:]
            if isinstance(kwargs.get("day"), dt.date):
                kwargs["day"] = self._pricing_day(kwargs["day"])
            return value(*args, **kwargs)
        return lookup


class _Cuts:
    """Stands for the rate tables in :func:`~enercoop_core.billing.engine.cuts`: the only
    boundaries left are the pricing dates."""

    def __init__(self, dates):
        self.dates = dates

    def boundaries(self, start, end):
        return [d for d in self.dates if start < d < end]


class PricesInForce:
    """``rates`` seen as "the prices in force on the pricing dates" (rule 3 of the module doc).

    A lookup for day ``d`` answers with the row in force on the latest pricing date on or
    before ``d`` (the first pricing date for days before it). Attributes the engine reads
    without a date (``offers.classes``, ``profiles`` ...) pass through unchanged."""

    PASS_THROUGH = ("profiles", "purchase")

    def __init__(self, rates, pricing_dates: Sequence[dt.date]):
        if not pricing_dates:
            raise InputError("no pricing date", field="priced_on")
        self.rates = rates
        self.pricing_dates = tuple(sorted(set(pricing_dates)))

    def pricing_day(self, day: dt.date) -> dt.date:
        chosen = self.pricing_dates[0]
        for candidate in self.pricing_dates:
            if candidate <= day:
                chosen = candidate
        return chosen

    def billing_tables(self):
        return [_Cuts(self.pricing_dates)]

    def __getattr__(self, name):
        value = getattr(self.rates, name)
        if name in self.PASS_THROUGH or value is None or isinstance(value, (str, int, float)):
            return value
        return _AsOf(value, self.pricing_day)


# --- records ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearEstimate:
    """Estimated consumption of the schedule year and its priced bill.

    ``consumption_wh``: Wh per register class for ``[start, end)``; ``basis``: how it was
    estimated, in words, for the household (arrêté du 18 avril 2012: the basis of an estimate
    is stated); ``bill``: the engine's bill of that consumption at the prices in force on
    ``pricing_dates`` (``bill.total`` EUR incl. VAT is the amount to spread)."""

    start: dt.date
    end: dt.date
    consumption_wh: Dict[str, int]
    basis: str
    bill: Bill
    pricing_dates: Tuple[dt.date, ...]

    @property
    def kwh(self) -> Decimal:
        return Decimal(sum(self.consumption_wh.values())) / 1000


@dataclass(frozen=True)
class Instalment:
    """One monthly payment: ``amount`` EUR incl. VAT due on ``due_date``; ``number`` 1..count.

    ``note`` explains a non-standard amount (the rounding remainder, a revision)."""

    number: int
    due_date: dt.date
    amount: Decimal
    note: str = ""
    revised_on: Optional[dt.date] = None


@dataclass(frozen=True)
class Revision:
    """A mid-year change: on ``day`` the estimated yearly bill went from ``total_before`` to
    ``total_after`` (EUR incl. VAT); ``already_due`` EUR were due before ``day``; ``remaining``
    EUR are spread over the instalments due from ``day`` on; ``carried_to_true_up`` =
    ``total_after - already_due - remaining`` EUR is left to the true-up (negative: more was
    due than the revised total, to be paid back; any sign when no instalment is left)."""

    day: dt.date
    reason: str
    total_before: Decimal
    total_after: Decimal
    already_due: Decimal
    remaining: Decimal
    carried_to_true_up: Decimal


@dataclass(frozen=True)
class Schedule:
    """A payment schedule (échéancier) of one contract for ``[start, end)``.

    ``total`` EUR incl. VAT = the current estimated yearly bill = the sum of the
    instalments, except after a revision that left more due than the revised total
    (``revisions[-1].carried_to_true_up``)."""

    contract_id: str
    prm: str
    start: dt.date
    end: dt.date
    count: int
    estimate: YearEstimate
    instalments: Tuple[Instalment, ...]
    revisions: Tuple[Revision, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.estimate.bill.total

    def due_before(self, day: dt.date) -> Tuple[Instalment, ...]:
        """Instalments due strictly before ``day``."""
        return tuple(i for i in self.instalments if i.due_date < day)


@dataclass(frozen=True)
class SettlementLine:
    """One explained line of a true-up or final bill: ``amount`` EUR incl. VAT (instalments
    paid are negative)."""

    label: str
    amount: Decimal
    kind: str  # bill | instalment | balance


@dataclass(frozen=True)
class Settlement:
    """A true-up (``kind`` ``true_up``) or final bill (``final``, move-out) of a schedule.

    ``bill``: the engine's bill of the real consumption; ``paid``: instalments deducted;
    ``balance`` = ``bill.total - paid_total`` EUR (positive: due by ``due_date``; negative: a
    credit, ``credit_action`` ``refund`` or ``carry_forward``); ``cancelled``: instalments no
    longer due (move-out); ``next_schedule``: the proposed schedule (true-up only)."""

    kind: str
    schedule: Schedule
    bill: Bill
    paid: Tuple[Instalment, ...]
    paid_total: Decimal
    balance: Decimal
    due_date: Optional[dt.date]
    credit_action: str
    lines: Tuple[SettlementLine, ...]
    cancelled: Tuple[Instalment, ...] = ()
    next_schedule: Optional[Schedule] = None


# --- estimate --------------------------------------------------------------------------------

def _check_count(count: int) -> int:
    if count not in COUNTS:
        raise InputError("a schedule has 10, 11 or 12 instalments, not %r" % (count,),
                         field="count")
    return count


def _covering(versions: Sequence[Contract], start: dt.date, end: dt.date):
    versions = sorted(versions, key=lambda v: v.start)
    if not versions:
        raise InputError("no contract version", field="versions")
    if versions[0].start > start:
        raise InputError("contract starts on %s, after the schedule start %s"
                         % (versions[0].start, start), record=versions[0].contract_id,
                         field="start")
    last = versions[-1]
    if last.end is not None and last.end < end:
        raise InputError("contract ends on %s, within the schedule year (close the schedule "
                         "instead)" % last.end, record=last.contract_id, field="end")
    return versions


def _register_classes(version: Contract):
    from enercoop_core.tariffs import turpe
    if version.class_shares:
        return [c for c, _share in version.class_shares]
    return list(turpe.energy_classes(version.fta))


def estimate_year(version: Contract, readings, start: dt.date, end: dt.date,
                  profiles=None) -> Tuple[Dict[str, int], str]:
    """Wh per register class for ``[start, end)`` and the basis in words (rule 2 of the
    module doc); ``readings``: the PRM's readings (later ones ignored)."""
    from enercoop_core.billing.consumption import consumption
    from enercoop_core.billing.estimate import NOISE_WH, estimate_consumption
    days = (end - start).days
    real = sorted((r for r in readings if r.prm == version.prm and not r.estimated
                   and r.day <= start), key=lambda r: r.day)
    if real:
        latest = real[-1]
        older = [r for r in real if (latest.day - r.day).days >= 365]
        if older:
            origin = older[-1]
            span = (latest.day - origin.day).days
            used = consumption([r for r in real if origin.day <= r.day <= latest.day])
            return ({c: wh * days // span for c, wh in used.items()},
                    "real readings %s..%s (%d days, %s kWh) scaled to %d days" % (
                        origin.day, latest.day, span,
                        Decimal(sum(used.values())) / 1000, days))
        shares = _profile_shares(version, profiles, real[0].day, latest.day,
                                 sorted(latest.indexes()))
        if shares is not None:
            used = consumption(real)
            return ({c: int(Decimal(wh) * days / 365 / shares[c] + NOISE_WH)
                     for c, wh in used.items()},
                    "real readings %s..%s (%s kWh) extrapolated to %d days by the Enedis "
                    "profile %s" % (real[0].day, latest.day, Decimal(sum(used.values())) / 1000,
                                    days, version.profile))
    classes = sorted(real[-1].indexes()) if real else _register_classes(version)
    wh = estimate_consumption(version, real, classes, days, start, profiles)
    if len(real) >= 2:
        basis = "daily average of the real readings %s..%s x %d days" % (
            real[-2].day, real[-1].day, days)
    elif profiles is not None and version.profile:
        basis = "%s kWh/year shaped by the Enedis profile %s" % (version.annual_kwh,
                                                                 version.profile)
    else:
        basis = "%s kWh/year, flat over the year" % version.annual_kwh
    return wh, basis


def _profile_shares(version: Contract, profiles, first: dt.date, last: dt.date, classes):
    """{class: share of a year's energy in ``[first, last)``} from the contract's profile, or
    None without a profile (or with a share of zero)."""
    if profiles is None or not version.profile or not first < last:
        return None
    per_class = {c: "%s_%s" % (version.profile, c) for c in classes}
    if not all(profiles.has(sub) for sub in per_class.values()):
        if not profiles.has(version.profile):
            return None
        per_class = {c: version.profile for c in classes}
    shares = {c: Decimal(repr(profiles.share(sub, first, last))) for c, sub in per_class.items()}
    return shares if all(shares.values()) else None


def _price_year(versions, start, end, consumption_wh, rates, pricing_dates) -> Bill:
    from enercoop_core.billing.engine import price_period
    in_force = PricesInForce(rates, pricing_dates)
    lines = price_period(versions, start, end, consumption_wh, in_force, estimated=True)
    return make_bill(versions[0], start, end, lines, True, consumption_wh=dict(consumption_wh))


# --- instalments -----------------------------------------------------------------------------

def split_amount(total: Decimal, count: int) -> Tuple[Decimal, ...]:
    """``count`` amounts adding up to ``total`` exactly: ``total / count`` rounded down to the
    cent, the last one carrying the remainder (rule 4). ``total`` below zero counts as zero."""
    total = max(total, ZERO)
    if count <= 0:
        return ()
    each = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    return (each,) * (count - 1) + (total - each * (count - 1),)


def _instalments(amounts, numbers, due_dates, revised_on=None):
    out = []
    for position, (number, due, amount) in enumerate(zip(numbers, due_dates, amounts)):
        note = ""
        if position == len(amounts) - 1 and len(amounts) > 1 and amount != amounts[0]:
            note = "last instalment: %s EUR of rounding remainder included" % (amount - amounts[0])
        out.append(Instalment(number, due, amount, note, revised_on))
    return out


def make_schedule(versions: Sequence[Contract], readings, start: dt.date, rates,
                  count: int = 12, first_due: Optional[dt.date] = None,
                  priced_on: Optional[dt.date] = None) -> Schedule:
    """The schedule of a contract for the year from ``start`` (rules 1-4 of the module doc).

    ``versions``: the contract's versions (same ``contract_id``), covering the year;
    ``readings``: the PRM's readings (:class:`~enercoop_core.billing.readings.Reading`, any
    dates; those after ``start`` are ignored); ``rates``: a
    :class:`~enercoop_core.tariffs.rates.Rates` with the offers (and ``profiles`` for a profile
    estimate); ``count``: 10, 11 or 12; ``first_due``: due date of the first instalment (the
    others follow monthly on the same day of the month); ``priced_on``: the pricing date
    (default ``start``)."""
    _check_count(count)
    end = add_months(start, 12)
    versions = _covering(versions, start, end)
    version = [v for v in versions if v.start <= start][-1]
    wh, basis = estimate_year(version, readings, start, end, getattr(rates, "profiles", None))
    dates = (priced_on or start,)
    bill = _price_year(versions, start, end, wh, rates, dates)
    estimate = YearEstimate(start, end, wh, basis, bill, dates)
    first_due = first_due or start
    due_dates = [add_months(first_due, k, first_due.day) for k in range(count)]
    instalments = _instalments(split_amount(bill.total, count), range(1, count + 1), due_dates)
    return Schedule(version.contract_id, version.prm, start, end, count, estimate,
                    tuple(instalments))


def revise_schedule(schedule: Schedule, versions: Sequence[Contract], day: dt.date, rates,
                    reason: str = "price change", readings=None) -> Schedule:
    """The schedule revised for a change on ``day`` (rule 5 of the module doc).

    ``versions``: every version of the contract, the new one starting on ``day`` for a power
    or option change (unchanged versions for a price change: the new price grid is in
    ``rates`` from ``day``); ``readings``: when given, the yearly consumption is re-estimated
    with the version in force on ``day`` (needed when an option change changes the register
    classes); otherwise the estimate is kept."""
    start, end = schedule.start, schedule.end
    if not start < day < end:
        raise InputError("revision day %s is outside the schedule year %s..%s"
                         % (day, start, end), record=schedule.contract_id, field="day")
    versions = _covering(versions, start, end)
    old = schedule.estimate
    wh, basis = old.consumption_wh, old.basis
    if readings is not None:
        version = [v for v in versions if v.start <= day][-1]
        wh, basis = estimate_year(version, readings, start, end,
                                  getattr(rates, "profiles", None))
    dates = tuple(d for d in old.pricing_dates if d < day) + (day,)
    bill = _price_year(versions, start, end, wh, rates, dates)
    kept = schedule.due_before(day)
    left = [i for i in schedule.instalments if i.due_date >= day]
    already = sum((i.amount for i in kept), ZERO)
    remaining = max(bill.total - already, ZERO) if left else ZERO
    amounts = split_amount(remaining, len(left))
    revised = _instalments(amounts, [i.number for i in left], [i.due_date for i in left], day)
    revision = Revision(day, reason, old.bill.total, bill.total, already, remaining,
                        bill.total - already - remaining)
    estimate = YearEstimate(start, end, wh, basis, bill, dates)
    return dataclasses.replace(schedule, estimate=estimate,
                               instalments=tuple(kept) + tuple(revised),
                               revisions=schedule.revisions + (revision,))


# --- settlements -----------------------------------------------------------------------------

def _content():
    from enercoop_core.billing.statement import bill_content
    return bill_content()


def credit_action(balance: Decimal, final: bool = False) -> str:
    """``due`` (balance >= 0), else ``refund`` or ``carry_forward`` (rule 6; always ``refund``
    on a final bill)."""
    if balance >= 0:
        return "due"
    if final:
        return "refund"
    threshold = Decimal(_content()["overpayment"]["refund_from_eur"])
    return "refund" if -balance >= threshold else "carry_forward"


def _settle(kind, schedule, bill, paid, due_date, cancelled=(), next_schedule=None):
    paid = tuple(sorted(paid, key=lambda i: (i.due_date, i.number)))
    paid_total = sum((i.amount for i in paid), ZERO)
    balance = bill.total - paid_total
    lines = [SettlementLine("Bill of the consumption %s..%s%s, incl. VAT" % (
        bill.period_start, bill.period_end, " (estimated end index)" if bill.end_estimated
        else ""), bill.total, "bill")]
    lines += [SettlementLine("Instalment %d of %d due %s, paid" % (
        i.number, schedule.count, i.due_date), -i.amount, "instalment") for i in paid]
    action = credit_action(balance, final=(kind == "final"))
    if action == "due":
        label = "Balance due%s" % (" by %s" % due_date if due_date else "")
    elif action == "refund":
        label = "Credit refunded to the household"
    else:
        label = "Credit carried to the next bill (refunded on request)"
    lines.append(SettlementLine(label, balance, "balance"))
    return Settlement(kind, schedule, bill, paid, paid_total, balance,
                      due_date if balance > 0 else None, action, tuple(lines),
                      tuple(cancelled), next_schedule)


def true_up(schedule: Schedule, versions: Sequence[Contract], readings, rates,
            paid: Optional[Sequence[Instalment]] = None, prior_bills=(),
            due_date: Optional[dt.date] = None, next_count: Optional[int] = None,
            next_priced_on: Optional[dt.date] = None, propose_next: bool = True) -> Settlement:
    """The yearly true-up bill (facture de régularisation) of ``schedule`` (rule 6).

    ``paid``: the instalments actually collected (default: every instalment due before the
    end of the year; leave out a returned direct debit); ``prior_bills``: earlier bills of
    the contract, as :func:`~enercoop_core.billing.engine.bill_contract` takes them;
    ``due_date``: payment date of a positive balance; the next schedule has ``next_count``
    instalments (default: the same), monthly on the same day, priced on ``next_priced_on``
    (default: the end of the year; a rate not yet published there is a
    :class:`~enercoop_core.errors.MissingRateError`, never a zero)."""
    from enercoop_core.billing.engine import bill_contract
    bill = bill_contract(versions, readings, schedule.start, schedule.end, rates, prior_bills)
    if paid is None:
        paid = schedule.due_before(schedule.end)
    next_schedule = None
    if propose_next:
        first_due = schedule.instalments[0].due_date if schedule.instalments else schedule.start
        next_schedule = make_schedule(
            versions, readings, schedule.end, rates, next_count or schedule.count,
            first_due=add_months(first_due, 12), priced_on=next_priced_on or schedule.end)
    return _settle("true_up", schedule, bill, paid, due_date, next_schedule=next_schedule)


def close_schedule(schedule: Schedule, versions: Sequence[Contract], move_out: dt.date,
                   readings, rates, paid: Optional[Sequence[Instalment]] = None,
                   prior_bills=(), due_date: Optional[dt.date] = None) -> Settlement:
    """The final bill of a move-out on ``move_out`` (rule 7): the contract's last version ends
    then (``versions`` may already say so); ``paid``: as in :func:`true_up` (default: the
    instalments due before ``move_out``); the later instalments are cancelled."""
    from enercoop_core.billing.engine import bill_contract
    if not schedule.start < move_out <= schedule.end:
        raise InputError("move-out %s is outside the schedule year %s..%s"
                         % (move_out, schedule.start, schedule.end),
                         record=schedule.contract_id, field="move_out")
    versions = sorted(versions, key=lambda v: v.start)
    kept = [v for v in versions if v.start < move_out]
    if not kept:
        raise InputError("no contract version before the move-out %s" % move_out,
                         record=schedule.contract_id, field="move_out")
    last = kept[-1]
    if last.end is None or last.end > move_out:
        kept[-1] = dataclasses.replace(last, end=move_out)
    bill = bill_contract(kept, readings, schedule.start, move_out, rates, prior_bills)
    if paid is None:
        paid = schedule.due_before(move_out)
    cancelled = tuple(i for i in schedule.instalments if i.due_date >= move_out)
    return _settle("final", schedule, bill, paid, due_date, cancelled=cancelled)
