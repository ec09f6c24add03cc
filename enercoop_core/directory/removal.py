"""What becomes of the people who left: kept in ``ou=former``, or removed after a delay.

A person who leaves is first moved to the layout's leavers' unit (``ou=former``: the plan's
``disable``). The company's policy then says whether the entry stays there for good
(``keep``) or is deleted once it has sat there unchanged for ``days`` days (``delete``).
Since when an entry sits there is its ``modifyTimestamp`` (the server sets it on the move
and on every later change, a hand edit included), an LDAP GeneralizedTime read with the
snapshot. A day is 24 hours; an entry unchanged for exactly ``days`` days is removed.

Pure functions, no LDAP library: :func:`~enercoop_core.directory.sync.compute_plan` turns
:func:`removal_due` into the plan's ``remove`` changes, keeping the people the ERP lists
again (they come back to ``ou=people`` instead). Once removed, an entry's uid is free again.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

from enercoop_core.errors import InputError

#: The policies for the people who left, as the ERP's settings name them.
POLICIES = ("keep", "delete")

# RFC 4517, 3.3.13: YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|+hh[mm]|-hh[mm])
_GENERALIZED = re.compile(
    r"^(\d{4})(\d{2})(\d{2})(\d{2})(?:(\d{2})(\d{2})?)?(?:[.,](\d+))?"
    r"(Z|[+-]\d{2}(?:\d{2})?)$")


def _utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC datetime; a naive one is taken as UTC already (Odoo's convention)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class RemovalPolicy:
    """``days``: remove the people unchanged in ``ou=former`` for ``days`` days or more
    (``None``: keep them there). ``now``: the instant the delay is counted to (aware, or
    naive UTC; default: the current time when the policy is made), stored as aware UTC."""

    days: Optional[int] = None
    now: Optional[dt.datetime] = None

    def __post_init__(self):
        days = self.days
        if days is not None and (isinstance(days, bool) or not isinstance(days, int)
                                 or not 0 <= days <= dt.timedelta.max.days):
            raise InputError("the removal delay must be a whole number of days, 0 or "
                             "more, not %r" % (days,), field="removal_days")
        now = self.now
        if now is None:
            now = dt.datetime.now(dt.timezone.utc)
        elif not isinstance(now, dt.datetime):
            raise InputError("not a date and time: %r" % (now,), field="now")
        object.__setattr__(self, "now", _utc(now))

    @classmethod
    def of(cls, policy: str, days: Optional[int] = None,
           now: Optional[dt.datetime] = None) -> RemovalPolicy:
        """The policy named as the ERP's settings name it: ``"keep"`` (``days`` ignored)
        or ``"delete"`` (after ``days`` days)."""
        if policy not in POLICIES:
            raise InputError("unknown removal policy %r (expected %s)"
                             % (policy, " or ".join(POLICIES)), field="removal_policy")
        if policy == "keep":
            return cls(None, now)
        if days is None:
            raise InputError("the delete policy needs a delay in days", field="removal_days")
        return cls(days, now)

    @property
    def removes(self) -> bool:
        return self.days is not None


def generalized_time(text: str) -> dt.datetime:
    """An LDAP GeneralizedTime (``20261201145500Z``, ``2026120115+0100``,
    ``20261201145500.25Z``) as an aware UTC datetime. Raises InputError on anything else."""
    match = _GENERALIZED.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise InputError("not an LDAP GeneralizedTime: %r" % (text,))
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    # a fraction belongs to the last unit given (hour, minute or second)
    unit = 3600 if minute is None else 60 if second is None else 1
    leap = second == "60"
    try:
        moment = dt.datetime(int(year), int(month), int(day), int(hour), int(minute or 0),
                             59 if leap else int(second or 0))
        if zone != "Z":
            hours, minutes = int(zone[1:3]), int(zone[3:5] or 0)
            if hours > 23 or minutes > 59:
                raise ValueError("time zone %s" % zone)
            offset = dt.timedelta(hours=hours, minutes=minutes)
            moment -= offset if zone[0] == "+" else -offset
        extra = Fraction(int(fraction), 10 ** len(fraction)) * unit if fraction else 0
        moment += dt.timedelta(microseconds=round((extra + (1 if leap else 0)) * 10 ** 6))
    except (ValueError, OverflowError) as exc:
        raise InputError("not an LDAP GeneralizedTime: %r (%s)" % (text, exc)) from exc
    return moment.replace(tzinfo=dt.timezone.utc)


def removal_due(stamp: str, policy: RemovalPolicy) -> bool:
    """Whether an entry of ``ou=former`` last changed at ``stamp`` (its
    ``modifyTimestamp``) is removed under ``policy`` at ``policy.now``.
    Raises InputError when ``stamp`` is not a GeneralizedTime."""
    if not policy.removes:
        return False
    return policy.now - generalized_time(stamp) >= dt.timedelta(days=policy.days)
