"""Billing throughput: vectorised batch path vs per-contract path, measured in the same run.

Mixed options (every BT <= 36 kVA FTA, BASE / HP-HC / four-class offers, two companies,
3..36 kVA), monthly periods 2025-08 .. 2026-01 (known rates). The key columns are given as
integer codes into labels (:class:`~enercoop_core.billing.batch.Coded`), as a database or a
categorical column holds them. The vectorised path bills all N contract-months; the
per-contract path (Decimal, one ``price_period`` + ``make_bill`` at a time) bills a random
sample for the speed-up; exactness is then checked on the WHOLE set: every row's total and
VAT against the engine's Decimal arithmetic (the line plan of each tariff key once, then
``engine.run_quantity`` and ``round_cents(quantity x unit_price)`` per line and
``model.vat_summary`` per row, as ``price_runs`` / ``make_bill`` do).

    python benchmarks/billing.py            # 1 000 000 contract-months, sample 2 000
    python benchmarks/billing.py --quick    # 100 000, sample 500
    python benchmarks/billing.py --no-full  # skip the whole-set check (sample only)
"""
from __future__ import annotations

import argparse
import datetime as dt
import time
from collections import namedtuple
from decimal import Decimal
from pathlib import Path

import numpy as np

from enercoop_core.billing.batch import Coded, bill_batch
from enercoop_core.billing.engine import plan_period, price_period, run_quantity
from enercoop_core.billing.model import Contract, make_bill, round_cents, vat_summary
from enercoop_core.tariffs.calendar import CLASS_NAMES
from enercoop_core.tariffs.rates import Rates

DEMO = Path(__file__).resolve().parents[1] / "enercoop_core" / "billing" / "data" / "demo"
OPTIONS = [("BTINFCU4", "4"), ("BTINFMU4", "4"), ("BTINFLU", "4"), ("BTINFCUST", "1"),
           ("BTINFMUDT", "2")]
