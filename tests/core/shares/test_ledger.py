from decimal import Decimal

import pytest

from enercoop_core.shares import errors
from enercoop_core.shares.ledger import Ledger, capital_floor
from enercoop_core.shares.members import LEGAL_ENTITY, Member
from enercoop_core.shares.operations import (
    CollegeChange, Conversion, Redemption, Subscription, Transfer)

from .conftest import D, founded, join, paid


# --- subscriptions, releases and ledger-derived balances --------------------------------

def test_subscription_admits_and_release_pays_up(statutes):
    ledger = Ledger(statutes, [join(1, 20)])
    assert ledger.membership(1).entry_date == D(2021, 1, 4)
    assert ledger.membership(1).college_on(D(2021, 1, 4)) == "consumers"
    capital = ledger.capital()
    # 20 shares x 100.00 EUR, nothing paid yet
    assert capital.subscribed_eur == Decimal("2000.00")
    assert capital.unpaid_eur == Decimal("2000.00")
    assert capital.released_eur == Decimal("0.00")
    ledger = ledger.append(paid(1, "1500.00", D(2021, 2, 1)))
    assert ledger.capital().released_eur == Decimal("1500.00")
    assert ledger.unpaid() == {(1, "A"): Decimal("500.00")}
    # before the release date, the release does not count
    assert ledger.capital(D(2021, 1, 31)).released_eur == Decimal("0.00")


def test_release_cannot_exceed_what_is_owed(statutes):
    ledger = Ledger(statutes, [join(1, 20), paid(1, "1500.00")])
    with pytest.raises(errors.OverReleaseError) as info:
        ledger.append(paid(1, "500.01"))
    assert "500.00 EUR is owed" in str(info.value)
    ledger.append(paid(1, "500.00"))


def test_balances_are_derived_from_entries_up_to_a_date(statutes):
    ledger = founded(statutes)
    ledger = ledger.extend([
        Transfer(D(2021, 3, 1), 1, 2, "A", 5),
        Redemption(D(2021, 6, 1), 3, "A", 2),
    ])
    assert ledger.holdings(D(2021, 2, 28)) == {(1, "A"): 20, (2, "A"): 10, (3, "A"): 5}
    assert ledger.holdings(D(2021, 3, 1)) == {(1, "A"): 15, (2, "A"): 15, (3, "A"): 5}
    assert ledger.holdings() == {(1, "A"): 15, (2, "A"): 15, (3, "A"): 3}
    assert ledger.member_holdings(3) == {"A": 3}
    assert ledger.holdings(D(2020, 12, 31)) == {}
    # 33 shares x 100 EUR
    assert ledger.capital().subscribed_eur == Decimal("3300.00")
    assert ledger.capital().shares == {"A": 33}


def test_dated_nominal_value(statutes):
    ledger = founded(statutes)  # 35 A at 100 EUR
    ledger = ledger.append(join(4, 2, day=D(2024, 2, 1)))
    sub = ledger.effects[-1].changes[0]
    # 2 shares x 120.00 EUR (nominal from 2024-01-01)
    assert sub.value_eur == Decimal("240.00") and sub.unpaid_eur == Decimal("240.00")
    assert ledger.capital(D(2023, 12, 31)).subscribed_eur == Decimal("3500.00")
    # 37 x 120 = 4440; paid 3500 + revaluation uplift counts as paid, 240 unpaid
    assert ledger.capital(D(2024, 2, 1)).subscribed_eur == Decimal("4440.00")
    assert ledger.capital(D(2024, 2, 1)).unpaid_eur == Decimal("240.00")


def test_append_and_check_leave_the_ledger_unchanged(statutes):
    ledger = founded(statutes)
    before = ledger.holdings()
    effect = ledger.check(Transfer(D(2021, 3, 1), 1, 2, "A", 5))
    assert effect.seq == len(ledger) + 1
    longer = ledger.append(Transfer(D(2021, 3, 1), 1, 2, "A", 5))
    assert ledger.holdings() == before and len(longer) == len(ledger) + 1
    with pytest.raises(errors.BelowMinimumError):
        longer.extend([Transfer(D(2021, 3, 2), 2, 3, "A", 1),
                       Redemption(D(2021, 3, 3), 3, "A", 5)])
    assert len(longer) == len(ledger) + 1


