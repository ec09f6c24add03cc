from decimal import Decimal

import pytest

from enercoop_core.shares.errors import UnknownMemberError
from enercoop_core.shares.members import LEGAL_ENTITY, Member
from enercoop_core.shares.operations import (
    CollegeChange, Conversion, Redemption, Subscription, Transfer)
from enercoop_core.shares.register import member_history, register_at

from .conftest import D, founded, paid


@pytest.fixture
def ledger(statutes):
    return founded(statutes).extend([
        Transfer(D(2021, 3, 1), 1, 4, "A", 4,
                 new_member=Member(4, "SCI Vent", LEGAL_ENTITY, "Anne Roy"), college="producers"),
        Conversion(D(2021, 4, 1), 2, "A", "B", 5),
        Subscription(D(2021, 5, 1), 1, "A", 2),
        Redemption(D(2021, 6, 1), 3, "A", 5, leaving=True),
        CollegeChange(D(2021, 7, 1), 1, "employees"),
    ])


def test_register_rows_at_a_date(ledger):
    reg = register_at(ledger, D(2021, 5, 1))
    assert [row.number for row in reg.rows] == [1, 2, 3, 4]
    one, two, three, four = reg.rows
    assert one.holdings == {"A": 18} and one.college == "consumers"
    # 16 paid shares + 2 new ones not paid yet: 1800.00 subscribed, 200.00 unpaid
    assert (one.subscribed_eur, one.unpaid_eur, one.released_eur) == (
        Decimal("1800.00"), Decimal("200.00"), Decimal("1600.00"))
    assert two.holdings == {"A": 5, "B": 2} and two.subscribed_eur == Decimal("1000.00")
    assert three.active and three.exit_date is None
    assert (four.kind, four.representative, four.entry_date) == (
        LEGAL_ENTITY, "Anne Roy", D(2021, 3, 1))
    totals = reg.totals()
    assert (totals["A"], totals["B"], totals["subscribed_eur"]) == (32, 2, Decimal("3700.00"))
    ledger = ledger.append(paid(1, "200.00", D(2021, 8, 1)))
    assert register_at(ledger, D(2021, 8, 1)).rows[0].unpaid_eur == Decimal("0.00")


def test_register_before_entry_and_after_exit(ledger):
    assert [row.number for row in register_at(ledger, D(2021, 2, 1)).rows] == [1, 2, 3]
    later = register_at(ledger, D(2021, 7, 1))
    three = later.rows[2]
    assert (three.exit_date, three.holdings, three.college) == (D(2021, 6, 1), {}, "employees")
    assert later.rows[0].college == "employees"
    assert [row.number for row in later.members] == [1, 2, 4]
    current = register_at(ledger, D(2021, 7, 1), include_former=False)
    assert [row.number for row in current.rows] == [1, 2, 4]


def test_member_history(ledger):
    history = member_history(ledger, 1)
    assert [(h.seq, h.kind) for h in history] == [
        (1, "subscription"), (2, "release"), (7, "transfer"), (9, "subscription"),
        (11, "college_change")]
    assert history[2].quantity == {"A": -4} and history[2].balance == {"A": 16}
    assert history[2].counterpart == 4
    assert history[3].balance == {"A": 18}
    assert "received 4 A from member 1 (admitted, college producers)" in \
        member_history(ledger, 4)[0].description
    conversion = member_history(ledger, 2)[-1]
    assert conversion.quantity == {"A": -5, "B": 2} and conversion.balance == {"A": 5, "B": 2}
    last = member_history(ledger, 3)[-1]
    assert last.balance == {} and "refund 500.00 EUR due by 2022-06-01 (left)" in last.description
    with pytest.raises(UnknownMemberError):
        member_history(ledger, 99)
