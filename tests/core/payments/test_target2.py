"""TARGET2 business days (enercoop_core.payments.target2), dates worked by hand."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enercoop_core.payments import target2

D = dt.date


@pytest.mark.parametrize("year, sunday", [
    (2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)),
    (2027, D(2027, 3, 28)), (2038, D(2038, 4, 25)),  # the latest possible date
    (2285, D(2285, 3, 22)),  # the earliest possible date
])
def test_easter(year, sunday):
    assert target2.easter(year) == sunday


def test_closing_days_2027():
    # Easter 2027 is 28 March: Good Friday 26 March, Easter Monday 29 March.
    assert target2.closing_days(2027) == {
        D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 1),
        D(2027, 12, 25), D(2027, 12, 26)}


@pytest.mark.parametrize("day, open_", [
    (D(2027, 3, 25), True),    # Thursday before Easter
    (D(2027, 3, 26), False),   # Good Friday
    (D(2027, 3, 29), False),   # Easter Monday
    (D(2027, 3, 30), True),
    (D(2026, 7, 14), True),    # French national day: TARGET2 is open
    (D(2028, 5, 8), True),     # 8 May, a Monday: a French holiday, not a TARGET2 one
    (D(2027, 5, 1), False),    # a Saturday anyway
    (D(2028, 5, 1), False),    # Monday 1 May
    (D(2026, 12, 25), False),  # Friday
    (D(2026, 12, 28), True),
])
def test_is_business_day(day, open_):
    assert target2.is_business_day(day) is open_


def test_next_and_previous_business_days():
    assert target2.on_or_after(D(2027, 3, 26)) == D(2027, 3, 30)
    assert target2.on_or_after(D(2026, 12, 25)) == D(2026, 12, 28)
    assert target2.on_or_after(D(2027, 1, 1)) == D(2027, 1, 4)
    assert target2.on_or_after(D(2027, 3, 25)) == D(2027, 3, 25)
    assert target2.business_days_before(D(2027, 3, 30)) == D(2027, 3, 25)
    assert target2.business_days_before(D(2027, 1, 4)) == D(2026, 12, 31)
    assert target2.business_days_before(D(2027, 1, 4), 2) == D(2026, 12, 30)


@given(st.integers(min_value=1900, max_value=2400))
def test_easter_is_a_sunday_in_its_window(year):
    sunday = target2.easter(year)
    assert sunday.weekday() == 6
    assert D(year, 3, 22) <= sunday <= D(year, 4, 25)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)))
def test_moves_land_on_the_nearest_business_day(day):
    after = target2.on_or_after(day)
    assert target2.is_business_day(after) and day <= after <= day + dt.timedelta(days=4)
    assert all(not target2.is_business_day(day + dt.timedelta(days=n))
               for n in range((after - day).days))
    before = target2.business_days_before(day)
    assert target2.is_business_day(before) and before < day
    assert all(not target2.is_business_day(before + dt.timedelta(days=n))
               for n in range(1, (day - before).days))
