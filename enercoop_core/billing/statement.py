"""What a supply bill must tell a household, as data: :func:`statement` returns, for a bill,
every item the French texts require, each with its value, its label (French first, English)
and the text that requires it.

The list of items, the distributor's emergency number, the national energy ombudsman and the
overpayment rule are data (``data/bill_content.json``, each entry citing its text and the status
of that reading: Code de la consommation art. L224-7 and L224-12, arrêté du 18 avril 2012 on
electricity and gas bills); this module fills the values from the bill, the contract and the
supplier. An item is required ``always``, or only when the bill is ``estimated``, when the
household pays by ``instalments``, when the balance is a ``credit``, or on the ``yearly``
bill (the true-up, or the bill the caller names yearly). A required item
without a value is listed in :attr:`Statement.missing` (``strict=True`` raises instead):
nothing required is left out silently; an item marked ``empty_ok`` may be empty (the
history "when available"; no instalment paid yet).

Conventions: amounts Decimal EUR; energy Decimal kWh (index Wh / 1000); an index is read at
00:00 local time on its date, the end index on ``period_end`` (exclusive end of the period).
Amounts are split by the bill lines' ``kind``: supply = ``subscription`` + ``energy``; network
(TURPE) = every ``turpe*`` kind; taxes = ``accise``, ``cta`` and the VAT per rate; any other kind
is shown under ``other`` by kind.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

from enercoop_core.errors import InputError

DATA = Path(__file__).resolve().parent / "data" / "bill_content.json"
WHEN = ("always", "estimated", "instalments", "credit", "yearly")
KWH = Decimal(1000)


@lru_cache(None)
def bill_content() -> dict:
    """The bundled ``data/bill_content.json`` (items, distributors, ombudsman, overpayment)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for item in data["items"]:
        for name in ("key", "when", "label_fr", "label_en", "source", "status"):
            if not item.get(name):
                raise InputError("missing value", file=DATA.name, record=item.get("key"),
                                 field=name)
        if item["when"] not in WHEN:
            raise InputError("unknown 'when' %r" % item["when"], file=DATA.name,
                             record=item["key"], field="when")
    return data


@dataclass(frozen=True)
class Supplier:
    """The supplier's own particulars: ``name``, postal ``address``, ``customer_service``
    (phone, site), ``payment_methods`` offered, ``energy_origin`` (share of each primary
    source, e.g. "100 % renewable: hydro 60 %, wind 25 %, solar 15 %"), ``regulated_prices``
    (False for a market offer, the case of a cooperative), ``self_reading`` (when and how a
    household may send its own index, when the next bill comes)."""

    name: str
    address: str
    customer_service: str
    payment_methods: Tuple[str, ...] = ()
    energy_origin: str = ""
    regulated_prices: bool = False
    self_reading: str = ""


@dataclass(frozen=True)
class IndexLine:
    """Start and end index of one register class, kWh, with date and nature (real/estimated)."""

    time_class: str
    start_date: dt.date
    start_kwh: Decimal
    start_nature: str
    end_date: dt.date
    end_kwh: Decimal
    end_nature: str


@dataclass(frozen=True)
class HistoryLine:
    """One past billed period: ``kwh`` in total over ``[period_start, period_end)``."""

    period_start: dt.date
    period_end: dt.date
    kwh: Decimal
    estimated: bool


@dataclass(frozen=True)
class Mention:
    """One required item: ``value`` (plain data; None or empty = not available)."""

    key: str
    label_fr: str
    label_en: str
    value: object
    source: str
    status: str
    required: bool


