"""Reading ledgers and assemblies from JSON (the input of ``enercoop shares``).

Ledger file (``LEDGER.json``)::

    {"statutes": "default",                     # or a statutes object, or a path
     "entries": [
       {"op": "subscription", "date": "2024-01-10", "member": 1, "class": "A",
        "quantity": 10, "new_member": {"name": "Alice Martin"}, "college": "consumers"},
       {"op": "release", "date": "2024-01-10", "member": 1, "class": "A",
        "amount_eur": "1000.00"},
       {"op": "transfer", "date": "2024-05-02", "member": 1, "to_member": 2, "class": "A",
        "quantity": 2, "new_member": {"name": "SARL Soleil", "kind": "legal_entity",
        "representative": "Jean Dupont"}, "college": "producers", "leaving": false},
       {"op": "redemption", "date": "2025-01-15", "member": 2, "class": "A",
        "quantity": 2, "leaving": true, "deduction_eur": "0.00"},
       {"op": "conversion", "date": "2025-02-01", "member": 1, "from_class": "A",
        "to_class": "B", "quantity": 5},
       {"op": "college_change", "date": "2025-03-01", "member": 1, "college": "founders"}]}

Each entry may carry a ``ref``. A new member's ``number`` defaults to the entry's
``member`` (subscription) or ``to_member`` (transfer); when that is left out too, the next
free number is given.

Assembly file (``ASSEMBLY.json``)::

    {"ledger": "ledger.json",                   # path relative to this file, or inline
     "date": "2025-06-14", "kind": "ordinary", "convocation": "first",
     "roll_date": "2025-05-31",                 # optional, defaults to date
     "present": [1, 3], "postal": [4], "proxies": [{"from": 5, "to": 1}],
     "resolutions": [{"code": "1", "title": "Approval of the accounts",
                      "kind": "ordinary", "votes": {"1": "yes", "3": "no", "5": "yes"}}]}
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from enercoop_core.errors import InputError
from enercoop_core.shares.assembly import Assembly, Proxy
from enercoop_core.shares.errors import SharesError
from enercoop_core.shares.ledger import Ledger
from enercoop_core.shares.members import Member, next_member_number
from enercoop_core.shares.operations import (
    CapitalRelease, CollegeChange, Conversion, Operation, Redemption, Subscription, Transfer)
from enercoop_core.shares.statutes import (
    Statutes, default_statutes, load_statutes, load_statutes_file)
from enercoop_core.shares.vote import Resolution


def read_json(path: Path) -> Any:
    try:
        with open(str(path), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as exc:
        raise InputError("cannot read JSON: %s" % exc, file=str(path)) from exc


class _Reader:
    def __init__(self, file: Optional[str], record: str, data: Any):
        if not isinstance(data, Mapping):
            raise InputError("expected an object", file=file, record=record)
        self.file, self.record, self.data = file, record, data

    def error(self, message: str, field: str) -> InputError:
        return InputError(message, file=self.file, record=self.record, field=field)

    def get(self, field: str, default: Any = KeyError) -> Any:
        if field in self.data and self.data[field] is not None:
            return self.data[field]
        if default is KeyError:
            raise self.error("missing field", field)
        return default

    def date(self, field: str) -> dt.date:
        try:
            return dt.date.fromisoformat(str(self.get(field)))
        except ValueError:
            raise self.error("not an ISO date: %r" % (self.data[field],), field) from None

    def integer(self, field: str, default: Any = KeyError) -> Any:
        value = self.get(field, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error("not a whole number: %r" % (value,), field)
        return value

    def amount(self, field: str, default: Any = KeyError) -> Decimal:
        value = self.get(field, default)
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise self.error("not an amount: %r" % (value,), field) from None


def _member(reader: _Reader, number: int) -> Member:
    data = _Reader(reader.file, reader.record + ".new_member", reader.get("new_member"))
    number = data.integer("number", number)
    if number is None:
        raise data.error("no member number", "number")
    try:
        return Member(number=number, name=str(data.get("name")),
                      kind=str(data.get("kind", "person")),
                      representative=str(data.get("representative", "")))
    except SharesError as exc:
        raise data.error(exc.message, exc.rule) from exc


def operation_from_dict(data: Mapping[str, Any], file: Optional[str] = None,
                        record: str = "entry", issued: Tuple[int, ...] = ()) -> Operation:
    """One ledger operation from its JSON form (see the module docstring). ``issued``:
    member numbers already issued, to number a new member given without a number."""
    reader = _Reader(file, record, data)
    kind = reader.get("op")
    date, ref = reader.date("date"), str(reader.get("ref", ""))
    if kind == "subscription":
        member = reader.integer("member", None)
        new_member = None
        if "new_member" in data:
            if member is None:
                member = data["new_member"].get("number") or next_member_number(issued)
            new_member = _member(reader, member)
        if member is None:
            raise reader.error("missing field", "member")
        return Subscription(date, member, str(reader.get("class")), reader.integer("quantity"),
                            new_member=new_member, college=reader.get("college", None),
                            ref=ref)
    if kind == "release":
        return CapitalRelease(date, reader.integer("member"), str(reader.get("class")),
                              reader.amount("amount_eur"), ref=ref)
    if kind == "transfer":
        to_member = reader.integer("to_member", None)
        new_member = None
        if "new_member" in data:
            if to_member is None:
                to_member = data["new_member"].get("number") or next_member_number(issued)
            new_member = _member(reader, to_member)
        if to_member is None:
            raise reader.error("missing field", "to_member")
        return Transfer(date, reader.integer("member"), to_member, str(reader.get("class")),
                        reader.integer("quantity"), leaving=bool(reader.get("leaving", False)),
                        new_member=new_member, college=reader.get("college", None), ref=ref)
    if kind == "redemption":
        return Redemption(date, reader.integer("member"), str(reader.get("class")),
                          reader.integer("quantity"),
                          leaving=bool(reader.get("leaving", False)),
                          deduction_eur=reader.amount("deduction_eur", "0.00"), ref=ref)
    if kind == "conversion":
        return Conversion(date, reader.integer("member"), str(reader.get("from_class")),
                          str(reader.get("to_class")), reader.integer("quantity"), ref=ref)
    if kind == "college_change":
        return CollegeChange(date, reader.integer("member"), str(reader.get("college")),
                             ref=ref)
    raise reader.error("unknown operation %r (subscription, release, transfer, redemption, "
                       "conversion, college_change)" % (kind,), "op")


def statutes_from(value: Any, base: Optional[Path] = None,
                  file: Optional[str] = None) -> Statutes:
    """Statutes given as ``"default"`` (or absent), a path (relative to ``base``) or an
    inline object."""
    if value is None or value == "default":
        return default_statutes()
    if isinstance(value, str):
        path = Path(value)
        if base is not None and not path.is_absolute():
            path = base / path
        return load_statutes_file(path)
    return load_statutes(value, file=file)


def ledger_from_dict(data: Mapping[str, Any], file: Optional[str] = None,
                     base: Optional[Path] = None) -> Ledger:
    """Build and check a :class:`Ledger` from its JSON form. A broken rule is re-raised
    as the ledger error, with the entry's position added to the operation text."""
    reader = _Reader(file, "ledger", data)
    ledger = Ledger(statutes_from(data.get("statutes"), base, file))
    entries = reader.get("entries")
    if not isinstance(entries, list):
        raise reader.error("expected a list of entries", "entries")
    for index, item in enumerate(entries):
        record = "entries[%d]" % index
        operation = operation_from_dict(item, file, record, tuple(ledger.issued_numbers))
        try:
            ledger = ledger.append(operation)
        except SharesError as exc:
            exc.operation = "%s%s" % ("%s %s: " % (file, record) if file else record + ": ",
                                      exc.operation or "")
            exc.args = (str(exc),)
            raise
    return ledger