def test_entries_are_in_date_order(statutes):
    ledger = founded(statutes)
    ledger = ledger.append(Transfer(D(2021, 3, 1), 1, 2, "A", 1))
    with pytest.raises(errors.EntryOrderError):
        ledger.append(Transfer(D(2021, 2, 1), 1, 2, "A", 1))
    ledger.append(Transfer(D(2021, 3, 1), 1, 2, "A", 1))  # same day is fine


def test_malformed_operations(statutes):
    ledger = founded(statutes)
    with pytest.raises(errors.InvalidOperationError):
        ledger.append(Transfer(D(2021, 3, 1), 1, 2, "A", 0))
    with pytest.raises(errors.InvalidOperationError):
        ledger.append(paid(1, "0.001", D(2021, 3, 1)))
    with pytest.raises(errors.UnknownShareClassError):
        ledger.append(Transfer(D(2021, 3, 1), 1, 2, "Z", 1))
    with pytest.raises(errors.InvalidOperationError):
        ledger.append(Transfer(D(2021, 3, 1), 1, 1, "A", 1))
    with pytest.raises(errors.UnknownCollegeError):
        ledger.append(join(9, 2, college="astronauts", day=D(2021, 3, 1)))
    with pytest.raises(errors.InvalidOperationError):  # college only when admitting
        ledger.append(Subscription(D(2021, 3, 1), 1, "A", 1, college="producers"))
    with pytest.raises(errors.InvalidOperationError):  # a new member needs a college
        ledger.append(Subscription(D(2021, 3, 1), 9, "A", 2, new_member=Member(9, "X")))


# --- members ----------------------------------------------------------------------------

def test_member_number_never_reused(statutes):
    ledger = founded(statutes).append(Redemption(D(2022, 1, 3), 3, "A", 5, leaving=True))
    assert ledger.membership(3).exit_date == D(2022, 1, 3)
    with pytest.raises(errors.MemberNumberReusedError) as info:
        ledger.append(join(3, 2, day=D(2022, 2, 1)))
    assert info.value.member == 3 and "next free number: 4" in str(info.value)
    assert ledger.next_member_number() == 4
    assert ledger.issued_numbers == frozenset({1, 2, 3})


def test_operations_need_a_current_member(statutes):
    ledger = founded(statutes).append(Redemption(D(2022, 1, 3), 3, "A", 5, leaving=True))
    with pytest.raises(errors.UnknownMemberError):
        ledger.append(Subscription(D(2022, 2, 1), 42, "A", 2))
    with pytest.raises(errors.InactiveMemberError):
        ledger.append(Subscription(D(2022, 2, 1), 3, "A", 2))
    with pytest.raises(errors.InactiveMemberError):  # cannot receive either
        ledger.append(Transfer(D(2022, 2, 1), 1, 3, "A", 2))


def test_errors_name_member_operation_and_rule(statutes):
    ledger = founded(statutes)
    op = Redemption(D(2021, 6, 1), 3, "A", 4, ref="R-7")
    with pytest.raises(errors.BelowMinimumError) as info:
        ledger.append(op)
    exc = info.value
    assert exc.member == 3 and exc.rule == "min_per_member"
    assert exc.operation == "redemption #7 on 2021-06-01 (ref R-7)"
    assert str(exc).startswith("member 3, redemption #7 on 2021-06-01 (ref R-7), "
                               "rule min_per_member: would keep 1 share(s) of class A")
    assert isinstance(exc, errors.SharesError)


# --- holding limits ----------------------------------------------------------------------

def test_minimum_on_first_subscription(statutes):
    with pytest.raises(errors.BelowMinimumError):
        Ledger(statutes, [join(1, 1)])  # class A minimum is 2


