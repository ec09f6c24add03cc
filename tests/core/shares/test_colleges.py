import datetime as dt
from decimal import Decimal

import pytest

from enercoop_core.errors import MissingRateError
from enercoop_core.shares.colleges import (
    College, CollegeHistory, validate_weights, weight_bounds)
from enercoop_core.shares.errors import StatutesError

D = dt.date


def colleges(*weights):
    return [College("c%d" % i, "C%d" % i, None if w is None else Decimal(w))
            for i, w in enumerate(weights)]


def test_legal_bounds_are_dated_data():
    bounds = weight_bounds(D(2024, 1, 1))
    assert (bounds.min_pct, bounds.max_pct) == (Decimal(10), Decimal(50))
    assert "19 octies" in bounds.source
    with pytest.raises(MissingRateError):
        weight_bounds(D(1990, 1, 1))


def test_weights_within_bounds_summing_to_100():
    validate_weights(colleges("50", "30", "20"), D(2024, 1, 1))
    validate_weights(colleges(None, None), D(2024, 1, 1))  # no weighting
    with pytest.raises(StatutesError) as info:
        validate_weights(colleges("60", "30", "10"), D(2024, 1, 1))
    assert info.value.rule == "college_weight_bounds" and "c0 weighs 60" in str(info.value)
    with pytest.raises(StatutesError) as info:
        validate_weights(colleges("50", "40", "5", "5"), D(2024, 1, 1))
    assert info.value.rule == "college_weight_bounds"
    with pytest.raises(StatutesError) as info:
        validate_weights(colleges("50", "30", "10"), D(2024, 1, 1))
    assert info.value.rule == "college_weights_sum"
    with pytest.raises(StatutesError):
        validate_weights(colleges("50", None), D(2024, 1, 1))


def test_college_history():
    history = CollegeHistory.starting("consumers", D(2020, 1, 1))
    history = history.changed("producers", D(2022, 7, 1))
    assert history.college_on(D(2022, 6, 30)) == "consumers"
    assert history.college_on(D(2022, 7, 1)) == "producers"
    assert history.current == "producers"
    assert history.periods[0].valid_to == D(2022, 7, 1)
    with pytest.raises(KeyError):
        history.college_on(D(2019, 12, 31))
    with pytest.raises(ValueError):
        history.changed("employees", D(2022, 7, 1))
