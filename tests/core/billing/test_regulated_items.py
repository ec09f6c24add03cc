"""Every regulated item: CACNC, metering fee without meter, BT > 36 kVA four subscribed powers,
CMDPS overruns, accise categories by power and attestations.

Texts (rows of enercoop_core/tariffs/data/*.csv, TURPE 7 from 2025-08-01):
- CRE délib. n° 2025-40 (annexe, final délib. n° 2025-78) and Enedis brochure 'TURPE 7 HTA/BT -
  Tarifs en vigueur au 1er août 2025': BT <= 36 kVA cg 16.80, cc 22.00 EUR/year, cc without
  meter 1.75 EUR/year, CACNC socle 6.48 and majoration 4.14 EUR per two months (p.17); CU4 b
  10.11 EUR/kVA/year; BT > 36 kVA CU b HPH 17.61, HCH 15.96, HPB 14.56, HCB 11.98 EUR/kVA/year
  with CS = b1 P1 + sum b_i (P_i - P_(i-1)) (p.14), CMDPS = 12.41 EUR x h per class (p.15).
- CTA 21.93 % (arrêté du 20 juillet 2021, read in CRE délib. n° 2026-14).
- Accise: arrêté du 27 janvier 2026 (PME and haute puissance 26.58 EUR/MWh from 2026-02-01).
"""
import datetime as dt
from decimal import Decimal as D

import pytest

from enercoop_core.billing.engine import bill_contract, price_period
from enercoop_core.billing.readings import from_record
from enercoop_core.errors import InputError, MissingRateError
from enercoop_core.tariffs.taxes import Taxes, accise_category_for_power

from .test_engine import PRM, by_code, contract  # contract(): coop-idf, from 2023-08-01

FOUR = {"HPH": 0, "HCH": 0, "HPB": 100000, "HCB": 0}


def test_cacnc_non_communicating_meter_two_months(rates):
    # 6.48 EUR per two months = 3.24 a month, priced per day of the month:
    # September 3.24 / 30 = 0.10800000 x 30 = 3.24; October 3.24 / 31 = 0.10451613 x 31
    # = 3.24000003 -> 3.24; the two months bill the published 6.48
    lines = by_code(price_period([contract(meter="non_communicating")], dt.date(2025, 9, 1),
                                 dt.date(2025, 11, 1), FOUR, rates))
    cacnc = lines["turpe_cacnc"]
    assert [(l.unit_price, l.quantity, l.amount) for l in cacnc] == [
        (D("0.10800000"), D(30), D("3.24")), (D("0.10451613"), D(31), D("3.24"))]
    assert all(l.kind == "turpe_fixed" and "turpe.csv" in l.rate_ref for l in cacnc)
    assert "turpe_cacnc_surcharge" not in lines
    # a communicating meter pays no CACNC
    assert "turpe_cacnc" not in by_code(price_period([contract()], dt.date(2025, 9, 1),
                                                     dt.date(2025, 10, 1), FOUR, rates))


def test_cacnc_majoration_when_last_real_index_is_over_a_year_old(rates):
    # last real index 2024-08-01, the distributor's estimates since: majoration 4.14 EUR per two
    # months -> 2.07 / 30 = 0.06900000 x 30 = 2.07 in September 2025
    def rec(day, kwh, nature):
        return from_record({"family": "index_reading", "prm": PRM, "date": day,
                            "nature": nature, "key": day, "registers": [
                                {"time_class": c, "measure_class": "1", "unit": "kWh",
                                 "value": v} for c, v in zip(("HPH", "HCH", "HPB", "HCB"),
                                                             (0, 0, kwh, 0))]})
    readings = [rec("2024-08-01", 0, "real"), rec("2025-09-01", 3000, "estimated"),
                rec("2025-10-01", 3200, "estimated")]
    bill = bill_contract([contract(meter="non_communicating", start=dt.date(2024, 8, 1))],
                         readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1), rates)
    lines = by_code(bill.lines)
    assert bill.estimated
    assert [(l.unit_price, l.amount) for l in lines["turpe_cacnc_surcharge"]] == [
        (D("0.06900000"), D("2.07"))]
    assert lines["turpe_cacnc"][0].amount == D("3.24")


