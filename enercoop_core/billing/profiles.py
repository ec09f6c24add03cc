"""Enedis load-profile coefficients, for estimates of delivery points without history.

The coefficients are an open-data set the user downloads from Enedis (half-hourly, one row
per time stamp and sub-profile); the project ships none of it. Columns read (``;`` or ``,``
separated, other columns ignored): ``horodate`` (ISO 8601 instant with its UTC offset),
``sous_profil`` (e.g. ``RES1_BASE``, ``RES2_HP``; see Enedis's profile dictionary) and a
coefficient column, ``coefficient_prepare`` by default (``coefficient_ajuste``,
``coefficient_dynamique`` ... may be chosen). By default a time stamp ENDS its 30-minute
interval (the Enedis half-hourly convention); ``stamp_ends_interval=False`` reads it as the
start.

Share of a year's energy in local days ``[start, end)`` (:meth:`ProfileCoefficients.share`)::

    share = sum(coef in [start, end)) / sum(coef over the whole file) x covered_days / 365

with ``covered_days`` the local calendar days the file covers. With a file of exactly one year this is the usual
``sum(period) / sum(year)``; with constant coefficients it is the flat ``days / 365``. A
period not wholly covered by the file is a :class:`~enercoop_core.errors.MissingRateError`
naming the sub-profile and the first uncovered day.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

import numpy as np

from enercoop_core.errors import InputError, MissingRateError
from enercoop_core.tariffs.calendar import PARIS

HALF_HOUR = 1800


def _utc_seconds(text: str, file: str, line: int) -> int:
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError("not an ISO date-time: %r" % text, file=file, record=str(line),
                         field="horodate")
    if moment.tzinfo is None:
        raise InputError("horodate without UTC offset: %r" % text, file=file, record=str(line),
                         field="horodate")
    return int(moment.timestamp())


def local_midnight_utc(day: dt.date) -> int:
    """UTC seconds of the Europe/Paris midnight opening ``day``."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=PARIS).timestamp())


class ProfileCoefficients:
    """Half-hourly coefficients per sub-profile: ``series[sub] = (starts_utc, coefficients)``
    with interval starts in UTC seconds (int64, sorted) and float64 coefficients."""

    def __init__(self, series: Dict[str, Tuple[np.ndarray, np.ndarray]], name: str = "profiles"):
        self.series = series
        self.name = name

    @classmethod
    def from_csv(cls, path, sub_profiles: Optional[Iterable[str]] = None,
                 column: str = "coefficient_prepare",
                 stamp_ends_interval: bool = True) -> "ProfileCoefficients":
        """Read the open-data CSV, keeping ``sub_profiles`` only (all when None)."""
        path = Path(path)
        wanted = set(sub_profiles) if sub_profiles is not None else None
        raw = {}  # type: Dict[str, Tuple[list, list]]
        with path.open(newline="", encoding="utf-8-sig") as handle:
            first = handle.readline()
            handle.seek(0)
            delimiter = ";" if first.count(";") > first.count(",") else ","
            reader = csv.DictReader(handle, delimiter=delimiter)
            missing = {"horodate", "sous_profil", column} - set(reader.fieldnames or ())
            if missing:
                raise InputError("missing columns %s" % ", ".join(sorted(missing)),
                                 file=path.name)
            for line, row in enumerate(reader, start=2):
                sub = (row["sous_profil"] or "").strip()
                if wanted is not None and sub not in wanted:
                    continue
                try:
                    value = float((row[column] or "").replace(",", "."))
                except ValueError:
                    raise InputError("not a number: %r" % row[column], file=path.name,
                                     record=str(line), field=column)
                instants, values = raw.setdefault(sub, ([], []))
                instants.append(_utc_seconds(row["horodate"], path.name, line))
                values.append(value)
        shift = HALF_HOUR if stamp_ends_interval else 0
        series = {}
        for sub, (instants, values) in raw.items():
            starts = np.asarray(instants, dtype=np.int64) - shift
            order = np.argsort(starts, kind="stable")
            series[sub] = (starts[order], np.asarray(values, dtype=np.float64)[order])
        return cls(series, path.name)

    def sub_profiles(self):
        return sorted(self.series)

    def has(self, sub_profile: str) -> bool:
        return sub_profile in self.series

    def share(self, sub_profile: str, start: dt.date, end: dt.date) -> float:
        """Share of a year's energy of ``sub_profile`` falling in local days ``[start, end)``."""
        if sub_profile not in self.series:
            raise MissingRateError(self.name, start, "sous_profil=%s" % sub_profile)
        starts, values = self.series[sub_profile]
        first, last = local_midnight_utc(start), local_midnight_utc(end)
        if not len(starts) or starts[0] > first:
            raise MissingRateError(self.name, start, "sous_profil=%s" % sub_profile)
        if starts[-1] + HALF_HOUR < last:
            uncovered = dt.datetime.fromtimestamp(int(starts[-1]) + HALF_HOUR, PARIS).date()
            raise MissingRateError(self.name, uncovered, "sous_profil=%s" % sub_profile)
        lo, hi = np.searchsorted(starts, [first, last], side="left")
        total = float(values.sum())
        if total <= 0:
            raise InputError("coefficients of %s add up to zero" % sub_profile,
                             file=self.name, field="coefficient")
        first_day = dt.datetime.fromtimestamp(int(starts[0]), PARIS).date()
        last_day = dt.datetime.fromtimestamp(int(starts[-1]), PARIS).date()
        covered_days = (last_day - first_day).days + 1
        return float(values[lo:hi].sum()) / total * covered_days / 365.0
