"""Members of the cooperative: identity, member number, membership period.

A member is a natural person or a legal entity; a legal entity acts through a named
representative. Each member has a number, issued once: numbers are never reused, even
after the member has left (a returning member gets a new number). The identity is a
:class:`Member`; when a member joined, left and in which college they sat is derived from
the ledger and given as a :class:`Membership`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional

from enercoop_core.shares.colleges import CollegeHistory
from enercoop_core.shares.errors import (
    AlreadyMemberError, InactiveMemberError, InvalidOperationError, MemberNumberReusedError)

PERSON = "person"
LEGAL_ENTITY = "legal_entity"
MEMBER_KINDS = (PERSON, LEGAL_ENTITY)


@dataclass(frozen=True)
class Member:
    """Identity of a member.

    ``number``: member number (positive int, never reused). ``kind``: ``"person"`` or
    ``"legal_entity"``. ``representative``: the natural person acting for a legal
    entity (required for a legal entity, must be empty for a person).
    """

    number: int
    name: str
    kind: str = PERSON
    representative: str = ""

    def __post_init__(self):
        if not isinstance(self.number, int) or isinstance(self.number, bool) or self.number <= 0:
            raise InvalidOperationError("member number must be a positive integer, got %r"
                                        % (self.number,), rule="member_number")
        if not self.name or not self.name.strip():
            raise InvalidOperationError("a member needs a name", member=self.number,
                                        rule="member_name")
        if self.kind not in MEMBER_KINDS:
            raise InvalidOperationError("member kind must be one of %s, got %r"
                                        % (", ".join(MEMBER_KINDS), self.kind),
                                        member=self.number, rule="member_kind")
        if self.kind == LEGAL_ENTITY and not self.representative.strip():
            raise InvalidOperationError("a legal entity needs a representative",
                                        member=self.number, rule="legal_entity_representative")
        if self.kind == PERSON and self.representative:
            raise InvalidOperationError("a natural person has no representative",
                                        member=self.number, rule="legal_entity_representative")


@dataclass(frozen=True)
class Membership:
    """A member with the dates derived from the ledger.

    ``entry_date``: date of the first subscription or transfer received. ``exit_date``:
    date the last share was redeemed or transferred away with ``leaving=True``; the member
    is no longer a member from that day on (None while a member). ``colleges``: the dated
    college history.
    """

    member: Member
    entry_date: dt.date
    exit_date: Optional[dt.date]
    colleges: CollegeHistory

    @property
    def number(self) -> int:
        return self.member.number

    def is_active(self, on: dt.date) -> bool:
        """True when the member is a member on day ``on`` (entry inclusive, exit exclusive)."""
        return self.entry_date <= on and (self.exit_date is None or on < self.exit_date)

    def college_on(self, on: dt.date) -> str:
        """College code on day ``on`` (raises KeyError before entry)."""
        return self.colleges.college_on(on)


def next_member_number(issued: Iterable[int], first: int = 1) -> int:
    """The number to give to the next new member: one more than the highest ever issued.

    ``issued`` holds every number issued so far, including those of members who left, so
    a number is never given twice. ``first`` is the number of the very first member.
    """
    highest = max(issued, default=first - 1)
    return max(highest + 1, first)


def check_new_member_number(number: int, issued: Iterable[int]) -> None:
    """Raise :class:`MemberNumberReusedError` when ``number`` was already issued."""
    if number in set(issued):
        raise MemberNumberReusedError(
            "member number %d was already issued; numbers are never reused "
            "(next free number: %d)" % (number, next_member_number(issued)), member=number)


def member_number_for(current: int, admitting: bool, active: Iterable[int],
                      issued: Iterable[int], first: int = 1) -> int:
    """The member number an operation uses for a person whose latest number is ``current``
    (0 when never admitted), the one place where numbers are decided.

    Not ``admitting`` (the person acts as a member): their ``current`` number, which must
    be among the ``active`` members' numbers (:class:`InactiveMemberError` otherwise).
    ``admitting`` (a new or returning member): a number never issued, one more than the
    highest of ``issued`` (:func:`next_member_number`); :class:`AlreadyMemberError` when
    the person is a current member already.
    """
    active = frozenset(active)
    if not admitting:
        if not current or current not in active:
            raise InactiveMemberError("is not a current member", member=current or None)
        return current
    if current and current in active:
        raise AlreadyMemberError("is already a member (no. %d)" % current, member=current)
    return next_member_number(issued, first)
