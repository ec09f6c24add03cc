"""Vectorised billing of many contract-months, giving the same figures as the per-contract path.

Rows sharing a tariff key (period, FTA, kVA, company, offer, register scheme) share one line
plan (:func:`~enercoop_core.billing.engine.plan_period`, computed once per key); the
consumption-dependent arithmetic runs over numpy int64 arrays in exact integer units
(Wh, 1e-8 EUR, cents) with half-up rounding, so every amount equals the Decimal one.
A partition of rows can be handed to each Dask worker as is (no state between rows).

Inputs (length N): ``start``/``end`` datetime64[D] (end exclusive), ``fta``, ``company``,
``offer`` (str arrays, or :class:`Coded` columns: integer codes into labels, as a database or a
categorical column holds them, which spares sorting strings), ``kva`` (int), ``scheme`` ("1"
BASE, "2" HP/HC, "4" four classes, the register classes the consumption is given in; str or
:class:`Coded`), ``consumption_wh`` int64 (N, 7) in
:data:`~enercoop_core.timeclasses.CLASS_NAMES` column order.

How: every key column becomes small integer codes (integers by offset from their minimum,
strings by ``np.unique`` unless given coded), the rows are sorted once by the combined key so
that each key is one contiguous slice; fixed parts (the same cents for every row of a key)
are added per key and spread with ``np.repeat``; energy parts are computed on the slices;
results are put back in input order once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Dict, NamedTuple, Sequence

import numpy as np

from enercoop_core.billing.engine import plan_period
from enercoop_core.billing.model import Contract, round_cents
from enercoop_core.errors import InputError
from enercoop_core.tariffs.vat import BASES as KINDS  # a line's kind is its VAT base
from enercoop_core.timeclasses import CLASS_NAMES, CODE, SCHEME_CLASSES, derivation


class Coded(NamedTuple):
    """A column as integer ``codes`` (int array, length N) into ``labels`` (str sequence)."""

    codes: np.ndarray
    labels: Sequence[str]

    @classmethod
    def of(cls, values) -> Coded:
        labels, codes = np.unique(np.asarray(values), return_inverse=True)
        return cls(codes.reshape(-1).astype(np.int64), tuple(str(l) for l in labels))


@dataclass
class BatchResult:
    """Per-row results in cents (int64): totals, VAT per rate and amount per line kind."""

    total_excl_vat: np.ndarray
    total_vat: np.ndarray
    total: np.ndarray
    vat_by_rate: Dict[Decimal, np.ndarray]
    by_kind: Dict[str, np.ndarray]


def _codes(column):
    """(dense int64 codes from 0, labels) of one key column: integers with a small range
    through a lookup table (no sort), strings through ``np.unique``, :class:`Coded` as given."""
    if isinstance(column, Coded):
        return np.asarray(column.codes, dtype=np.int64), tuple(column.labels)
    column = np.asarray(column)
    if column.dtype.kind in "iu" and column.size:
        low = int(column.min())
        span = int(column.max()) - low + 1
        if span <= 4 * column.size + 1024:
            offset = column.astype(np.int64) - low
            present = np.zeros(span, dtype=bool)
            present[offset] = True
            dense = np.cumsum(present) - 1
            return dense[offset], tuple((np.flatnonzero(present) + low).tolist())
    labels, inverse = np.unique(column, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), tuple(labels.tolist())


def _scaled(value: Decimal, digits: int) -> int:
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise InputError("price %s has more than %d decimals" % (value, digits), field="value")
    return int(scaled)


def round_div(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """Integer division rounded half away from zero (Decimal ROUND_HALF_UP)."""
    if denominator % 2 == 0 and (numerator.size == 0 or numerator.min() >= 0):
        return (numerator + denominator // 2) // denominator
    magnitude = (np.abs(numerator) * 2 + denominator) // (2 * denominator)
    return np.sign(numerator) * magnitude


def _derived(consumption: np.ndarray, scheme: str, classes, tc) -> np.ndarray:
    """Wh of class ``tc`` of ``classes`` from ``consumption`` (7, n), rows in CLASS_NAMES order."""
    have = SCHEME_CLASSES[scheme]
    sources = have if tc is None else derivation(classes, have)[tc]
    total = consumption[CODE[sources[0]]]
    for name in sources[1:]:
        total = total + consumption[CODE[name]]
    return total


def _group_rows(columns, n: int):
    """``(order, bounds)``: the row order sorting the rows by their combined key (the
    ``columns``' codes) and the bounds of each key's slice in that order (length keys + 1)."""
    key = np.zeros(n, dtype=np.int64)
    scale = 1
    for codes, _decoded in columns:
        size = int(codes.max()) + 1 if n else 1
        scale *= size
        if scale >= 2 ** 62:
            raise InputError("too many distinct tariff keys in one batch", field="key")
        key = key * size + codes
    # a combined key that fits 16 bits sorts by radix (numpy's stable sort of small ints)
    order = np.argsort(key.astype(np.uint16) if scale <= 2 ** 16 else key, kind="stable")
    sorted_key = key[order]
    bounds = np.concatenate(([0], np.flatnonzero(np.diff(sorted_key)) + 1, [n])) if n else \
        np.zeros(1, dtype=np.int64)
    return order, bounds


def _fixed_cents(run) -> int:
    """Cents of a fixed line (the same for every row of a key): days, or the CTA base, x price."""
    if run.unit == "day":
        quantity = Decimal((run.end - run.start).days)
    else:
        quantity = round_cents(run.base)
    return int(round_cents(quantity * run.unit_price).scaleb(2))


def _energy_cents(run, rows: np.ndarray, scheme: str, p_start: dt.date,
                  p_end: dt.date) -> np.ndarray:
    """Cents of an energy line for each row of a key: the Wh of its class (``rows``: (7, n)
    register Wh of the period ``[p_start, p_end)``), spread by days over the line's days."""
    wh = _derived(rows, scheme, *run.energy)
    if run.start == p_start and run.end == p_end:
        spread = wh  # the line covers the whole period: F(end) - F(start) = Wh
    else:
        total_days = (p_end - p_start).days
        spread = ((wh * (run.end - p_start).days) // total_days
                  - (wh * (run.start - p_start).days) // total_days)
    price = _scaled(run.unit_price, 8)  # 1e-8 EUR/kWh; Wh x that = 1e-11 EUR
    return round_div(spread * price, 10 ** 9)


def bill_batch(start, end, fta, kva, company, offer, scheme, consumption_wh, rates) -> BatchResult:
    start = np.asarray(start, dtype="datetime64[D]").astype(np.int64)
    end = np.asarray(end, dtype="datetime64[D]").astype(np.int64)
    n = start.shape[0]
    consumption_wh = np.asarray(consumption_wh, dtype=np.int64).reshape(n, len(CLASS_NAMES))
    columns = [_codes(c) for c in (start, end, fta, kva, company, offer, scheme)]
    order, bounds = _group_rows(columns, n)
    counts = np.diff(bounds)
    cons = np.ascontiguousarray(consumption_wh[order].T)  # (7, N): one contiguous row per class

    excl = np.zeros(n, dtype=np.int64)
    by_kind = {k: np.zeros(n, dtype=np.int64) for k in KINDS}
    vat_base = {}  # type: Dict[Decimal, np.ndarray]
    fixed_kind = {k: [0] * len(counts) for k in KINDS}  # cents per key
    fixed_vat = {}  # type: Dict[Decimal, list]
    plans = {}  # line plans by (start, end, fta, kva, company, offer): the scheme is not in it
    epoch = dt.date(1970, 1, 1)
    for g in range(len(counts)):
        lo, hi = int(bounds[g]), int(bounds[g + 1])
        i = int(order[lo])
        value = [labels[int(codes[i])] for codes, labels in columns]
        p_start = epoch + dt.timedelta(days=int(value[0]))
        p_end = epoch + dt.timedelta(days=int(value[1]))
        version = Contract("batch", "0" * 14, str(value[2]), int(value[3]), str(value[5]),
                           p_start, company=str(value[4]))
        rows = cons[:, lo:hi]
        row_scheme = str(value[6])
        plan_key = tuple(value[:6])
        runs = plans.get(plan_key)
        if runs is None:
            runs = plans[plan_key] = plan_period([version], p_start, p_end, rates)
        for run in runs:
            rate = run.vat_rate
            if rate not in vat_base:
                vat_base[rate] = np.zeros(n, dtype=np.int64)
                fixed_vat[rate] = [0] * len(counts)
            if run.energy is None:
                cents = _fixed_cents(run)
                fixed_kind[run.kind][g] += cents
                fixed_vat[rate][g] += cents
                continue
            amounts = _energy_cents(run, rows, row_scheme, p_start, p_end)
            excl[lo:hi] += amounts
            by_kind[run.kind][lo:hi] += amounts
            vat_base[rate][lo:hi] += amounts
    for kind, per_key in fixed_kind.items():
        spread_fixed = np.repeat(np.asarray(per_key, dtype=np.int64), counts)
        by_kind[kind] += spread_fixed
        excl += spread_fixed
    for rate, per_key in fixed_vat.items():
        vat_base[rate] += np.repeat(np.asarray(per_key, dtype=np.int64), counts)
    vat_sorted = {rate: round_div(base * _scaled(rate, 6), 10 ** 8)
                  for rate, base in vat_base.items()}
    back = np.empty_like(order)
    back[order] = np.arange(n, dtype=order.dtype)

    def restore(values):
        return values[back]
    vat_by_rate = {rate: restore(v) for rate, v in vat_sorted.items()}
    total_vat = sum(vat_by_rate.values()) if vat_by_rate else np.zeros(n, dtype=np.int64)
    excl = restore(excl)
    return BatchResult(excl, total_vat, excl + total_vat, vat_by_rate,
                       {k: restore(v) for k, v in by_kind.items()})
