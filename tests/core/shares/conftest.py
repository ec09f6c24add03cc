"""Small hand-written statutes and helpers shared by the shares tests."""
import copy
import datetime as dt
from decimal import Decimal

import pytest

from enercoop_core.shares.ledger import Ledger
from enercoop_core.shares.members import Member
from enercoop_core.shares.operations import CapitalRelease, Subscription
from enercoop_core.shares.statutes import load_statutes

D = dt.date
FIRST_DAY = D(2021, 1, 4)  # the day of the test ledgers' first entries

# Three colleges weighted 50/30/20; class A 100 EUR (2..50 per member, any college),
# class B 250 EUR (1..10, producers only); capital floor 1000 EUR or 1/2 of the highest.
BASE = {
    "name": "test statutes",
    "adopted_on": "2020-01-01",
    "colleges": [
        {"code": "consumers", "label": "Consumers", "weight_pct": "50"},
        {"code": "producers", "label": "Producers", "weight_pct": "30"},
        {"code": "employees", "label": "Employees", "weight_pct": "20"},
    ],
    "share_classes": [
        {"code": "A", "label": "A shares", "min_per_member": 2, "max_per_member": 50,
         "nominal_values": [
             {"valid_from": "2020-01-01", "valid_to": "2024-01-01", "value_eur": "100.00"},
             {"valid_from": "2024-01-01", "value_eur": "120.00"}]},
        {"code": "B", "label": "B shares", "min_per_member": 1, "max_per_member": 10,
         "colleges": ["producers"],
         "nominal_values": [{"valid_from": "2020-01-01", "value_eur": "250.00"}]},
    ],
    "capital_floor_eur": "1000.00",
    "capital_floor_fraction_of_highest": "0.5",
    "refund_delay_months": 12,
    "proxy_limit": 2,
    "assemblies": {
        "ordinary": {"quorum_first": "1/4", "quorum_second": "0", "majority": "1/2",
                     "majority_strict": True},
        "extraordinary": {"quorum_first": "1/3", "quorum_second": "1/5", "majority": "2/3",
                          "majority_strict": False},
    },
}


def statutes_dict(**overrides):
    data = copy.deepcopy(BASE)
    data.update(overrides)
    return data


@pytest.fixture
def statutes():
    return load_statutes(statutes_dict())


def join(number, quantity, college="consumers", day=FIRST_DAY, share_class="A",
         name=None, kind="person", representative=""):
    """Subscription admitting member ``number``."""
    member = Member(number, name or "Member %d" % number, kind, representative)
    return Subscription(day, number, share_class, quantity, new_member=member, college=college)


def paid(number, amount, day=FIRST_DAY, share_class="A"):
    return CapitalRelease(day, number, share_class, Decimal(amount))


def founded(statutes, members=((1, 20, "consumers"), (2, 10, "producers"),
                               (3, 5, "employees"))):
    """A ledger where each (number, A shares, college) joined and paid on 2021-01-04."""
    ops = []
    for number, quantity, college in members:
        ops.append(join(number, quantity, college))
        ops.append(paid(number, "%d.00" % (quantity * 100)))
    return Ledger(statutes, ops)
