"""Billing periods as text: a month, a range of days."""
from __future__ import annotations

import datetime as dt

import pytest

from enercoop_core import period
from enercoop_core.errors import InputError

D = dt.date


@pytest.mark.parametrize("text, start, end", [
    ("2025-09", D(2025, 9, 1), D(2025, 10, 1)),
    ("2025-12", D(2025, 12, 1), D(2026, 1, 1)),
    ("2024-02", D(2024, 2, 1), D(2024, 3, 1)),
])
def test_month(text, start, end):
    assert period.month(text) == (start, end)


@pytest.mark.parametrize("text", ["2025-13", "2025", "2025-09-01", "", None, "sept"])
def test_bad_month_names_the_field(text):
    with pytest.raises(InputError, match="period must be YYYY-MM") as caught:
        period.month(text, field="period")
    assert caught.value.field == "period"


def test_days_include_both_ends():
    assert period.days("2025-09-01", "2025-10-17") == (D(2025, 9, 1), D(2025, 10, 18))
    assert period.days("2025-09-17", "2025-09-17") == (D(2025, 9, 17), D(2025, 9, 18))
    with pytest.raises(InputError, match="--to 2025-09-16 is before --from 2025-09-17"):
        period.days("2025-09-17", "2025-09-16")
    with pytest.raises(InputError, match="--from must be YYYY-MM-DD") as caught:
        period.days("2025-09-31", "2025-10-01")
    assert caught.value.field == "--from"


def test_resolve_takes_a_month_or_a_range_never_both():
    assert period.resolve("2025-09", None, None) == (D(2025, 9, 1), D(2025, 10, 1))
    assert period.resolve(None, "2025-09-01", "2025-09-30") == (D(2025, 9, 1), D(2025, 10, 1))
    with pytest.raises(InputError, match="not both"):
        period.resolve("2025-09", "2025-09-01", None)
    with pytest.raises(InputError, match="enercoop bill needs --period") as caught:
        period.resolve(None, "2025-09-01", None)
    assert caught.value.field == "--to"
