"""The share ledger: an append-only list of dated operations, checked against the statutes.

Balances (shares held, capital subscribed and paid up, members and their colleges) are
derived from the ledger's entries only: every query replays the :class:`Effect` of each
entry up to the requested day; nothing is stored twice.

Typical use (an ERP keeps the operations, the core decides)::

    ledger = Ledger(statutes, stored_operations)   # replays and re-checks history
    effect = ledger.check(new_operation)            # raises a LedgerRuleError, or
    ledger = ledger.append(new_operation)           # returns a new, longer ledger
    moves = moves_for(effect)                       # accounting, see shares.accounting

Rules checked on each operation (the error class names the rule):

- entries are in date order (same day allowed): :class:`EntryOrderError`;
- members: a new member's number was never issued (:class:`MemberNumberReusedError`); an
  operation names an admitted (:class:`UnknownMemberError`), current
  (:class:`InactiveMemberError`) member;
- a holding of a class is zero or at least the class minimum and at most its maximum
  (:class:`BelowMinimumError`, :class:`AboveMaximumError`); a member keeps at least one
  share unless the operation is flagged ``leaving``, which must take their last shares
  (:class:`LeavingError`); they cease to be members that day;
- only allowed colleges hold a class (:class:`CollegeNotAllowedError`), also on a
  college change;
- only fully paid shares are transferred, redeemed or converted
  (:class:`UnreleasedSharesError`); a release never exceeds what is owed
  (:class:`OverReleaseError`);
- a redemption never takes the subscribed capital below the floor:
  ``max(capital_floor_eur, capital_floor_fraction_of_highest x highest capital reached)``
  (:class:`CapitalFloorError`);
- a conversion keeps the nominal value and yields whole shares (:class:`ConversionValueError`).

Amounts: ``value_eur`` = quantity x nominal value on the operation's date (EUR, exact
cents since nominal values are in cents).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple

from enercoop_core.shares.colleges import CollegeHistory
from enercoop_core.shares.errors import (
    AboveMaximumError, BelowMinimumError, CapitalFloorError, CollegeNotAllowedError,
    ConversionValueError, EntryOrderError, InactiveMemberError, InsufficientSharesError,
    InvalidOperationError, LeavingError, MemberNumberReusedError, OverReleaseError,
    UnknownCollegeError, UnknownMemberError, UnknownShareClassError, UnreleasedSharesError)
from enercoop_core.shares.members import Membership, member_number_for, next_member_number
from enercoop_core.shares.operations import (
    OPERATION_TYPES, CapitalRelease, CollegeChange, Conversion, Operation, Redemption,
    Subscription, Transfer)
from enercoop_core.shares.statutes import Statutes

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class HoldingChange:
    """Change of one member's holding of one class: ``quantity`` shares (signed),
    ``value_eur`` subscribed capital at nominal (signed), ``unpaid_eur`` capital still
    owed by the member (signed; a subscription raises it, a release lowers it)."""

    member: int
    share_class: str
    quantity: int
    value_eur: Decimal
    unpaid_eur: Decimal = ZERO


@dataclass(frozen=True)
class Refund:
    """What the cooperative owes a member for a redemption: ``amount_eur`` =
    ``value_eur`` - ``deduction_eur``, due on ``due_date`` at the latest."""

    seq: int
    member: int
    share_class: str
    quantity: int
    value_eur: Decimal
    deduction_eur: Decimal
    amount_eur: Decimal
    redemption_date: dt.date
    due_date: dt.date
    ref: str = ""


@dataclass(frozen=True)
class Effect:
    """The checked result of one ledger entry.

    ``seq``: 1-based position in the ledger. ``changes``: holding changes. ``admitted``
    / ``exited``: member numbers who joined / left with this entry. ``released_eur``:
    capital paid up (releases). ``refund``: for a redemption. ``capital_after_eur``:
    subscribed capital (all classes at nominal on the entry date) after the entry;
    ``floor_eur``: the capital floor in force when it was applied.
    """

    seq: int
    operation: Operation
    changes: Tuple[HoldingChange, ...]
    admitted: Tuple[int, ...] = ()
    exited: Tuple[int, ...] = ()
    released_eur: Decimal = ZERO
    refund: Optional[Refund] = None
    capital_after_eur: Decimal = ZERO
    floor_eur: Decimal = ZERO

    @property
    def date(self) -> dt.date:
        return self.operation.date

    @property
    def kind(self) -> str:
        return self.operation.kind

    def describe(self) -> str:
        """``"redemption #12 on 2024-03-01 (ref R-7)"``: how errors and reports name it."""
        return describe(self.operation, self.seq)


@dataclass(frozen=True)
class CapitalSummary:
    """Capital on day ``on`` (EUR): ``subscribed_eur`` at nominal, ``released_eur`` paid
    up, ``unpaid_eur`` still owed by members, ``shares`` per class, ``highest_eur`` highest
    subscribed capital reached so far, ``floor_eur`` the floor it may not go below."""

    on: Optional[dt.date]
    shares: Dict[str, int]
    subscribed_eur: Decimal
    released_eur: Decimal
    unpaid_eur: Decimal
    highest_eur: Decimal
    floor_eur: Decimal


def describe(operation: Operation, seq: Optional[int] = None) -> str:
    return "%s%s on %s%s" % (operation.kind, " #%d" % seq if seq else "", operation.date,
                             " (ref %s)" % operation.ref if operation.ref else "")


class _State:
    """Running balances used to check the next entry (a cache of the effects)."""

    def __init__(self):
        self.holdings: Dict[Tuple[int, str], int] = {}
        self.unpaid: Dict[Tuple[int, str], Decimal] = {}
        self.class_totals: Dict[str, int] = {}
        self.members: Dict[int, Membership] = {}
        self.highest_eur = ZERO
        self.last_date: Optional[dt.date] = None

    def copy(self) -> _State:
        other = _State()
        other.holdings = dict(self.holdings)
        other.unpaid = dict(self.unpaid)
        other.class_totals = dict(self.class_totals)
        other.members = dict(self.members)
        other.highest_eur = self.highest_eur
        other.last_date = self.last_date
        return other


class Ledger:
    """An immutable, checked share ledger; :meth:`append` returns a new ledger.

    ``Ledger(statutes, operations)`` replays ``operations`` (in order) and raises the first
    :class:`~enercoop_core.shares.errors.LedgerRuleError` met. Queries taking ``on`` (a
    date) consider the entries dated on or before that day; ``on=None`` = all entries.
    """

    def __init__(self, statutes: Statutes, operations: Iterable[Operation] = ()):
        self.statutes = statutes
        self._state = _State()
        effects: List[Effect] = []
        for operation in operations:
            effects.append(_apply(statutes, self._state, operation, len(effects) + 1))
        self._effects = tuple(effects)

    # --- building -------------------------------------------------------------------------

    def check(self, operation: Operation) -> Effect:
        """The effect ``operation`` would have if appended; raises if it breaks a rule.
        The ledger is not changed."""
        return _apply(self.statutes, self._state.copy(), operation, len(self._effects) + 1)

    def append(self, operation: Operation) -> Ledger:
        """A new ledger with ``operation`` appended (raises if it breaks a rule)."""
        return self.extend((operation,))

    def extend(self, operations: Iterable[Operation]) -> Ledger:
        """A new ledger with ``operations`` appended in order (all or none)."""
        state = self._state.copy()
        effects = list(self._effects)
        for operation in operations:
            effects.append(_apply(self.statutes, state, operation, len(effects) + 1))
        other = Ledger.__new__(Ledger)
        other.statutes = self.statutes
        other._state = state
        other._effects = tuple(effects)
        return other

    # --- entries --------------------------------------------------------------------------

    @property
    def operations(self) -> Tuple[Operation, ...]:
        return tuple(effect.operation for effect in self._effects)

    @property
    def effects(self) -> Tuple[Effect, ...]:
        """One :class:`Effect` per entry, in ledger order."""
        return self._effects

    def __len__(self) -> int:
        return len(self._effects)

    def effects_until(self, on: Optional[dt.date]) -> Tuple[Effect, ...]:
        if on is None:
            return self._effects
        return tuple(effect for effect in self._effects if effect.date <= on)

    # --- members --------------------------------------------------------------------------

    @property
    def issued_numbers(self) -> FrozenSet[int]:
        """Every member number ever issued (current and former members)."""
        return frozenset(self._state.members)

    def next_member_number(self) -> int:
        """Number for the next new member (never a number already issued)."""
        return next_member_number(self._state.members)

    def member_number_for(self, current: int, admitting: bool,
                          also_issued: Iterable[int] = ()) -> int:
        """:func:`~enercoop_core.shares.members.member_number_for` on this ledger's state
        today: ``current`` checked against the active members, or a number never issued
        by the ledger nor in ``also_issued`` (numbers an ERP recorded besides)."""
        active = [m.number for m in self.memberships(active_only=True)]
        return member_number_for(current, admitting, active,
                                 set(self._state.members) | set(also_issued))

    def membership(self, number: int) -> Membership:
        """Identity, entry and exit dates and college history of member ``number``
        (raises :class:`UnknownMemberError`)."""
        try:
            return self._state.members[number]
        except KeyError:
            raise UnknownMemberError("no member with this number", member=number) from None

    def memberships(self, on: Optional[dt.date] = None,
                    active_only: bool = False) -> Tuple[Membership, ...]:
        """Members admitted on or before ``on`` (all with ``on=None``), by number;
        ``active_only`` keeps those who are members on ``on`` (today's state if None)."""
        rows = []
        for number in sorted(self._state.members):
            membership = self._state.members[number]
            if on is not None and membership.entry_date > on:
                continue
            if active_only and (membership.exit_date is not None if on is None
                                else not membership.is_active(on)):
                continue
            rows.append(membership)
        return tuple(rows)

    # --- balances (derived from the entries) ----------------------------------------------

    def holdings(self, on: Optional[dt.date] = None) -> Dict[Tuple[int, str], int]:
        """Shares held per ``(member, share_class)`` after the entries up to ``on``
        (zero holdings left out)."""
        totals: Dict[Tuple[int, str], int] = {}
        for effect in self.effects_until(on):
            for change in effect.changes:
                key = (change.member, change.share_class)
                totals[key] = totals.get(key, 0) + change.quantity
        return {key: qty for key, qty in totals.items() if qty}

    def member_holdings(self, member: int, on: Optional[dt.date] = None) -> Dict[str, int]:
        """Shares held by ``member`` per class (zero holdings left out)."""
        return {cls: qty for (number, cls), qty in self.holdings(on).items() if number == member}

    def unpaid(self, on: Optional[dt.date] = None) -> Dict[Tuple[int, str], Decimal]:
        """Capital still owed per ``(member, share_class)``, EUR (zeros left out)."""
        totals: Dict[Tuple[int, str], Decimal] = {}
        for effect in self.effects_until(on):
            for change in effect.changes:
                key = (change.member, change.share_class)
                totals[key] = totals.get(key, ZERO) + change.unpaid_eur
        return {key: amount for key, amount in totals.items() if amount}

    def capital(self, on: Optional[dt.date] = None) -> CapitalSummary:
        """Capital subscribed and paid up on ``on`` (EUR), valued at the nominal values in
        force that day (on the last entry's date when ``on`` is None)."""
        effects = self.effects_until(on)
        day = on or (effects[-1].date if effects else None)
        shares: Dict[str, int] = {}
        unpaid = ZERO
        highest = ZERO
        for effect in effects:
            for change in effect.changes:
                shares[change.share_class] = shares.get(change.share_class, 0) + change.quantity
                unpaid += change.unpaid_eur
            highest = max(highest, effect.capital_after_eur)
        subscribed = ZERO
        if day is not None:
            subscribed = sum((self.statutes.share_class(cls).nominal_on(day) * qty
                              for cls, qty in shares.items() if qty), ZERO)
        highest = max(highest, subscribed)
        return CapitalSummary(on=day, shares={c: q for c, q in shares.items() if q},
                              subscribed_eur=subscribed, released_eur=subscribed - unpaid,
                              unpaid_eur=unpaid, highest_eur=highest,
                              floor_eur=capital_floor(self.statutes, highest))

    def refunds(self) -> Tuple[Refund, ...]:
        """Every refund owed for redemptions, in ledger order."""
        return tuple(effect.refund for effect in self._effects if effect.refund)

    def history(self, member: int) -> Tuple[Effect, ...]:
        """The entries that concern ``member`` (as giver, receiver or subject)."""
        return tuple(effect for effect in self._effects
                     if effect.operation.member == member
                     or any(change.member == member for change in effect.changes))


def capital_floor(statutes: Statutes, highest_eur: Decimal) -> Decimal:
    """The subscribed capital may not go below this (EUR): the statutory amount or the
    statutory fraction of the highest capital reached, whichever is higher."""
    share = (statutes.capital_floor_fraction_of_highest * highest_eur).quantize(
        CENT, rounding=ROUND_HALF_UP)
    return max(statutes.capital_floor_eur, share)


# --- applying one operation ---------------------------------------------------------------

def _apply(statutes: Statutes, state: _State, operation: Operation, seq: int) -> Effect:
    """Check ``operation`` against ``state`` and the statutes, update ``state`` in place
    and return the effect. Raises before changing ``state`` when a rule is broken."""
    if not isinstance(operation, OPERATION_TYPES):
        raise InvalidOperationError("not a ledger operation: %r" % (operation,))
    op = _Context(statutes, state, operation, seq)
    if state.last_date is not None and operation.date < state.last_date:
        op.fail(EntryOrderError, "dated before the last entry (%s); the ledger is "
                "append-only" % state.last_date)
    handler = _HANDLERS[type(operation)]
    effect = handler(op)
    # commit
    for change in effect.changes:
        key = (change.member, change.share_class)
        state.holdings[key] = state.holdings.get(key, 0) + change.quantity
        state.unpaid[key] = state.unpaid.get(key, ZERO) + change.unpaid_eur
        state.class_totals[change.share_class] = (
            state.class_totals.get(change.share_class, 0) + change.quantity)
    state.members.update(op.members)
    state.highest_eur = max(state.highest_eur, effect.capital_after_eur)
    state.last_date = operation.date
    return effect


class _Context:
    """One operation being checked: helpers that read the state and raise named errors."""

    def __init__(self, statutes: Statutes, state: _State, operation: Operation, seq: int):
        self.statutes = statutes
        self.state = state
        self.operation = operation
        self.seq = seq
        self.date = operation.date
        self.members: Dict[int, Membership] = {}   # memberships changed by the operation
        self.holdings: Dict[Tuple[int, str], int] = {}   # holdings changed, after

    def fail(self, error, message: str, member: Optional[int] = None):
        raise error(message, member=self.operation.member if member is None else member,
                    operation=describe(self.operation, self.seq))

    # reads
    def share_class(self, code: str):
        try:
            return self.statutes.share_class(code)
        except KeyError:
            self.fail(UnknownShareClassError, "no share class %r in the statutes" % (code,))

    def nominal(self, code: str) -> Decimal:
        return self.share_class(code).nominal_on(self.date)

    def membership(self, number: int) -> Membership:
        if number in self.members:
            return self.members[number]
        if number not in self.state.members:
            self.fail(UnknownMemberError, "no member with this number", number)
        membership = self.state.members[number]
        if not membership.is_active(self.date):
            self.fail(InactiveMemberError, "not a member on %s (left on %s)"
                      % (self.date, membership.exit_date), number)
        return membership

    def held(self, number: int, code: str) -> int:
        key = (number, code)
        if key in self.holdings:
            return self.holdings[key]
        return self.state.holdings.get(key, 0)

    def total_held(self, number: int) -> int:
        return sum(self.held(number, c.code) for c in self.statutes.share_classes)

    def check_quantity(self, quantity) -> None:
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            self.fail(InvalidOperationError, "quantity must be a positive whole number of "
                      "shares, got %r" % (quantity,))

    def check_amount(self, amount, name: str, positive: bool) -> None:
        if (not isinstance(amount, Decimal) or amount != amount.quantize(CENT)
                or amount < 0 or (positive and amount == 0)):
            self.fail(InvalidOperationError, "%s must be a %s Decimal in cents, got %r"
                      % (name, "positive" if positive else "non-negative", amount))

    def check_college(self, code: Optional[str]) -> str:
        try:
            self.statutes.college(code)
        except KeyError:
            self.fail(UnknownCollegeError, "no college %r in the statutes" % (code,))
        return code

    def admit(self, new_member, number: int, college: Optional[str]) -> Membership:
        if new_member is None:
            if college is not None:
                self.fail(InvalidOperationError, "a college is given only with new_member "
                          "(use a college change)", number)
            return self.membership(number)
        if new_member.number != number:
            self.fail(InvalidOperationError, "new_member number %d differs from the "
                      "operation's member %d" % (new_member.number, number), number)
        if number in self.state.members or number in self.members:
            self.fail(MemberNumberReusedError, "number %d was already issued; member "
                      "numbers are never reused (next free number: %d)"
                      % (number, next_member_number(self.state.members)), number)
        if college is None:
            self.fail(InvalidOperationError, "a new member needs a college", number)
        self.check_college(college)
        membership = Membership(new_member, self.date, None,
                                CollegeHistory.starting(college, self.date))
        self.members[number] = membership
        return membership

    # holding rules
    def give(self, number: int, code: str, quantity: int, leaving: bool = False) -> None:
        """Take ``quantity`` fully paid shares from ``number`` (transfer, redemption,
        conversion), applying the minimum and leaving rules."""
        share_class = self.share_class(code)
        held = self.held(number, code)
        if held < quantity:
            self.fail(InsufficientSharesError, "holds %d share(s) of class %s, cannot give %d"
                      % (held, code, quantity), number)
        unpaid = self.state.unpaid.get((number, code), ZERO)
        if unpaid:
            self.fail(UnreleasedSharesError, "class %s shares are not fully paid up "
                      "(%s EUR still owed)" % (code, unpaid), number)
        remaining = held - quantity
        self.holdings[(number, code)] = remaining
        if leaving and remaining:
            self.fail(LeavingError, "leaving takes the whole holding: %d share(s) of class %s "
                      "would remain" % (remaining, code), number)
        if 0 < remaining < share_class.min_per_member:
            self.fail(BelowMinimumError, "would keep %d share(s) of class %s, below the "
                      "minimum of %d; going below it is only possible by leaving with the "
                      "whole holding" % (remaining, code, share_class.min_per_member), number)

    def settle_leaving(self, number: int, leaving: bool) -> Tuple[int, ...]:
        """After a giving operation: a member keeps one share unless leaving, and leaving
        takes the last share; returns the numbers who left."""
        total = self.total_held(number)
        if leaving and total:
            self.fail(LeavingError, "leaving requires giving up every share; %d share(s) "
                      "would remain" % total, number)
        if not leaving and not total:
            self.fail(BelowMinimumError, "would hold no share while remaining a member; "
                      "redeem or transfer with leaving=True to leave", number)
        if leaving:
            membership = self.membership(number)
            self.members[number] = Membership(membership.member, membership.entry_date,
                                              self.date, membership.colleges)
            return (number,)
        return ()

    def receive(self, number: int, code: str, quantity: int) -> None:
        """Add ``quantity`` shares of ``code`` to ``number``: college, min and max rules."""
        share_class = self.share_class(code)
        membership = self.members.get(number) or self.membership(number)
        college = membership.college_on(self.date)
        if not share_class.allows(college):
            self.fail(CollegeNotAllowedError, "college %s may not hold class %s (allowed: %s)"
                      % (college, code, ", ".join(sorted(share_class.colleges))), number)
        after = self.held(number, code) + quantity
        self.holdings[(number, code)] = after
        if after < share_class.min_per_member:
            self.fail(BelowMinimumError, "would hold %d share(s) of class %s, below the "
                      "minimum of %d" % (after, code, share_class.min_per_member), number)
        if share_class.max_per_member is not None and after > share_class.max_per_member:
            self.fail(AboveMaximumError, "would hold %d share(s) of class %s, above the "
                      "maximum of %d" % (after, code, share_class.max_per_member), number)

    def capital_after(self, changes: Iterable[HoldingChange]) -> Decimal:
        totals = dict(self.state.class_totals)
        for change in changes:
            totals[change.share_class] = totals.get(change.share_class, 0) + change.quantity
        return sum((self.nominal(code) * qty for code, qty in totals.items() if qty), ZERO)

    def effect(self, changes: Tuple[HoldingChange, ...], **kwargs) -> Effect:
        capital = self.capital_after(changes)
        return Effect(seq=self.seq, operation=self.operation, changes=changes,
                      capital_after_eur=capital,
                      floor_eur=capital_floor(self.statutes, self.state.highest_eur),
                      **kwargs)


def _subscription(op: _Context) -> Effect:
    entry: Subscription = op.operation
    op.check_quantity(entry.quantity)
    op.admit(entry.new_member, entry.member, entry.college)
    op.receive(entry.member, entry.share_class, entry.quantity)
    value = op.nominal(entry.share_class) * entry.quantity
    change = HoldingChange(entry.member, entry.share_class, entry.quantity, value, value)
    return op.effect((change,), admitted=(entry.member,) if entry.new_member else ())


def _release(op: _Context) -> Effect:
    entry: CapitalRelease = op.operation
    op.share_class(entry.share_class)
    op.check_amount(entry.amount_eur, "amount_eur", positive=True)
    op.membership(entry.member)
    owed = op.state.unpaid.get((entry.member, entry.share_class), ZERO)
    if entry.amount_eur > owed:
        op.fail(OverReleaseError, "releases %s EUR of class %s but only %s EUR is owed"
                % (entry.amount_eur, entry.share_class, owed))
    change = HoldingChange(entry.member, entry.share_class, 0, ZERO, -entry.amount_eur)
    return op.effect((change,), released_eur=entry.amount_eur)


def _transfer(op: _Context) -> Effect:
    entry: Transfer = op.operation
    op.check_quantity(entry.quantity)
    op.membership(entry.member)
    if entry.to_member == entry.member:
        op.fail(InvalidOperationError, "a member cannot transfer shares to themself")
    op.give(entry.member, entry.share_class, entry.quantity, entry.leaving)
    exited = op.settle_leaving(entry.member, entry.leaving)
    op.admit(entry.new_member, entry.to_member, entry.college)
    op.receive(entry.to_member, entry.share_class, entry.quantity)
    value = op.nominal(entry.share_class) * entry.quantity
    changes = (HoldingChange(entry.member, entry.share_class, -entry.quantity, -value),
               HoldingChange(entry.to_member, entry.share_class, entry.quantity, value))
    return op.effect(changes, exited=exited,
                     admitted=(entry.to_member,) if entry.new_member else ())


def _redemption(op: _Context) -> Effect:
    entry: Redemption = op.operation
    op.check_quantity(entry.quantity)
    op.check_amount(entry.deduction_eur, "deduction_eur", positive=False)
    op.membership(entry.member)
    op.give(entry.member, entry.share_class, entry.quantity, entry.leaving)
    exited = op.settle_leaving(entry.member, entry.leaving)
    value = op.nominal(entry.share_class) * entry.quantity
    if entry.deduction_eur > value:
        op.fail(InvalidOperationError, "deduction %s EUR exceeds the nominal value %s EUR"
                % (entry.deduction_eur, value))
    change = HoldingChange(entry.member, entry.share_class, -entry.quantity, -value)
    capital = op.capital_after((change,))
    floor = capital_floor(op.statutes, op.state.highest_eur)
    if capital < floor:
        op.fail(CapitalFloorError, "would bring the subscribed capital to %s EUR, below the "
                "floor of %s EUR (statutory %s EUR; %s of the highest capital %s EUR)"
                % (capital, floor, op.statutes.capital_floor_eur,
                   op.statutes.capital_floor_fraction_of_highest, op.state.highest_eur))
    refund = Refund(seq=op.seq, member=entry.member, share_class=entry.share_class,
                    quantity=entry.quantity, value_eur=value,
                    deduction_eur=entry.deduction_eur, amount_eur=value - entry.deduction_eur,
                    redemption_date=entry.date,
                    due_date=op.statutes.refund_due_date(entry.date), ref=entry.ref)
    return op.effect((change,), exited=exited, refund=refund)


def _conversion(op: _Context) -> Effect:
    entry: Conversion = op.operation
    op.check_quantity(entry.quantity)
    op.membership(entry.member)
    if entry.from_class == entry.to_class:
        op.fail(InvalidOperationError, "a conversion needs two different classes")
    value = op.nominal(entry.from_class) * entry.quantity
    target_nominal = op.nominal(entry.to_class)
    target_quantity, rest = divmod(value, target_nominal)
    if rest or not target_quantity:
        op.fail(ConversionValueError, "%d share(s) of class %s are worth %s EUR, not a whole "
                "number of class %s shares of %s EUR" % (entry.quantity, entry.from_class,
                                                         value, entry.to_class, target_nominal))
    target_quantity = int(target_quantity)
    op.give(entry.member, entry.from_class, entry.quantity)
    op.receive(entry.member, entry.to_class, target_quantity)
    changes = (HoldingChange(entry.member, entry.from_class, -entry.quantity, -value),
               HoldingChange(entry.member, entry.to_class, target_quantity, value))
    return op.effect(changes)


def _college_change(op: _Context) -> Effect:
    entry: CollegeChange = op.operation
    membership = op.membership(entry.member)
    op.check_college(entry.college)
    history = membership.colleges
    if history.current == entry.college:
        op.fail(InvalidOperationError, "already in college %s" % entry.college)
    if entry.date <= history.periods[-1].valid_from:
        op.fail(EntryOrderError, "a college change must be dated after the previous one "
                "(%s)" % history.periods[-1].valid_from)
    for code in sorted(c.code for c in op.statutes.share_classes):
        share_class = op.statutes.share_class(code)
        if op.held(entry.member, code) and not share_class.allows(entry.college):
            op.fail(CollegeNotAllowedError, "holds class %s, which college %s may not hold; "
                    "convert, transfer or redeem it first" % (code, entry.college))
    op.members[entry.member] = Membership(membership.member, membership.entry_date,
                                          membership.exit_date,
                                          history.changed(entry.college, entry.date))
    return op.effect(())


_HANDLERS = {
    Subscription: _subscription,
    CapitalRelease: _release,
    Transfer: _transfer,
    Redemption: _redemption,
    Conversion: _conversion,
    CollegeChange: _college_change,
}
