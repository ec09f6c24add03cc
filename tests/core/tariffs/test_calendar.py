import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from enercoop_core.tariffs.calendar import CLASS_NAMES, PARIS, time_class, time_classes

UTC = dt.timezone.utc


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def test_classes_by_season_and_ranges():
    assert time_class(paris(2025, 1, 15, 23, 0), "22:00-06:00") == "HCH"
    assert time_class(paris(2025, 1, 15, 7, 0), "22:00-06:00") == "HPH"
    assert time_class(paris(2025, 7, 15, 13, 0), "01:00-07:00;12:30-14:30") == "HCB"
    assert time_class(paris(2025, 7, 15, 14, 30), "01:00-07:00;12:30-14:30") == "HPB"
    assert time_class(paris(2025, 11, 1, 0, 0), "22:00-06:00", "2") == "HC"
    assert time_class(paris(2025, 11, 1, 12, 0), "", "1") == "BASE"


def test_dst_instant_judged_in_local_time():
    # 2025-03-30 01:30 UTC is 03:30 CEST (after the switch), peak for 22:00-03:00? no: off
    instant = dt.datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert time_class(instant, "02:00-03:00") == "HPH"  # 03:30 local is outside
    assert time_class(instant, "03:00-04:00") == "HCH"
    seconds = np.array([int(instant.timestamp())], dtype=np.int64)
    assert CLASS_NAMES[time_classes(seconds, "03:00-04:00")[0]] == "HCH"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=820454400, max_value=4102444799),
       st.sampled_from(["22:00-06:00", "01:00-07:00;12:30-14:30", "23:30-07:30", ""]),
       st.sampled_from(["1", "2", "4"]))
def test_vectorised_equals_zoneinfo(seconds, offpeak, scheme):
    instant = dt.datetime.fromtimestamp(seconds, tz=UTC)
    code = time_classes(np.array([seconds], dtype=np.int64), offpeak, scheme)[0]
    assert CLASS_NAMES[code] == time_class(instant, offpeak, scheme)
