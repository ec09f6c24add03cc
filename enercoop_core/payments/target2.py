"""TARGET2 business days: the days on which a SEPA direct debit can be settled.

The closing days are data (``data/target2.json``, citing the ECB): Saturdays and Sundays,
fixed days (1 January, 1 May, 25 and 26 December) and days fixed relative to Easter Sunday
(Good Friday -2, Easter Monday +1). Easter is the Gregorian computus (:func:`easter`).
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Tuple

from enercoop_core.errors import InputError

DATA = Path(__file__).parent / "data" / "target2.json"

#: Scanning stops after this many days: no real calendar closes that long.
_MAX_SCAN_DAYS = 31


def easter(year: int) -> dt.date:
    """Easter Sunday of ``year`` in the Gregorian calendar (anonymous Gregorian algorithm,
    Meeus, *Astronomical Algorithms*, ch. 8); e.g. 28 March 2027, 20 April 2025."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=1)
def _rule() -> Tuple[Tuple[Tuple[int, int], ...], Tuple[int, ...], bool]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    if not data.get("source"):
        raise InputError("missing value", file=DATA.name, field="source")
    try:
        fixed = tuple((int(row["month"]), int(row["day"])) for row in data["fixed"])
        offsets = tuple(int(row["days"]) for row in data["easter_offsets"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError("bad closing day: %s" % exc, file=DATA.name) from exc
    return fixed, offsets, bool(data.get("weekend_closed", True))


@lru_cache(maxsize=256)
def closing_days(year: int) -> FrozenSet[dt.date]:
    """The TARGET2 closing days of ``year`` other than weekends."""
    fixed, offsets, _weekend = _rule()
    sunday = easter(year)
    return frozenset([dt.date(year, month, day) for month, day in fixed]
                     + [sunday + dt.timedelta(days=n) for n in offsets])


def is_business_day(day: dt.date) -> bool:
    """True if TARGET2 is open on ``day``."""
    weekend = _rule()[2]
    if weekend and day.weekday() >= 5:
        return False
    return day not in closing_days(day.year)


def _scan(day: dt.date, step: int) -> dt.date:
    for _ in range(_MAX_SCAN_DAYS):
        if is_business_day(day):
            return day
        day += dt.timedelta(days=step)
    raise InputError("no TARGET2 business day within %d days of %s" % (_MAX_SCAN_DAYS, day),
                     file=DATA.name)


def on_or_after(day: dt.date) -> dt.date:
    """``day`` if TARGET2 is open then, else the next business day."""
    return _scan(day, 1)


def business_days_before(day: dt.date, count: int = 1) -> dt.date:
    """The business day ``count`` TARGET2 business days before ``day`` (``count`` >= 1);
    ``day`` itself need not be a business day."""
    for _ in range(count):
        day = _scan(day - dt.timedelta(days=1), -1)
    return day