def test_maximum_per_member(statutes):
    ledger = founded(statutes)
    with pytest.raises(errors.AboveMaximumError):
        ledger.append(Subscription(D(2021, 3, 1), 1, "A", 31))  # 20 + 31 > 50
    ledger.append(Subscription(D(2021, 3, 1), 1, "A", 30))
    with pytest.raises(errors.AboveMaximumError) as info:
        ledger.append(Transfer(D(2021, 3, 1), 2, 1, "A", 8)).append(
            Transfer(D(2021, 3, 1), 3, 1, "A", 3)).append(
            Subscription(D(2021, 3, 1), 1, "A", 20))
    assert info.value.member == 1


def test_redemption_below_minimum_only_when_leaving(statutes):
    ledger = founded(statutes)
    with pytest.raises(errors.BelowMinimumError):
        ledger.append(Redemption(D(2021, 6, 1), 3, "A", 4))  # keeps 1 < 2
    with pytest.raises(errors.BelowMinimumError):
        ledger.append(Redemption(D(2021, 6, 1), 3, "A", 5))  # keeps nothing, not leaving
    with pytest.raises(errors.LeavingError):
        ledger.append(Redemption(D(2021, 6, 1), 3, "A", 4, leaving=True))  # not all
    ledger.append(Redemption(D(2021, 6, 1), 3, "A", 3))  # keeps exactly the minimum


def test_redeem_to_zero_and_leave(statutes):
    ledger = founded(statutes).append(
        Redemption(D(2022, 2, 28), 3, "A", 5, leaving=True, ref="R-1"))
    effect = ledger.effects[-1]
    assert effect.exited == (3,)
    assert ledger.membership(3).exit_date == D(2022, 2, 28)
    assert ledger.membership(3).is_active(D(2022, 2, 27))
    assert not ledger.membership(3).is_active(D(2022, 2, 28))
    assert ledger.member_holdings(3) == {}
    refund = effect.refund
    # 5 shares x 100.00 EUR, refunded within the 12-month statutory delay
    assert refund.amount_eur == Decimal("500.00")
    assert refund.due_date == D(2023, 2, 28)
    assert ledger.refunds() == (refund,)
    assert [m.number for m in ledger.memberships(active_only=True)] == [1, 2]


def test_leaving_requires_every_class(statutes):
    ledger = founded(statutes).append(
        Subscription(D(2021, 3, 1), 2, "B", 2)).append(paid(2, "500.00", D(2021, 3, 1), "B"))
    with pytest.raises(errors.LeavingError) as info:
        ledger.append(Redemption(D(2021, 6, 1), 2, "A", 10, leaving=True))
    assert "2 share(s) would remain" in str(info.value)
    # redeeming a whole class while keeping another is not leaving
    ledger = ledger.append(Redemption(D(2021, 6, 1), 2, "B", 2))
    ledger = ledger.append(Redemption(D(2021, 6, 1), 2, "A", 10, leaving=True))
    assert ledger.membership(2).exit_date == D(2021, 6, 1)


def test_refund_deduction_and_statutory_delay_clips_month_end(statutes):
    ledger = founded(statutes).append(
        Redemption(D(2024, 2, 29), 1, "A", 3, deduction_eur=Decimal("15.50")))
    refund = ledger.refunds()[0]
    # 3 x 120.00 (nominal in 2024) = 360.00, less 15.50
    assert (refund.value_eur, refund.amount_eur) == (Decimal("360.00"), Decimal("344.50"))
    assert refund.due_date == D(2025, 2, 28)
    with pytest.raises(errors.InvalidOperationError):
        ledger.append(Redemption(D(2024, 3, 1), 1, "A", 1, deduction_eur=Decimal("120.01")))


def test_unreleased_shares_cannot_leave_the_holding(statutes):
    ledger = Ledger(statutes, [join(1, 20), paid(1, "1999.99"), join(2, 20)])
    for op in (Transfer(D(2021, 2, 1), 1, 2, "A", 1), Redemption(D(2021, 2, 1), 1, "A", 1),
               Conversion(D(2021, 2, 1), 1, "A", "B", 5)):
        with pytest.raises(errors.UnreleasedSharesError):
            ledger.append(op)


def test_insufficient_shares(statutes):
    with pytest.raises(errors.InsufficientSharesError):
        founded(statutes).append(Transfer(D(2021, 2, 1), 3, 1, "A", 6))


# --- capital floor -------------------------------------------------------------------------

