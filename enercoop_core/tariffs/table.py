"""Generic dated rate table: rows valid on ``[valid_from, valid_to)``, looked up by day and keys.

A table is a CSV file with the columns ``valid_from`` (ISO date, inclusive), ``valid_to``
(ISO date, exclusive, empty = open-ended), one column per key, value columns, ``source``
(the official text the figures were read in) and ``status`` (how far it is confirmed: ``P``
primary, ``P*`` primary text read in a copy, ``S`` secondary only, ...). A date no row covers
is a :class:`~enercoop_core.errors.MissingRateError` naming the table and the date, never a
zero. Tables are loaded once (:func:`load_table` is cached per path).
"""
from __future__ import annotations

import bisect
import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

from enercoop_core.errors import InputError, MissingRateError

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class RateRow:
    """One row of a rate table; ``values`` keeps the figures as text (Decimal-exact)."""

    table: str
    line: int
    valid_from: dt.date
    valid_to: Optional[dt.date]
    keys: Tuple[str, ...]
    values: Mapping[str, str] = field(hash=False, compare=False)
    source: str = ""
    status: str = ""

    @property
    def ref(self) -> str:
        """Short reference ``table:line`` (line number in the CSV file, header = 1)."""
        return "%s:%d" % (self.table, self.line)

    @property
    def citation(self) -> str:
        """Reference, validity, official source and confirmation status, for a bill line."""
        return "%s (%s..%s) %s [%s]" % (
            self.ref, self.valid_from, self.valid_to or "", self.source, self.status)

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def parse_date(text: str, table: str = "", line: int = 0, field_name: str = "") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError) as exc:
        raise InputError("not an ISO date: %r" % (text,), file=table,
                         record=str(line) if line else None, field=field_name) from exc


#: Figure columns of the shipped and user tables; a value there must be a decimal number.
NUMERIC_COLUMNS = ("value", "rate_percent", "eur_per_mwh", "coefficient")


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


class RateTable:
    """Rows keyed by ``key_fields``; for each key the rows must not overlap in time."""

    def __init__(self, name: str, key_fields: Sequence[str], rows: Iterable[RateRow]):
        self.name = name
        self.key_fields = tuple(key_fields)
        self._by_key = {}  # type: Dict[Tuple[str, ...], List[RateRow]]
        for row in rows:
            self._by_key.setdefault(row.keys, []).append(row)
        for key, key_rows in self._by_key.items():
            key_rows.sort(key=lambda r: r.valid_from)
            for before, after in zip(key_rows, key_rows[1:]):
                if before.valid_to is None or before.valid_to > after.valid_from:
                    raise InputError("rows overlap for %s" % (dict(zip(self.key_fields, key)),),
                                     file=self.name, record=str(after.line), field="valid_from")
        self._starts = {k: [r.valid_from for r in v] for k, v in self._by_key.items()}
        self._days = sorted({day for key_rows in self._by_key.values() for row in key_rows
                             for day in (row.valid_from, row.valid_to) if day is not None})

    @classmethod
    def from_csv(cls, path, key_fields: Sequence[str], name: Optional[str] = None) -> RateTable:
        path = Path(path)
        name = name or path.name
        try:
            return cls._read_csv(path, key_fields, name)
        except OSError as exc:
            raise InputError("cannot read the file: %s" % (exc.strerror or exc),
                             file=str(path)) from exc
        except UnicodeDecodeError as exc:
            raise InputError("not UTF-8 text (byte %d)" % exc.start, file=name) from exc

    @classmethod
    def _read_csv(cls, path: Path, key_fields: Sequence[str], name: str) -> RateTable:
        rows = []
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = {"valid_from", "valid_to", "source", "status"}.union(key_fields) - set(
                reader.fieldnames or ())
            if missing:
                raise InputError("missing columns %s" % ", ".join(sorted(missing)), file=name)
            for number, raw in enumerate(reader, start=2):
                if None in raw:  # cells beyond the header (a decimal comma in a value?)
                    raise InputError("more cells than header columns", file=name,
                                     record=str(number))
                valid_to = (raw.get("valid_to") or "").strip()
                row = RateRow(
                    table=name, line=number,
                    valid_from=parse_date(raw["valid_from"], name, number, "valid_from"),
                    valid_to=parse_date(valid_to, name, number, "valid_to") if valid_to else None,
                    keys=tuple((raw[k] or "").strip() for k in key_fields),
                    values={k: (v or "").strip() for k, v in raw.items()
                            if k not in key_fields and k not in ("valid_from", "valid_to")},
                    source=(raw["source"] or "").strip(), status=(raw["status"] or "").strip())
                for column in NUMERIC_COLUMNS:
                    text = row.values.get(column)
                    if text and not _is_number(text):
                        raise InputError("not a number: %r" % text, file=name,
                                         record=str(number), field=column)
                if row.valid_to is not None and row.valid_to <= row.valid_from:
                    raise InputError("valid_to must be after valid_from", file=name,
                                     record=str(number), field="valid_to")
                rows.append(row)
        return cls(name, key_fields, rows)

    def keys(self) -> List[Tuple[str, ...]]:
        return sorted(self._by_key)

    def rows(self) -> List[RateRow]:
        return [r for k in sorted(self._by_key) for r in self._by_key[k]]

    def has_key(self, *keys: str) -> bool:
        return tuple(keys) in self._by_key

    def lookup(self, day: dt.date, *keys: str) -> RateRow:
        """The row covering ``day`` for ``keys`` (in ``key_fields`` order)."""
        key = tuple(keys)
        key_rows = self._by_key.get(key)
        if key_rows:
            index = bisect.bisect_right(self._starts[key], day) - 1
            if index >= 0 and key_rows[index].covers(day):
                return key_rows[index]
        detail = ", ".join("%s=%s" % kv for kv in zip(self.key_fields, key))
        raise MissingRateError(self.name, day, detail)

    def boundaries(self, start: dt.date, end: dt.date) -> List[dt.date]:
        """Every ``valid_from``/``valid_to`` of any row strictly inside ``(start, end)``."""
        days = self._days
        return days[bisect.bisect_right(days, start):bisect.bisect_left(days, end)]


def split_period(start: dt.date, end: dt.date,
                 cuts: Iterable[dt.date]) -> List[Tuple[dt.date, dt.date]]:
    """Split ``[start, end)`` at each cut strictly inside it; returns ``[(start, end), ...]``."""
    points = [start] + sorted({c for c in cuts if start < c < end}) + [end]
    return list(zip(points, points[1:]))


@lru_cache(None)
def load_table(path: str, key_fields: Tuple[str, ...], name: Optional[str] = None) -> RateTable:
    """Load a CSV table once per (path, keys)."""
    return RateTable.from_csv(path, key_fields, name)


def bundled(filename: str) -> str:
    """Path (text) of a table shipped in ``enercoop_core/tariffs/data``."""
    return str(DATA_DIR / filename)
