"""Converters from the text of an Enedis element to normalised values.

Conventions:

- Instants are returned as ISO 8601 strings in Europe/Paris civil time *with* the UTC
  offset (``2025-03-01T00:00:00+01:00``). A time stamp written without an offset is read
  as Europe/Paris civil time; a date alone (``xs:date``) is the local midnight opening it.
- ``utc_seconds`` gives int seconds since 1970-01-01T00:00:00Z.
- Integers stay ``int``; other numbers are exact decimal strings (``"12.50"``), never float.

Bounds (what no Enedis flow exceeds; beyond them a value is refused, not computed): a
number has at most :data:`MAX_DIGITS` significant digits and a decimal exponent within
+/- :data:`MAX_EXPONENT` (so ``1E999999999`` or 4,300-digit integers are a field error, not
a hang or a 1 GB string); a date lies in the years :data:`MIN_YEAR` to :data:`MAX_YEAR`.

Every converter raises :class:`~enercoop_core.flows.errors.FieldError` naming the path.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Optional, Tuple

from enercoop_core.flows.errors import FieldError
from enercoop_core.identifiers import prm as prm_id

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

#: Significant digits of a number, at most (Enedis XSDs: totalDigits 15 to 20).
MAX_DIGITS = 24
#: Largest decimal exponent magnitude of a number (positive or negative).
MAX_EXPONENT = 24
#: Longest text read as a number (digits, sign, point, exponent and spaces).
MAX_NUMBER_TEXT = 64
#: Years a date may lie in.
MIN_YEAR, MAX_YEAR = 1900, 2199


def _parse(text: str, fold: int = 0) -> Tuple[datetime, bool]:
    """Parse an xs:date / xs:dateTime text; returns (aware datetime, had_offset)."""
    match = _DATETIME.match(text)
    if not match:
        raise ValueError("not a date or date-time: %r" % text)
    year, month, day, hour, minute, second, frac, offset = match.groups()
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise ValueError("date out of range (years %d to %d): %r" % (MIN_YEAR, MAX_YEAR, text))
    extra_day = False
    hour = int(hour or 0)
    if hour == 24:  # xs:dateTime allows 24:00:00, the end of the day
        if int(minute or 0) or int(second or 0):
            raise ValueError("invalid time 24:%s" % minute)
        hour, extra_day = 0, True
    micro = min(int(round(float(frac[:10]) * 1e6)), 999999) if frac else 0
    if offset is None:
        tz = PARIS
    elif offset == "Z":
        tz = timezone.utc
    else:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 14 or minutes > 59:
            raise ValueError("UTC offset out of range: %r" % text)
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
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
    if len(text) > MAX_NUMBER_TEXT:
        raise FieldError(path, "not a date or date-time: %s" % _show(text))
    try:
        return _iso(text.strip())
    except (ValueError, OverflowError) as exc:
        raise FieldError(path, _date_error(exc, text)) from None


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
    if len(text) > MAX_NUMBER_TEXT:
        raise FieldError(path, "not a date or date-time: %s" % _show(text))
    try:
        return _utc(text.strip(), fold)
    except (ValueError, OverflowError) as exc:
        raise FieldError(path, _date_error(exc, text)) from None


def _date_error(exc: Exception, text: str) -> str:
    if isinstance(exc, OverflowError):
        return "date out of range: %s" % _show(text)
    return str(exc)


def integer(text: Optional[str], path: str) -> int:
    """xs:integer text -> int (at most :data:`MAX_DIGITS` digits)."""
    if text is None or len(text) > MAX_NUMBER_TEXT or not _INTEGER.match(text):
        raise FieldError(path, "not an integer: %s" % _show(text))
    value = int(text)
    if len(str(abs(value))) > MAX_DIGITS:
        raise FieldError(path, "integer out of range (more than %d digits): %s"
                         % (MAX_DIGITS, _show(text)))
    return value


def bounded_integer(text: Optional[str], path: str, low: int, high: int) -> int:
    """xs:integer text -> int within ``low``..``high`` (FieldError otherwise)."""
    value = integer(text, path)
    if not low <= value <= high:
        raise FieldError(path, "%d is out of range (%d to %d)" % (value, low, high))
    return value


def _show(text: Optional[str]) -> str:
    """A value for a message: repr, cut to 40 characters (a field may be megabytes)."""
    if text is None:
        return "None"
    if len(text) > 40:
        return "%r... (%d characters)" % (text[:40], len(text))
    return repr(text)


def optional_integer(text: Optional[str], path: str) -> Optional[int]:
    if text is None or not text.strip():
        return None
    return integer(text, path)


def decimal_text(text: Optional[str], path: str) -> str:
    """xs:decimal text -> exact decimal string as written (``"1.50"``), no exponent."""
    if text is None or not text.strip():
        raise FieldError(path, "missing number")
    if len(text) > MAX_NUMBER_TEXT:
        raise FieldError(path, "not a decimal number: %s" % _show(text))
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        raise FieldError(path, "not a decimal number: %s" % _show(text)) from None
    if not value.is_finite():
        raise FieldError(path, "not a finite number: %s" % _show(text))
    sign, digits, exponent = value.as_tuple()
    if (len(digits) > MAX_DIGITS or abs(exponent) > MAX_EXPONENT or
            abs(value.adjusted()) > MAX_EXPONENT):
        raise FieldError(path, "number out of range (at most %d digits, exponent within "
                               "+/-%d): %s" % (MAX_DIGITS, MAX_EXPONENT, _show(text)))
    return format(value, "f")


def optional_decimal(text: Optional[str], path: str) -> Optional[str]:
    if text is None or not text.strip():
        return None
    return decimal_text(text, path)


def number(text: Optional[str], path: str):
    """A measured value: ``int`` when integral as written, else an exact decimal string."""
    if text is not None and len(text) <= MAX_NUMBER_TEXT and _INTEGER.match(text):
        return integer(text, path)
    return decimal_text(text, path)


def power_number(text: str):
    """A checked decimal string (:func:`decimal_text`) -> int when integral, else float:
    a power in kVA (never money)."""
    value = float(text)
    return int(value) if value.is_integer() else value


def prm(text: Optional[str], path: str) -> str:
    """A delivery point identifier: exactly 14 digits (:mod:`enercoop_core.identifiers.prm`)."""
    if text.__class__ is str and len(text) == 14 and text.isdigit() and text.isascii():
        return text  # already compact and valid: the case of every record (hot path)
    if not prm_id.is_valid(text):
        raise FieldError(path, "PRM must be 14 digits, got %s" % _show(text))
    return prm_id.compact(text)


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