def load_ledger(path: Path) -> Ledger:
    """Read and check a ledger JSON file."""
    path = Path(path)
    return ledger_from_dict(read_json(path), file=str(path), base=path.parent)


def assembly_from_dict(data: Mapping[str, Any], file: Optional[str] = None,
                       base: Optional[Path] = None) -> Dict[str, Any]:
    """Parse an assembly file: returns a dict with ``ledger``, ``assembly``
    (:class:`Assembly`), ``present``, ``postal``, ``proxies`` (:class:`Proxy` list) and
    ``resolutions`` (list of (:class:`Resolution`, ballots dict))."""
    reader = _Reader(file, "assembly", data)
    ledger_value = reader.get("ledger")
    if isinstance(ledger_value, str):
        path = Path(ledger_value)
        if base is not None and not path.is_absolute():
            path = base / path
        ledger = load_ledger(path)
    else:
        ledger = ledger_from_dict(ledger_value, file, base)
    kind = str(reader.get("kind", "ordinary"))
    assembly = Assembly(date=reader.date("date"), kind=kind,
                        convocation=str(reader.get("convocation", "first")),
                        roll_date=reader.date("roll_date") if data.get("roll_date") else None,
                        title=str(reader.get("title", "")))

    def numbers(field: str) -> List[int]:
        values = reader.get(field, [])
        if not isinstance(values, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise reader.error("expected a list of member numbers", field)
        return values

    proxies = []
    for index, item in enumerate(reader.get("proxies", [])):
        proxy = _Reader(file, "proxies[%d]" % index, item)
        proxies.append(Proxy(proxy.integer("from"), proxy.integer("to")))
    resolutions = []
    for index, item in enumerate(reader.get("resolutions", [])):
        res = _Reader(file, "resolutions[%d]" % index, item)
        votes = res.get("votes", {})
        if not isinstance(votes, Mapping):
            raise res.error("expected an object member number -> yes/no/abstain", "votes")
        ballots = {}
        for key, choice in votes.items():
            try:
                ballots[int(key)] = str(choice)
            except ValueError:
                raise res.error("not a member number: %r" % (key,), "votes") from None
        resolutions.append((Resolution(str(res.get("code", index + 1)), str(res.get("title")),
                                       str(res.get("kind", kind))), ballots))
    return {"ledger": ledger, "assembly": assembly, "present": numbers("present"),
            "postal": numbers("postal"), "proxies": proxies, "resolutions": resolutions}
