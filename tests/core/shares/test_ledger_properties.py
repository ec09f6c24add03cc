"""Property tests: any sequence of operations the ledger accepts keeps it consistent."""
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from enercoop_core.shares.accounting import ledger_moves
from enercoop_core.shares.errors import LedgerRuleError
from enercoop_core.shares.ledger import Ledger
from enercoop_core.shares.members import Member
from enercoop_core.shares.operations import (
    CapitalRelease, CollegeChange, Conversion, Redemption, Subscription, Transfer)
from enercoop_core.shares.statutes import load_statutes

from .conftest import statutes_dict

# a low fixed floor so that the floor of half the highest capital reached is the one met
STATUTES = load_statutes(statutes_dict(capital_floor_eur="200.00"))
COLLEGES = ["consumers", "producers", "employees"]

step = st.tuples(
    st.sampled_from(["join", "join", "subscribe", "release", "release", "release", "transfer",
                     "transfer_new", "redeem", "redeem", "convert", "college"]),
    st.integers(0, 50),         # member (index among the members issued)
    st.integers(0, 50),         # other member
    st.integers(1, 12),         # quantity
    st.sampled_from(["A", "B"]),
    st.booleans(),              # leaving
    st.integers(0, 60),         # days after the previous step
)


def build(ledger, kind, a, b, quantity, cls, leaving, day):
    """An operation, often but not always valid, on the members issued so far."""
    other_cls = "B" if cls == "A" else "A"
    issued = sorted(ledger.issued_numbers) or [1]
    a, b = issued[a % len(issued)], issued[b % len(issued)]
    if kind == "join":
        number = ledger.next_member_number()
        return Subscription(day, number, cls, quantity, new_member=Member(number, "M"),
                            college=COLLEGES[a % 3])
    if kind == "subscribe":
        return Subscription(day, a, cls, quantity)
    held = ledger.member_holdings(a).get(cls, 0)
    if held and kind in ("transfer", "transfer_new", "redeem"):
        quantity = held if leaving else quantity % held + 1
    if kind == "release":
        unpaid = ledger.unpaid()
        if unpaid and (a, cls) not in unpaid:
            a, cls = sorted(unpaid)[quantity % len(unpaid)]
        owed = unpaid.get((a, cls), Decimal(0))
        amount = owed if leaving or quantity > 4 else (owed / 2).quantize(Decimal("0.01"))
        return CapitalRelease(day, a, cls, amount)
    if kind == "transfer":
        return Transfer(day, a, b, cls, quantity, leaving=leaving)
    if kind == "transfer_new":
        number = ledger.next_member_number()
        return Transfer(day, a, number, cls, quantity, leaving=leaving,
                        new_member=Member(number, "N"), college=COLLEGES[b % 3])
    if kind == "redeem":
        return Redemption(day, a, cls, quantity, leaving=leaving)
    if kind == "convert":
        quantity = (5 if cls == "A" else 2) * (quantity % 3 + 1)
        return Conversion(day, a, cls, other_cls, quantity)
    return CollegeChange(day, a, COLLEGES[b % 3])


def expected_holdings(operations):
    """Holdings summed straight from the operations, independently of the ledger code."""
    totals = {}

    def add(member, cls, qty):
        totals[(member, cls)] = totals.get((member, cls), 0) + qty

    for op in operations:
        if op.kind == "subscription":
            add(op.member, op.share_class, op.quantity)
        elif op.kind == "transfer":
            add(op.member, op.share_class, -op.quantity)
            add(op.to_member, op.share_class, op.quantity)
        elif op.kind == "redemption":
            add(op.member, op.share_class, -op.quantity)
        elif op.kind == "conversion":
            value = STATUTES.share_class(op.from_class).nominal_on(op.date) * op.quantity
            add(op.member, op.from_class, -op.quantity)
            add(op.member, op.to_class,
                int(value / STATUTES.share_class(op.to_class).nominal_on(op.date)))
    return {key: qty for key, qty in totals.items() if qty}


@settings(max_examples=200, deadline=None)
@given(st.lists(step, min_size=1, max_size=40))
def test_accepted_operations_keep_the_ledger_consistent(steps):
    ledger = Ledger(STATUTES)
    day = dt.date(2021, 1, 1)
    accepted = rejected = 0
    for kind, a, b, quantity, cls, leaving, days in steps:
        day = day + dt.timedelta(days=days)
        op = build(ledger, kind, a, b, quantity, cls, leaving, day)
        before = ledger.holdings()
        try:
            ledger = ledger.append(op)
            accepted += 1
        except LedgerRuleError:
            assert ledger.holdings() == before  # a refused operation changes nothing
            rejected += 1
            continue
        effect = ledger.effects[-1]
        if op.kind == "redemption":
            assert effect.capital_after_eur >= effect.floor_eur
            assert effect.refund.due_date > op.date
    holdings = ledger.holdings()
    assert holdings == expected_holdings(ledger.operations)
    assert all(qty > 0 for qty in holdings.values())
    for membership in ledger.memberships():
        held = ledger.member_holdings(membership.number)
        if membership.exit_date is None:
            assert sum(held.values()) >= 1
        else:
            assert held == {}
        for code, qty in held.items():
            cls = STATUTES.share_class(code)
            assert cls.min_per_member <= qty <= cls.max_per_member
            assert cls.allows(membership.colleges.current)
    unpaid = ledger.unpaid()
    assert all(amount > 0 for amount in unpaid.values())
    capital = ledger.capital()
    assert capital.released_eur + capital.unpaid_eur == capital.subscribed_eur
    assert all(move.balanced for move in ledger_moves(ledger))
    # replaying the stored operations gives the same ledger
    assert Ledger(STATUTES, ledger.operations).holdings() == holdings
    assert accepted + rejected == len(steps)
