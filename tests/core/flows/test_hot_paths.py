"""The shortcuts of the hot paths (issue 9, Performance) give what the general code gives.

``values.prm`` returns a plain 14-digit text at once, ``common.register_texts`` spells its
shape key out and inlines the meter serial's stripping: each is checked here against the
general converter it stands for, on the inputs that take the shortcut and on those that
must not.
"""
from __future__ import annotations

import pytest

from enercoop_core.flows import values as v
from enercoop_core.flows.common import register_texts
from enercoop_core.flows.errors import FieldError
from enercoop_core.identifiers import prm as prm_id


@pytest.mark.parametrize("text", [
    "30001234567890", " 30001234567890 ", "30001234567890\n", 30001234567890,
    "3000123456789", "300012345678901", "\u0663" * 14, "3000123456789x", "", None,
])
def test_prm_shortcut_agrees_with_the_identifier_module(text):
    if prm_id.is_valid(text):
        assert v.prm(text, "PRM/Id_PRM") == prm_id.compact(text)
    else:
        with pytest.raises(FieldError) as caught:
            v.prm(text, "PRM/Id_PRM")
        assert caught.value.path == "PRM/Id_PRM"


def _register(**texts):
    base = {"Id_Classe_Temporelle": "HP", "Classe_Mesure": "1", "Unite_Mesure": "kWh",
            "Sens_Mesure": "0", "Valeur": "12"}
    base.update(texts)
    return {key: text for key, text in base.items() if text is not None}


@pytest.mark.parametrize("serial, expected", [
    ("021861348563", "021861348563"), (" 021861348563 ", "021861348563"), ("  ", None),
    ("", None), (None, None),
])
def test_register_meter_serial_is_stripped_or_none(serial, expected):
    assert register_texts(_register(Num_Serie=serial), "supplier")["meter_serial"] == expected


@pytest.mark.parametrize("value, expected", [
    ("12", 12), ("000000000000012", 12), (" 12 ", 12), ("1" * 20, int("1" * 20)),
    ("12.50", "12.50"), ("-3", -3),
])
def test_register_value_shortcut_agrees_with_number(value, expected):
    assert register_texts(_register(Valeur=value), "supplier")["value"] == expected
    assert v.number(value, "Valeur") == expected


def test_register_out_of_bounds_value_is_still_refused():
    with pytest.raises(FieldError) as caught:
        register_texts(_register(Valeur="9" * 4400), "supplier")
    assert caught.value.path == "Valeur"


def test_register_coefficient_and_previous_value_are_read_whatever_the_other_fields():
    # few fields and the optional ones: nothing is skipped for a short register
    got = register_texts(_register(Coefficient_Lecture="1.0", Valeur_Precedent="7"),
                         "distributor")
    assert (got["coefficient"], got["previous_value"], got["quantity"]) == ("1.0", 7, "index")
    # the same shape twice (memoised) gives equal but distinct dicts
    again = register_texts(_register(Coefficient_Lecture="1.0", Valeur_Precedent="7"),
                           "distributor")
    assert again == got and again is not got
    again["value"] = 0
    assert register_texts(_register(), "distributor")["value"] == 12