@dataclass(frozen=True)
class Statement:
    """The items of one bill, in the order of ``data/bill_content.json``."""

    contract_id: str
    mentions: Tuple[Mention, ...]
    missing: Tuple[str, ...] = field(default=())

    def __getitem__(self, key: str):
        for mention in self.mentions:
            if mention.key == key:
                return mention.value
        raise KeyError(key)

    @property
    def complete(self) -> bool:
        return not self.missing

    def as_dict(self) -> dict:
        """JSON-able data (Decimal as strings, dates ISO, records as dicts), for a PDF or an
        Odoo report."""
        return {"contract_id": self.contract_id, "missing": list(self.missing),
                "mentions": [{"key": m.key, "label_fr": m.label_fr, "label_en": m.label_en,
                              "value": _plain(m.value), "source": m.source, "status": m.status,
                              "required": m.required} for m in self.mentions]}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def departement(postcode: str) -> str:
    """The 2-digit département of a mainland French postcode (``"75011"`` -> ``"75"``).

    Corsica (20xxx) and the overseas départements (97xxx, 98xxx) are not Enedis areas: an
    InputError, since their distributor (EDF SEI) has other numbers."""
    code = (postcode or "").strip()
    if not (len(code) == 5 and code.isdigit()):
        raise InputError("a French postcode has 5 digits, not %r" % postcode,
                         field="delivery_postcode")
    if code.startswith(("20", "97", "98")):
        raise InputError("postcode %s is not in the Enedis area (Corsica and overseas are "
                         "served by EDF SEI)" % code, field="delivery_postcode")
    return code[:2]


def emergency_number(postcode: str, distributor: str = "enedis") -> str:
    """The distributor's emergency (dépannage) number for the delivery point's postcode."""
    known = bill_content()["distributors"]
    if distributor not in known:
        raise InputError("no emergency number known for distributor %r (known: %s)"
                         % (distributor, ", ".join(sorted(known))), field="distributor")
    return known[distributor]["emergency_phone"].format(departement=departement(postcode))


def amounts(bill) -> Dict[str, object]:
    """The bill's split (module doc): ``supply``, ``network``, ``accise``, ``cta`` EUR excl.
    VAT, ``vat`` {rate %: EUR}, ``other`` {kind: EUR}, ``total_excl_vat``, ``total_vat``,
    ``total``; ``supply + network + accise + cta + sum(other)`` is ``total_excl_vat``."""
    groups = {"supply": Decimal("0.00"), "network": Decimal("0.00"),
              "accise": Decimal("0.00"), "cta": Decimal("0.00")}
    other = {}  # type: Dict[str, Decimal]
    for line in bill.lines:
        if line.kind in ("subscription", "energy"):
            groups["supply"] += line.amount
        elif line.kind.startswith("turpe"):
            groups["network"] += line.amount
        elif line.kind in ("accise", "cta"):
            groups[line.kind] += line.amount
        else:
            other[line.kind] = other.get(line.kind, Decimal("0.00")) + line.amount
    result = dict(groups)
    result["other"] = other
    result["vat"] = {v.rate: v.amount for v in bill.vat}
    result["total_excl_vat"] = bill.total_excl_vat
    result["total_vat"] = bill.total_vat
    result["total"] = bill.total
    return result


def yearly_summary(bill) -> Dict[str, Decimal]:
    """The yearly summary (arrêté du 18 avril 2012 art. 12) of a bill covering the year, EUR:
    ``subscription_excl_vat`` (supplier subscription + fixed TURPE), ``consumption_excl_vat``
    (energy + TURPE energy), ``options_excl_vat`` (any other kind but taxes), ``taxes_excl_vat``
    (accise + CTA), ``total_incl_vat``."""
    split = amounts(bill)
    fixed = sum((l.amount for l in bill.lines if l.kind in ("subscription", "turpe_fixed")),
                Decimal("0.00"))
    energy = sum((l.amount for l in bill.lines if l.kind in ("energy", "turpe_energy")),
                 Decimal("0.00"))
    taxes = split["accise"] + split["cta"]
    return {"subscription_excl_vat": fixed, "consumption_excl_vat": energy,
            "options_excl_vat": bill.total_excl_vat - fixed - energy - taxes,
            "taxes_excl_vat": taxes, "total_incl_vat": bill.total}


def _nature(readings, prm, day, fallback_estimated):
    found = [r for r in readings if r.prm == prm and r.day == day]
    if found:
        return "real" if any(not r.estimated for r in found) else "estimated"
    return "estimated" if fallback_estimated else "real"


