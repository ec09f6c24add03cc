"""Accounting moves of ledger entries, as plain data an ERP can post.

A move's lines name an account *role*, not an account number, so that each ERP (and each
chart of accounts) maps roles to its own accounts; ``data/account_roles.csv`` gives the
usual French PCG account of each role. Amounts are Decimal EUR, debit or credit >= 0, and
every move balances. Each line carries the member number and share class so that capital
can be followed per member (partner) and per class.

=========================  ===========================================  ==========
role                       meaning                                      PCG
=========================  ===========================================  ==========
member_capital_receivable  capital a member still has to pay up         4562
capital_unpaid             capital subscribed, called, not paid up      1012
capital_paid               capital subscribed, called and paid up       1013
bank                       cash received or paid                        512
member_refund_payable      capital to be refunded to a former member    4567
refund_deduction           deduction from a refund (member's losses)    119
=========================  ===========================================  ==========

Moves by operation (amounts: V nominal value, R released, F refund, D deduction):

- subscription: debit member_capital_receivable V / credit capital_unpaid V;
- release: debit bank R / credit member_capital_receivable R, and debit capital_unpaid R /
  credit capital_paid R;
- transfer: debit capital_paid V (giver) / credit capital_paid V (receiver);
- conversion: debit capital_paid V (old class) / credit capital_paid V (new class);
- redemption: debit capital_paid V / credit member_refund_payable F and refund_deduction D;
  the refund is then paid with :func:`refund_payment_move` (debit member_refund_payable /
  credit bank), at the latest on the refund's due date;
- college change: no move.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from enercoop_core.shares.ledger import ZERO, Effect, Ledger, Refund

DATA_DIR = Path(__file__).resolve().parent / "data"
ROLES_TABLE = DATA_DIR / "account_roles.csv"

MEMBER_CAPITAL_RECEIVABLE = "member_capital_receivable"
CAPITAL_UNPAID = "capital_unpaid"
CAPITAL_PAID = "capital_paid"
BANK = "bank"
MEMBER_REFUND_PAYABLE = "member_refund_payable"
REFUND_DEDUCTION = "refund_deduction"
ROLES = (MEMBER_CAPITAL_RECEIVABLE, CAPITAL_UNPAID, CAPITAL_PAID, BANK,
         MEMBER_REFUND_PAYABLE, REFUND_DEDUCTION)


@dataclass(frozen=True)
class MoveLine:
    """One line: account ``role``, ``debit`` or ``credit`` (EUR, one of them zero),
    ``member`` number and ``share_class`` concerned, a ``label``."""

    role: str
    debit: Decimal
    credit: Decimal
    member: Optional[int]
    share_class: Optional[str]
    label: str


@dataclass(frozen=True)
class Move:
    """A balanced accounting move: ``date``, ``kind`` (the operation kind or
    ``"refund_payment"``), ``seq`` and ``ref`` of the ledger entry, ``lines``."""

    date: dt.date
    kind: str
    seq: int
    ref: str
    lines: Tuple[MoveLine, ...]

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit


@dataclass(frozen=True)
class AccountRole:
    """A role with the usual account of the French chart of accounts (PCG)."""

    role: str
    pcg_account: str
    label: str
    source: str


def _pair(debit_role: str, credit_role: str, amount: Decimal, label: str,
          debit_member: Optional[int], credit_member: Optional[int],
          debit_class: Optional[str], credit_class: Optional[str]) -> List[MoveLine]:
    return [MoveLine(debit_role, amount, ZERO, debit_member, debit_class, label),
            MoveLine(credit_role, ZERO, amount, credit_member, credit_class, label)]


def moves_for(effect: Effect) -> Tuple[Move, ...]:
    """The accounting moves of one ledger entry (none for a college change or when the
    amount is zero)."""
    op = effect.operation
    lines: List[MoveLine] = []
    if op.kind == "subscription":
        value = effect.changes[0].value_eur
        lines = _pair(MEMBER_CAPITAL_RECEIVABLE, CAPITAL_UNPAID, value,
                      "Subscription of %d share(s) %s" % (op.quantity, op.share_class),
                      op.member, op.member, op.share_class, op.share_class)
    elif op.kind == "release":
        label = "Capital paid up, class %s" % op.share_class
        lines = (_pair(BANK, MEMBER_CAPITAL_RECEIVABLE, effect.released_eur, label,
                       op.member, op.member, op.share_class, op.share_class)
                 + _pair(CAPITAL_UNPAID, CAPITAL_PAID, effect.released_eur, label,
                         op.member, op.member, op.share_class, op.share_class))
    elif op.kind == "transfer":
        lines = _pair(CAPITAL_PAID, CAPITAL_PAID, effect.changes[1].value_eur,
                      "Transfer of %d share(s) %s from member %d to member %d"
                      % (op.quantity, op.share_class, op.member, op.to_member),
                      op.member, op.to_member, op.share_class, op.share_class)
    elif op.kind == "conversion":
        lines = _pair(CAPITAL_PAID, CAPITAL_PAID, effect.changes[1].value_eur,
                      "Conversion of %d share(s) %s into %d share(s) %s"
                      % (op.quantity, op.from_class, effect.changes[1].quantity, op.to_class),
                      op.member, op.member, op.from_class, op.to_class)
    elif op.kind == "redemption":
        refund = effect.refund
        label = "Redemption of %d share(s) %s" % (op.quantity, op.share_class)
        lines = [MoveLine(CAPITAL_PAID, refund.value_eur, ZERO, op.member, op.share_class,
                          label),
                 MoveLine(MEMBER_REFUND_PAYABLE, ZERO, refund.amount_eur, op.member,
                          op.share_class, label)]
        if refund.deduction_eur:
            lines.append(MoveLine(REFUND_DEDUCTION, ZERO, refund.deduction_eur, op.member,
                                  op.share_class, label + " (deduction)"))
    lines = [line for line in lines if line.debit or line.credit]
    if not lines:
        return ()
    return (Move(effect.date, op.kind, effect.seq, op.ref, tuple(lines)),)


def ledger_moves(ledger: Ledger, on: Optional[dt.date] = None) -> Tuple[Move, ...]:
    """Moves of every entry up to ``on`` (all entries when None), in ledger order."""
    return tuple(move for effect in ledger.effects_until(on) for move in moves_for(effect))


def refund_payment_move(refund: Refund, paid_on: dt.date, ref: str = "") -> Move:
    """The move paying ``refund`` on ``paid_on``: debit member_refund_payable / credit bank."""
    label = "Refund of %d share(s) %s" % (refund.quantity, refund.share_class)
    lines = _pair(MEMBER_REFUND_PAYABLE, BANK, refund.amount_eur, label, refund.member,
                  refund.member, refund.share_class, refund.share_class)
    return Move(paid_on, "refund_payment", refund.seq, ref or refund.ref,
                tuple(line for line in lines if line.debit or line.credit))


@lru_cache(None)
def account_roles() -> Dict[str, AccountRole]:
    """Role -> usual PCG account, from ``data/account_roles.csv``."""
    roles = {}
    with open(str(ROLES_TABLE), newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            roles[row["role"]] = AccountRole(row["role"], row["pcg_account"], row["label"],
                                             row["source"])
    return roles