def test_metering_fee_of_a_point_without_meter(rates):
    lines = by_code(price_period([contract(meter="none")], dt.date(2025, 9, 1),
                                 dt.date(2025, 10, 1), FOUR, rates))
    # cc without meter 1.75 / 365 = 0.00479452 x 30 = 0.1438356 -> 0.14
    assert [(l.unit_price, l.amount) for l in lines["turpe_cc"]] == [(D("0.00479452"), D("0.14"))]
    # CTA base (cg 0.04602740 + cc 0.00479452 + b 10.11 x 6 / 365 = 0.16619178) x 30
    # = 6.510411 -> 6.51 ; x 21.93 % = 1.427643 -> 1.43
    assert lines["cta"][0].quantity == D("6.51") and lines["cta"][0].amount == D("1.43")


def test_bt_over_36_kva_four_subscribed_powers(rates):
    # P1 HPH 60, P2 HCH 60, P3 HPB 80, P4 HCB 120 kVA; February 2026 (28 days of 365):
    # b1 P1 = 17.61 x 60 / 365 = 2.89479452 x 28 = 81.05424656 -> 81.05
    # b2 (P2 - P1) = 0: no line
    # b3 (P3 - P2) = 14.56 x 20 / 365 = 0.79780822 x 28 = 22.33863016 -> 22.34
    # b4 (P4 - P3) = 11.98 x 40 / 365 = 1.31287671 x 28 = 36.76054788 -> 36.76
    powers = (("HPH", 60), ("HCH", 60), ("HPB", 80), ("HCB", 120))
    c = contract(fta="BTSUPCU4", kva=120, offer="QUATRE", kva_by_class=powers)
    lines = by_code(price_period([c], dt.date(2026, 2, 1), dt.date(2026, 3, 1), FOUR, rates))
    assert lines["turpe_b"][0].amount == D("81.05")
    assert "turpe_b_HCH" not in lines
    assert lines["turpe_b_HPB"][0].amount == D("22.34")
    assert (lines["turpe_b_HCB"][0].unit_price, lines["turpe_b_HCB"][0].amount) == (
        D("1.31287671"), D("36.76"))
    # the CTA base holds every b term: cg 217.80/365 = 0.59671233, cc 283.27/365 = 0.77608219
    # (0.59671233 + 0.77608219 + 2.89479452 + 0.79780822 + 1.31287671) = 6.37827397 x 28
    # = 178.59167116 -> 178.59 ; CTA 15 % from 2026-02-01 = 26.7885 -> 26.79
    assert lines["cta"][0].quantity == D("178.59") and lines["cta"][0].amount == D("26.79")


def test_subscribed_powers_must_not_go_down(rates):
    powers = (("HPH", 80), ("HCH", 60), ("HPB", 80), ("HCB", 120))
    c = contract(fta="BTSUPCU4", kva=120, offer="QUATRE", kva_by_class=powers)
    with pytest.raises(InputError) as err:
        price_period([c], dt.date(2026, 2, 1), dt.date(2026, 3, 1), FOUR, rates)
    assert err.value.field == "kva_by_class"


def test_cmdps_overruns_from_r171_durations(rates):
    # R171 DD (durée de dépassement, seconds, cumulative): HPH 0 -> 5 400 s = 1.5 h,
    # HCH 0 -> 900 s = 0.25 h in December 2025: 12.41 x 1.5 = 18.615 -> 18.62 ;
    # 12.41 x 0.25 = 3.1025 -> 3.10
    def rec(day, kwh, hph_s, hch_s):
        return from_record({
            "family": "index_reading", "prm": PRM, "date": day, "nature": "real", "key": day,
            "registers": [{"time_class": c, "measure_class": "EA", "unit": "kWh", "value": v}
                          for c, v in zip(("HPH", "HCH", "HPB", "HCB"), (kwh, kwh, 0, 0))],
            "measures": [{"quantity": "DD", "time_class": "HPH", "direction": "withdrawal",
                          "value": hph_s, "unit": "S"},
                         {"quantity": "DD", "time_class": "HCH", "direction": "withdrawal",
                          "value": hch_s, "unit": "S"}]})
    readings = [rec("2025-12-01", 1000, 0, 0), rec("2026-01-01", 2000, 5400, 900)]
    bill = bill_contract([contract(fta="BTSUPCU4", kva=60, offer="QUATRE")], readings,
                         dt.date(2025, 12, 1), dt.date(2026, 1, 1), rates)
    lines = by_code(bill.lines)
    assert [(l.quantity, l.unit, l.amount) for l in lines["turpe_cmdps_HPH"]] == [
        (D("1.500000"), "h", D("18.62"))]
    assert lines["turpe_cmdps_HCH"][0].amount == D("3.10")
    assert "turpe_cmdps_HPB" not in lines
    assert bill.total_excl_vat == sum(l.amount for l in bill.lines)


