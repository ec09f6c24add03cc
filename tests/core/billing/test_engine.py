import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

import enercoop_core.billing
from enercoop_core.billing.engine import bill_contract, price_period
from enercoop_core.billing.model import Contract, make_bill
from enercoop_core.billing.readings import from_record
from enercoop_core.errors import MissingRateError
from enercoop_core.tariffs.rates import Rates
from enercoop_core.tariffs.table import RateTable
from enercoop_core.tariffs.turpe import Turpe

DEMO_OFFERS = Path(enercoop_core.billing.__file__).parent / "data" / "demo" / "offers.csv"

PRM = "12345678901234"


def contract(fta="BTINFCU4", kva=6, offer="BASE", start=dt.date(2023, 8, 1), **kw):
    return Contract("C1", PRM, fta, kva, offer, start, company="coop-idf", **kw)


def by_code(lines):
    out = {}
    for line in lines:
        out.setdefault(line.code, []).append(line)
    return out


def test_cu4_september_2025_hand_worked(rates):
    lines = price_period([contract()], dt.date(2025, 9, 1), dt.date(2025, 10, 1),
                         {"HPH": 0, "HCH": 0, "HPB": 200000, "HCB": 100000}, rates)
    code = {k: v[0] for k, v in by_code(lines).items()}
    # subscription 13.00 EUR/month / 30 days = 0.43333333 x 30 = 12.9999999 -> 13.00
    assert code["subscription"].amount == D("13.00")
    # cg 16.80/365 = 0.04602740 x 30 = 1.380822 -> 1.38 ; cc 22.00/365 = 0.06027397 x 30 -> 1.81
    assert code["turpe_cg"].unit_price == D("0.04602740") and code["turpe_cg"].amount == D("1.38")
    assert code["turpe_cc"].amount == D("1.81")
    # b 10.11 x 6 kVA = 60.66 / 365 = 0.16619178 x 30 = 4.9857534 -> 4.99
    assert code["turpe_b"].amount == D("4.99")
    # CTA base (0.04602740 + 0.06027397 + 0.16619178) x 30 = 8.1747945 -> 8.17 x 21.93 % = 1.79
    assert code["cta"].quantity == D("8.17") and code["cta"].amount == D("1.79")
    # energy 300 kWh x 0.18 = 54.00 ; TURPE HPB 200 x 0.0166 = 3.32, HCB 100 x 0.0116 = 1.16
    assert code["energy_BASE"].amount == D("54.00")
    assert code["turpe_c_HPB"].amount == D("3.32") and code["turpe_c_HCB"].amount == D("1.16")
    assert "turpe_c_HPH" not in code  # no energy in a class: no line
    # accise 300 kWh x 29.98 EUR/MWh = 8.994 -> 8.99
    assert code["accise"].amount == D("8.99")
    bill = make_bill(contract(), dt.date(2025, 9, 1), dt.date(2025, 10, 1), lines, False)
    # 13.00+1.38+1.81+4.99+1.79+54.00+3.32+1.16+8.99 = 90.44 ; VAT 20 % = 18.088 -> 18.09
    assert bill.total_excl_vat == D("90.44") and bill.total_vat == D("18.09")
    assert bill.total == D("108.53")


@pytest.mark.parametrize("fta, b, energy, expected_c", [
    # October 2025, 9 kVA, 31 days: b line = round(b x 9 / 365 (8 dp) x 31)
    ("BTINFMU4", "12.12", {"HPH": 0, "HCH": 0, "HPB": 150000, "HCB": 50000},
     # 150 x .0161 = 2.415; 50 x .0111 = .555
     {"turpe_c_HPB": D("2.42"), "turpe_c_HCB": D("0.56")}),
    ("BTINFLU", "93.13", {"HPH": 0, "HCH": 0, "HPB": 150000, "HCB": 50000},
     {"turpe_c_BASE": D("2.50")}),  # 200 kWh x 0.0125
    ("BTINFCUST", "11.07", {"BASE": 200000}, {"turpe_c_BASE": D("9.68")}),  # 200 x 0.0484
    ("BTINFMUDT", "13.49", {"HP": 120000, "HC": 80000},
     {"turpe_c_HP": D("5.93"), "turpe_c_HC": D("2.80")}),  # 120 x .0494 = 5.928; 80 x .035
])
def test_each_fta_option_october_2025(rates, fta, b, energy, expected_c):
    lines = price_period([contract(fta=fta, kva=9)], dt.date(2025, 10, 1), dt.date(2025, 11, 1),
                         energy, rates)
    code = {k: v[0] for k, v in by_code(lines).items()}
    daily = (D(b) * 9 / 365).quantize(D("0.00000001"))
    assert code["turpe_b"].unit_price == daily
    assert code["turpe_b"].amount == (daily * 31).quantize(D("0.01"))
    for name, amount in expected_c.items():
        assert code[name].amount == amount