def test_capital_floor_statutory_amount(statutes):
    # 12 shares: 1200 EUR, floor max(1000, 0.5 x 1200 = 600) = 1000
    ledger = Ledger(statutes, [join(1, 6), paid(1, "600.00"), join(2, 6), paid(2, "600.00")])
    ledger.append(Redemption(D(2021, 2, 1), 1, "A", 2))  # 1000 left: allowed
    with pytest.raises(errors.CapitalFloorError) as info:
        ledger.append(Redemption(D(2021, 2, 1), 1, "A", 3))  # 900 < 1000
    assert "900.00 EUR, below the floor of 1000.00 EUR" in str(info.value)


def test_capital_floor_follows_highest_capital_reached(statutes):
    ledger = founded(statutes)  # 3500 EUR reached: floor 0.5 x 3500 = 1750
    assert ledger.capital().floor_eur == Decimal("1750.00")
    assert capital_floor(statutes, Decimal("3500.00")) == Decimal("1750.00")
    ledger = ledger.append(Redemption(D(2021, 6, 1), 1, "A", 17))  # 1800 left
    with pytest.raises(errors.CapitalFloorError):
        ledger.append(Redemption(D(2021, 6, 1), 2, "A", 1))  # 1700 < 1750
    # the floor does not fall back when capital does
    assert ledger.capital().floor_eur == Decimal("1750.00")


# --- colleges --------------------------------------------------------------------------------

def test_allowed_colleges(statutes):
    ledger = founded(statutes)
    with pytest.raises(errors.CollegeNotAllowedError) as info:
        ledger.append(Subscription(D(2021, 2, 1), 1, "B", 1))  # consumer, B is producers'
    assert info.value.member == 1 and info.value.rule == "allowed_colleges"
    ledger.append(Subscription(D(2021, 2, 1), 2, "B", 1))


def test_college_change_keeps_history_and_checks_classes(statutes):
    ledger = founded(statutes).append(Subscription(D(2021, 2, 1), 2, "B", 1)).append(
        paid(2, "250.00", D(2021, 2, 1), "B"))
    with pytest.raises(errors.CollegeNotAllowedError):
        ledger.append(CollegeChange(D(2021, 5, 1), 2, "consumers"))
    ledger = ledger.append(Redemption(D(2021, 4, 1), 2, "B", 1))
    ledger = ledger.append(CollegeChange(D(2021, 5, 1), 2, "consumers"))
    history = ledger.membership(2).colleges
    assert [(p.college, p.valid_from, p.valid_to) for p in history.periods] == [
        ("producers", D(2021, 1, 4), D(2021, 5, 1)), ("consumers", D(2021, 5, 1), None)]
    assert ledger.membership(2).college_on(D(2021, 4, 30)) == "producers"
    with pytest.raises(errors.InvalidOperationError):
        ledger.append(CollegeChange(D(2021, 6, 1), 2, "consumers"))
    with pytest.raises(errors.EntryOrderError):  # one change a day
        ledger.append(CollegeChange(D(2021, 5, 1), 2, "employees"))


# --- transfers --------------------------------------------------------------------------------

def test_transfer_to_a_non_member_creates_a_member(statutes):
    ledger = founded(statutes)
    newcomer = Member(4, "SARL Soleil", LEGAL_ENTITY, "Jean Dupont")
    ledger = ledger.append(Transfer(D(2021, 3, 1), 1, 4, "A", 3, new_member=newcomer,
                                    college="producers"))
    effect = ledger.effects[-1]
    assert effect.admitted == (4,)
    membership = ledger.membership(4)
    assert membership.member.representative == "Jean Dupont"
    assert (membership.entry_date, membership.college_on(D(2021, 3, 1))) == (
        D(2021, 3, 1), "producers")
    assert ledger.member_holdings(4) == {"A": 3} and ledger.member_holdings(1) == {"A": 17}
    # transferred shares arrive fully paid; capital unchanged at 3500 EUR
    assert ledger.unpaid() == {}
    assert ledger.capital().subscribed_eur == Decimal("3500.00")


