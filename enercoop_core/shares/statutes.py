"""The statutes' parameters the share rules and votes depend on.

Statutes are data: :func:`load_statutes` reads them from a plain dict (the JSON format
below, as in ``data/default_statutes.json``), :func:`default_statutes` returns the shipped
example (six colleges, two share classes). A cooperative with other statutes writes its own
JSON, or an Odoo addon builds the dict from its configuration records.

JSON format (amounts and fractions as strings, dates ISO)::

    {"name": "...", "adopted_on": "2020-06-01",
     "colleges": [{"code": "consumers", "label": "Consumers", "weight_pct": "30"}, ...],
     "share_classes": [{"code": "A", "label": "...", "min_per_member": 1,
                        "max_per_member": null, "colleges": [],
                        "nominal_values": [{"valid_from": "2005-01-01", "valid_to": null,
                                            "value_eur": "100.00", "source": "..."}]}],
     "capital_floor_eur": "18500.00", "capital_floor_fraction_of_highest": "0.25",
     "refund_delay_months": 60, "proxy_limit": 5,
     "assemblies": {"ordinary": {"quorum_first": "1/5", "quorum_second": "0",
                                 "majority": "1/2", "majority_strict": true},
                    "extraordinary": {...}}}

``weight_pct`` is null (or absent) on every college when votes are not weighted.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

from enercoop_core.errors import InputError
from enercoop_core.shares.classes import NominalValue, ShareClass
from enercoop_core.shares.colleges import College, validate_weights
from enercoop_core.shares.errors import StatutesError

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_STATUTES = DATA_DIR / "default_statutes.json"

ORDINARY = "ordinary"
EXTRAORDINARY = "extraordinary"
FIRST = "first"
SECOND = "second"


@dataclass(frozen=True)
class AssemblyRules:
    """Quorum and majority of one kind of assembly.

    ``quorum_first`` / ``quorum_second``: fraction of the members on the roll who must be
    present, represented or voting by post, on first / second convocation (0 = none).
    A resolution is adopted when the weighted share of "yes" among votes cast is greater
    than ``majority`` (``majority_strict``) or at least ``majority`` (not strict).
    Abstentions and blank votes are not votes cast.
    """

    quorum_first: Fraction
    quorum_second: Fraction
    majority: Fraction
    majority_strict: bool = True

    def quorum(self, convocation: str) -> Fraction:
        if convocation not in (FIRST, SECOND):
            raise StatutesError("convocation must be %r or %r, got %r"
                                % (FIRST, SECOND, convocation), rule="convocation")
        return self.quorum_first if convocation == FIRST else self.quorum_second


@dataclass(frozen=True)
class Statutes:
    """Parameters of the cooperative's statutes.

    ``capital_floor_eur``: the subscribed capital may not be reduced below this amount,
    nor below ``capital_floor_fraction_of_highest`` times the highest subscribed capital
    ever reached (0 to disable). ``refund_delay_months``: a redemption is refunded at
    the latest this many months after its date. ``proxy_limit``: maximum number of proxies
    one member may hold at an assembly.
    """

    name: str
    adopted_on: dt.date
    colleges: Tuple[College, ...]
    share_classes: Tuple[ShareClass, ...]
    capital_floor_eur: Decimal
    capital_floor_fraction_of_highest: Decimal
    refund_delay_months: int
    proxy_limit: int
    assemblies: Mapping[str, AssemblyRules]
    source: str = ""

    def __post_init__(self):
        codes = [c.code for c in self.colleges]
        if not codes or len(set(codes)) != len(codes):
            raise StatutesError("colleges must be given, with distinct codes", rule="colleges")
        classes = [c.code for c in self.share_classes]
        if not classes or len(set(classes)) != len(classes):
            raise StatutesError("share classes must be given, with distinct codes",
                                rule="share_classes")
        for share_class in self.share_classes:
            unknown = set(share_class.colleges) - set(codes)
            if unknown:
                raise StatutesError("share class %s names unknown colleges %s"
                                    % (share_class.code, ", ".join(sorted(unknown))),
                                    rule="share_classes")
        if self.capital_floor_eur < 0 or not 0 <= self.capital_floor_fraction_of_highest <= 1:
            raise StatutesError("capital floor must be >= 0 and its fraction within 0..1",
                                rule="capital_floor")
        if self.refund_delay_months < 0 or self.proxy_limit < 0:
            raise StatutesError("refund delay and proxy limit must be >= 0",
                                rule="statutes")
        for kind in (ORDINARY, EXTRAORDINARY):
            if kind not in self.assemblies:
                raise StatutesError("no rules for %s assemblies" % kind, rule="assemblies")
        validate_weights(self.colleges, self.adopted_on)

    @property
    def weighted(self) -> bool:
        """True when the statutes weight the colleges' votes."""
        return self.colleges[0].weight_pct is not None

    def college(self, code: str) -> College:
        for college in self.colleges:
            if college.code == code:
                return college
        raise KeyError(code)

    def share_class(self, code: str) -> ShareClass:
        for share_class in self.share_classes:
            if share_class.code == code:
                return share_class
        raise KeyError(code)

    def refund_due_date(self, redemption_date: dt.date) -> dt.date:
        """Latest refund date of a redemption: ``refund_delay_months`` later, on the same
        day of the month (the month's last day when it has no such day)."""
        return add_months(redemption_date, self.refund_delay_months)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole ``months``, clipped to the end of the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- loading ------------------------------------------------------------------------------

