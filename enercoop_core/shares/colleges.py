"""Colleges of an SCIC and each member's dated college history.

The colleges themselves (codes, labels, vote weights) are set by the statutes
(:mod:`enercoop_core.shares.statutes`; the defaults are consumers, producers, founders,
partners, employees, local_authorities). A member sits in exactly one college at a time;
a change of college is dated and the history is kept.

The legal bounds of a college's weight (each college between 10 % and 50 % of the votes in
an SCIC) are dated data in ``data/scic_law.csv``, read by :func:`weight_bounds`.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional, Sequence, Tuple

from enercoop_core.errors import InputError, MissingRateError
from enercoop_core.shares.errors import StatutesError

DATA_DIR = Path(__file__).resolve().parent / "data"
LAW_TABLE = DATA_DIR / "scic_law.csv"


@dataclass(frozen=True)
class College:
    """A college: ``code`` (lower snake_case, stable), ``label`` (display name),
    ``weight_pct``: share of the votes in percent set by the statutes (Decimal), or None
    when the statutes do not weight colleges."""

    code: str
    label: str
    weight_pct: Optional[Decimal] = None


@dataclass(frozen=True)
class CollegePeriod:
    """Membership of one college on ``[valid_from, valid_to)``; ``valid_to`` None = open."""

    college: str
    valid_from: dt.date
    valid_to: Optional[dt.date] = None


@dataclass(frozen=True)
class CollegeHistory:
    """A member's successive colleges, in date order, without gaps or overlaps."""

    periods: Tuple[CollegePeriod, ...]

    def college_on(self, on: dt.date) -> str:
        """College code on day ``on``; KeyError when ``on`` precedes the first period."""
        for period in reversed(self.periods):
            if period.valid_from <= on:
                return period.college
        raise KeyError(on)

    @property
    def current(self) -> str:
        return self.periods[-1].college

    def changed(self, college: str, on: dt.date) -> CollegeHistory:
        """A new history with a change to ``college`` from day ``on`` (after the last change)."""
        last = self.periods[-1]
        if on <= last.valid_from:
            raise ValueError("a college change must follow the previous one")
        closed = CollegePeriod(last.college, last.valid_from, on)
        return CollegeHistory(self.periods[:-1] + (closed, CollegePeriod(college, on)))

    @classmethod
    def starting(cls, college: str, on: dt.date) -> CollegeHistory:
        return cls((CollegePeriod(college, on),))


@dataclass(frozen=True)
class WeightBounds:
    """Legal bounds of one college's weight, in percent, and the text that sets them."""

    min_pct: Decimal
    max_pct: Decimal
    source: str


@lru_cache(None)
def _law_rows(path: str) -> Tuple[Tuple[dt.date, Optional[dt.date], WeightBounds], ...]:
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                valid_from = dt.date.fromisoformat(row["valid_from"])
                valid_to = dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
                bounds = WeightBounds(Decimal(row["college_weight_min_pct"]),
                                      Decimal(row["college_weight_max_pct"]), row["source"])
            except (KeyError, ValueError, ArithmeticError) as exc:
                raise InputError("bad row: %s" % exc, file=path, record=str(line)) from exc
            rows.append((valid_from, valid_to, bounds))
    return tuple(rows)


def weight_bounds(on: dt.date, path: Optional[Path] = None) -> WeightBounds:
    """Legal min and max weight of a college (percent) in force on day ``on``."""
    table = str(path or LAW_TABLE)
    for valid_from, valid_to, bounds in _law_rows(table):
        if valid_from <= on and (valid_to is None or on < valid_to):
            return bounds
    raise MissingRateError("scic_law", on)


def validate_weights(colleges: Sequence[College], on: dt.date) -> None:
    """Check the statutory weights: all set or none; each within the legal bounds in force
    on ``on``; summing to exactly 100 %. Raises :class:`StatutesError` naming the college."""
    weights: Mapping[str, Optional[Decimal]] = {c.code: c.weight_pct for c in colleges}
    if all(w is None for w in weights.values()):
        return
    missing = [code for code, w in weights.items() if w is None]
    if missing:
        raise StatutesError("colleges are weighted but %s has no weight" % ", ".join(missing),
                            rule="college_weights")
    bounds = weight_bounds(on)
    for code, weight in weights.items():
        if not bounds.min_pct <= weight <= bounds.max_pct:
            raise StatutesError(
                "college %s weighs %s %%, outside %s..%s %% (%s)"
                % (code, weight, bounds.min_pct, bounds.max_pct, bounds.source),
                rule="college_weight_bounds")
    total = sum(weights.values(), Decimal(0))
    if total != 100:
        raise StatutesError("college weights sum to %s %%, not 100 %%" % total,
                            rule="college_weights_sum")
