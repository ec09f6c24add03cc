"""Vectorised billing of many contract-months, giving the same figures as the per-contract path.

Rows sharing a tariff key (period, FTA, kVA, company, offer, register scheme) share one line
plan (:func:`~enercoop_core.billing.engine.plan_period`, computed once per key); the
consumption-dependent arithmetic runs over numpy int64 arrays in exact integer units
(Wh, 1e-8 EUR, cents) with half-up rounding, so every amount equals the Decimal one.
A partition of rows can be handed to each Dask worker as is (no state between rows).

Inputs (length N): ``start``/``end`` datetime64[D] (end exclusive), ``fta``, ``company``,
``offer`` (str arrays), ``kva`` (int), ``scheme`` ("1" BASE, "2" HP/HC, "4" four classes, the
register classes the consumption is given in), ``consumption_wh`` int64 (N, 7) in
:data:`~enercoop_core.tariffs.calendar.CLASS_NAMES` column order.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Dict

import numpy as np

from enercoop_core.billing.engine import plan_period
from enercoop_core.billing.model import Contract, round_cents
from enercoop_core.errors import InputError
from enercoop_core.tariffs.calendar import CLASS_NAMES

COLUMN = {name: i for i, name in enumerate(CLASS_NAMES)}
SCHEME_CLASSES = {"1": ("BASE",), "2": ("HP", "HC"), "4": ("HPH", "HCH", "HPB", "HCB")}
KINDS = ("subscription", "turpe_fixed", "cta", "energy", "turpe_energy", "accise")


@dataclass
class BatchResult:
    """Per-row results in cents (int64): totals, VAT per rate and amount per line kind."""

    total_excl_vat: np.ndarray
    total_vat: np.ndarray
    total: np.ndarray
    vat_by_rate: Dict[Decimal, np.ndarray]
    by_kind: Dict[str, np.ndarray]


def _scaled(value: Decimal, digits: int) -> int:
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise InputError("price %s has more than %d decimals" % (value, digits), field="value")
    return int(scaled)


def round_div(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """Integer division rounded half away from zero (Decimal ROUND_HALF_UP)."""
    magnitude = (np.abs(numerator) * 2 + denominator) // (2 * denominator)
    return np.sign(numerator) * magnitude


def _derived(consumption: np.ndarray, scheme: str, classes, tc) -> np.ndarray:
    have = SCHEME_CLASSES[scheme]
    cols = [COLUMN[c] for c in have]
    if tc is None or tuple(classes) == ("BASE",):
        return consumption[:, cols].sum(axis=1)
    if set(classes) == set(have):
        return consumption[:, COLUMN[tc]]
    if set(classes) == {"HP", "HC"} and scheme == "4":
        pair = ("HPH", "HPB") if tc == "HP" else ("HCH", "HCB")
        return consumption[:, COLUMN[pair[0]]] + consumption[:, COLUMN[pair[1]]]
    raise InputError("cannot price time classes %s from registers %s" % (
        ", ".join(classes), ", ".join(have)), field="time_class")


def bill_batch(start, end, fta, kva, company, offer, scheme, consumption_wh, rates) -> BatchResult:
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    n = start.shape[0]
    consumption_wh = np.asarray(consumption_wh, dtype=np.int64).reshape(n, len(CLASS_NAMES))
    columns = [start.astype(np.int64), end.astype(np.int64), np.asarray(fta), np.asarray(kva),
               np.asarray(company), np.asarray(offer), np.asarray(scheme)]
    codes = []
    for column in columns:
        _, inverse = np.unique(column, return_inverse=True)
        codes.append(inverse.reshape(-1).astype(np.int64))
    key = np.zeros(n, dtype=np.int64)
    for code in codes:
        key = key * (int(code.max()) + 1 if n else 1) + code
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    bounds = np.flatnonzero(np.diff(sorted_key)) + 1
    groups = np.split(order, bounds) if n else []

    excl = np.zeros(n, dtype=np.int64)
    by_kind = {k: np.zeros(n, dtype=np.int64) for k in KINDS}
    vat_base = {}  # type: Dict[Decimal, np.ndarray]
    epoch = dt.date(1970, 1, 1)
    for rows in groups:
        i = rows[0]
        p_start = epoch + dt.timedelta(days=int(columns[0][i]))
        p_end = epoch + dt.timedelta(days=int(columns[1][i]))
        version = Contract("batch", "0" * 14, str(fta[i]), int(kva[i]), str(offer[i]),
                           p_start, company=str(company[i]))
        total_days = (p_end - p_start).days
        cons = consumption_wh[rows]
        for run in plan_period([version], p_start, p_end, rates):
            rate = Decimal(run.vat_row.values["rate_percent"])
            if rate not in vat_base:
                vat_base[rate] = np.zeros(n, dtype=np.int64)
            if run.energy is None:
                if run.unit == "day":
                    quantity = Decimal((run.end - run.start).days)
                else:
                    quantity = round_cents(run.base)
                cents = int(round_cents(quantity * run.unit_price).scaleb(2))
                amounts = np.full(rows.shape[0], cents, dtype=np.int64)
            else:
                wh = _derived(cons, str(scheme[i]), *run.energy)
                spread = ((wh * (run.end - p_start).days) // total_days
                          - (wh * (run.start - p_start).days) // total_days)
                price = _scaled(run.unit_price, 8)  # 1e-8 EUR/kWh; Wh x that = 1e-11 EUR
                amounts = round_div(spread * price, 10 ** 9)
            excl[rows] += amounts
            by_kind[run.kind][rows] += amounts
            vat_base[rate][rows] += amounts
    vat_by_rate = {rate: round_div(base * _scaled(rate, 6), 10 ** 8)
                   for rate, base in vat_base.items()}
    total_vat = sum(vat_by_rate.values()) if vat_by_rate else np.zeros(n, dtype=np.int64)
    return BatchResult(excl, total_vat, excl + total_vat, vat_by_rate, by_kind)
