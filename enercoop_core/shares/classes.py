"""Share classes: dated nominal value, holding limits per member, allowed colleges.

A member may hold several classes. Holding rules, checked by the ledger after each
operation, per member and class:

- ``min_per_member``: a holding is either zero or at least this many shares; it may go
  below only by leaving (redeeming or transferring the whole holding with ``leaving``);
- ``max_per_member``: a holding never exceeds it (None = no maximum);
- ``colleges``: the colleges whose members may hold the class (empty = every college).

The nominal value is dated (a revaluation is a new :class:`NominalValue`), in EUR.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import FrozenSet, Optional, Tuple

from enercoop_core.errors import MissingRateError
from enercoop_core.shares.errors import StatutesError


@dataclass(frozen=True)
class NominalValue:
    """Nominal value of one share, ``value_eur`` (Decimal, cents), on
    ``[valid_from, valid_to)`` (``valid_to`` None = open-ended); ``source``: the text
    that set it (statutes article, assembly resolution)."""

    valid_from: dt.date
    value_eur: Decimal
    valid_to: Optional[dt.date] = None
    source: str = ""


@dataclass(frozen=True)
class ShareClass:
    """A class of shares (``code`` such as ``"A"``).

    ``nominal_values``: non-overlapping dated values, in date order. ``min_per_member``
    and ``max_per_member`` count shares of this class held by one member.
    ``colleges``: codes of the colleges allowed to hold it; empty means all.
    """

    code: str
    label: str
    nominal_values: Tuple[NominalValue, ...]
    min_per_member: int = 1
    max_per_member: Optional[int] = None
    colleges: FrozenSet[str] = field(default_factory=frozenset)

    def __post_init__(self):
        if not self.nominal_values:
            raise StatutesError("share class %s has no nominal value" % self.code,
                                rule="share_class")
        previous = None
        for value in self.nominal_values:
            if value.value_eur <= 0 or value.value_eur != value.value_eur.quantize(Decimal("0.01")):
                raise StatutesError("share class %s: nominal value %s is not a positive amount "
                                    "in cents" % (self.code, value.value_eur), rule="share_class")
            if previous is not None and (previous.valid_to is None
                                         or previous.valid_to > value.valid_from):
                raise StatutesError("share class %s: nominal values overlap or are out of "
                                    "order at %s" % (self.code, value.valid_from),
                                    rule="share_class")
            previous = value
        if self.min_per_member < 0 or (self.max_per_member is not None
                                       and self.max_per_member < max(self.min_per_member, 1)):
            raise StatutesError("share class %s: limits min %s max %s make no sense"
                                % (self.code, self.min_per_member, self.max_per_member),
                                rule="share_class")

    def nominal_on(self, on: dt.date) -> Decimal:
        """Nominal value of one share in EUR on day ``on`` (MissingRateError if none)."""
        for value in self.nominal_values:
            if value.valid_from <= on and (value.valid_to is None or on < value.valid_to):
                return value.value_eur
        raise MissingRateError("nominal value of share class %s" % self.code, on)

    def allows(self, college: str) -> bool:
        """True when members of ``college`` may hold this class."""
        return not self.colleges or college in self.colleges
