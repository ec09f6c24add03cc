"""Billing throughput: vectorised batch path vs per-contract path, measured in the same run.

Mixed options (every BT <= 36 kVA FTA, BASE / HP-HC / four-class offers, two companies,
3..36 kVA), monthly periods 2025-08 .. 2026-01 (known rates). The vectorised path bills all
N contract-months; the per-contract path (Decimal, one bill at a time) bills a random sample,
and the two are checked to agree on that sample.

    python benchmarks/billing.py            # 1 000 000 contract-months, sample 2 000
    python benchmarks/billing.py --quick    # 100 000, sample 500
"""
from __future__ import annotations

import argparse
import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

from enercoop_core.billing.batch import bill_batch
from enercoop_core.billing.engine import price_period
from enercoop_core.billing.model import Contract, make_bill
from enercoop_core.tariffs.calendar import CLASS_NAMES
from enercoop_core.tariffs.rates import Rates

DEMO = Path(__file__).resolve().parents[1] / "enercoop_core" / "billing" / "data" / "demo"
OPTIONS = [("BTINFCU4", "4"), ("BTINFMU4", "4"), ("BTINFLU", "4"), ("BTINFCUST", "1"),
           ("BTINFMUDT", "2")]
OFFERS = {"1": ["BASE"], "2": ["BASE", "HPHC"], "4": ["BASE", "HPHC", "QUATRE"]}
SCHEME = {"1": ("BASE",), "2": ("HP", "HC"), "4": ("HPH", "HCH", "HPB", "HCB")}
MONTHS = ["2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]


def make_rows(n, seed=1):
    rng = np.random.default_rng(seed)
    opt = rng.integers(0, len(OPTIONS), n)
    fta = np.array([o[0] for o in OPTIONS])[opt]
    scheme = np.array([o[1] for o in OPTIONS])[opt]
    offer = np.empty(n, dtype=object)
    for s, offers in OFFERS.items():
        mask = scheme == s
        offer[mask] = np.array(offers)[rng.integers(0, len(offers), int(mask.sum()))]
    offer = offer.astype(str)
    kva = np.array([3, 6, 9, 12, 15, 18, 24, 30, 36])[rng.integers(0, 9, n)]
    company = np.array(["coop-idf", "coop-ara"])[rng.integers(0, 2, n)]
    month = rng.integers(0, len(MONTHS), n)
    start = np.array(MONTHS, dtype="datetime64[M]")[month].astype("datetime64[D]")
    end = (np.array(MONTHS, dtype="datetime64[M]")[month] + 1).astype("datetime64[D]")
    cons = np.zeros((n, len(CLASS_NAMES)), dtype=np.int64)
    for s, classes in SCHEME.items():
        mask = scheme == s
        for c in classes:
            cons[mask, CLASS_NAMES.index(c)] = rng.integers(0, 400000, int(mask.sum()))
    return start, end, fta, kva, company, offer, scheme, cons


def per_contract(i, rows, rates):
    start, end, fta, kva, company, offer, scheme, cons = rows
    s = start[i].astype(dt.date)
    e = end[i].astype(dt.date)
    c = Contract("C", "0" * 14, str(fta[i]), int(kva[i]), str(offer[i]), dt.date(2020, 1, 1),
                 company=str(company[i]))
    used = {cl: int(cons[i, CLASS_NAMES.index(cl)]) for cl in SCHEME[str(scheme[i])]}
    return make_bill(c, s, e, price_period([c], s, e, used, rates), False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
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
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