def index_lines(bill, readings=(), history=()) -> Tuple[IndexLine, ...]:
    """Start/end index per class. Nature: from a reading of that day when ``readings`` has
    one; else the end is ``bill.end_estimated``, and the start is estimated when the earlier
    bill ending on ``period_start`` (in ``history``) had an estimated end, or, without one,
    when the bill is estimated while its end is not."""
    before = [b for b in history if b.period_end == bill.period_start]
    start_estimated = (before[-1].end_estimated if before
                       else bill.estimated and not bill.end_estimated)
    start_nature = _nature(readings, bill.prm, bill.period_start, start_estimated)
    end_nature = _nature(readings, bill.prm, bill.period_end, bill.end_estimated)
    return tuple(IndexLine(c, bill.period_start, Decimal(bill.start_index_wh[c]) / KWH,
                           start_nature, bill.period_end,
                           Decimal(bill.end_index_wh.get(c, 0)) / KWH, end_nature)
                 for c in sorted(bill.start_index_wh))


def history_lines(bill, history=()) -> Tuple[HistoryLine, ...]:
    """Past bills of the contract ending by ``bill.period_start`` and starting in the year
    before it (the "année pleine précédant la facture")."""
    from enercoop_core.billing.schedule import add_months
    year_before = add_months(bill.period_start, -12)
    past = sorted((b for b in history if b.contract_id == bill.contract_id
                   and b.period_end <= bill.period_start and b.period_start >= year_before),
                  key=lambda b: b.period_start)
    return tuple(HistoryLine(b.period_start, b.period_end,
                             Decimal(sum(b.consumption_wh.values())) / KWH, b.estimated)
                 for b in past)


def statement(bill, versions: Sequence, supplier: Supplier, delivery_postcode: str,
              issued: dt.date, due_date: Optional[dt.date], bill_number: str = "",
              readings=(), history=(), settlement=None, schedule=None,
              offer_names: Optional[Dict[str, str]] = None, distributor: str = "enedis",
              estimate_basis: str = "", yearly: Optional[bool] = None,
              strict: bool = False) -> Statement:
    """The required items of ``bill`` (see the module doc).

    ``versions``: the contract's versions (the one in force at the end of the period is
    shown); ``delivery_postcode``: the delivery point's postcode (its département gives the
    emergency number); ``issued``: issue date; ``due_date``: payment date of the amount due;
    ``readings``: the PRM's readings (nature of the indexes); ``history``: earlier bills of the
    contract; ``settlement``: the :class:`~enercoop_core.billing.schedule.Settlement` when
    the bill is a true-up or final bill (amount due = its balance, instalments paid);
    ``schedule``: the household's current or next payment schedule; ``offer_names``: offer
    code -> commercial name; ``estimate_basis``: how an estimated index was estimated (a
    schedule's estimate states its own); ``yearly``: whether this is the household's yearly
    bill (default: a true-up settlement is)."""
    content = bill_content()
    versions = sorted(versions, key=lambda v: v.start)
    in_force = [v for v in versions if v.start < bill.period_end] or versions
    version = in_force[-1]
    offer_names = offer_names or {}
    on_instalments = settlement is not None or schedule is not None
    due = settlement.balance if settlement is not None else bill.total
    credit = due < 0
    next_schedule = settlement.next_schedule if settlement is not None else None
    shown_schedule = next_schedule or schedule
    if not estimate_basis and bill.estimated:
        estimate_basis = ("engine rule: daily average between the last two real readings, "
                          "else the contract's yearly consumption shaped by its Enedis profile, "
                          "else flat (enercoop_core/billing/estimate.py)")
    values = _contract_values(bill, version, supplier, offer_names, bill_number, issued)
    values.update({
        "indexes": index_lines(bill, readings, history),
        "consumption": {c: Decimal(wh) / KWH for c, wh in sorted(bill.consumption_wh.items())},
        "estimate_basis": estimate_basis if bill.estimated else "",
        "unit_prices": tuple((l.code, l.label, l.unit_price, l.unit) for l in bill.lines
                             if not l.true_up),
        "amounts": amounts(bill),
        "yearly_summary": yearly_summary(bill),
        "self_reading": supplier.self_reading,
        "history": history_lines(bill, history),
    })
    values.update(_payment_values(content, due, due_date, settlement, shown_schedule))
    values.update(_contact_values(content, supplier, delivery_postcode, distributor))
    if values["amount_due"]["amount"] > 0 and due_date is None:
        values["amount_due"] = None  # required: reported as missing
    if yearly is None:
        yearly = settlement is not None and settlement.kind == "true_up"
    applies = {"always": True, "estimated": bill.estimated, "instalments": on_instalments,
               "credit": credit, "yearly": yearly}
    mentions, missing = _mentions(content["items"], values, applies)
    if strict and missing:
        raise InputError("bill lacks required items: %s" % ", ".join(missing),
                         record=bill.contract_id, field=missing[0])
    return Statement(bill.contract_id, tuple(mentions), tuple(missing))


