import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from enercoop_core.errors import InputError
from enercoop_core.shares.errors import StatutesError
from enercoop_core.shares.statutes import add_months, default_statutes, load_statutes

from .conftest import statutes_dict

D = dt.date


def test_default_statutes_have_the_six_colleges():
    statutes = default_statutes()
    assert [c.code for c in statutes.colleges] == [
        "consumers", "producers", "founders", "partners", "employees", "local_authorities"]
    assert sum(c.weight_pct for c in statutes.colleges) == 100
    assert statutes.weighted
    assert statutes.share_class("A").nominal_on(D(2024, 1, 1)) == Decimal("100.00")
    assert statutes.assemblies["extraordinary"].majority == Fraction(2, 3)


def test_load_test_statutes(statutes):
    assert statutes.proxy_limit == 2
    assert statutes.assemblies["ordinary"].quorum("second") == 0
    assert statutes.share_class("B").colleges == frozenset({"producers"})
    with pytest.raises(StatutesError):
        statutes.assemblies["ordinary"].quorum("third")


def test_refund_due_date_adds_months_clipping_to_month_end(statutes):
    assert statutes.refund_due_date(D(2021, 6, 15)) == D(2022, 6, 15)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)
    assert add_months(D(2024, 3, 31), 0) == D(2024, 3, 31)


def test_unweighted_statutes():
    data = statutes_dict()
    for college in data["colleges"]:
        college.pop("weight_pct")
    assert not load_statutes(data).weighted


def test_bad_statutes_are_reported_with_record_and_field():
    data = statutes_dict()
    data["colleges"][0]["weight_pct"] = "fifty"
    with pytest.raises(InputError) as info:
        load_statutes(data, file="statutes.json")
    assert (info.value.file, info.value.record, info.value.field) == (
        "statutes.json", "colleges[0]", "weight_pct")
    data = statutes_dict()
    del data["share_classes"][1]["nominal_values"][0]["value_eur"]
    with pytest.raises(InputError) as info:
        load_statutes(data)
    assert info.value.record == "share_classes[1].nominal_values[0]"
    data = statutes_dict()
    data["colleges"][0]["weight_pct"] = "55"
    data["colleges"][2]["weight_pct"] = "15"
    with pytest.raises(StatutesError):
        load_statutes(data)
    data = statutes_dict()
    data["share_classes"][1]["colleges"] = ["pilots"]
    with pytest.raises(StatutesError):
        load_statutes(data)
    data = statutes_dict()
    del data["assemblies"]["extraordinary"]
    with pytest.raises(StatutesError):
        load_statutes(data)
