"""Time classes of instants: off-peak ranges of a delivery point and TURPE seasons.

Civil time is Europe/Paris (CET/CEST). The high season (saison haute) is November to March;
off-peak hours are given as local ranges ``"22:00-06:00"`` or ``"01:00-07:00;12:30-14:30"``
(a range may cross midnight; start inclusive, end exclusive). Schemes:

- ``"4"``: HPH, HCH, HPB, HCB (H = high season, B = low season);
- ``"2"``: HP, HC;
- ``"1"``: BASE.

:func:`time_class` takes one aware datetime; :func:`time_classes` takes a numpy array of
UTC instants in int64 seconds since the epoch and returns class codes (indexes into
:data:`CLASS_NAMES`), computing the Paris offset from the EU summer-time rule (last Sunday of
March 01:00 UTC to last Sunday of October 01:00 UTC), identical to the tz database since 1996.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Optional, Tuple

import numpy as np

from enercoop_core.errors import InputError
from enercoop_core.timeclasses import BASE, CODE, HC, HP, HPH, season_of, seasonal
# The class names and their codes are defined in enercoop_core.timeclasses; CLASS_NAMES,
# scheme_of and SCHEMES are named here too for the importers (and tests) of calendar.
from enercoop_core.timeclasses import CLASS_NAMES, SCHEMES, scheme_of  # noqa: F401

try:
    from zoneinfo import ZoneInfo
except ImportError:  # Python < 3.9
    from backports.zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
HIGH_SEASON_MONTHS = (11, 12, 1, 2, 3)


@lru_cache(None)
def parse_offpeak(text: str) -> Tuple[Tuple[int, int], ...]:
    """``"22:00-06:00;12:30-14:30"`` -> ((1320, 360), (750, 870)) in minutes of the day."""
    ranges = []
    for part in (text or "").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        try:
            start, end = part.split("-")
            minutes = []
            for hhmm in (start, end):
                hours, mins = hhmm.strip().replace("h", ":").split(":")
                value = int(hours) * 60 + int(mins)
                if not 0 <= value <= 1440:
                    raise ValueError(hhmm)
                minutes.append(value % 1440)
        except ValueError as exc:
            raise InputError("bad off-peak range %r (expected HH:MM-HH:MM)" % part,
                             field="offpeak") from exc
        ranges.append((minutes[0], minutes[1]))
    return tuple(ranges)


def is_high_season(month: int) -> bool:
    return month in HIGH_SEASON_MONTHS


def season_days(time_class: Optional[str], start: dt.date, end: dt.date) -> int:
    """Days of local ``[start, end)`` on which ``time_class`` can be registered (the whole
    span for a class found all year)."""
    high = season_of(time_class)
    if high is None or not start < end:
        return max((end - start).days, 0)
    days, day = 0, start
    while day < end:  # month by month
        following = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        if is_high_season(day.month) == high:
            days += (min(end, following) - day).days
        day = following
    return days


def _offpeak_minute(minute: int, ranges) -> bool:
    for start, end in ranges:
        if start < end and start <= minute < end:
            return True
        if start > end and (minute >= start or minute < end):
            return True
    return False


def classify(local: dt.datetime, offpeak: str, scheme: str = "4") -> str:
    """Time class of a Paris local (naive or aware-in-Paris) wall-clock time."""
    if scheme == "1":
        return BASE
    off = _offpeak_minute(local.hour * 60 + local.minute, parse_offpeak(offpeak))
    if scheme == "2":
        return HC if off else HP
    if scheme != "4":
        raise InputError("unknown time-class scheme %r" % scheme, field="scheme")
    return seasonal(HC if off else HP, is_high_season(local.month))


def time_class(instant: dt.datetime, offpeak: str, scheme: str = "4") -> str:
    """Time class of an aware instant (any zone), judged in Europe/Paris civil time."""
    if instant.tzinfo is None:
        raise InputError("instant must be timezone-aware", field="instant")
    return classify(instant.astimezone(PARIS), offpeak, scheme)


@lru_cache(None)
def _dst_switches() -> np.ndarray:
    """UTC seconds of every summer-time start and end, 1996..2100, in order."""
    switches = []
    for year in range(1996, 2101):
        for month in (3, 10):
            last = dt.date(year, month, 31)
            last -= dt.timedelta(days=(last.weekday() + 1) % 7)  # back to Sunday
            moment = dt.datetime(last.year, last.month, last.day, 1, 0)
            switches.append(int((moment - dt.datetime(1970, 1, 1)).total_seconds()))
    return np.array(switches, dtype=np.int64)


def paris_offset_seconds(utc_seconds) -> np.ndarray:
    """UTC offset of Europe/Paris (3600 or 7200) for each UTC instant (1996..2100)."""
    utc_seconds = np.asarray(utc_seconds, dtype=np.int64)
    switches = _dst_switches()
    if utc_seconds.size and (utc_seconds.min() < switches[0] - 366 * 86400
                             or utc_seconds.max() >= switches[-1]):
        raise InputError("instants outside 1995..2100 are not supported", field="instant")
    summer = (np.searchsorted(switches, utc_seconds, side="right") % 2) == 1
    return np.where(summer, 7200, 3600).astype(np.int64)


def time_classes(utc_seconds, offpeak: str, scheme: str = "4") -> np.ndarray:
    """Vectorised :func:`time_class`: int8 codes into :data:`CLASS_NAMES`."""
    utc_seconds = np.asarray(utc_seconds, dtype=np.int64)
    local = utc_seconds + paris_offset_seconds(utc_seconds)
    if scheme == "1":
        return np.full(local.shape, CODE[BASE], dtype=np.int8)
    minute = (local % 86400) // 60
    off = np.zeros(local.shape, dtype=bool)
    for start, end in parse_offpeak(offpeak):
        if start < end:
            off |= (minute >= start) & (minute < end)
        elif start > end:
            off |= (minute >= start) | (minute < end)
    if scheme == "2":
        return np.where(off, CODE[HC], CODE[HP]).astype(np.int8)
    if scheme != "4":
        raise InputError("unknown time-class scheme %r" % scheme, field="scheme")
    days = local // 86400
    month = (days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12) + 1
    high = np.isin(month, HIGH_SEASON_MONTHS)
    # CLASS_NAMES codes: HPH, then HCH (+1 off-peak), HPB (+2 low season), HCB (+3)
    return (CODE[HPH] + off.astype(np.int64) + 2 * (~high).astype(np.int64)).astype(np.int8)
