"""Errors of the share ledger and of general assemblies.

Every error names the member (number), the operation (kind, ledger sequence number, date
and reference) and the rule that was broken, so that the CLI can print it as it is and an
Odoo addon can raise it as a user error. The attributes are plain data:

- ``member``: member number (int) or None;
- ``operation``: short text such as ``"redemption #12 on 2024-03-01 (ref R-7)"`` or None;
- ``rule``: a stable identifier of the rule (``"min_per_member"``, ``"capital_floor"``...),
  usable as a translation key or a test assertion.
"""
from __future__ import annotations

from typing import Optional

from enercoop_core.errors import EnercoopError


class SharesError(EnercoopError):
    """Base class of every error of :mod:`enercoop_core.shares`."""

    rule = "shares"

    def __init__(self, message: str, member: Optional[int] = None,
                 operation: Optional[str] = None, rule: Optional[str] = None):
        self.message = message
        self.member = member
        self.operation = operation
        if rule is not None:
            self.rule = rule
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [part for part in (
            "member %s" % self.member if self.member is not None else None,
            self.operation,
            "rule %s" % self.rule if self.rule else None,
        ) if part]
        return "%s: %s" % (", ".join(where), self.message) if where else self.message


class StatutesError(SharesError):
    """The statutes themselves are invalid (weights out of the legal bounds, unknown college...)."""

    rule = "statutes"


# --- ledger rules -------------------------------------------------------------------------

class LedgerRuleError(SharesError):
    """An operation breaks a rule of the ledger; the ledger is left unchanged."""

    rule = "ledger"


class EntryOrderError(LedgerRuleError):
    """An entry is dated before the last entry of the ledger (history is append-only)."""

    rule = "entry_order"


class InvalidOperationError(LedgerRuleError):
    """The operation is malformed: quantity not positive, amount with sub-cent digits..."""

    rule = "invalid_operation"


class UnknownShareClassError(LedgerRuleError):
    rule = "unknown_share_class"


class UnknownCollegeError(LedgerRuleError):
    rule = "unknown_college"


class UnknownMemberError(LedgerRuleError):
    """The member number was never admitted."""

    rule = "unknown_member"


class InactiveMemberError(LedgerRuleError):
    """The member has left (or not yet joined) at the date of the operation."""

    rule = "inactive_member"


class AlreadyMemberError(LedgerRuleError):
    """A current member would be admitted a second time."""

    rule = "already_member"


class MemberNumberReusedError(LedgerRuleError):
    """A new member was given a number already issued (member numbers are never reused)."""

    rule = "number_never_reused"


class InsufficientSharesError(LedgerRuleError):
    """The member does not hold the shares being transferred, redeemed or converted."""

    rule = "insufficient_shares"


class UnreleasedSharesError(LedgerRuleError):
    """Shares not fully paid up cannot be transferred, redeemed or converted."""

    rule = "fully_released"


class OverReleaseError(LedgerRuleError):
    """A capital release exceeds the capital still to be paid up."""

    rule = "release_not_above_unpaid"


class BelowMinimumError(LedgerRuleError):
    """A holding would fall below the class minimum (allowed only when leaving, to zero)."""

    rule = "min_per_member"


class AboveMaximumError(LedgerRuleError):
    rule = "max_per_member"


class CollegeNotAllowedError(LedgerRuleError):
    """The member's college may not hold this share class."""

    rule = "allowed_colleges"


class LeavingError(LedgerRuleError):
    """A leaving redemption/transfer must take the whole holding of the class."""

    rule = "leaving_takes_whole_holding"


class CapitalFloorError(LedgerRuleError):
    """The subscribed capital would fall below the statutory floor."""

    rule = "capital_floor"


class ConversionValueError(LedgerRuleError):
    """The converted value is not a whole number of shares of the target class."""

    rule = "conversion_value"


# --- assemblies ---------------------------------------------------------------------------

class AssemblyError(SharesError):
    rule = "assembly"


class NotOnRollError(AssemblyError):
    """The member is not on the roll of voters (not a member at the roll date)."""

    rule = "roll_of_voters"


class AttendanceError(AssemblyError):
    """Contradictory attendance: present and represented, two proxies from one member..."""

    rule = "attendance"


class ProxyLimitError(AssemblyError):
    """A proxy holder was given more proxies than the statutes allow."""

    rule = "proxy_limit"


class BallotError(AssemblyError):
    """A ballot from a member who neither attends nor is represented, or cast twice."""

    rule = "ballot"
