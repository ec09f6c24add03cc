import datetime as dt
from decimal import Decimal

import pytest

from enercoop_core.errors import MissingRateError
from enercoop_core.shares.classes import NominalValue, ShareClass
from enercoop_core.shares.errors import StatutesError

D = dt.date


def share_class(**kw):
    values = kw.pop("nominal_values", (
        NominalValue(D(2020, 1, 1), Decimal("100.00"), D(2024, 1, 1)),
        NominalValue(D(2024, 1, 1), Decimal("120.00"))))
    return ShareClass("A", "A shares", values, **kw)


def test_nominal_value_is_dated():
    cls = share_class()
    assert cls.nominal_on(D(2023, 12, 31)) == Decimal("100.00")
    assert cls.nominal_on(D(2024, 1, 1)) == Decimal("120.00")
    with pytest.raises(MissingRateError):
        cls.nominal_on(D(2019, 12, 31))


def test_allowed_colleges():
    assert share_class().allows("anyone")
    restricted = share_class(colleges=frozenset({"producers"}))
    assert restricted.allows("producers") and not restricted.allows("consumers")


@pytest.mark.parametrize("kw", [
    {"nominal_values": ()},
    {"nominal_values": (NominalValue(D(2020, 1, 1), Decimal("0")),)},
    {"nominal_values": (NominalValue(D(2020, 1, 1), Decimal("10.005")),)},
    {"nominal_values": (NominalValue(D(2020, 1, 1), Decimal("10")),
                        NominalValue(D(2021, 1, 1), Decimal("12")))},   # open row overlaps
    {"min_per_member": -1},
    {"min_per_member": 5, "max_per_member": 4},
])
def test_invalid_classes(kw):
    with pytest.raises(StatutesError):
        share_class(**kw)
