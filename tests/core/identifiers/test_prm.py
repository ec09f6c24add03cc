"""PRM: compact / validate / is_valid / format, in the python-stdnum manner."""
from __future__ import annotations

import doctest

import pytest

from enercoop_core.errors import InputError
from enercoop_core.identifiers import InvalidIdentifier, prm


def test_doctests():
    assert doctest.testmod(prm).failed == 0


def test_valid_prm_is_returned_compact():
    assert prm.validate("30001234567890") == "30001234567890"
    assert prm.validate(" 30001234567890\n") == "30001234567890"
    assert prm.validate(30001234567890) == "30001234567890"
    assert prm.format(" 30001234567890 ") == "30001234567890"
    assert prm.compact(None) == ""


@pytest.mark.parametrize("number", [
    "", None, "3000123456789", "300012345678901", "3000123456789A", "30001 234567890",
    "١٢٣٤٥٦٧٨٩٠١٢٣٤",  # 14 Arabic-Indic digits: digits, but not an Enedis PRM
    "+3000123456789", "3000123456789.0"])
def test_invalid_prm(number):
    assert not prm.is_valid(number)
    with pytest.raises(InvalidIdentifier) as caught:
        prm.validate(number)
    error = caught.value
    assert isinstance(error, InputError) and isinstance(error, ValueError)
    assert error.field == "prm"
    assert error.value == prm.compact(number)
    assert repr(prm.compact(number)) in str(error)
    with pytest.raises(InvalidIdentifier):
        prm.format(number)


def test_flows_values_keep_their_message_on_the_same_rule():
    from enercoop_core.flows.errors import FieldError
    from enercoop_core.flows.values import prm as flow_prm
    assert flow_prm(" 30001234567890 ", "PRM") == "30001234567890"
    with pytest.raises(FieldError, match="PRM must be 14 digits"):
        flow_prm("3000123456789", "PRM")


def test_billing_inputs_use_the_same_rule():
    from enercoop_core.billing.io import contract_from_dict
    from enercoop_core.billing.readings import from_record
    raw = {"contract_id": "C1", "prm": "3000123456789", "fta": "BTINFCUST", "kva": 6,
           "offer": "BASE", "start": "2025-01-01"}
    with pytest.raises(InputError, match="PRM must have 14 digits") as caught:
        contract_from_dict(raw, "contracts.csv", "2")
    assert (caught.value.file, caught.value.record, caught.value.field) == (
        "contracts.csv", "2", "prm")
    with pytest.raises(InputError, match="PRM must have 14 digits"):
        from_record({"family": "index_reading", "key": "k", "prm": "3000123456789A",
                     "date": "2025-01-01", "registers": []})
