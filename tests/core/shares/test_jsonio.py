import json
from decimal import Decimal

import pytest

from enercoop_core.errors import InputError
from enercoop_core.shares.errors import BelowMinimumError
from enercoop_core.shares.jsonio import (
    assembly_from_dict, ledger_from_dict, load_ledger, operation_from_dict)
from enercoop_core.shares.operations import Redemption, Subscription, Transfer

from .conftest import D, statutes_dict

ENTRIES = [
    {"op": "subscription", "date": "2021-01-04", "member": 1, "class": "A", "quantity": 20,
     "new_member": {"name": "Alice"}, "college": "consumers", "ref": "S1"},
    {"op": "release", "date": "2021-01-04", "member": 1, "class": "A", "amount_eur": "2000.00"},
    {"op": "transfer", "date": "2021-02-01", "member": 1, "class": "A", "quantity": 4,
     "new_member": {"name": "SCI Vent", "kind": "legal_entity", "representative": "Anne"},
     "college": "producers"},
    {"op": "conversion", "date": "2021-03-01", "member": 2, "from_class": "A",
     "to_class": "A", "quantity": 1},
]


def test_operations_from_dicts():
    op = operation_from_dict(ENTRIES[0])
    assert op == Subscription(D(2021, 1, 4), 1, "A", 20, new_member=op.new_member,
                              college="consumers", ref="S1")
    # a new member without a number gets the next free one
    op = operation_from_dict(ENTRIES[2], issued=(1, 5))
    assert isinstance(op, Transfer) and op.to_member == 6 and op.new_member.number == 6
    assert op.new_member.representative == "Anne"
    op = operation_from_dict({"op": "redemption", "date": "2022-01-01", "member": 3,
                              "class": "A", "quantity": 2, "leaving": True,
                              "deduction_eur": "1.50"})
    assert op == Redemption(D(2022, 1, 1), 3, "A", 2, leaving=True,
                            deduction_eur=Decimal("1.50"))


@pytest.mark.parametrize("entry, field", [
    ({"op": "swap", "date": "2021-01-01"}, "op"),
    ({"op": "release", "date": "2021-13-01", "member": 1, "class": "A", "amount_eur": "1"},
     "date"),
    ({"op": "release", "date": "2021-01-01", "member": "one", "class": "A",
      "amount_eur": "1"}, "member"),
    ({"op": "release", "date": "2021-01-01", "member": 1, "class": "A", "amount_eur": "x"},
     "amount_eur"),
    ({"op": "redemption", "date": "2021-01-01", "member": 1, "class": "A"}, "quantity"),
    ({"op": "subscription", "date": "2021-01-01", "member": 1, "class": "A", "quantity": 2,
      "new_member": {"name": "X", "kind": "legal_entity"}, "college": "consumers"},
     "legal_entity_representative"),
])
def test_bad_entries_name_the_field(entry, field):
    with pytest.raises(InputError) as info:
        operation_from_dict(entry, file="l.json", record="entries[3]")
    assert info.value.field == field and info.value.file == "l.json"


def test_ledger_file_and_rule_errors_name_the_entry(tmp_path):
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps({"statutes": statutes_dict(), "entries": ENTRIES[:3]}))
    ledger = load_ledger(path)
    assert ledger.member_holdings(2) == {"A": 4}
    bad = ENTRIES[:2] + [{"op": "redemption", "date": "2021-02-01", "member": 1,
                          "class": "A", "quantity": 19}]
    with pytest.raises(BelowMinimumError) as info:
        ledger_from_dict({"statutes": statutes_dict(), "entries": bad}, file="l.json")
    assert "l.json entries[2]: redemption #3 on 2021-02-01" in str(info.value)
    with pytest.raises(InputError):
        load_ledger(tmp_path / "missing.json")


def test_statutes_by_path_and_default(tmp_path):
    (tmp_path / "statutes.json").write_text(json.dumps(statutes_dict(proxy_limit=7)))
    ledger = ledger_from_dict({"statutes": "statutes.json", "entries": []}, base=tmp_path)
    assert ledger.statutes.proxy_limit == 7
    assert ledger_from_dict({"entries": []}).statutes.proxy_limit == 5  # shipped default


def test_assembly_from_dict(tmp_path):
    (tmp_path / "ledger.json").write_text(json.dumps({"statutes": statutes_dict(),
                                                       "entries": ENTRIES[:3]}))
    parsed = assembly_from_dict({
        "ledger": "ledger.json", "date": "2021-06-01", "present": [1],
        "proxies": [{"from": 2, "to": 1}],
        "resolutions": [{"title": "Accounts", "votes": {"1": "yes", "2": "no"}}]},
        base=tmp_path)
    assert parsed["assembly"].kind == "ordinary" and parsed["proxies"][0].holder == 1
    resolution, ballots = parsed["resolutions"][0]
    assert (resolution.code, ballots) == ("1", {1: "yes", 2: "no"})
    with pytest.raises(InputError) as info:
        assembly_from_dict({"ledger": {"entries": []}, "date": "2021-06-01",
                            "present": ["one"]})
    assert info.value.field == "present"
