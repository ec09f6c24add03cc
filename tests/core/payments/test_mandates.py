"""SEPA mandates (enercoop_core.payments.mandates)."""
import datetime as dt

import pytest

from enercoop_core.errors import InputError
from enercoop_core.identifiers import InvalidIdentifier
from enercoop_core.payments import mandates as m

D = dt.date
IBAN = "FR76 3000 6000 0112 3456 7890 189"
ICS = "FR72ZZZ123456"


def mandate(**changes):
    fields = dict(reference="ENC-2026-0001", creditor_id=ICS, debtor_name="Camille Martin",
                  iban=IBAN, bic="BNPAFRPPXXX", signed_on=D(2023, 1, 15))
    fields.update(changes)
    return m.make_mandate(**fields)


@pytest.mark.parametrize("reference", [
    "ENC-2026/0001", "A", "X" * 35, "RUM:(2026).1,2'+?"])
def test_reference_valid(reference):
    assert m.validate_reference(reference) == reference


@pytest.mark.parametrize("reference", [
    "", "X" * 36, "ENC 0001", "ÉNERCOOP-1", "ENC_0001", "/ENC1", "ENC1/", "ENC//1",
    "ENC1\n", None])
def test_reference_invalid(reference):
    with pytest.raises(InvalidIdentifier) as err:
        m.validate_reference(reference)
    assert err.value.field == "mandate_reference"


def test_creditor_id():
    assert m.validate_creditor_id("FR 72 ZZZ 123456") == ICS
    assert m.validate_creditor_id("FR72ABC123456") == "FR72ABC123456"  # code not in the sum
    for bad in ("FR73ZZZ123456", "FR41ZZZ1234567", "FR72ZZZ", "", None):
        with pytest.raises(InvalidIdentifier) as err:
            m.validate_creditor_id(bad)
        assert err.value.field == "creditor_id"
    # FR41ZZZ1234567 has good check digits: only the French length refuses it
    with pytest.raises(InvalidIdentifier, match="13"):
        m.validate_creditor_id("FR41ZZZ1234567")


def test_iban_and_bic():
    assert m.validate_iban(IBAN) == "FR7630006000011234567890189"
    assert m.validate_bic("bnpafrpp") == "BNPAFRPP"
    for bad in ("FR7630006000011234567890188", "FR763000600001123456789018",
                "XX7630006000011234567890189"):
        with pytest.raises(InvalidIdentifier) as err:
            m.validate_iban(bad)
        assert err.value.field == "iban"
    for bad in ("BNPAFRP", "BNP1FRPP", "BNPAFRPPXX"):
        with pytest.raises(InvalidIdentifier) as err:
            m.validate_bic(bad)
        assert err.value.field == "bic"
    assert m.mask_iban(IBAN) == "FR76 **** **** **** **** ***0 189"


def test_make_mandate_checks_every_field():
    good = mandate()
    assert (good.iban, good.bic, good.creditor_id) == (
        "FR7630006000011234567890189", "BNPAFRPPXXX", ICS)
    assert mandate(bic=None).bic is None
    with pytest.raises(InvalidIdentifier):
        mandate(iban="FR7630006000011234567890188")
    with pytest.raises(InvalidIdentifier):
        mandate(bic="BNPAFRP")
    with pytest.raises(InputError):
        mandate(debtor_name="  ")
    with pytest.raises(InputError):
        mandate(last_collection=D(2022, 12, 1))


def test_unique_references():
    m.check_unique([mandate(), mandate(reference="ENC-2026-0002")])
    m.check_unique([mandate(), mandate(creditor_id="FR72ABC123456")])  # another creditor
    with pytest.raises(InputError) as err:
        m.check_unique([mandate(), mandate(iban="DE89370400440532013000")])
    assert err.value.record == "ENC-2026-0001"


def test_sequence_types():
    new = mandate()
    assert m.sequence_type(new, D(2023, 2, 5)) == "FRST"
    used = mandate(last_collection=D(2023, 2, 5))
    assert m.sequence_type(used, D(2023, 3, 6)) == "RCUR"
    assert m.sequence_type(used, D(2023, 3, 6), final=True) == "FNAL"
    once = mandate(recurrent=False)
    assert m.sequence_type(once, D(2023, 2, 5)) == "OOFF"
    with pytest.raises(m.MandateError, match="one-off"):
        m.sequence_type(mandate(recurrent=False, last_collection=D(2023, 2, 5)),
                        D(2023, 3, 6))
    with pytest.raises(m.MandateError, match="before the signature"):
        m.sequence_type(new, D(2023, 1, 14))
    revoked = mandate(last_collection=D(2023, 2, 5), revoked_on=D(2024, 6, 1))
    assert m.sequence_type(revoked, D(2024, 5, 31)) == "RCUR"
    with pytest.raises(m.MandateError, match="revoked"):
        m.sequence_type(revoked, D(2024, 6, 1))


def test_mandate_lapses_after_36_months_without_collection():
    used = mandate(last_collection=D(2023, 2, 5))
    assert used.lapses_on() == D(2026, 2, 5)
    assert m.sequence_type(used, D(2026, 2, 4)) == "RCUR"
    with pytest.raises(m.MandateError, match="lapsed"):
        m.sequence_type(used, D(2026, 2, 5))
    never_used = mandate(signed_on=D(2023, 3, 31))
    assert never_used.lapses_on() == D(2026, 3, 31)
    assert m.sequence_type(never_used, D(2026, 3, 30)) == "FRST"
    with pytest.raises(m.MandateError):
        m.sequence_type(never_used, D(2026, 3, 31))
