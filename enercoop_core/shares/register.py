"""The register of members (registre des associés) at a date, derived from the ledger.

:func:`register_at` gives one numbered row per member admitted on or before the day, in
member-number order, with their holdings per class and capital; :func:`member_history`
lists, for one member, each ledger entry that concerns them with the balance after it.
Both are read-only views of a :class:`~enercoop_core.shares.ledger.Ledger`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Dict, Optional, Tuple

from enercoop_core.shares.ledger import ZERO, Ledger


@dataclass(frozen=True)
class RegisterRow:
    """One member in the register on ``on``.

    ``number``: member number; ``kind``: ``person`` / ``legal_entity``;
    ``college``: college on that day (the last one for a former member); ``exit_date``:
    None while a member; ``holdings``: shares per class (zero left out);
    ``subscribed_eur`` (at nominal on that day), ``unpaid_eur``, ``released_eur``: EUR.
    """

    number: int
    name: str
    kind: str
    representative: str
    college: str
    entry_date: dt.date
    exit_date: Optional[dt.date]
    holdings: Dict[str, int]
    subscribed_eur: Decimal
    unpaid_eur: Decimal

    @property
    def released_eur(self) -> Decimal:
        return self.subscribed_eur - self.unpaid_eur

    @property
    def active(self) -> bool:
        return self.exit_date is None


@dataclass(frozen=True)
class Register:
    """Register of members on day ``on``: ``rows`` by member number."""

    on: dt.date
    rows: Tuple[RegisterRow, ...]
    share_classes: Tuple[str, ...]

    @property
    def members(self) -> Tuple[RegisterRow, ...]:
        """Rows of current members only."""
        return tuple(row for row in self.rows if row.active)

    def totals(self) -> Dict[str, Decimal]:
        """Per class share counts and the capital totals (EUR) of the rows."""
        out: Dict[str, Decimal] = {code: Decimal(0) for code in self.share_classes}
        for row in self.rows:
            for code, qty in row.holdings.items():
                out[code] += qty
        out["subscribed_eur"] = sum((row.subscribed_eur for row in self.rows), ZERO)
        out["unpaid_eur"] = sum((row.unpaid_eur for row in self.rows), ZERO)
        out["released_eur"] = out["subscribed_eur"] - out["unpaid_eur"]
        return out


@dataclass(frozen=True)
class HistoryLine:
    """One ledger entry seen from one member: ``quantity`` change per class (signed),
    ``balance`` per class after it, ``counterpart`` member of a transfer."""

    seq: int
    date: dt.date
    kind: str
    ref: str
    quantity: Dict[str, int]
    balance: Dict[str, int]
    counterpart: Optional[int]
    description: str


def register_at(ledger: Ledger, on: dt.date, include_former: bool = True) -> Register:
    """The register on day ``on``: members admitted by then, with holdings and capital
    from the entries dated on or before ``on``. ``include_former=False`` leaves out
    members who left on or before ``on``."""
    statutes = ledger.statutes
    holdings = ledger.holdings(on)
    unpaid = ledger.unpaid(on)
    classes = tuple(c.code for c in statutes.share_classes)
    nominal = {}
    rows = []
    for membership in ledger.memberships(on):
        left = membership.exit_date is not None and membership.exit_date <= on
        if left and not include_former:
            continue
        held = {code: holdings[(membership.number, code)] for code in classes
                if (membership.number, code) in holdings}
        subscribed = ZERO
        for code, qty in held.items():
            if code not in nominal:
                nominal[code] = statutes.share_class(code).nominal_on(on)
            subscribed += nominal[code] * qty
        owed = sum((unpaid.get((membership.number, code), ZERO) for code in classes), ZERO)
        college_day = min(on, membership.exit_date) if left else on
        rows.append(RegisterRow(
            number=membership.number, name=membership.member.name,
            kind=membership.member.kind, representative=membership.member.representative,
            college=membership.colleges.college_on(college_day),
            entry_date=membership.entry_date,
            exit_date=membership.exit_date if left else None,
            holdings=held, subscribed_eur=subscribed, unpaid_eur=owed))
    return Register(on=on, rows=tuple(rows), share_classes=classes)


def member_history(ledger: Ledger, member: int) -> Tuple[HistoryLine, ...]:
    """Every entry concerning ``member``, in ledger order, with the holdings after it."""
    ledger.membership(member)  # raises UnknownMemberError
    balance: Dict[str, int] = {}
    lines = []
    for effect in ledger.history(member):
        op = effect.operation
        delta: Dict[str, int] = {}
        for change in effect.changes:
            if change.member == member and change.quantity:
                delta[change.share_class] = delta.get(change.share_class, 0) + change.quantity
        for code, qty in delta.items():
            balance[code] = balance.get(code, 0) + qty
        counterpart = None
        if op.kind == "transfer":
            counterpart = op.to_member if op.member == member else op.member
        lines.append(HistoryLine(
            seq=effect.seq, date=effect.date, kind=op.kind, ref=op.ref, quantity=delta,
            balance={code: qty for code, qty in balance.items() if qty},
            counterpart=counterpart, description=_describe(effect, member)))
    return tuple(lines)


def _describe(effect, member: int) -> str:
    op = effect.operation
    if op.kind == "subscription":
        text = "subscribed %d %s" % (op.quantity, op.share_class)
        return text + (" (admitted, college %s)" % op.college if op.new_member else "")
    if op.kind == "release":
        return "paid up %s EUR of class %s" % (op.amount_eur, op.share_class)
    if op.kind == "transfer":
        if op.member == member:
            return "transferred %d %s to member %d%s" % (
                op.quantity, op.share_class, op.to_member, " (left)" if op.leaving else "")
        return "received %d %s from member %d%s" % (
            op.quantity, op.share_class, op.member,
            " (admitted, college %s)" % op.college if op.new_member else "")
    if op.kind == "redemption":
        refund = effect.refund
        return "redeemed %d %s, refund %s EUR due by %s%s" % (
            op.quantity, op.share_class, refund.amount_eur, refund.due_date,
            " (left)" if op.leaving else "")
    if op.kind == "conversion":
        return "converted %d %s into %d %s" % (op.quantity, op.from_class,
                                               effect.changes[1].quantity, op.to_class)
    return "moved to college %s" % op.college
