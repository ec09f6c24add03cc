"""The time-class vocabulary: names, codes, schemes, sub-classes and the HP/HC derivation."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from enercoop_core import timeclasses as tc
from enercoop_core.billing.consumption import derive
from enercoop_core.errors import InputError
from enercoop_core.tariffs.calendar import PARIS, time_class, time_classes


def test_codes_are_the_positions_in_class_names():
    assert tc.CLASS_NAMES == ("BASE", "HP", "HC", "HPH", "HCH", "HPB", "HCB")
    assert [tc.CODE[name] for name in tc.CLASS_NAMES] == list(range(7))


def test_every_scheme_lists_its_classes_in_code_order():
    assert set(tc.SCHEMES) == set(tc.SCHEME_CLASSES)
    for scheme, names in tc.SCHEME_CLASSES.items():
        assert list(names) == sorted(names, key=tc.CODE.get)
        assert all(tc.SCHEME_OF[n] == scheme for n in names)
    assert sorted(n for names in tc.SCHEME_CLASSES.values() for n in names) == sorted(
        tc.CLASS_NAMES)


@pytest.mark.parametrize("sub, whole, high", [
    ("HPH", "HP", True), ("HCH", "HC", True), ("HPB", "HP", False), ("HCB", "HC", False)])
def test_sub_classes_parent_and_season(sub, whole, high):
    assert tc.parent(sub) == whole
    assert tc.seasonal(whole, high) == sub
    assert tc.season_of(sub) is high
    assert sub in tc.SUB_CLASSES[whole]


@pytest.mark.parametrize("name", ["BASE", "HP", "HC", "HPE", None])
def test_classes_found_all_year_have_no_parent_nor_season(name):
    assert tc.parent(name) is None
    assert tc.season_of(name) is None


def test_scheme_of_a_set_of_classes():
    assert tc.scheme_of(["HC", "HP"]) == "2"
    assert tc.scheme_of(["HCB"]) == "4"
    assert tc.scheme_of([]) == "1"
    with pytest.raises(InputError, match="mixed time classes"):
        tc.scheme_of(["HP", "HPH"])


def test_ordered_puts_known_classes_in_code_order_and_others_after():
    assert tc.ordered({"HCB", "PTE", "HPH", "BASE", "AAA"}) == ("BASE", "HPH", "HCB", "AAA",
                                                                  "PTE")


def test_derivation():
    assert tc.derivation(["HP", "HC"], tc.FOUR_CLASSES) == {"HP": ("HPH", "HPB"),
                                                             "HC": ("HCH", "HCB")}
    assert tc.derivation(["BASE"], ("HP", "HC")) == {"BASE": ("HP", "HC")}
    assert tc.derivation(["HC", "HP"], ("HP", "HC")) == {"HC": ("HC",), "HP": ("HP",)}
    with pytest.raises(InputError, match="cannot price time classes HPH, HCH, HPB, HCB "
                                         "from registers HP, HC"):
        tc.derivation(tc.FOUR_CLASSES, ("HP", "HC"))


def test_derive_adds_the_seasons_up():
    four = {"HPH": 10, "HCH": 20, "HPB": 300, "HCB": 4000}
    assert derive(four, ["HP", "HC"]) == {"HP": 310, "HC": 4020}
    assert derive(four, ["BASE"]) == {"BASE": 4330}


def test_vectorised_codes_name_the_same_class_as_the_scalar_calendar():
    # 2025-01-15 and 2025-07-15, at 03:00 (off-peak 02:00-07:00) and 12:00 Paris time
    instants = [dt.datetime(2025, m, 15, h, tzinfo=PARIS) for m in (1, 7) for h in (3, 12)]
    seconds = np.array([int(i.timestamp()) for i in instants], dtype=np.int64)
    for scheme in tc.SCHEMES:
        codes = time_classes(seconds, "02:00-07:00", scheme)
        assert [tc.CLASS_NAMES[c] for c in codes] == [
            time_class(i, "02:00-07:00", scheme) for i in instants]
    assert [tc.CLASS_NAMES[c] for c in time_classes(seconds, "02:00-07:00", "4")] == [
        "HCH", "HPH", "HCB", "HPB"]


def test_every_class_and_scheme_has_a_french_and_an_english_label():
    assert set(tc.LABELS) == set(tc.CLASS_NAMES)
    assert set(tc.SCHEME_LABELS) == set(tc.SCHEMES)
    assert tc.label("HCB", "fr_FR") == "Heures creuses saison basse"
    assert tc.label("HCB", "en_US") == "Off-peak hours, low season"
    assert tc.label("HP") == "Heures pleines"  # French by default
    assert tc.label("XYZ", "fr_FR") == "XYZ"
    assert tc.scheme_label("2", "de_DE") == "Peak / off-peak hours"
    with pytest.raises(InputError):
        tc.scheme_label("3")
