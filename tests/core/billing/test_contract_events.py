from __future__ import annotations

import pytest

from enercoop_core.billing.contract_events import (ACTIVATE, TERMINATE, UPDATE,
                                                   contract_effect)


@pytest.mark.parametrize("code,effect", [
    ("MES", ACTIVATE), ("CFNE", ACTIVATE), ("PMES", ACTIVATE),
    ("RES", TERMINATE), ("CFNS", TERMINATE),
    ("MCT", UPDATE), (" mct ", UPDATE),
])
def test_known_codes(code, effect):
    assert contract_effect(code) == effect


@pytest.mark.parametrize("code", [None, "", "AUTRE", "COU"])
def test_other_codes_have_no_effect(code):
    assert contract_effect(code) is None
