"""Ledger operations: immutable, dated records of what happened to the share capital.

Each operation is a frozen dataclass with a ``date`` (the day it takes effect), the
``member`` number it starts from, and an optional ``ref`` (free text: the ERP's document
number, kept on the ledger, shown in errors and on accounting moves). Quantities are whole
shares; amounts are Decimal EUR in cents. The ledger (:mod:`enercoop_core.shares.ledger`)
checks each operation against the statutes when it is appended; an operation never changes
once it is in the ledger: a mistake is corrected by another operation.

Admission of a member is part of the operation that gives them their first shares: a
:class:`Subscription` or a :class:`Transfer` carrying ``new_member`` (the identity) and
``college``. A member leaves with the operation flagged ``leaving=True`` that takes their
last shares (a :class:`Redemption` or a :class:`Transfer`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Optional, Union

from enercoop_core.shares.members import Member


@dataclass(frozen=True)
class Subscription:
    """``member`` subscribes ``quantity`` new shares of ``share_class``. The shares are
    issued at once; their nominal value is owed until paid by :class:`CapitalRelease`.
    For a new member, give ``new_member`` (with ``number == member``) and ``college``."""

    date: dt.date
    member: int
    share_class: str
    quantity: int
    new_member: Optional[Member] = None
    college: Optional[str] = None
    ref: str = ""
    kind: ClassVar[str] = "subscription"


@dataclass(frozen=True)
class CapitalRelease:
    """``member`` pays up ``amount_eur`` of the shares of ``share_class`` they subscribed
    (libération du capital); partial releases are allowed, never more than is owed."""

    date: dt.date
    member: int
    share_class: str
    amount_eur: Decimal
    ref: str = ""
    kind: ClassVar[str] = "release"


@dataclass(frozen=True)
class Transfer:
    """``member`` transfers ``quantity`` fully paid shares of ``share_class`` to
    ``to_member`` at nominal value. For a receiver who is not yet a member, give
    ``new_member`` (``number == to_member``) and ``college``: the transfer admits them.
    ``leaving=True`` when the transfer takes the giver's last shares and they leave."""

    date: dt.date
    member: int
    to_member: int
    share_class: str
    quantity: int
    leaving: bool = False
    new_member: Optional[Member] = None
    college: Optional[str] = None
    ref: str = ""
    kind: ClassVar[str] = "transfer"


@dataclass(frozen=True)
class Redemption:
    """The cooperative buys back ``quantity`` fully paid shares of ``share_class`` from
    ``member`` (remboursement). The refund is the nominal value on ``date`` less
    ``deduction_eur`` (e.g. the member's share of losses, as the statutes provide), due at
    the latest ``refund_delay_months`` after ``date``. ``leaving=True`` when these are the
    member's last shares and they leave (the only way to go below a class minimum)."""

    date: dt.date
    member: int
    share_class: str
    quantity: int
    leaving: bool = False
    deduction_eur: Decimal = Decimal("0.00")
    ref: str = ""
    kind: ClassVar[str] = "redemption"


@dataclass(frozen=True)
class Conversion:
    """``member`` converts ``quantity`` fully paid shares of ``from_class`` (all of them or
    part) into shares of ``to_class`` of the same total nominal value on ``date``; the
    value must be a whole number of ``to_class`` shares."""

    date: dt.date
    member: int
    from_class: str
    to_class: str
    quantity: int
    ref: str = ""
    kind: ClassVar[str] = "conversion"


@dataclass(frozen=True)
class CollegeChange:
    """``member`` moves to ``college`` from ``date`` on (one college at a time)."""

    date: dt.date
    member: int
    college: str
    ref: str = ""
    kind: ClassVar[str] = "college_change"


Operation = Union[Subscription, CapitalRelease, Transfer, Redemption, Conversion, CollegeChange]
OPERATION_TYPES = (Subscription, CapitalRelease, Transfer, Redemption, Conversion,
                   CollegeChange)
