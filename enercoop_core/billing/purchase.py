"""Producer purchases: the lines of a monthly self-billing purchase invoice (autofacturation).

The cooperative buys what a producer injects; it writes the invoice itself on the producer's
behalf (self-billing, CGI art. 289 I-2), from the injection registers of the producer's
delivery point (readings with ``direction == "injection"``) and the purchase tariff of the
contract (:class:`~enercoop_core.tariffs.purchase.PurchaseTariffs`: EUR/kWh, flat ``BASE`` or
per time class, optionally times a dated index coefficient).

Rules, as for supply bills (:mod:`~enercoop_core.billing.engine`):

- the period ``[start, end)`` (end exclusive, local dates) is clipped to the contract and cut
  at every first day of a month, every row boundary of the price, index and VAT tables and
  the contract's dates; consecutive pieces using the same rows merge into one line;
- the injected Wh measured for the period is spread over the days: a line covering
  ``[a, b)`` gets ``F(b) - F(a)`` Wh with ``F(d) = floor(Wh x days(start, d) / days(start,
  end))``, so the lines add up to the measured Wh exactly;
- ``unit_price = price x coefficient`` kept to 1e-8 EUR/kWh (half-up; the price as written
  when the contract is not indexed), ``amount = kWh x unit_price`` rounded once to the cent
  (half-up).

VAT: a purchase contract says whether the producer is VAT-liable (``vat_regime="liable"``:
the rate of table ``vat.csv``, segment ``producer``, base ``purchase``, applies) or under the
franchise en base (``vat_regime="franchise"``: no VAT, lines carry ``vat_rate`` 0, the invoice
has no VAT summary and carries the mention :data:`FRANCHISE_MENTION`). Every invoice carries
the mention :data:`SELF_BILLING_MENTION`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, List, Optional, Sequence, Tuple

from enercoop_core.billing.consumption import consumption, derive
from enercoop_core.billing.engine import month_starts
from enercoop_core.billing.model import UNIT_PRICE_STEP, BillLine, VatLine, round_cents, vat_summary
from enercoop_core.tariffs.vat import rate_percent
from enercoop_core.errors import InputError
from enercoop_core.tariffs.table import split_period

VAT_REGIMES = ("liable", "franchise")
FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"
SELF_BILLING_MENTION = "Autofacturation"
KWH = Decimal("0.001")


@dataclass(frozen=True)
class PurchaseContract:
    """A purchase contract with a producer, valid on ``[start, end)`` (``end`` None = open).

    ``tariff``: key of the purchase price table; ``index``: key of the index table (None = not
    indexed); ``vat_regime``: ``liable`` or ``franchise`` (franchise en base, CGI art. 293 B).
    """

    contract_id: str
    prm: str
    producer: str
    tariff: str
    start: dt.date
    end: Optional[dt.date] = None
    index: Optional[str] = None
    vat_regime: str = "liable"
    producer_vat_number: str = ""

    def __post_init__(self):
        if self.vat_regime not in VAT_REGIMES:
            raise InputError("vat_regime must be one of %s, not %r" % (
                ", ".join(VAT_REGIMES), self.vat_regime), record=self.contract_id,
                field="vat_regime")


@dataclass(frozen=True)
class PurchaseInvoice:
    """A self-billing purchase invoice of one contract for ``[period_start, period_end)``.

    ``lines`` are :class:`~enercoop_core.billing.model.BillLine` of kind ``purchase`` (code
    ``purchase_<class>``, quantity in kWh, unit price in EUR/kWh); ``vat`` is empty under the
    franchise en base; ``injection_wh``: Wh injected per register class in the period.
    """

    contract_id: str
    prm: str
    producer: str
    period_start: dt.date
    period_end: dt.date
    lines: Tuple[BillLine, ...]
    vat: Tuple[VatLine, ...]
    total_excl_vat: Decimal
    total_vat: Decimal
    total: Decimal
    vat_regime: str
    mentions: Tuple[str, ...]
    estimated: bool = False
    injection_wh: Dict[str, int] = field(default_factory=dict)
    start_index_wh: Dict[str, int] = field(default_factory=dict)
    end_index_wh: Dict[str, int] = field(default_factory=dict)


def _cuts(contract: PurchaseContract, start: dt.date, end: dt.date, tariffs,
          taxes) -> List[dt.date]:
    found = set(month_starts(start, end))
    tables = list(tariffs.tables())
    if contract.vat_regime == "liable":
        tables.append(taxes.vat_table)
    for table in tables:
        found.update(table.boundaries(start, end))
    for day in (contract.start, contract.end):
        if day is not None and start < day < end:
            found.add(day)
    return sorted(found)


def purchase_lines(contract: PurchaseContract, start: dt.date, end: dt.date,
                   injection_wh: Dict[str, int], tariffs, taxes=None,
                   estimated: bool = False) -> List[BillLine]:
    """Invoice lines of ``[start, end)`` for ``injection_wh`` (Wh per register class).

    The register classes are re-expressed in the tariff's classes (identity, four classes to
    HP/HC, anything to BASE); a class without energy gets no line.
    """
    from enercoop_core.tariffs.taxes import Taxes
    taxes = taxes or Taxes()
    if not start < end:
        raise InputError("empty period %s..%s" % (start, end), record=contract.contract_id,
                         field="period")
    classes = tariffs.classes(contract.tariff)
    wh_by_class = derive(injection_wh, classes)
    total_days = (end - start).days
    runs = []  # [code, key, a, b, tc, price row, index row, coef, vat rate, vat row]
    for a, b in split_period(start, end, _cuts(contract, start, end, tariffs, taxes)):
        coef, index_row = tariffs.coefficient(a, contract.index)
        vat_row = (taxes.vat(a, "producer", "purchase") if contract.vat_regime == "liable"
                   else None)
        for tc in classes:
            price = tariffs.price(a, contract.tariff, tc)
            key = (price.ref, index_row.ref if index_row else None,
                   vat_row.ref if vat_row else None)
            previous = [r for r in runs if r["tc"] == tc]
            if previous and previous[-1]["key"] == key and previous[-1]["b"] == a:
                previous[-1]["b"] = b
                continue
            runs.append({"tc": tc, "key": key, "a": a, "b": b, "price": price,
                         "index": index_row, "coef": coef, "vat": vat_row})
    lines = []
    for run in sorted(runs, key=lambda r: (classes.index(r["tc"]), r["a"])):
        wh = wh_by_class[run["tc"]]
        spread = ((wh * (run["b"] - start).days) // total_days
                  - (wh * (run["a"] - start).days) // total_days)
        if not spread:
            continue
        quantity = Decimal(spread) * KWH
        price, index_row = run["price"], run["index"]
        unit_price = Decimal(price.values["value"])
        if index_row is not None:
            unit_price = (unit_price * run["coef"]).quantize(UNIT_PRICE_STEP,
                                                             rounding=ROUND_HALF_UP)
        label = "Injected energy %s, %s EUR/kWh" % (run["tc"], price.values["value"])
        ref, source = price.ref, price.citation
        if index_row is not None:
            label += " x index %s %s" % (contract.index, index_row.values["coefficient"])
            ref += " x " + index_row.ref
            source += " x " + index_row.citation
        vat_rate = rate_percent(run["vat"])
        lines.append(BillLine(
            kind="purchase", code="purchase_" + run["tc"], label=label, time_class=run["tc"],
            period_start=run["a"], period_end=run["b"], quantity=quantity, unit="kWh",
            unit_price=unit_price, amount=round_cents(quantity * unit_price), vat_rate=vat_rate,
            rate_ref=ref, rate_source=source, estimated=estimated))
    return lines


def make_invoice(contract: PurchaseContract, start, end, lines: Sequence[BillLine],
                 estimated: bool = False, **extra) -> PurchaseInvoice:
    lines = tuple(lines)
    vat = vat_summary(lines) if contract.vat_regime == "liable" else ()
    excl = sum((l.amount for l in lines), Decimal("0.00"))
    total_vat = sum((v.amount for v in vat), Decimal("0.00"))
    mentions = (SELF_BILLING_MENTION,)
    if contract.vat_regime == "franchise":
        mentions += (FRANCHISE_MENTION,)
    return PurchaseInvoice(
        contract_id=contract.contract_id, prm=contract.prm, producer=contract.producer,
        period_start=start, period_end=end, lines=lines, vat=vat, total_excl_vat=excl,
        total_vat=total_vat, total=excl + total_vat, vat_regime=contract.vat_regime,
        mentions=mentions, estimated=estimated, **extra)


def _reading_on(readings, day):
    found = sorted((r for r in readings if r.day == day), key=lambda r: r.estimated)
    return found[0] if found else None


def _prorated(readings, day):
    """The injection index of ``day`` (no reading on it) prorated by days between the real
    readings just before and just after it on the same meter (nature ``prorated``, measured:
    see :func:`~enercoop_core.billing.readings.Reading.estimated`), or None."""
    from enercoop_core.billing.consumption import rollover_modulus_wh, segments
    from enercoop_core.billing.readings import Reading, Register, chronological
    reals = chronological(r for r in readings if not r.estimated)
    earlier = [r for r in reals if r.day < day]
    later = [r for r in reals if r.day > day]
    if not earlier or not later:
        return None
    before, after = earlier[-1], later[0]
    found = segments([before, after], direction="injection")
    if len(found) != 1:
        return None  # a meter change between them
    used, total = found[0][2], (after.day - before.day).days
    registers = []
    for c, wh in sorted(before.indexes("injection").items()):
        reg = before.register(c, "injection")
        modulus = rollover_modulus_wh(wh, reg.digits)
        index = wh + used[c] * (day - before.day).days // total
        registers.append(Register(reg.owner, c, "injection",
                                  index % modulus if modulus else index, reg.digits))
    return Reading(prm=before.prm, day=day, nature="prorated", registers=tuple(registers),
                   meter_serial=before.meter_serial or after.meter_serial)


def purchase_invoice(contract: PurchaseContract, readings, start: dt.date, end: dt.date,
                     tariffs, taxes=None) -> PurchaseInvoice:
    """The self-billing invoice of ``contract`` for ``[start, end)`` from injection readings.

    ``readings``: :class:`~enercoop_core.billing.readings.Reading` objects (any PRM, any
    dates); an injection index is needed on the first and the last day of the (clipped)
    period, read on it or prorated by days between the real ones around it; real readings in
    between are used (roll-over, meter change). An invoice from an
    estimated index is flagged ``estimated``. A missing index is an
    :class:`~enercoop_core.errors.InputError` naming the contract and the day.
    """
    eff_start = max(start, contract.start)
    eff_end = min(end, contract.end) if contract.end else end
    if not eff_start < eff_end:
        raise InputError("purchase contract not active in %s..%s" % (start, end),
                         record=contract.contract_id, field="start")
    mine = sorted((r for r in readings if r.prm == contract.prm and r.indexes("injection")),
                  key=lambda r: r.day)
    first = _reading_on(mine, eff_start) or _prorated(mine, eff_start)
    last = _reading_on(mine, eff_end) or _prorated(mine, eff_end)
    for day, reading in ((eff_start, first), (eff_end, last)):
        if reading is None:
            raise InputError("no injection index of PRM %s on %s" % (contract.prm, day),
                             record=contract.contract_id, field="readings")
    inner = [r for r in mine if eff_start < r.day < eff_end and not r.estimated]
    injected = consumption([first] + inner + [last], direction="injection")
    estimated = first.estimated or last.estimated
    lines = purchase_lines(contract, eff_start, eff_end, injected, tariffs, taxes, estimated)
    return make_invoice(contract, eff_start, eff_end, lines, estimated, injection_wh=injected,
                        start_index_wh=first.indexes("injection"),
                        end_index_wh=last.indexes("injection"))
