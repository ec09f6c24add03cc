"""Monthly payments (mensualisation): schedule, revision, true-up, move-out.

Figures are worked by hand from the bundled rate tables (each row cites its text):
BTINFCU4 from 2025-08-01 (CRE délib. n° 2025-78, TURPE 7): cg 16.80 EUR/year, cc 22.00 EUR/year,
b 10.11 EUR/kVA/year, c HPH 7.49 / HCH 3.97 / HPB 1.66 / HCB 1.16 cEUR/kWh; CTA 21.93 % until
2026-01-31 then 15.00 % (arrêté du 28 janvier 2026); household accise 29.98 EUR/MWh until
2026-01-31 then 30.85 EUR/MWh (arrêté du 27 janvier 2026 and its components); VAT 20 % on every
base from 2025-08-01 (LF 2025 art. 20); the demo offer coop-idf BASE 6 kVA: 13.00 EUR/month and
0.1800 EUR/kWh (an example grid). Fixed parts are priced per day as the engine does
(``daily = annual / 365`` to 1e-8 EUR, ``amount = days x daily`` rounded half-up to the cent).
"""
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import enercoop_core.billing
from enercoop_core.billing.model import Contract
from enercoop_core.billing.profiles import ProfileCoefficients, local_midnight_utc
from enercoop_core.billing.readings import Reading, Register
from enercoop_core.billing.schedule import (
    PricesInForce,
    add_months,
    close_schedule,
    credit_action,
    make_schedule,
    revise_schedule,
    split_amount,
    true_up,
)
from enercoop_core.errors import InputError, MissingRateError
from enercoop_core.tariffs.calendar import PARIS
from enercoop_core.tariffs.rates import Rates

PRM = "12345678901234"
START = dt.date(2025, 8, 1)
FIRST_DUE = dt.date(2025, 8, 5)


def contract(kva=6, offer="BASE", start=dt.date(2023, 8, 1), **kw):
    return Contract("C1", PRM, "BTINFCU4", kva, offer, start, company="coop-idf", **kw)


def reading(day, hph, hch, hpb, hcb, nature="real"):
    """Indexes in kWh."""
    return Reading(PRM, day, nature, tuple(
        Register("distributor", c, "withdrawal", kwh * 1000)
        for c, kwh in (("HPH", hph), ("HCH", hch), ("HPB", hpb), ("HCB", hcb))))


# A year of history: 3,600 kWh from 2024-08-01 to 2025-08-01 (365 days).
HISTORY = [reading(dt.date(2024, 8, 1), 0, 0, 0, 0),
           reading(dt.date(2025, 8, 1), 1200, 800, 1000, 600)]


@pytest.fixture()
def schedule(rates):
    return make_schedule([contract()], HISTORY, START, rates, first_due=FIRST_DUE)


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(dt.date(2025, 8, 5), 6) == dt.date(2026, 2, 5)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 8, 1), -12) == dt.date(2024, 8, 1)


def test_split_amount_puts_the_remainder_on_the_last_instalment():
    # 1414.08 / 10 = 141.408 -> 141.40 x 9 = 1272.60; last 1414.08 - 1272.60 = 141.48
    assert split_amount(D("1414.08"), 10) == (D("141.40"),) * 9 + (D("141.48"),)
    # 100.00 / 12 = 8.333 -> 8.33 x 11 = 91.63; last 8.37 (the 4 cents of remainder)
    parts = split_amount(D("100.00"), 12)
    assert parts[-1] == D("8.37") and sum(parts) == D("100.00")
    assert split_amount(D("-5.00"), 3) == (D("0.00"),) * 3  # never a negative instalment


@settings(deadline=None)
@given(cents=st.integers(min_value=0, max_value=10 ** 9), count=st.sampled_from((10, 11, 12)))
def test_split_amount_always_adds_up_with_a_small_last_remainder(cents, count):
    total = D(cents) / 100
    parts = split_amount(total, count)
    assert len(parts) == count and sum(parts) == total
    assert all(p == parts[0] for p in parts[:-1])
    assert D("0.00") <= parts[-1] - parts[0] <= D(count - 1) / 100