def _field(data: Mapping[str, Any], key: str, where: str, default: Any = KeyError) -> Any:
    if key in data:
        return data[key]
    if default is KeyError:
        raise InputError("missing field", record=where, field=key)
    return default


def _decimal(text: Any, where: str, key: str) -> Decimal:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        raise InputError("not a decimal number: %r" % (text,), record=where, field=key) from None


def _fraction(text: Any, where: str, key: str) -> Fraction:
    try:
        return Fraction(str(text))
    except (ValueError, ZeroDivisionError):
        raise InputError("not a fraction such as 1/2 or 0.25: %r" % (text,), record=where,
                         field=key) from None


def _date(text: Any, where: str, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise InputError("not an ISO date: %r" % (text,), record=where, field=key) from None


def _colleges(data: Mapping[str, Any]) -> Tuple[College, ...]:
    colleges = []
    for i, item in enumerate(_field(data, "colleges", "statutes")):
        where = "colleges[%d]" % i
        weight = item.get("weight_pct")
        colleges.append(College(
            code=str(_field(item, "code", where)),
            label=str(item.get("label") or item["code"]),
            weight_pct=None if weight is None else _decimal(weight, where, "weight_pct")))
    return tuple(colleges)


def _nominal_values(item: Mapping[str, Any], where: str) -> Tuple[NominalValue, ...]:
    values = []
    for j, value in enumerate(_field(item, "nominal_values", where)):
        vwhere = "%s.nominal_values[%d]" % (where, j)
        values.append(NominalValue(
            valid_from=_date(_field(value, "valid_from", vwhere), vwhere, "valid_from"),
            valid_to=(_date(value["valid_to"], vwhere, "valid_to")
                      if value.get("valid_to") else None),
            value_eur=_decimal(_field(value, "value_eur", vwhere), vwhere, "value_eur"),
            source=str(value.get("source", ""))))
    return tuple(values)


def _share_classes(data: Mapping[str, Any]) -> Tuple[ShareClass, ...]:
    classes = []
    for i, item in enumerate(_field(data, "share_classes", "statutes")):
        where = "share_classes[%d]" % i
        maximum = item.get("max_per_member")
        classes.append(ShareClass(
            code=str(_field(item, "code", where)),
            label=str(item.get("label") or item["code"]),
            nominal_values=_nominal_values(item, where),
            min_per_member=int(item.get("min_per_member", 1)),
            max_per_member=None if maximum is None else int(maximum),
            colleges=frozenset(item.get("colleges") or ())))
    return tuple(classes)


def _assemblies(data: Mapping[str, Any]) -> Dict[str, AssemblyRules]:
    assemblies: Dict[str, AssemblyRules] = {}
    for kind, rules in _field(data, "assemblies", "statutes").items():
        where = "assemblies.%s" % kind
        assemblies[kind] = AssemblyRules(
            quorum_first=_fraction(_field(rules, "quorum_first", where), where,
                                   "quorum_first"),
            quorum_second=_fraction(rules.get("quorum_second", "0"), where,
                                    "quorum_second"),
            majority=_fraction(_field(rules, "majority", where), where, "majority"),
            majority_strict=bool(rules.get("majority_strict", True)))
    return assemblies


def load_statutes(data: Mapping[str, Any], file: Optional[str] = None) -> Statutes:
    """Build :class:`Statutes` from the JSON-shaped dict described in the module docstring.

    Raises :class:`~enercoop_core.errors.InputError` (naming ``file``, the record and the
    field) for malformed data and :class:`StatutesError` for rules broken (weights...).
    """
    try:
        return Statutes(
            name=str(data.get("name", "")),
            adopted_on=_date(_field(data, "adopted_on", "statutes"), "statutes", "adopted_on"),
            colleges=_colleges(data),
            share_classes=_share_classes(data),
            capital_floor_eur=_decimal(_field(data, "capital_floor_eur", "statutes"),
                                       "statutes", "capital_floor_eur"),
            capital_floor_fraction_of_highest=_decimal(
                data.get("capital_floor_fraction_of_highest", "0"), "statutes",
                "capital_floor_fraction_of_highest"),
            refund_delay_months=int(_field(data, "refund_delay_months", "statutes")),
            proxy_limit=int(_field(data, "proxy_limit", "statutes")),
            assemblies=_assemblies(data),
            source=str(data.get("source", "")))
    except InputError as exc:
        if file and not exc.file:
            exc.file = file
            exc.args = (str(exc),)
        raise
    except (TypeError, AttributeError) as exc:
        raise InputError("malformed statutes: %s" % exc, file=file) from exc


def load_statutes_file(path: Path) -> Statutes:
    """Read statutes from a JSON file (see :func:`load_statutes`)."""
    try:
        with open(str(path), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise InputError("cannot read statutes: %s" % exc, file=str(path)) from exc
    return load_statutes(data, file=str(path))


@lru_cache(None)
def default_statutes() -> Statutes:
    """The example statutes shipped in ``data/default_statutes.json``."""
    return load_statutes_file(DEFAULT_STATUTES)
