"""General assembly: roll of voters, attendance with proxies, quorum.

- :func:`roll_of_voters`: every member on the roll date (members admitted on or before it
  and not yet left), with their college that day. One member, one vote.
- :func:`record_attendance`: who is present, who votes by post, who gives a proxy to whom;
  checks that proxy holders are present members, that nobody both attends and gives a
  proxy, that a member gives at most one proxy and that a holder holds no more than the
  statutory ``proxy_limit`` (:class:`ProxyLimitError` naming the holder).
- :func:`quorum`: members present, represented or voting by post over members on the
  roll, against the statutory fraction for the assembly kind and convocation
  (:func:`quorum_of_counts` from head counts; :func:`attendance_by_college` gives them
  per college, for votes entered as totals per college).

Votes on resolutions are counted by :mod:`enercoop_core.shares.vote`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple

from enercoop_core.shares.errors import (
    AttendanceError, NotOnRollError, ProxyLimitError, StatutesError)
from enercoop_core.shares.ledger import Ledger
from enercoop_core.shares.statutes import FIRST, AssemblyRules, Statutes


@dataclass(frozen=True)
class Assembly:
    """An assembly: ``date`` it meets, ``kind`` (``"ordinary"`` / ``"extraordinary"``),
    ``convocation`` (``"first"`` / ``"second"``), ``roll_date`` (day the roll of voters is
    drawn; None = the assembly date), ``title``."""

    date: dt.date
    kind: str
    convocation: str = FIRST
    roll_date: Optional[dt.date] = None
    title: str = ""

    @property
    def roll_day(self) -> dt.date:
        return self.roll_date or self.date

    def rules(self, statutes: Statutes) -> AssemblyRules:
        try:
            return statutes.assemblies[self.kind]
        except KeyError:
            raise StatutesError("no rules for %r assemblies in the statutes" % (self.kind,),
                                rule="assemblies") from None


@dataclass(frozen=True)
class Voter:
    number: int
    name: str
    college: str


@dataclass(frozen=True)
class Roll:
    """Members entitled to vote, by number, drawn on day ``on``."""

    on: dt.date
    voters: Tuple[Voter, ...]

    def __contains__(self, number: object) -> bool:
        return any(voter.number == number for voter in self.voters)

    def __len__(self) -> int:
        return len(self.voters)

    def voter(self, number: int) -> Voter:
        for voter in self.voters:
            if voter.number == number:
                return voter
        raise NotOnRollError("not on the roll of voters of %s" % self.on, member=number)

    def count_by_college(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for voter in self.voters:
            counts[voter.college] = counts.get(voter.college, 0) + 1
        return counts


def roll_of_voters(ledger: Ledger, on: dt.date) -> Roll:
    """Members on day ``on`` with their college that day, by member number."""
    voters = tuple(Voter(m.number, m.member.name, m.college_on(on))
                   for m in ledger.memberships(on, active_only=True))
    return Roll(on, voters)


@dataclass(frozen=True)
class Proxy:
    """Member ``giver`` is represented by member ``holder``."""

    giver: int
    holder: int


@dataclass(frozen=True)
class Attendance:
    """Checked attendance: ``present`` in person, ``postal`` voting by post, ``proxies``."""

    roll: Roll
    present: FrozenSet[int]
    postal: FrozenSet[int]
    proxies: Tuple[Proxy, ...]

    @property
    def represented(self) -> FrozenSet[int]:
        return frozenset(proxy.giver for proxy in self.proxies)

    @property
    def counted(self) -> FrozenSet[int]:
        """Members whose vote counts: present, represented or voting by post."""
        return self.present | self.postal | self.represented

    def proxies_held(self, holder: int) -> int:
        return sum(1 for proxy in self.proxies if proxy.holder == holder)

    def holder_of(self, giver: int) -> Optional[int]:
        for proxy in self.proxies:
            if proxy.giver == giver:
                return proxy.holder
        return None


def record_attendance(roll: Roll, present: Iterable[int], proxies: Iterable[Proxy] = (),
                      postal: Iterable[int] = (), proxy_limit: Optional[int] = None
                      ) -> Attendance:
    """Check and record attendance. ``proxy_limit``: most proxies one holder may hold
    (``Statutes.proxy_limit``; None = no limit). Raises :class:`NotOnRollError`,
    :class:`AttendanceError` or :class:`ProxyLimitError`."""
    present_set = frozenset(present)
    postal_set = frozenset(postal)
    proxies = tuple(proxies)
    for number in sorted(present_set | postal_set):
        roll.voter(number)
    both = present_set & postal_set
    if both:
        raise AttendanceError("present and also voting by post", member=min(both))
    givers = set()
    held: Dict[int, int] = {}
    for proxy in proxies:
        roll.voter(proxy.giver)
        roll.voter(proxy.holder)
        if proxy.giver == proxy.holder:
            raise AttendanceError("a member cannot hold their own proxy", member=proxy.giver)
        if proxy.giver in givers:
            raise AttendanceError("gives more than one proxy", member=proxy.giver)
        if proxy.giver in present_set or proxy.giver in postal_set:
            raise AttendanceError("gives a proxy but attends or votes by post",
                                  member=proxy.giver)
        if proxy.holder not in present_set:
            raise AttendanceError("holds a proxy (from member %d) but is not present"
                                  % proxy.giver, member=proxy.holder)
        givers.add(proxy.giver)
        held[proxy.holder] = held.get(proxy.holder, 0) + 1
        if proxy_limit is not None and held[proxy.holder] > proxy_limit:
            raise ProxyLimitError("holds %d proxies, more than the limit of %d (proxy from "
                                  "member %d refused)" % (held[proxy.holder], proxy_limit,
                                                          proxy.giver),
                                  member=proxy.holder)
    return Attendance(roll, present_set, postal_set, proxies)


def attendance_by_college(attendance: Attendance) -> Dict[str, Tuple[int, int, int, int]]:
    """Head counts per college: ``college -> (on_roll, present, represented, postal)``,
    for the totals per college of :func:`enercoop_core.shares.vote.tally_totals`."""
    counts: Dict[str, List[int]] = {}
    represented = attendance.represented
    for voter in attendance.roll.voters:
        row = counts.setdefault(voter.college, [0, 0, 0, 0])
        row[0] += 1
        if voter.number in attendance.present:
            row[1] += 1
        elif voter.number in represented:
            row[2] += 1
        elif voter.number in attendance.postal:
            row[3] += 1
    return {college: (row[0], row[1], row[2], row[3]) for college, row in counts.items()}


@dataclass(frozen=True)
class Quorum:
    """``counted`` (present + represented + postal) out of ``on_roll`` members, against
    ``required`` (a fraction of the roll); ``met`` when counted >= required x on_roll."""

    on_roll: int
    present: int
    represented: int
    postal: int
    required: Fraction
    met: bool

    @property
    def counted(self) -> int:
        return self.present + self.represented + self.postal

    def explain(self) -> str:
        ratio = Fraction(self.counted, self.on_roll) if self.on_roll else Fraction(0)
        return ("Quorum: %d present + %d represented + %d by post = %d of %d members "
                "(%s %%), required %s %%: %s"
                % (self.present, self.represented, self.postal, self.counted, self.on_roll,
                   percent(ratio), percent(self.required), "met" if self.met else "NOT met"))


def quorum(attendance: Attendance, rules: AssemblyRules, convocation: str = FIRST) -> Quorum:
    """The quorum of ``attendance`` under ``rules`` at the given convocation."""
    return quorum_of_counts(len(attendance.roll), len(attendance.present),
                            len(attendance.represented), len(attendance.postal), rules,
                            convocation)


def quorum_of_counts(on_roll: int, present: int, represented: int, postal: int,
                     rules: AssemblyRules, convocation: str = FIRST) -> Quorum:
    """The quorum from head counts (members on the roll, present, represented, voting by
    post) under ``rules`` at the given convocation."""
    required = rules.quorum(convocation)
    counted = present + represented + postal
    met = counted >= required * on_roll and (on_roll > 0)
    return Quorum(on_roll, present, represented, postal, required, met)


def percent(fraction: Fraction) -> str:
    """``Fraction(2, 3)`` -> ``"66.67"``: a share in percent, 2 decimals, half-up."""
    with localcontext() as ctx:
        ctx.prec = 40
        value = Decimal(fraction.numerator) * 100 / Decimal(fraction.denominator)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
