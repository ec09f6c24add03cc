"""Debit instructions from a schedule's instalments (enercoop_core.payments.collection)."""
import datetime as dt
from decimal import Decimal

import pytest

from enercoop_core.billing.schedule import Instalment, add_months
from enercoop_core.errors import InputError
from enercoop_core.payments import collection, mandates, terms

D = dt.date
CONTRACT_DAY_26 = D(2027, 1, 26)


def mandate(**changes):
    fields = dict(reference="ENC-2026-0001", creditor_id="FR72ZZZ123456",
                  debtor_name="Camille Martin", iban="FR7630006000011234567890189",
                  bic="BNPAFRPP", signed_on=D(2026, 12, 1))
    fields.update(changes)
    return mandates.make_mandate(**fields)


def instalments(amounts, first=CONTRACT_DAY_26):
    return [Instalment(n + 1, add_months(first, n, first.day), Decimal(a))
            for n, a in enumerate(amounts)]


def test_contract_day_moved_to_the_next_target2_day():
    # contract day 26: 26 Jan 2027 Tue, 26 Feb Fri, 26 Mar Good Friday, 26 Apr Mon
    out = collection.debit_instructions(instalments(["61.08"] * 4), mandate())
    assert [d.collection_date for d in out] == [
        D(2027, 1, 26), D(2027, 2, 26), D(2027, 3, 30), D(2027, 4, 26)]
    assert [d.due_date for d in out] == [
        D(2027, 1, 26), D(2027, 2, 26), D(2027, 3, 26), D(2027, 4, 26)]
    assert [d.sequence_type for d in out] == ["FRST", "RCUR", "RCUR", "RCUR"]
    march = out[2]
    assert march.notify_by == D(2027, 3, 16)     # 14 calendar days before 30 March
    assert march.submit_by == D(2027, 3, 25)     # D-1: 26 and 29 March closed, weekend
    assert out[0].submit_by == D(2027, 1, 25)
    assert march.amount == Decimal("61.08") and march.end_to_end_id == "ENC-2026-0001-3"


def test_new_year_and_christmas():
    out = collection.debit_instructions(
        [Instalment(1, D(2026, 12, 25), Decimal("50.00")),
         Instalment(2, D(2027, 1, 1), Decimal("50.00"))], mandate())
    assert [d.collection_date for d in out] == [D(2026, 12, 28), D(2027, 1, 4)]
    assert [d.submit_by for d in out] == [D(2026, 12, 24), D(2026, 12, 31)]


def test_zero_instalment_is_not_collected():
    out = collection.debit_instructions(instalments(["40.00", "0.00", "40.00"]), mandate())
    assert [d.number for d in out] == [1, 3]
    assert [d.sequence_type for d in out] == ["FRST", "RCUR"]


def test_used_mandate_starts_with_rcur():
    out = collection.debit_instructions(instalments(["40.00"]),
                                        mandate(last_collection=D(2026, 12, 28)))
    assert out[0].sequence_type == "RCUR"


def test_terms_set_the_prenotification_delay():
    data = {"companies": {"default": {"prenotification_days": 5}}}
    short = terms.terms_from_data(data)
    out = collection.debit_instructions(instalments(["40.00"]), mandate(), short)
    assert out[0].notify_by == D(2027, 1, 21)


@pytest.mark.parametrize("amount", [Decimal("12.345"), Decimal("-1.00"), 12.5, Decimal("NaN")])
def test_bad_amounts_are_refused(amount):
    with pytest.raises(InputError) as err:
        collection.debit_instructions([Instalment(1, D(2027, 1, 26), amount)], mandate())
    assert err.value.field == "amount"


def test_revoked_mandate_stops_the_batch():
    with pytest.raises(mandates.MandateError):
        collection.debit_instructions(instalments(["40.00"] * 3),
                                      mandate(revoked_on=D(2027, 2, 1)))