OFFERS = {"1": ["BASE"], "2": ["BASE", "HPHC"], "4": ["BASE", "HPHC", "QUATRE"]}
SCHEME = {"1": ("BASE",), "2": ("HP", "HC"), "4": ("HPH", "HCH", "HPB", "HCB")}
MONTHS = ["2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]
FTAS = tuple(o[0] for o in OPTIONS)
SCHEMES = ("1", "2", "4")
OFFER_NAMES = ("BASE", "HPHC", "QUATRE")
COMPANIES = ("coop-idf", "coop-ara")
Line = namedtuple("Line", "amount vat_rate")


def make_rows(n, seed=1):
    rng = np.random.default_rng(seed)
    opt = rng.integers(0, len(OPTIONS), n)
    scheme = np.array([SCHEMES.index(o[1]) for o in OPTIONS])[opt]
    offer = np.zeros(n, dtype=np.int64)
    for s, offers in OFFERS.items():
        mask = scheme == SCHEMES.index(s)
        offer[mask] = np.array([OFFER_NAMES.index(o) for o in offers])[
            rng.integers(0, len(offers), int(mask.sum()))]
    kva = np.array([3, 6, 9, 12, 15, 18, 24, 30, 36])[rng.integers(0, 9, n)]
    company = rng.integers(0, 2, n)
    month = rng.integers(0, len(MONTHS), n)
    start = np.array(MONTHS, dtype="datetime64[M]")[month].astype("datetime64[D]")
    end = (np.array(MONTHS, dtype="datetime64[M]")[month] + 1).astype("datetime64[D]")
    cons = np.zeros((n, len(CLASS_NAMES)), dtype=np.int64)
    for s, classes in SCHEME.items():
        mask = scheme == SCHEMES.index(s)
        for c in classes:
            cons[mask, CLASS_NAMES.index(c)] = rng.integers(0, 400000, int(mask.sum()))
    return (start, end, Coded(opt, FTAS), kva, Coded(company, COMPANIES),
            Coded(offer, OFFER_NAMES), Coded(scheme, SCHEMES), cons)


def row_values(i, rows):
    start, end, fta, kva, company, offer, scheme, cons = rows
    return (start[i].astype(dt.date), end[i].astype(dt.date), fta.labels[fta.codes[i]],
            int(kva[i]), company.labels[company.codes[i]], offer.labels[offer.codes[i]],
            scheme.labels[scheme.codes[i]])


def version(values):
    _s, _e, fta, kva, company, offer, _scheme = values
    return Contract("C", "0" * 14, fta, kva, offer, dt.date(2020, 1, 1), company=company)


def per_contract(i, rows, rates):
    values = row_values(i, rows)
    s, e, scheme = values[0], values[1], values[6]
    c = version(values)
    used = {cl: int(rows[7][i, CLASS_NAMES.index(cl)]) for cl in SCHEME[scheme]}
    return make_bill(c, s, e, price_period([c], s, e, used, rates), False)


def check_all(rows, result, rates):
    """Rows whose total or VAT differ from the engine's Decimal arithmetic (whole set)."""
    n = rows[0].shape[0]
    start = rows[0].astype(np.int64)
    codes = np.stack([start, rows[2].codes, rows[3], rows[4].codes, rows[5].codes,
                      rows[6].codes], axis=1)
    _keys, first, inverse = np.unique(codes, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    plans = []
    for i in first:
        values = row_values(int(i), rows)
        s, e, scheme = values[0], values[1], values[6]
        runs = plan_period([version(values)], s, e, rates)
        fixed = [Line(round_cents(run_quantity(r, ()) * r.unit_price), r.vat_rate)
                 for r in runs if r.energy is None]
        energy = [r for r in runs if r.energy is not None]
        plans.append((s, e, [CLASS_NAMES.index(c) for c in SCHEME[scheme]], SCHEME[scheme],
                      fixed, energy))
    cons = rows[7].tolist()
    totals, vats = result.total.tolist(), result.total_vat.tolist()
    wrong = 0
    for i in range(n):
        s, e, columns, names, fixed, energy = plans[inverse[i]]
        row = cons[i]
        segments = [(s, e, {name: row[col] for name, col in zip(names, columns)})]
        lines = list(fixed)
        for run in energy:
            quantity = run_quantity(run, segments)
            if quantity is not None:
                lines.append(Line(round_cents(quantity * run.unit_price), run.vat_rate))
        vat = sum((v.amount for v in vat_summary(lines)), Decimal("0.00"))
        total = sum((l.amount for l in lines), Decimal("0.00")) + vat
        if int(total.scaleb(2)) != totals[i] or int(vat.scaleb(2)) != vats[i]:
            wrong += 1
    return wrong


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-full", action="store_true", help="skip the whole-set check")
    parser.add_argument("-n", type=int, default=None)
    parser.add_argument("--sample", type=int, default=None)
    args = parser.parse_args()
    n = args.n or (100000 if args.quick else 1000000)
    sample = args.sample or (500 if args.quick else 2000)
    rates = Rates.load(DEMO / "offers.csv")
    rows = make_rows(n)

    t0 = time.perf_counter()
    result = bill_batch(*rows, rates)
    t_vec = time.perf_counter() - t0

    idx = np.random.default_rng(2).choice(n, size=min(sample, n), replace=False)
    t0 = time.perf_counter()
    bills = [per_contract(int(i), rows, rates) for i in idx]
    t_one = time.perf_counter() - t0

    mismatches = sum(1 for i, b in zip(idx, bills)
                     if Decimal(int(result.total[i])) / 100 != b.total)
    vec_rate, one_rate = n / t_vec, len(idx) / t_one
    print("contract-months            %10d" % n)
    print("vectorised path            %10.2f s  %12.0f bills/s" % (t_vec, vec_rate))
    print("per-contract path (sample) %10.2f s  %12.0f bills/s  (%d bills)" % (
        t_one, one_rate, len(idx)))
    print("speed-up                   %10.1fx" % (vec_rate / one_rate))
    print("per-contract, projected to %d: %.0f s" % (n, n / one_rate))
    print("sample totals differing    %10d" % mismatches)
    wrong = 0
    if not args.no_full:
        t0 = time.perf_counter()
        wrong = check_all(rows, result, rates)
        print("whole set: %d rows checked against the Decimal arithmetic in %.0f s, "
              "%d differing (total or VAT)" % (n, time.perf_counter() - t0, wrong))
    return 1 if (mismatches or wrong) else 0


if __name__ == "__main__":
    raise SystemExit(main())