def test_bt_over_36_kva_cu4(rates):
    lines = price_period([contract(fta="BTSUPCU4", kva=60, offer="QUATRE")], dt.date(2026, 2, 1),
                         dt.date(2026, 3, 1), {"HPH": 1000000, "HCH": 500000, "HPB": 0, "HCB": 0},
                         rates)
    code = {k: v[0] for k, v in by_code(lines).items()}
    # b1 17.61 x 60 kVA = 1056.60 / 365 = 2.89479452 x 28 = 81.054247 -> 81.05
    assert code["turpe_b"].amount == D("81.05")
    # cg 217.80 / 365 = 0.59671233 x 28 = 16.707945 -> 16.71
    assert code["turpe_cg"].amount == D("16.71")
    # CTA is 15 % from 2026-02-01; accise 'sme' 26.58 EUR/MWh: 1500 kWh -> 39.87
    assert code["cta"].unit_price == D("0.15") and code["accise"].amount == D("39.87")
    # 1000 kWh HPH x 0.0691 = 69.10
    assert code["turpe_c_HPH"].amount == D("69.10")
    # December 2025: accise 'sme' 25.79 EUR/MWh (20.90 + 4.89 ZNI): 1234 kWh -> 31.82486 -> 31.82
    dec = by_code(price_period([contract(fta="BTSUPCU4", kva=60, offer="QUATRE")],
                               dt.date(2025, 12, 1), dt.date(2026, 1, 1),
                               {"HPH": 1000000, "HCH": 234000, "HPB": 0, "HCB": 0}, rates))
    assert dec["accise"][0].amount == D("31.82") and dec["cta"][0].unit_price == D("0.2193")


def test_missing_rate_is_an_error_naming_table_and_date(rates):
    # TURPE cg/cc of the 2025-02-01 grid are not confirmed: no row, never a zero
    with pytest.raises(MissingRateError) as err:
        price_period([contract()], dt.date(2025, 3, 1), dt.date(2025, 4, 1),
                     {"HPH": 1, "HCH": 0, "HPB": 0, "HCB": 0}, rates)
    assert "turpe.csv" in str(err.value) and "2025-03-01" in str(err.value)


def test_rate_change_mid_period_in_leap_year(rates):
    # 2024-10-15 .. 2024-11-15: TURPE grid changes on 2024-11-01; 2024 has 366 days
    lines = price_period([contract(start=dt.date(2024, 1, 1))], dt.date(2024, 10, 15),
                         dt.date(2024, 11, 15), {"HPH": 0, "HCH": 0, "HPB": 310000, "HCB": 0},
                         rates)
    cg = by_code(lines)["turpe_cg"]
    # 15.48 / 366 = 0.04229508 x 17 days = 0.719016 -> 0.72 ; 16.20 / 366 = 0.04426230 x 14 -> 0.62
    assert [(l.quantity, l.unit_price, l.amount) for l in cg] == [
        (D(17), D("0.04229508"), D("0.72")), (D(14), D("0.04426230"), D("0.62"))]
    hpb = by_code(lines)["turpe_c_HPB"]
    # 310 kWh over 31 days: 170 kWh at 1.43 c = 2.431 -> 2.43, 140 kWh at 1.48 c = 2.072 -> 2.07
    assert [(l.quantity, l.amount) for l in hpb] == [(D("170.000"), D("2.43")),
                                                     (D("140.000"), D("2.07"))]
    assert all(l.vat_rate == D("5.5") for l in cg)


def test_leap_february_2024(rates):
    lines = price_period([contract(start=dt.date(2024, 1, 1))], dt.date(2024, 2, 1),
                         dt.date(2024, 3, 1), {"HPH": 1, "HCH": 0, "HPB": 0, "HCB": 0}, rates)
    b = by_code(lines)["turpe_b"][0]
    # 9.00 x 6 = 54.00 / 366 = 0.14754098 x 29 days = 4.27868842 -> 4.28
    assert (b.quantity, b.unit_price, b.amount) == (D(29), D("0.14754098"), D("4.28"))


