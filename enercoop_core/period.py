"""Billing periods given as text: a calendar month ``YYYY-MM`` or a range of days
``YYYY-MM-DD``; every period is returned as local dates ``(start, end)``, end exclusive.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional, Tuple

from enercoop_core.errors import InputError

__all__ = ["month", "day", "days", "resolve"]


def month(text: str, field: str = "--period") -> Tuple[dt.date, dt.date]:
    """``"2025-09"`` -> (2025-09-01, 2025-10-01); InputError naming ``field`` otherwise."""
    try:
        start = dt.datetime.strptime(text, "%Y-%m").date()
    except (TypeError, ValueError) as exc:
        raise InputError("period must be YYYY-MM, not %r" % text, field=field) from exc
    return start, dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def day(text: str, field: str) -> dt.date:
    """``"2025-09-17"`` -> that date; InputError naming ``field`` otherwise."""
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except (TypeError, ValueError) as exc:
        raise InputError("%s must be YYYY-MM-DD, not %r" % (field, text), field=field) from exc


def days(first: str, last: str, first_field: str = "--from",
         last_field: str = "--to") -> Tuple[dt.date, dt.date]:
    """The days ``first`` .. ``last`` (both included, YYYY-MM-DD) as ``(start, end)``."""
    start = day(first, first_field)
    end = day(last, last_field) + dt.timedelta(days=1)
    if not start < end:
        raise InputError("%s %s is before %s %s" % (last_field, last, first_field, first),
                         field=last_field)
    return start, end


def resolve(period: Optional[str], first: Optional[str], last: Optional[str],
            command: str = "enercoop bill") -> Tuple[dt.date, dt.date]:
    """``(start, end)`` from a month (``--period``) or from a range of days (``--from`` and
    ``--to``, both included): exactly one of the two must be given (``command`` names the
    command in the error)."""
    if period and (first or last):
        raise InputError("give either --period or --from/--to, not both", field="--period")
    if period:
        return month(period)
    if not (first and last):
        raise InputError("%s needs --period, or both --from and --to" % command,
                         field="--from" if not first else "--to")
    return days(first, last)
