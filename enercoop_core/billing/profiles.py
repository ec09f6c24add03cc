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

with ``covered_days`` the local calendar days the file covers. With a file of exactly one year
this is the usual ``sum(period) / sum(year)``; with constant coefficients it is the flat
``days / 365``. A period not wholly covered by the file is a
:class:`~enercoop_core.errors.MissingRateError` naming the sub-profile and the first uncovered
day.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from decimal import Decimal
from typing import Dict, Iterable, Optional, Tuple

import numpy as np

from enercoop_core.errors import InputError, MissingRateError
from enercoop_core.tariffs.calendar import PARIS, is_high_season, season_days
from enercoop_core.timeclasses import parent, season_of

HALF_HOUR = 1800


def _utc_seconds(text: str, file: str, line: int) -> int:
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError("not an ISO date-time: %r" % text, file=file, record=str(line),
                         field="horodate") from exc
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
        self._running = {}  # type: Dict[str, np.ndarray]  # cumulative sums, for spreading

    @classmethod
    def from_csv(cls, path, sub_profiles: Optional[Iterable[str]] = None,
                 column: str = "coefficient_prepare",
                 stamp_ends_interval: bool = True) -> ProfileCoefficients:
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
                except ValueError as exc:
                    raise InputError("not a number: %r" % row[column], file=path.name,
                                     record=str(line), field=column) from exc
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

    def _covered(self, sub_profile: str, start: dt.date, end: dt.date):
        """``(starts, values, lo, hi)``: the series and the index range of local days
        ``[start, end)`` (MissingRateError when the file does not cover them)."""
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
        return starts, values, int(lo), int(hi)

    def cumulative(self, sub_profile: str, origin: dt.date, day: dt.date) -> float:
        """Sum of the coefficients of local days ``[origin, day)`` (``day >= origin``), taken
        from a running sum so that it never decreases as ``day`` grows."""
        _starts, values, lo, hi = self._covered(sub_profile, origin, day)
        running = self._running.get(sub_profile)
        if running is None:
            running = self._running[sub_profile] = np.concatenate(([0.0], np.cumsum(values)))
        return float(running[hi] - running[lo])

    def share(self, sub_profile: str, start: dt.date, end: dt.date) -> float:
        """Share of a year's energy of ``sub_profile`` falling in local days ``[start, end)``."""
        starts, values, lo, hi = self._covered(sub_profile, start, end)
        total = float(values.sum())
        if total <= 0:
            raise InputError("coefficients of %s add up to zero" % sub_profile,
                             file=self.name, field="coefficient")
        first_day = dt.datetime.fromtimestamp(int(starts[0]), PARIS).date()
        last_day = dt.datetime.fromtimestamp(int(starts[-1]), PARIS).date()
        covered_days = (last_day - first_day).days + 1
        return float(values[lo:hi].sum()) / total * covered_days / 365.0


class ProfileSpread:
    """Spreads the energy measured between two indexes over the days between them by an
    Enedis profile instead of by days (see :mod:`~enercoop_core.billing.engine`).

    For indexes read on local days ``origin`` and ``final``, the days ``[a, b)`` get
    ``F(b) - F(a)`` Wh of a register class with ``F(d) = floor(wh x W(origin, d) /
    W(origin, final))``, ``W`` the sum of the half-hourly coefficients of the class's
    sub-profile over those days, counting only the months of its season for a seasonal class
    (HPH and HCH: November to March; HPB, HCB: April to October): the parts always add up to
    the measured Wh. Sub-profile of a class: the first the file has of ``<profile>_<class>``
    (``RES2_HC``), ``<profile>_HP``/``_HC`` for HPx/HCx, ``profile`` itself (``RES1_BASE``),
    else every ``<profile>_*`` sub-profile summed (the whole profile); none of them is an
    InputError naming the file, days the file does not cover a MissingRateError. With
    ``W(origin, final) = 0`` the class is spread by days (:func:`spread_by_days`)."""

    def __init__(self, coefficients: ProfileCoefficients, profile: str):
        self.coefficients = coefficients
        self.profile = profile

    def sub_profiles(self, time_class: Optional[str]) -> Tuple[str, ...]:
        have, p = self.coefficients, self.profile
        names = []
        if time_class:
            names.append("%s_%s" % (p, time_class))
            if parent(time_class):
                names.append("%s_%s" % (p, parent(time_class)))
        names.append(p)
        for name in names:
            if have.has(name):
                return (name,)
        whole = tuple(s for s in have.sub_profiles() if s.startswith(p + "_"))
        if not whole:
            raise InputError("no sous_profil %s in the profile coefficients" % " or ".join(
                names + [p + "_*"]), file=have.name, field="profile")
        return whole

    def weight(self, subs: Tuple[str, ...], time_class: Optional[str], origin: dt.date,
               day: dt.date) -> Decimal:
        """``W(origin, day)``: the coefficients of ``subs`` summed over the days of
        ``[origin, day)`` in the season of ``time_class``."""
        high = season_of(time_class)
        pieces = [(origin, day)]
        if high is not None:
            pieces, month = [], origin
            while month < day:
                following = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
                if is_high_season(month.month) == high:
                    pieces.append((month, min(day, following)))
                month = following
        total = Decimal(0)
        for a, b in pieces:
            for sub in subs:
                # the running sum from origin never decreases: differences stay >= 0
                total += (Decimal(repr(self.coefficients.cumulative(sub, origin, b)))
                          - Decimal(repr(self.coefficients.cumulative(sub, origin, a))))
        return total

    def __call__(self, wh: int, time_class: Optional[str], origin: dt.date, final: dt.date,
                 a: dt.date, b: dt.date) -> int:
        """Wh of days ``[a, b)`` (inside ``[origin, final)``) of the ``wh`` of register class
        ``time_class`` measured over ``[origin, final)``."""
        if not wh or (a == origin and b == final):
            return wh
        subs = self.sub_profiles(time_class)
        total = self.weight(subs, time_class, origin, final)
        if total <= 0:  # the profile puts nothing in these days: by days, as without one
            return spread_by_days(wh, origin, final, a, b, time_class)

        def cumulated(day):
            if day >= final:
                return wh
            return int(wh * self.weight(subs, time_class, origin, day) / total)
        return cumulated(b) - cumulated(a)


def spread_by_days(wh: int, origin: dt.date, final: dt.date, a: dt.date, b: dt.date,
                   time_class: Optional[str] = None) -> int:
    """Wh of ``[a, b)`` when ``wh`` is spread by days over ``[origin, final)``:
    ``F(b) - F(a)`` with ``F(d) = floor(wh x days(origin, d) / days(origin, final))``,
    counting for a seasonal register class (HPH, HCH / HPB, HCB) the days of its season only
    (TURPE: high season November to March), all days when the span has none of them."""
    total = season_days(time_class, origin, final)
    if total <= 0:
        time_class, total = None, (final - origin).days

    def cumulated(day):
        return wh * season_days(time_class, origin, day) // total
    return cumulated(b) - cumulated(a)