def test_period_across_vat_change(tmp_path):
    # Test-only TURPE grid (the real cg/cc for July 2025 are not confirmed): one row per figure
    # valid all 2025, so the only changes on 2025-08-01 are VAT, offers and accise.
    grid = tmp_path / "turpe_test.csv"
    grid.write_text(
        "valid_from,valid_to,fta,component,time_class,value,unit,source,status\n"
        "2025-01-01,2026-01-01,BTINFCUST,cg,,12.00,EUR/year,test,test\n"
        "2025-01-01,2026-01-01,BTINFCUST,cc,,24.00,EUR/year,test,test\n"
        "2025-01-01,2026-01-01,BTINFCUST,b,,10.00,EUR/kVA/year,test,test\n"
        "2025-01-01,2026-01-01,BTINFCUST,c,BASE,4.00,cEUR/kWh,test,test\n", encoding="utf-8")
    rates = Rates(Rates.load(DEMO_OFFERS).offers,
                  turpe=Turpe(RateTable.from_csv(grid, ("fta", "component", "time_class"))))
    lines = price_period([contract(fta="BTINFCUST")], dt.date(2025, 7, 15), dt.date(2025, 8, 15),
                         {"BASE": 310000}, rates)
    code = by_code(lines)
    # b: 10.00 x 6 / 365 = 0.16438356; 17 days -> 2.79 at 5.5 %, 14 days -> 2.30 at 20 %
    assert [(l.amount, l.vat_rate) for l in code["turpe_b"]] == [
        (D("2.79"), D("5.5")), (D("2.30"), D("20"))]
    # subscription 12.60/31 = 0.40645161 x 17 = 6.91 (5.5 %); 13.00/31 = 0.41935484 x 14 = 5.87
    assert [(l.amount, l.vat_rate) for l in code["subscription"]] == [
        (D("6.91"), D("5.5")), (D("5.87"), D("20"))]
    assert [l.vat_rate for l in code["cta"]] == [D("5.5"), D("20")]
    # energy keeps 20 % but the offer price changes: 170 kWh x 0.175 = 29.75; 140 x 0.18 = 25.20
    assert [l.amount for l in code["energy_BASE"]] == [D("29.75"), D("25.20")]
    # accise 33.70 then 29.98 EUR/MWh: 170 kWh -> 5.729 -> 5.73 ; 140 kWh -> 4.1972 -> 4.20
    assert [l.amount for l in code["accise"]] == [D("5.73"), D("4.20")]
    bill = make_bill(contract(), dt.date(2025, 7, 15), dt.date(2025, 8, 15), lines, False)
    reduced = [v for v in bill.vat if v.rate == D("5.5")][0]
    assert reduced.base == sum(l.amount for l in lines if l.vat_rate == D("5.5"))


def reading(day, wh, nature="real"):
    return from_record({"family": "index_reading", "prm": PRM, "date": day, "nature": nature,
                        "key": day, "registers": [{"owner": "distributor", "time_class": "BASE",
                                                   "direction": "withdrawal", "value": wh,
                                                   "unit": "Wh"}]})


def test_estimate_then_true_up(rates):
    c = contract(fta="BTINFCUST")
    readings = [reading("2025-09-01", 700000), reading("2025-10-01", 1000000)]
    sept = bill_contract([c], readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1), rates)
    assert not sept.estimated and sept.consumption_wh == {"BASE": 300000}
    # October has no end reading: 300 kWh / 30 days x 31 days = 310 kWh, estimated
    octo = bill_contract([c], readings, dt.date(2025, 10, 1), dt.date(2025, 11, 1), rates,
                         prior_bills=[sept])
    assert octo.estimated and octo.consumption_wh == {"BASE": 310000}
    assert all(l.estimated for l in octo.lines)
    # December 1st real index 1 700 000: 700 kWh over Oct+Nov (61 days)
    readings.append(reading("2025-12-01", 1700000))
    nov = bill_contract([c], readings, dt.date(2025, 11, 1), dt.date(2025, 12, 1), rates,
                        prior_bills=[sept, octo])
    # October should have had floor(700000 x 31 / 61) = 355737 Wh: true-up +45737 Wh
    trueup = [l for l in nov.lines if l.true_up]
    assert {l.code: l.quantity for l in trueup}["energy_BASE"] == D("45.737")
    assert all(l.period_start == dt.date(2025, 10, 1) for l in trueup)
    assert nov.consumption_wh == {"BASE": 700000 - 355737}
    billed = sum(l.quantity for b in (octo, nov) for l in b.lines if l.code == "energy_BASE")
    assert billed == D("700.000")  # never double-billed, never lost
    assert not nov.estimated and nov.end_index_wh == {"BASE": 1700000}
