"""Input and result records of billing: Contract, BillLine, VatLine, Bill (plain dataclasses).

Money is Decimal EUR, each line rounded once to the cent, half-up:
``amount == round_cents(quantity * unit_price)`` for every line.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, Optional, Tuple

from enercoop_core.tariffs.vat import amount as vat_amount
from enercoop_core.tariffs.vat import bases_by_rate

CENT = Decimal("0.01")
UNIT_PRICE_STEP = Decimal("0.00000001")  # daily prices are kept to 1e-8 EUR


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Contract:
    """One version of a supply contract, valid on ``[start, end)`` (``end`` None = open).

    A change (power, option, offer) is a new version with the same ``contract_id``.
    ``offpeak``: local off-peak ranges ("22:00-06:00"); ``annual_kwh``: yearly consumption
    used for estimates without history; ``class_shares``: share of each register class in
    that estimate (e.g. {"HP": 0.6, "HC": 0.4}), defaults to even shares; ``profile``: Enedis
    profile (``RES2``) or sub-profile (``RES1_BASE``) shaping that estimate over the year when
    profile coefficients are loaded (see :mod:`~enercoop_core.billing.estimate`).

    Checked together by :func:`~enercoop_core.billing.engine.check_contract` (an inconsistent
    version is refused): ``segment`` (``C5``/``C4``, empty = from the FTA) and ``kva`` must fit
    the FTA (BTINF*: 1..36 kVA, C5; BTSUP*: 37..250 kVA, C4); ``accise_category`` (empty = from
    the power: ``household`` <= 36 kVA, ``sme`` <= 250 kVA, ``high_power`` above) must be the
    power's. ``accise_attestation``: the customer's attestation for a reduced rate or an
    exemption, the ``category`` of the accise table it gives (e.g. ``exempt``), empty = none.
    ``meter``: ``""`` (communicating meter), ``non_communicating`` (CACNC surcharge) or
    ``none`` (no meter: metering fee of a point without meter); ``meter_digits``: the dial's
    digit count when the readings do not state it (roll-over check). ``kva_by_class``: BT > 36
    kVA four subscribed powers ``(("HPH", P1), ("HCH", P2), ("HPB", P3), ("HCB", P4))`` with
    P1 <= P2 <= P3 <= P4 (empty = ``kva`` for all four).
    """

    contract_id: str
    prm: str
    fta: str
    kva: int
    offer: str
    start: dt.date
    end: Optional[dt.date] = None
    company: str = "default"
    offpeak: str = ""
    customer: str = ""
    annual_kwh: Optional[Decimal] = None
    class_shares: Tuple[Tuple[str, Decimal], ...] = ()
    profile: str = ""
    segment: str = ""
    accise_category: str = ""
    accise_attestation: str = ""
    meter: str = ""
    meter_digits: Optional[int] = None
    kva_by_class: Tuple[Tuple[str, int], ...] = ()


@dataclass(frozen=True)
class BillLine:
    """One invoice line. ``kind``: energy, subscription, turpe_fixed, turpe_energy, cta, accise.

    ``code`` names the component (``turpe_cg``, ``turpe_cc``, ``turpe_b``, ``turpe_c_HPH``,
    ``energy_HP``, ...); ``quantity`` is in ``unit`` (``day``, ``kWh`` or ``EUR`` for the CTA
    base); ``unit_price`` in EUR per unit (a per-day price for fixed parts, the rate for the
    CTA); ``period_end`` is exclusive. ``rate_ref`` is ``table:line`` of the row used, and
    ``rate_source`` its official text and confirmation status. ``true_up`` lines correct an
    earlier estimated bill for its own period.
    """

    kind: str
    code: str
    label: str
    time_class: Optional[str]
    period_start: dt.date
    period_end: dt.date
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    vat_rate: Decimal
    rate_ref: str
    rate_source: str
    estimated: bool = False
    true_up: bool = False


@dataclass(frozen=True)
class VatLine:
    rate: Decimal  # percent
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Bill:
    """A bill of one contract for ``[period_start, period_end)``.

    ``consumption_wh``: Wh per register class billed for the period itself (true-ups apart);
    ``start_index_wh``/``end_index_wh``: indexes used (``end_estimated`` when estimated);
    ``index_readings``: the readings the consumption was worked out from, as
    ``(day, nature, {class: Wh})`` in order (real or estimated, for the bill's mentions);
    ``review``: why the bill is held for review (empty = can be issued; a held bill is raised
    with :class:`~enercoop_core.billing.review.ReviewHold`, never returned).
    """

    contract_id: str
    prm: str
    period_start: dt.date
    period_end: dt.date
    lines: Tuple[BillLine, ...]
    vat: Tuple[VatLine, ...]
    total_excl_vat: Decimal
    total_vat: Decimal
    total: Decimal
    estimated: bool
    consumption_wh: Dict[str, int] = field(default_factory=dict)
    start_index_wh: Dict[str, int] = field(default_factory=dict)
    end_index_wh: Dict[str, int] = field(default_factory=dict)
    end_estimated: bool = False
    customer: str = ""
    index_readings: Tuple[Tuple[dt.date, str, Dict[str, int]], ...] = ()
    review: Tuple[str, ...] = ()


def vat_summary(lines) -> Tuple[VatLine, ...]:
    """VAT per rate: base = sum of line amounts at that rate, VAT rounded once per rate."""
    return tuple(VatLine(rate, base, vat_amount(base, rate))
                 for rate, base in sorted(bases_by_rate(lines).items()))


def make_bill(contract: Contract, start, end, lines, estimated: bool, **extra) -> Bill:
    lines = tuple(lines)
    vat = vat_summary(lines)
    excl = sum((l.amount for l in lines), Decimal("0.00"))
    total_vat = sum((v.amount for v in vat), Decimal("0.00"))
    return Bill(contract_id=contract.contract_id, prm=contract.prm, period_start=start,
                period_end=end, lines=lines, vat=vat, total_excl_vat=excl, total_vat=total_vat,
                total=excl + total_vat, estimated=estimated, customer=contract.customer, **extra)