def _contract_values(bill, version, supplier: Supplier, offer_names, bill_number, issued):
    """The items naming the parties, the contract and the period of ``bill``."""
    return {
        "supplier": {"name": supplier.name, "address": supplier.address,
                     "customer_service": supplier.customer_service} if supplier.name else None,
        "customer": {"name": bill.customer, "contract_id": bill.contract_id}
        if bill.customer else None,
        "bill_number": {"number": bill_number, "issued": issued} if bill_number else None,
        "offer": offer_names.get(version.offer, version.offer),
        "regulated": "prix réglementés" if supplier.regulated_prices
        else "prix non réglementés (offre de marché)",
        "prm": bill.prm,
        "tariff_option": {"fta": version.fta, "time_classes": sorted(bill.consumption_wh),
                          "priced_classes": sorted({l.time_class for l in bill.lines
                                                    if l.kind == "energy" and l.time_class})},
        "subscribed_power": version.kva,
        "period": {"start": bill.period_start, "end": bill.period_end,
                   "days": (bill.period_end - bill.period_start).days},
    }


def _payment_values(content, due, due_date, settlement, shown_schedule):
    """The items of the amount due (EUR; negative: an overpayment) and of the instalments."""
    from enercoop_core.billing.schedule import credit_action
    credit = due < 0
    return {
        "amount_due": {"amount": due, "due_date": due_date if due > 0 else None},
        "instalments_paid": tuple((i.number, i.due_date, i.amount) for i in settlement.paid)
        if settlement is not None else (),
        "payment_schedule": tuple((i.number, i.due_date, i.amount)
                                  for i in shown_schedule.instalments)
        if shown_schedule is not None else None,
        "overpayment": {"amount": -due, "action": settlement.credit_action
                        if settlement is not None else credit_action(due),
                        "refund_within_days": content["overpayment"]["refund_within_days"]}
        if credit else None,
    }


def _contact_values(content, supplier: Supplier, delivery_postcode: str, distributor: str):
    """The items of payment methods, energy origin, distributor (emergency number by the
    delivery point's département) and ombudsman."""
    ombudsman = content["ombudsman"]
    return {
        "payment_methods": tuple(supplier.payment_methods),
        "energy_origin": supplier.energy_origin,
        "distributor": {"name": content["distributors"][distributor]["name"]
                        if distributor in content["distributors"] else distributor,
                        "emergency_phone": emergency_number(delivery_postcode, distributor),
                        "departement": departement(delivery_postcode)},
        "ombudsman": {k: ombudsman[k] for k in ("name", "postal_address", "website",
                                                 "online_claims", "information_service")},
    }


def _mentions(items, values, applies):
    """``(mentions, keys of the required items missing)``, in the order of ``items``."""
    mentions, missing = [], []
    for item in items:
        value = values.get(item["key"])
        required = applies[item["when"]]
        if required and value in (None, "", (), {}) and not item.get("empty_ok"):
            missing.append(item["key"])
        mentions.append(Mention(item["key"], item["label_fr"], item["label_en"], value,
                                item["source"], item["status"], required))
    return mentions, missing