def test_schedule_from_a_year_of_history_hand_worked(schedule):
    est = schedule.estimate
    assert est.consumption_wh == {"HPH": 1200000, "HCH": 800000, "HPB": 1000000, "HCB": 600000}
    assert "2024-08-01..2025-08-01" in est.basis and est.pricing_dates == (START,)
    code = {}
    for line in est.bill.lines:
        code[line.code] = code.get(line.code, D(0)) + line.amount
    # subscription 13.00 EUR/month x 12 whole months
    assert code["subscription"] == D("156.00")
    # cg 16.80/365 = 0.04602740 x 365 = 16.80; cc 22.00/365 = 0.06027397 x 365 = 22.00;
    # b 10.11 x 6 / 365 = 0.16619178 x 365 = 60.66
    assert (code["turpe_cg"], code["turpe_cc"], code["turpe_b"]) == (D("16.80"), D("22.00"),
                                                                     D("60.66"))
    # CTA base 0.27249315 x 365 = 99.46 x 21.93 % = 21.81 (prices in force on 2025-08-01,
    # although the CTA falls to 15 % on 2026-02-01: a schedule does not use future prices)
    assert code["cta"] == D("21.81")
    # energy 3600 kWh x 0.18 = 648.00; TURPE 1200 x .0749 + 800 x .0397 + 1000 x .0166 + 600 x .0116
    assert code["energy_BASE"] == D("648.00")
    assert code["turpe_c_HPH"] + code["turpe_c_HCH"] + code["turpe_c_HPB"] + code["turpe_c_HCB"] \
        == D("89.88") + D("31.76") + D("16.60") + D("6.96")
    # accise 3600 kWh x 29.98 EUR/MWh = 107.928 -> 107.93
    assert code["accise"] == D("107.93")
    # excl. VAT 1178.40; VAT 20 % 235.68; total 1414.08; / 12 = 117.84 exactly
    assert (est.bill.total_excl_vat, est.bill.total_vat, schedule.total) == (
        D("1178.40"), D("235.68"), D("1414.08"))
    assert [i.amount for i in schedule.instalments] == [D("117.84")] * 12
    assert [i.due_date for i in schedule.instalments][:3] == [
        dt.date(2025, 8, 5), dt.date(2025, 9, 5), dt.date(2025, 10, 5)]
    assert schedule.instalments[-1].due_date == dt.date(2026, 7, 5)


def test_ten_instalments_leave_the_last_two_months_free(rates):
    ten = make_schedule([contract()], HISTORY, START, rates, count=10, first_due=FIRST_DUE)
    amounts = [i.amount for i in ten.instalments]
    assert amounts == [D("141.40")] * 9 + [D("141.48")]  # 1414.08 / 10, remainder last
    assert "0.08 EUR of rounding remainder" in ten.instalments[-1].note
    assert ten.instalments[-1].due_date == dt.date(2026, 5, 5)
    assert sum(amounts) == ten.total


def test_schedule_count_and_contract_dates_are_checked(rates):
    with pytest.raises(InputError) as err:
        make_schedule([contract()], HISTORY, START, rates, count=9)
    assert err.value.field == "count"
    with pytest.raises(InputError) as err:
        make_schedule([contract(end=dt.date(2026, 3, 1))], HISTORY, START, rates)
    assert err.value.field == "end"


def test_schedule_without_history_from_the_yearly_consumption(rates):
    # 3500 kWh/year, even shares over the four registers: 875 kWh each (estimate.py, flat)
    sched = make_schedule([contract(annual_kwh=D("3500"))], [], START, rates)
    assert sched.estimate.consumption_wh == {c: 875000 for c in ("HPH", "HCH", "HPB", "HCB")}
    assert sched.estimate.basis == "3500 kWh/year, flat over the year"
    # energy 3500 x 0.18 = 630.00; accise 3500 x 0.02998 = 104.93
    code = {l.code: l.amount for l in sched.estimate.bill.lines}
    assert code["energy_BASE"] == D("630.00") and code["accise"] == D("104.93")
    with pytest.raises(InputError) as err:  # neither history nor annual_kwh
        make_schedule([contract()], [], START, rates)
    assert err.value.field == "annual_kwh"


