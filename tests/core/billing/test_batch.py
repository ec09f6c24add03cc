"""Property tests: line arithmetic, totals, and the vectorised path agreeing with the
per-contract one."""
import datetime as dt
from decimal import Decimal as D

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enercoop_core.billing.batch import Coded, bill_batch
from enercoop_core.billing.engine import price_period
from enercoop_core.billing.model import Contract, make_bill, round_cents
from enercoop_core.tariffs.calendar import CLASS_NAMES

OPTIONS = [("BTINFCU4", "4"), ("BTINFMU4", "4"), ("BTINFLU", "4"), ("BTINFCUST", "1"),
           ("BTINFMUDT", "2"), ("BTINFMUDT", "4")]
OFFERS = {"1": ["BASE"], "2": ["BASE", "HPHC"], "4": ["BASE", "HPHC", "QUATRE"]}
SCHEME = {"1": ("BASE",), "2": ("HP", "HC"), "4": ("HPH", "HCH", "HPB", "HCB")}


@st.composite
def contract_months(draw):
    fta, scheme = draw(st.sampled_from(OPTIONS))
    offer = draw(st.sampled_from(OFFERS[scheme]))
    kva = draw(st.sampled_from([3, 6, 9, 12, 36]))
    company = draw(st.sampled_from(["coop-idf", "coop-ara"]))
    # TURPE 7 and every tax are known 2025-08-01 .. 2026-07-31 (CTA and accise change on
    # 2026-02-01 in between)
    start = dt.date(2025, 8, 1) + dt.timedelta(days=draw(st.integers(0, 360)))
    end = min(start + dt.timedelta(days=draw(st.integers(1, 62))), dt.date(2026, 8, 1))
    cons = {c: draw(st.integers(0, 3000000)) for c in SCHEME[scheme]}
    return fta, scheme, offer, kva, company, start, end, cons


def per_contract(row, rates):
    fta, scheme, offer, kva, company, start, end, cons = row
    c = Contract("C", "0" * 14, fta, kva, offer, dt.date(2020, 1, 1), company=company)
    return make_bill(c, start, end, price_period([c], start, end, cons, rates), False)


@settings(max_examples=60, deadline=None)
@given(contract_months())
def test_lines_add_up_and_are_consistent(rates, row):
    bill = per_contract(row, rates)
    assert bill.total_excl_vat == sum(l.amount for l in bill.lines)
    assert bill.total == bill.total_excl_vat + sum(v.amount for v in bill.vat)
    for line in bill.lines:
        assert line.amount == round_cents(line.quantity * line.unit_price)
        assert line.period_start < line.period_end
    kwh = sum(l.quantity for l in bill.lines if l.kind == "accise")
    assert kwh * 1000 == sum(row[7].values())  # every Wh taxed once
    energy = sum(l.quantity for l in bill.lines if l.kind == "energy")
    assert energy * 1000 == sum(row[7].values())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.data_too_large])
@given(st.lists(contract_months(), min_size=1, max_size=8))
def test_vectorised_equals_per_contract(rates, rows):
    cons = np.zeros((len(rows), len(CLASS_NAMES)), dtype=np.int64)
    for i, row in enumerate(rows):
        for c, wh in row[7].items():
            cons[i, CLASS_NAMES.index(c)] = wh
    result = bill_batch(
        np.array([r[5] for r in rows], dtype="datetime64[D]"),
        np.array([r[6] for r in rows], dtype="datetime64[D]"),
        np.array([r[0] for r in rows]), np.array([r[3] for r in rows]),
        np.array([r[4] for r in rows]), np.array([r[2] for r in rows]),
        np.array([r[1] for r in rows]), cons, rates)
    for i, row in enumerate(rows):
        bill = per_contract(row, rates)
        assert D(int(result.total_excl_vat[i])) / 100 == bill.total_excl_vat
        assert D(int(result.total[i])) / 100 == bill.total
        for vat in bill.vat:
            assert D(int(result.vat_by_rate[vat.rate][i])) / 100 == vat.amount
        for kind, amounts in result.by_kind.items():
            assert D(int(amounts[i])) / 100 == sum(
                (l.amount for l in bill.lines if l.kind == kind), D(0))


def test_coded_columns_give_the_same_figures_as_strings(rates):
    # the same rows as strings and as integer codes into labels (a database's view)
    fta = np.array(["BTINFCU4", "BTINFCUST", "BTINFCU4", "BTINFMUDT"])
    offer = np.array(["QUATRE", "BASE", "BASE", "HPHC"])
    scheme = np.array(["4", "1", "4", "2"])
    company = np.array(["coop-idf", "coop-ara", "coop-ara", "coop-idf"])
    kva = np.array([6, 9, 36, 12])
    start = np.array(["2025-09-01", "2025-10-01", "2025-09-15", "2026-01-01"],
                     dtype="datetime64[D]")
    end = np.array(["2025-10-01", "2025-11-01", "2025-10-20", "2026-02-15"], dtype="datetime64[D]")
    cons = np.zeros((4, len(CLASS_NAMES)), dtype=np.int64)
    cons[0, 3:7] = [1000, 2000, 150000, 50000]
    cons[1, 0] = 250000
    cons[2, 3:7] = [0, 0, 333333, 111111]
    cons[3, 1:3] = [400000, 200000]
    plain = bill_batch(start, end, fta, kva, company, offer, scheme, cons, rates)
    coded = bill_batch(start, end, Coded.of(fta), kva, Coded.of(company), Coded.of(offer),
                       Coded.of(scheme), cons, rates)
    assert (plain.total == coded.total).all() and (plain.total_vat == coded.total_vat).all()
    for i in range(4):
        c = Contract("C", "0" * 14, str(fta[i]), int(kva[i]), str(offer[i]),
                     dt.date(2020, 1, 1), company=str(company[i]))
        s, e = start[i].astype(dt.date), end[i].astype(dt.date)
        used = {cl: int(cons[i, CLASS_NAMES.index(cl)]) for cl in SCHEME[str(scheme[i])]}
        bill = make_bill(c, s, e, price_period([c], s, e, used, rates), False)
        assert D(int(coded.total[i])) / 100 == bill.total