def test_accise_category_by_power_and_attestations(rates):
    # CIBS categories: ménages et assimilés <= 36 kVA, PME <= 250 kVA, haute puissance above
    assert [accise_category_for_power(k) for k in (36, 37, 250, 251)] == [
        "household", "sme", "sme", "high_power"]
    # arrêté du 27 janvier 2026: haute puissance 26.58 EUR/MWh from 2026-02-01
    assert Taxes().accise(dt.date(2026, 3, 1), "high_power").values["eur_per_mwh"] == "26.58"
    # BTSUPCU4 at 48 kVA: PME accise (not household) and C4 VAT 20 % on every part;
    # December 2025 sme 25.79 EUR/MWh: 100 kWh -> 2.579 -> 2.58
    lines = by_code(price_period([contract(fta="BTSUPCU4", kva=48, offer="QUATRE")],
                                 dt.date(2025, 12, 1), dt.date(2026, 1, 1), FOUR, rates))
    assert lines["accise"][0].amount == D("2.58")
    assert all(l.vat_rate == D("20") for ls in lines.values() for l in ls)
    # an exemption attestation: tarif nul, the line says why
    exempt = by_code(price_period([contract(accise_attestation="exempt")], dt.date(2025, 12, 1),
                                  dt.date(2026, 1, 1), FOUR, rates))["accise"][0]
    assert exempt.amount == D("0.00") and "attestation: exempt" in exempt.label
    # an attestation for a reduced rate the table has no row for: a clear missing-rate error
    with pytest.raises(MissingRateError) as err:
        price_period([contract(accise_attestation="electro_intensive_a")], dt.date(2025, 12, 1),
                     dt.date(2026, 1, 1), FOUR, rates)
    assert "accise.csv" in str(err.value) and "electro_intensive_a" in str(err.value)


def test_missing_turpe6_grid_of_2025_02_stays_a_missing_rate(rates):
    # CRE délib. n° 2025-08 (TURPE 6, 2025-02-01..2025-07-31) not found: cg has no row
    with pytest.raises(MissingRateError) as err:
        price_period([contract(start=dt.date(2025, 1, 1))], dt.date(2025, 3, 1),
                     dt.date(2025, 4, 1), FOUR, rates)
    assert "turpe.csv" in str(err.value)


def test_point_without_meter_is_billed_on_its_estimate(rates):
    # A point without a meter (meter "none") never has an index: each period is estimated
    # from annual_kwh (TURPE 7 brochure p.17: the distributor estimates its flows) and pays
    # the metering fee without meter, 1.75 EUR/year. BTINFCUST 3 kVA, 1 200 kWh/year,
    # November 2025 (30 days): 1 200 000 x 30 / 365 = 98 630.1 -> 98 630 Wh;
    # cc 1.75 / 365 = 0.00479452 x 30 = 0.1438 -> 0.14; TURPE CU 4.84 c EUR/kWh x 98.630 =
    # 4.7737 -> 4.77; accise 29.98 EUR/MWh -> 2.9569 -> 2.96
    point = contract(fta="BTINFCUST", kva=3, meter="none", annual_kwh=D(1200))
    bill = bill_contract([point], [], dt.date(2025, 11, 1), dt.date(2025, 12, 1), rates)
    assert bill.estimated and bill.consumption_wh == {"BASE": 98630}
    amounts = {l.code: l.amount for l in bill.lines}
    assert (amounts["turpe_cc"], amounts["turpe_c_BASE"], amounts["accise"]) == (
        D("0.14"), D("4.77"), D("2.96"))
    with pytest.raises(InputError) as err:  # without annual_kwh there is nothing to bill on
        bill_contract([contract(fta="BTINFCUST", kva=3, meter="none")], [],
                      dt.date(2025, 11, 1), dt.date(2025, 12, 1), rates)
    assert err.value.field == "annual_kwh"
    with pytest.raises(InputError) as err:  # a metered point still needs its start index
        bill_contract([contract(fta="BTINFCUST", kva=3, annual_kwh=D(1200))], [],
                      dt.date(2025, 11, 1), dt.date(2025, 12, 1), rates)
    assert err.value.field == "readings"