def test_schedule_without_history_from_the_profile(rates):
    # constant coefficients over exactly the schedule year: the whole year's share is 1
    first, last = local_midnight_utc(START), local_midnight_utc(dt.date(2026, 8, 1))
    starts = np.arange(first, last, 1800, dtype=np.int64)
    profiled = Rates(rates.offers, profiles=ProfileCoefficients(
        {"RES1_BASE": (starts, np.ones(len(starts)))}))
    sched = make_schedule([contract(annual_kwh=D("3500"), profile="RES1_BASE")], [], START,
                          profiled)
    assert sum(sched.estimate.consumption_wh.values()) == 3500000
    assert "Enedis profile RES1_BASE" in sched.estimate.basis
    with pytest.raises(MissingRateError):  # the profile file does not cover the next year
        make_schedule([contract(annual_kwh=D("3500"), profile="RES1_BASE")], [],
                      dt.date(2025, 9, 1), profiled)


def test_less_than_a_year_of_history_is_extrapolated_by_the_profile(rates):
    # coefficients 2 from November to March, 1 otherwise, over 2025-08-01..2026-08-01 local:
    # winter 151 days x 48 half-hours - 2 (2026-03-29 has 46) = 7246; summer 214 x 48 + 2
    # (2025-10-26 has 50) = 10274; sum 2 x 7246 + 10274 = 24766. November's share of the
    # year = 2 x 30 x 48 / 24766 = 2880 / 24766 (x 365 covered days / 365).
    first, last = local_midnight_utc(START), local_midnight_utc(dt.date(2026, 8, 1))
    starts = np.arange(first, last, 1800, dtype=np.int64)
    coef = np.array([2.0 if dt.datetime.fromtimestamp(int(t), PARIS).month in (11, 12, 1, 2, 3)
                     else 1.0 for t in starts])
    assert len(starts) == 17520 and coef.sum() == 24766
    profiled = Rates(rates.offers, profiles=ProfileCoefficients({"RES1_BASE": (starts, coef)}))
    cust = Contract("C1", PRM, "BTINFCUST", 6, "BASE", dt.date(2023, 8, 1), company="coop-idf",
                    profile="RES1_BASE")

    def base(day, kwh):
        return Reading(PRM, day, "real", (Register("distributor", "BASE", "withdrawal",
                                                   kwh * 1000),))
    history = [base(dt.date(2025, 11, 1), 1000), base(dt.date(2025, 12, 1), 1600)]  # 600 kWh
    sched = make_schedule([cust], history, dt.date(2025, 12, 1), profiled)
    # 600000 Wh x 365 / 365 / (2880 / 24766) = 5159583.3 -> 5159583 Wh (not 600 x 365 / 30)
    assert sched.estimate.consumption_wh == {"BASE": 5159583}
    assert "extrapolated to 365 days by the Enedis profile RES1_BASE" in sched.estimate.basis
    flat = make_schedule([cust], history, dt.date(2025, 12, 1), rates)  # no profile loaded
    assert flat.estimate.consumption_wh == {"BASE": 600000 * 365 // 30}  # the engine's rule


def test_prices_in_force_answer_for_the_pricing_date(rates):
    frozen = PricesInForce(rates, [START, dt.date(2026, 2, 1)])
    # accise 29.98 in force on 2025-08-01 answers for 2025-12-15; 30.85 from 2026-02-01
    assert frozen.taxes.accise(dt.date(2025, 12, 15), "household").values["eur_per_mwh"] == "29.98"
    assert frozen.taxes.accise(dt.date(2026, 7, 1), "household").values["eur_per_mwh"] == "30.85"
    assert frozen.offers.classes("coop-idf", "BASE") == ("BASE",)  # undated: passes through
    assert frozen.billing_tables()[0].boundaries(START, dt.date(2026, 8, 1)) == [
        dt.date(2026, 2, 1)]


def test_price_change_mid_year_revises_the_remaining_instalments(rates, schedule):
    revised = revise_schedule(schedule, [contract()], dt.date(2026, 2, 1), rates,
                              reason="accise and CTA of 1 February 2026")
    code = {}
    for line in revised.estimate.bill.lines:
        code.setdefault(line.code, []).append(line.amount)
    # accise: 3600 kWh spread by days, 184 of 365 before 2026-02-01:
    # floor(3600000 x 184 / 365) = 1814794 Wh x 29.98 EUR/MWh = 54.4075 -> 54.41;
    # the other 1785.206 kWh x 30.85 EUR/MWh = 55.0736 -> 55.07
    assert code["accise"] == [D("54.41"), D("55.07")]
    # CTA: 0.27249315 x 184 = 50.14 x 21.93 % = 11.00; x 181 = 49.32 x 15 % = 7.40
    assert code["cta"] == [D("11.00"), D("7.40")]
    # excl. VAT 1178.40 - 21.81 - 107.93 + 11.00 + 7.40 + 54.41 + 55.07 = 1176.54;
    # VAT 235.308 -> 235.31; total 1411.85
    assert revised.total == D("1411.85")
    rev = revised.revisions[-1]
    # 6 instalments were due before 2026-02-01: 6 x 117.84 = 707.04; 1411.85 - 707.04 = 704.81
    # over 6: 117.46 x 5 = 587.30, last 117.51
    assert (rev.total_before, rev.already_due, rev.remaining) == (
        D("1414.08"), D("707.04"), D("704.81"))
    assert rev.carried_to_true_up == D("0.00")
    amounts = [i.amount for i in revised.instalments]
    assert amounts == [D("117.84")] * 6 + [D("117.46")] * 5 + [D("117.51")]
    assert sum(amounts) == revised.total
    assert revised.instalments[6].revised_on == dt.date(2026, 2, 1)
    assert revised.estimate.pricing_dates == (START, dt.date(2026, 2, 1))


def test_power_change_mid_year_revises_with_the_new_version(rates, schedule):
    day = dt.date(2026, 2, 1)
    versions = [contract(end=day), contract(kva=9, start=day)]
    revised = revise_schedule(schedule, versions, day, rates, reason="6 -> 9 kVA")
    subs = [l for l in revised.estimate.bill.lines if l.code == "subscription"]
    # 6 kVA at 13.00 EUR/month for Aug..Jan, 9 kVA at 16.30 EUR/month for Feb..Jul
    assert sum(l.amount for l in subs) == D("13.00") * 6 + D("16.30") * 6
    b = [l for l in revised.estimate.bill.lines if l.code == "turpe_b"]
    # b 10.11 x 9 / 365 = 0.24928767 x 181 days = 45.1210683 -> 45.12
    assert b[-1].unit_price == D("0.24928767") and b[-1].amount == D("45.12")
    assert revised.total > schedule.total
    assert sum(i.amount for i in revised.instalments) == revised.total


def test_revision_never_makes_a_negative_instalment(rates, schedule):
    # a change after the last instalment (due 2026-07-05): nothing is left to revise
    late = revise_schedule(schedule, [contract()], dt.date(2026, 7, 6), rates)
    assert late.revisions[-1].remaining == D("0.00")
    assert [i.amount for i in late.instalments] == [D("117.84")] * 12
    # the last 26 days at the prices of 2026-07-06 (lower CTA): the difference with the
    # 12 x 117.84 = 1414.08 due is left to the true-up
    assert late.total < D("1414.08")
    assert late.revisions[-1].carried_to_true_up == late.total - D("1414.08")
    # more already due than the revised total: the remaining instalment is 0.00, never negative
    big = make_schedule([contract(annual_kwh=D("9000"))], [], START, rates, first_due=FIRST_DUE)
    day = dt.date(2026, 7, 1)
    small = revise_schedule(big, [contract(annual_kwh=D("9000"), end=day),
                                  contract(annual_kwh=D("100"), start=day)], day, rates,
                            reason="yearly consumption corrected", readings=[])
    rev = small.revisions[-1]
    assert rev.already_due == 11 * big.instalments[0].amount > rev.total_after
    assert small.instalments[-1].amount == D("0.00") and rev.remaining == D("0.00")
    assert rev.carried_to_true_up == rev.total_after - rev.already_due  # paid back at true-up
    with pytest.raises(InputError):
        revise_schedule(schedule, [contract()], dt.date(2026, 8, 1), rates)


def readings_of_the_year(end_indexes):
    return HISTORY + [reading(dt.date(2026, 8, 1), *end_indexes)]


def test_true_up_bills_the_real_year_less_the_instalments(rates, schedule):
    revised = revise_schedule(schedule, [contract()], dt.date(2026, 2, 1), rates)
    # real 2025-08-01..2026-08-01: HPH 1500, HCH 900, HPB 1000, HCB 600 = 4000 kWh
    readings = readings_of_the_year((2700, 1700, 2000, 1200))
    settled = true_up(revised, [contract()], readings, rates, due_date=dt.date(2026, 8, 20),
                      next_priced_on=dt.date(2026, 7, 31))
    # real bill at the real prices day by day: fixed parts as in the schedule (156.00 + 16.80
    # + 22.00 + 60.66), CTA 11.00 + 7.40; energy 4000 x 0.18 = 720.00; TURPE c
    # 1500 x .0749 + 900 x .0397 + 1000 x .0166 + 600 x .0116 = 112.35 + 35.73 + 16.60 + 6.96;
    # accise floor(4000000 x 184/365) = 2016438 Wh x 29.98 = 60.45, 1983.562 kWh x 30.85 = 61.19
    # excl. VAT 1287.14; VAT 257.428 -> 257.43; total 1544.57
    assert settled.bill.total == D("1544.57") and not settled.bill.estimated
    # paid: 6 x 117.84 + 5 x 117.46 + 117.51 = 1411.85; balance 1544.57 - 1411.85 = 132.72 due
    assert settled.paid_total == D("1411.85")
    assert settled.balance == D("132.72") and settled.credit_action == "due"
    assert settled.due_date == dt.date(2026, 8, 20)
    kinds = [l.kind for l in settled.lines]
    assert kinds == ["bill"] + ["instalment"] * 12 + ["balance"]
    assert sum(l.amount for l in settled.lines[:-1]) == settled.lines[-1].amount
    # next schedule: 4000 kWh of real history at the prices in force on 2026-07-31 (accise
    # 30.85, CTA 15 %): 156.00 + 99.46 + CTA 99.46 x 15 % = 14.92 + 720.00 + 171.64 +
    # accise 4000 x 0.03085 = 123.40 -> excl. VAT 1285.42, VAT 257.08, total 1542.50;
    # / 12 = 128.54 x 11, last 128.56
    nxt = settled.next_schedule
    assert (nxt.start, nxt.end, nxt.total) == (dt.date(2026, 8, 1), dt.date(2027, 8, 1),
                                               D("1542.50"))
    assert [i.amount for i in nxt.instalments] == [D("128.54")] * 11 + [D("128.56")]
    assert nxt.instalments[0].due_date == dt.date(2026, 8, 5)


def test_true_up_with_a_returned_debit_and_unpublished_next_prices(rates, schedule):
    readings = readings_of_the_year((2400, 1600, 2000, 1200))  # the estimate exactly
    paid = [i for i in schedule.instalments if i.number != 3]  # the 3rd debit was returned
    settled = true_up(schedule, [contract()], readings, rates, paid=paid,
                      due_date=dt.date(2026, 8, 20), propose_next=False)
    # real bill of 3600 kWh at real prices = the revised estimate 1411.85 (same consumption,
    # same rate changes); paid 11 x 117.84 = 1296.24; balance 115.61
    assert settled.bill.total == D("1411.85")
    assert settled.balance == D("1411.85") - 11 * D("117.84")
    # the next schedule's prices of 2026-08-01 are not in the TURPE table yet: a clear error
    with pytest.raises(MissingRateError) as err:
        true_up(schedule, [contract()], readings, rates)
    assert err.value.table == "turpe.csv"


def test_credit_carried_below_25_eur_refunded_from_25_eur():
    # arrêté du 18 avril 2012 art. 14: under 25 EUR carried to the next bill, else refunded
    assert credit_action(D("-24.99")) == "carry_forward"
    assert credit_action(D("-25.00")) == "refund"
    assert credit_action(D("-3.00"), final=True) == "refund"  # no next bill after a move-out
    assert credit_action(D("0.00")) == "due"


def test_move_out_closes_the_schedule_with_a_final_bill(rates, schedule):
    move_out = dt.date(2026, 1, 17)
    readings = HISTORY + [reading(move_out, 1800, 1200, 1400, 800)]  # +600/400/400/200 kWh
    final = close_schedule(schedule, [contract()], move_out, readings, rates)
    # 2025-08-01..2026-01-17 (169 days): subscription 4 x 13.00 + 47 days (Dec + 16 days of
    # January, both 31-day months) x 0.41935484 = 19.71 -> 71.71; cg 169 x 0.04602740 = 7.78;
    # cc 169 x 0.06027397 = 10.19; b 169 x 0.16619178 = 28.09; CTA 46.05 x 21.93 % = 10.10;
    # energy 1600 x 0.18 = 288.00; TURPE 600 x .0749 + 400 x .0397 + 400 x .0166 + 200 x .0116
    # = 44.94 + 15.88 + 6.64 + 2.32; accise 1600 x 0.02998 = 47.97
    # excl. VAT 533.62; VAT 106.724 -> 106.72; total 640.34
    assert final.bill.period_end == move_out and final.bill.total == D("640.34")
    # instalments due before the move-out: Aug..Jan, 6 x 117.84 = 707.04 -> credit 66.70
    assert final.paid_total == D("707.04") and final.balance == D("-66.70")
    assert final.credit_action == "refund" and final.due_date is None
    assert [i.number for i in final.cancelled] == [7, 8, 9, 10, 11, 12]
    assert final.next_schedule is None and final.kind == "final"
    with pytest.raises(InputError):
        close_schedule(schedule, [contract()], dt.date(2026, 9, 1), readings, rates)


def test_cli_bill_schedule_prints_the_schedules_of_the_demo_contracts():
    demo = Path(enercoop_core.billing.__file__).parent / "data" / "demo"
    flows = sorted(str(p) for p in demo.glob("R1*.xml"))

    def run(*args):
        return subprocess.run([sys.executable, "-m", "enercoop_core", "bill", "schedule"]
                              + list(args), capture_output=True, text=True)
    done = run("--contracts", str(demo / "contracts.csv"), "--offers", str(demo / "offers.csv"),
               "--readings", *flows, "--start", "2025-12-01", "--count", "10",
               "--first-due", "2025-12-05", "--contract", "C-0001", "--format", "json")
    assert done.returncode == 0, done.stderr
    (sched,) = json.loads(done.stdout)
    amounts = [D(i["amount"]) for i in sched["instalments"]]
    assert len(amounts) == 10 and sum(amounts) == D(sched["total"])
    assert sched["instalments"][0]["due_date"] == "2025-12-05"
    assert sched["pricing_dates"] == ["2025-12-01"]
    text = run("--contracts", str(demo / "contracts.csv"), "--offers", str(demo / "offers.csv"),
               "--start", "2025-12-01")
    # no readings: every demo contract has annual_kwh, so each one is scheduled (flat)
    assert text.returncode == 0, text.stderr
    assert "3500 kWh/year, flat over the year" in text.stdout and " 12  2026-11-01" in text.stdout
    bad = run("--contracts", str(demo / "contracts.csv"), "--offers", str(demo / "offers.csv"),
              "--start", "2025-13-01")
    assert bad.returncode == 2 and "--start" in bad.stderr
    assert "example" in run("--help").stdout
