"""Exceptions shared by every part of the core.

Each error names where the problem is: the file, the record and the field, so that the
CLI can print it and the Odoo addons can show it to the user as it is.
"""
from __future__ import annotations

from typing import Optional


class EnercoopError(Exception):
    """Base class of every error raised by enercoop_core."""


class InputError(EnercoopError):
    """Bad input: names the file, the record and the field (each optional)."""

    def __init__(self, message: str, file: Optional[str] = None,
                 record: Optional[str] = None, field: Optional[str] = None):
        self.message = message
        self.file = file
        self.record = record
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [part for part in (
            self.file,
            "record %s" % self.record if self.record else None,
            "field %s" % self.field if self.field else None,
        ) if part]
        return "%s: %s" % (", ".join(where), self.message) if where else self.message


class MissingRateError(EnercoopError):
    """No row of a dated rate table covers the requested date (never read as zero)."""

    def __init__(self, table: str, date, detail: str = ""):
        self.table = table
        self.date = date
        super().__init__("no rate in table %r for %s%s" % (
            table, date, (" (%s)" % detail) if detail else ""))
