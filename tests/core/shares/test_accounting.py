from decimal import Decimal

from enercoop_core.shares.accounting import (
    account_roles, ledger_moves, moves_for, refund_payment_move, ROLES)
from enercoop_core.shares.ledger import Ledger
from enercoop_core.shares.operations import CollegeChange, Conversion, Redemption, Transfer

from .conftest import D, founded, join, paid


def lines(move):
    return [(line.role, line.debit, line.credit, line.member, line.share_class)
            for line in move.lines]


def test_subscription_then_partial_release(statutes):
    ledger = Ledger(statutes, [join(1, 20), paid(1, "1500.00")])
    sub, rel = ledger_moves(ledger)
    assert lines(sub) == [
        ("member_capital_receivable", Decimal("2000.00"), Decimal("0.00"), 1, "A"),
        ("capital_unpaid", Decimal("0.00"), Decimal("2000.00"), 1, "A")]
    assert lines(rel) == [
        ("bank", Decimal("1500.00"), Decimal("0.00"), 1, "A"),
        ("member_capital_receivable", Decimal("0.00"), Decimal("1500.00"), 1, "A"),
        ("capital_unpaid", Decimal("1500.00"), Decimal("0.00"), 1, "A"),
        ("capital_paid", Decimal("0.00"), Decimal("1500.00"), 1, "A")]
    assert (sub.kind, sub.seq, rel.seq) == ("subscription", 1, 2)


def test_redemption_with_deduction_and_its_payment(statutes):
    ledger = founded(statutes).append(
        Redemption(D(2022, 5, 10), 1, "A", 3, deduction_eur=Decimal("20.00"), ref="R-1"))
    (move,) = moves_for(ledger.effects[-1])
    # 3 x 100.00 = 300.00 of paid capital: 280.00 owed to the member, 20.00 deducted
    assert lines(move) == [
        ("capital_paid", Decimal("300.00"), Decimal("0.00"), 1, "A"),
        ("member_refund_payable", Decimal("0.00"), Decimal("280.00"), 1, "A"),
        ("refund_deduction", Decimal("0.00"), Decimal("20.00"), 1, "A")]
    assert move.balanced and move.ref == "R-1"
    payment = refund_payment_move(ledger.refunds()[0], D(2023, 1, 5))
    assert payment.date == D(2023, 1, 5) and payment.kind == "refund_payment"
    assert lines(payment) == [
        ("member_refund_payable", Decimal("280.00"), Decimal("0.00"), 1, "A"),
        ("bank", Decimal("0.00"), Decimal("280.00"), 1, "A")]


def test_transfer_conversion_and_college_change(statutes):
    ledger = founded(statutes).extend([
        Transfer(D(2021, 3, 1), 1, 2, "A", 5),
        Conversion(D(2021, 3, 2), 2, "A", "B", 5),
        CollegeChange(D(2021, 4, 1), 3, "consumers"),
    ])
    transfer, conversion = moves_for(ledger.effects[-3])[0], moves_for(ledger.effects[-2])[0]
    assert lines(transfer) == [("capital_paid", Decimal("500.00"), Decimal("0.00"), 1, "A"),
                               ("capital_paid", Decimal("0.00"), Decimal("500.00"), 2, "A")]
    assert lines(conversion) == [
        ("capital_paid", Decimal("500.00"), Decimal("0.00"), 2, "A"),
        ("capital_paid", Decimal("0.00"), Decimal("500.00"), 2, "B")]
    assert moves_for(ledger.effects[-1]) == ()


def test_every_move_balances_and_roles_have_accounts(statutes):
    ledger = founded(statutes).extend([
        Transfer(D(2021, 3, 1), 1, 2, "A", 5),
        Redemption(D(2021, 4, 1), 3, "A", 5, leaving=True)])
    moves = ledger_moves(ledger)
    assert moves and all(move.balanced for move in moves)
    roles = account_roles()
    assert set(ROLES) == set(roles)
    assert roles["capital_paid"].pcg_account == "1013"
    assert roles["member_refund_payable"].pcg_account == "4567"
    # bank receives what members paid up: 3500.00
    bank = sum(x.debit - x.credit for m in moves for x in m.lines if x.role == "bank")
    assert bank == Decimal("3500.00")
    assert ledger_moves(ledger, D(2021, 1, 4)) == moves[:6]
