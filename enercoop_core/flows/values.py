"""Converters from the text of an Enedis element to normalised values.

Conventions:

- Instants are returned as ISO 8601 strings in Europe/Paris civil time *with* the UTC
  offset (``2025-03-01T00:00:00+01:00``). A time stamp written without an offset is read
  as Europe/Paris civil time; a date alone (``xs:date``) is the local midnight opening it.
- ``utc_seconds`` gives int seconds since 1970-01-01T00:00:00Z.
- Integers stay ``int``; other numbers are exact decimal strings (``"12.50"``), never float.

Every converter raises :class:`~enercoop_core.flows.errors.FieldError` naming the path.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Optional, Tuple

from enercoop_core.flows.errors import FieldError

try:
    from zoneinfo import ZoneInfo
except ImportError:  # Python < 3.9
    from backports.zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

_DATETIME = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?\s*$")
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
_PRM = re.compile(r"^\d{14}$")


def _parse(text: str, fold: int = 0) -> Tuple[datetime, bool]:
    """Parse an xs:date / xs:dateTime text; returns (aware datetime, had_offset)."""
    match = _DATETIME.match(text)
    if not match:
        raise ValueError("not a date or date-time: %r" % text)
    year, month, day, hour, minute, second, frac, offset = match.groups()
    extra_day = False
    hour = int(hour or 0)
    if hour == 24:  # xs:dateTime allows 24:00:00, the end of the day
        if int(minute or 0) or int(second or 0):
            raise ValueError("invalid time 24:%s" % minute)
        hour, extra_day = 0, True
    micro = int(round(float(frac) * 1e6)) if frac else 0
    if offset is None:
        tz = PARIS
    elif offset == "Z":
        tz = timezone.utc
    else:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    value = datetime(int(year), int(month), int(day), hour, int(minute or 0),
                     int(second or 0), micro, tzinfo=tz, fold=fold)
    if extra_day:
        value = value + timedelta(days=1)
    return value, offset is not None


@lru_cache(maxsize=65536)
def _iso(text: str) -> str:
    value, had_offset = _parse(text)
    if had_offset:
        value = value.astimezone(PARIS)
    return value.isoformat()


@lru_cache(maxsize=65536)
def _utc(text: str, fold: int) -> Tuple[int, bool]:
    value, had_offset = _parse(text, fold)
    delta = value - _EPOCH
    return delta.days * 86400 + delta.seconds, had_offset


def iso_instant(text: Optional[str], path: str) -> str:
    """xs:date or xs:dateTime text -> ISO 8601 in Europe/Paris with offset."""
    if text is None or not text.strip():
        raise FieldError(path, "missing date")
    try:
        return _iso(text.strip())
    except ValueError as exc:
        raise FieldError(path, str(exc))


def optional_iso(text: Optional[str], path: str) -> Optional[str]:
    """Like :func:`iso_instant` but ``None`` for an absent or empty element."""
    if text is None or not text.strip():
        return None
    return iso_instant(text, path)


def utc_seconds(text: Optional[str], path: str, fold: int = 0) -> Tuple[int, bool]:
    """Date-time text -> (int seconds since the Unix epoch UTC, text had an offset).

    ``fold=1`` picks the second occurrence of an ambiguous local time (the repeated
    hour of the autumn DST change) when the text has no offset.
    """
    if text is None:
        raise FieldError(path, "missing time stamp")
    try:
        return _utc(text.strip(), fold)
    except ValueError as exc:
        raise FieldError(path, str(exc))


def integer(text: Optional[str], path: str) -> int:
    """xs:integer text -> int."""
    if text is None or not _INTEGER.match(text):
        raise FieldError(path, "not an integer: %r" % (text,))
    return int(text)


def optional_integer(text: Optional[str], path: str) -> Optional[int]:
    if text is None or not text.strip():
        return None
    return integer(text, path)


def decimal_text(text: Optional[str], path: str) -> str:
    """xs:decimal text -> exact decimal string as written (``"1.50"``), no exponent."""
    if text is None or not text.strip():
        raise FieldError(path, "missing number")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise FieldError(path, "not a decimal number: %r" % text)
    if not value.is_finite():
        raise FieldError(path, "not a finite number: %r" % text)
    return format(value, "f")


def optional_decimal(text: Optional[str], path: str) -> Optional[str]:
    if text is None or not text.strip():
        return None
    return decimal_text(text, path)


def number(text: Optional[str], path: str):
    """A measured value: ``int`` when integral as written, else an exact decimal string."""
    if text is not None and _INTEGER.match(text):
        return int(text)
    return decimal_text(text, path)


def prm(text: Optional[str], path: str) -> str:
    """A delivery point identifier: exactly 14 digits."""
    value = (text or "").strip()
    if not _PRM.match(value):
        raise FieldError(path, "PRM must be 14 digits, got %r" % (text,))
    return value


def required(text: Optional[str], path: str) -> str:
    """A required text element (stripped, not empty)."""
    if text is None or not text.strip():
        raise FieldError(path, "missing required element")
    return text.strip()


def optional(text: Optional[str]) -> Optional[str]:
    if text is None:
        return None
    text = text.strip()
    return text or None
