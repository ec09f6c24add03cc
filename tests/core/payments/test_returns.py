"""R-transaction reason codes (enercoop_core.payments.returns)."""
import datetime as dt
from decimal import Decimal

import pytest

from enercoop_core.errors import InputError
from enercoop_core.payments import returns, terms

D = dt.date


def test_the_codes_of_the_guidance_are_all_there_with_two_labels():
    for code in ("AC01", "AC04", "AC06", "AG01", "AM04", "MD01", "MD06", "MD07", "MS02",
                 "MS03", "SL01", "BE05", "FF01"):
        found = returns.reason(code)
        assert found.label_fr and found.label_en and found.label_fr != found.label_en
    assert returns.reason(" am04 ").label() == "Provision insuffisante"
    assert returns.reason("AM04").label("en") == "Insufficient funds"


@pytest.mark.parametrize("code, re_presentable, revoke", [
    ("AM04", True, False), ("MS03", True, False), ("AC04", False, True),
    ("AC01", False, True), ("MD07", False, True), ("MD01", False, True),
    ("MD06", False, False), ("SL01", False, False), ("FF01", True, False),
])
def test_what_each_code_implies(code, re_presentable, revoke):
    found = returns.reason(code)
    assert (found.re_presentable, found.revoke_mandate) == (re_presentable, revoke)


def test_refund_windows():
    assert returns.refund_until("MD06", D(2027, 1, 26)) == D(2027, 3, 23)  # 8 weeks = 56 days
    assert returns.refund_until("MD01", D(2027, 1, 31)) == D(2028, 2, 29)  # 13 months
    assert returns.refund_until("AM04", D(2027, 1, 26)) is None


def test_unknown_code():
    for code in ("XX99", "", None):
        with pytest.raises(InputError) as err:
            returns.reason(code)
        assert err.value.field == "reason_code"


def fee_terms(amount, codes):
    return terms.terms_from_data({"companies": {"default": {
        "prenotification_days": 14, "return_fee": {"amount_eur": amount, "codes": codes}}}})


def test_return_fee_follows_the_terms():
    charging = fee_terms("7.50", ["AM04"])
    outcome = returns.return_outcome("AM04", Decimal("61.08"), D(2027, 1, 26), charging)
    assert outcome.fee == Decimal("7.50") and outcome.re_presentable
    assert returns.return_outcome("MS03", Decimal("61.08"), D(2027, 1, 26),
                                  charging).fee == Decimal("0.00")
    refund = returns.return_outcome("MD06", Decimal("61.08"), D(2027, 1, 26), charging)
    assert refund.fee == Decimal("0.00") and refund.refund_until == D(2027, 3, 23)
    bundled = terms.load_terms()
    assert returns.return_outcome("AM04", Decimal("1.00"), D(2027, 1, 26),
                                  bundled).fee == bundled.return_fee_eur


@pytest.mark.parametrize("amount, codes", [
    ("7.50", ["MD06"]),   # a refund right
    ("7.50", ["FF01"]),   # the creditor's own file error
    ("7.50", ["ZZ01"]),   # unknown
    ("-1.00", ["AM04"]), ("7.505", ["AM04"]), ("seven", ["AM04"]),
])
def test_bad_fee_terms_are_refused(amount, codes):
    with pytest.raises(InputError):
        fee_terms(amount, codes)