def test_transfer_to_a_non_member_needs_an_identity_and_new_number(statutes):
    ledger = founded(statutes)
    with pytest.raises(errors.UnknownMemberError):
        ledger.append(Transfer(D(2021, 3, 1), 1, 4, "A", 3))
    with pytest.raises(errors.MemberNumberReusedError):
        ledger.append(Transfer(D(2021, 3, 1), 1, 2, "A", 3, new_member=Member(2, "X"),
                               college="consumers"))
    with pytest.raises(errors.BelowMinimumError):  # the newcomer must get the minimum
        ledger.append(Transfer(D(2021, 3, 1), 1, 4, "A", 1, new_member=Member(4, "X"),
                               college="consumers"))
    with pytest.raises(errors.CollegeNotAllowedError):
        ledger.append(Subscription(D(2021, 3, 1), 2, "B", 2)).append(
            paid(2, "500.00", D(2021, 3, 1), "B")).append(
            Transfer(D(2021, 3, 1), 2, 4, "B", 1, new_member=Member(4, "X"),
                     college="consumers"))


def test_transfer_whole_holding_and_leave(statutes):
    ledger = founded(statutes).append(Transfer(D(2021, 3, 1), 3, 1, "A", 5, leaving=True))
    assert ledger.effects[-1].exited == (3,)
    assert ledger.member_holdings(1) == {"A": 25}
    assert ledger.refunds() == ()


# --- conversions ------------------------------------------------------------------------------

def test_conversion_of_part_of_a_holding(statutes):
    ledger = founded(statutes)
    # 4 A x 100 EUR = 400 EUR... not whole B shares of 250 EUR
    with pytest.raises(errors.ConversionValueError):
        ledger.append(Conversion(D(2021, 3, 1), 2, "A", "B", 4))
    # 5 A x 100 EUR = 500 EUR = 2 B x 250 EUR; 5 A remain (>= minimum 2)
    ledger = ledger.append(Conversion(D(2021, 3, 1), 2, "A", "B", 5))
    assert ledger.member_holdings(2) == {"A": 5, "B": 2}
    assert ledger.capital().subscribed_eur == Decimal("3500.00")
    with pytest.raises(errors.BelowMinimumError):  # 6 A: converting 5 would keep 1 A
        ledger.append(Subscription(D(2021, 3, 2), 3, "A", 1)).append(
            paid(3, "100.00", D(2021, 3, 2))).append(Conversion(D(2021, 3, 2), 3, "A", "B", 5))


def test_conversion_of_a_whole_holding(statutes):
    ledger = founded(statutes).append(Conversion(D(2021, 3, 1), 2, "A", "B", 10))
    # 10 x 100 = 1000 EUR = 4 x 250 EUR
    assert ledger.member_holdings(2) == {"B": 4}
    assert ledger.membership(2).exit_date is None


def test_conversion_checks_target_class(statutes):
    ledger = founded(statutes)
    with pytest.raises(errors.CollegeNotAllowedError):
        ledger.append(Conversion(D(2021, 3, 1), 1, "A", "B", 10))  # consumers may not hold B
    with pytest.raises(errors.InvalidOperationError):
        ledger.append(Conversion(D(2021, 3, 1), 2, "A", "A", 5))
    # 2 B x 250 EUR = 500 EUR = 5 A: 46 + 5 = 51 A, above the maximum of 50
    ledger = ledger.extend([Subscription(D(2021, 3, 1), 2, "A", 36), paid(2, "3600.00",
                                                                       D(2021, 3, 1)),
                            Subscription(D(2021, 3, 1), 2, "B", 2),
                            paid(2, "500.00", D(2021, 3, 1), "B")])
    with pytest.raises(errors.AboveMaximumError):
        ledger.append(Conversion(D(2021, 3, 2), 2, "B", "A", 2))
    ledger = ledger.append(Redemption(D(2021, 3, 2), 2, "A", 1))
    ledger = ledger.append(Conversion(D(2021, 3, 2), 2, "B", "A", 2))
    assert ledger.member_holdings(2) == {"A": 50}


def test_ledger_rejects_non_operations(statutes):
    with pytest.raises(errors.InvalidOperationError):
        Ledger(statutes, ["subscription"])
