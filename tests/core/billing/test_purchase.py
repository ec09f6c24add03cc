import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

import enercoop_core.billing
from enercoop_core.billing.purchase import (FRANCHISE_MENTION, SELF_BILLING_MENTION,
                                            PurchaseContract, purchase_invoice)
from enercoop_core.billing.readings import from_record
from enercoop_core.errors import InputError, MissingRateError
from enercoop_core.tariffs.purchase import PurchaseTariffs

DEMO = Path(enercoop_core.billing.__file__).parent / "data" / "demo"
PRM = "30002000000009"


def injection(day, indexes, nature="real"):
    return from_record({
        "family": "index_reading", "prm": PRM, "date": day, "nature": nature, "key": day,
        "registers": [{"owner": "distributor", "time_class": tc, "direction": "injection",
                       "measure_class": "1", "value": kwh, "unit": "kWh"}
                      for tc, kwh in indexes.items()]
        + [{"owner": "distributor", "time_class": "BASE", "direction": "withdrawal",
            "measure_class": "1", "value": 5, "unit": "kWh"}]})


def contract(tariff="pv-flat", regime="franchise", index=None, start=dt.date(2024, 1, 1), **kw):
    return PurchaseContract("P-9", PRM, "Test producer", tariff, start, index=index,
                            vat_regime=regime, **kw)


def demo_tariffs():
    return PurchaseTariffs.from_csv(DEMO / "purchase_prices.csv", DEMO / "purchase_index.csv")


def test_flat_price_franchise_en_base_no_vat():
    readings = [injection("2025-09-01", {"BASE": 18500}), injection("2025-10-01", {"BASE": 18812})]
    inv = purchase_invoice(contract(), readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1),
                           demo_tariffs())
    # 312 kWh x 0.0850 EUR/kWh = 26.52 ; franchise en base: no VAT, the art. 293 B mention
    (line,) = inv.lines
    assert (line.quantity, line.unit_price, line.amount) == (D("312.000"), D("0.0850"), D("26.52"))
    assert line.kind == "purchase" and line.vat_rate == 0 and "purchase_prices.csv" in line.rate_ref
    assert inv.vat == () and inv.total_vat == 0 and inv.total == D("26.52")
    assert inv.mentions == (SELF_BILLING_MENTION, FRANCHISE_MENTION)
    assert FRANCHISE_MENTION == "TVA non applicable, art. 293 B du CGI"
    assert inv.injection_wh == {"BASE": 312000}  # the withdrawal register is not counted


def test_time_classes_index_and_price_change_mid_month_vat_liable(tmp_path):
    prices = tmp_path / "prices.csv"
    prices.write_text(
        "valid_from,valid_to,tariff,time_class,value,unit,source,status\n"
        "2025-01-01,2025-09-16,t,HP,0.1000,EUR/kWh,test,test\n"
        "2025-09-16,,t,HP,0.1200,EUR/kWh,test,test\n"
        "2025-01-01,,t,HC,0.0800,EUR/kWh,test,test\n", encoding="utf-8")
    tariffs = PurchaseTariffs.from_csv(prices, DEMO / "purchase_index.csv")
    readings = [injection("2025-09-01", {"HPH": 10, "HCH": 20, "HPB": 1000, "HCB": 500}),
                injection("2025-10-01", {"HPH": 10, "HCH": 20, "HPB": 4000, "HCB": 2000})]
    inv = purchase_invoice(contract("t", "liable", "coop-index"), readings,
                           dt.date(2025, 9, 1), dt.date(2025, 10, 1), tariffs)
    lines = [(l.code, l.period_start.day, l.quantity, l.unit_price, l.amount) for l in inv.lines]
    # four registers -> HP = HPH + HPB = 3000 kWh, HC = HCH + HCB = 1500 kWh
    # HP: 1500 kWh on 1-15 Sept at 0.1000 x 1.0215 = 0.10215 -> 153.225 -> 153.23
    #     1500 kWh on 16-30 Sept at 0.1200 x 1.0215 = 0.12258 -> 183.87
    # HC: 1500 kWh at 0.0800 x 1.0215 = 0.08172 -> 122.58
    assert lines == [("purchase_HP", 1, D("1500.000"), D("0.10215000"), D("153.23")),
                     ("purchase_HP", 16, D("1500.000"), D("0.12258000"), D("183.87")),
                     ("purchase_HC", 1, D("3000.000") / 2, D("0.08172000"), D("122.58"))]
    # 459.68 excl. VAT; VAT 20 % = 91.936 -> 91.94; total 551.62
    assert inv.total_excl_vat == D("459.68") and inv.total_vat == D("91.94")
    assert inv.total == D("551.62") and inv.mentions == (SELF_BILLING_MENTION,)
    assert all("x index coop-index 1.0215" in l.label for l in inv.lines)
    assert all("purchase_index.csv" in l.rate_ref for l in inv.lines)
    assert sum(l.quantity for l in inv.lines) == D("4500.000")


def test_period_clipped_to_contract_end_and_estimated_flag():
    readings = [injection("2025-09-01", {"BASE": 1000}),
                injection("2025-09-21", {"BASE": 1200}, nature="estimated")]
    inv = purchase_invoice(contract(end=dt.date(2025, 9, 21)), readings, dt.date(2025, 9, 1),
                           dt.date(2025, 10, 1), demo_tariffs())
    # 200 kWh x 0.085 = 17.00, to the contract's end (exclusive) on 2025-09-21
    assert inv.period_end == dt.date(2025, 9, 21) and inv.total == D("17.00")
    assert inv.estimated and all(l.estimated for l in inv.lines)


def test_missing_index_reading_and_missing_rates_are_errors():
    readings = [injection("2025-09-01", {"BASE": 1000})]
    with pytest.raises(InputError) as err:
        purchase_invoice(contract(), readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1),
                         demo_tariffs())
    assert "2025-10-01" in str(err.value) and err.value.record == "P-9"
    readings.append(injection("2025-10-01", {"BASE": 1100}))
    no_index = PurchaseTariffs.from_csv(DEMO / "purchase_prices.csv")
    with pytest.raises(MissingRateError):  # indexed contract, no index table given
        purchase_invoice(contract(index="coop-index"), readings, dt.date(2025, 9, 1),
                         dt.date(2025, 10, 1), no_index)
    with pytest.raises(MissingRateError) as err:  # the example index starts in 2024
        purchase_invoice(contract(index="coop-index", start=dt.date(2023, 1, 1)),
                         [injection("2023-05-01", {"BASE": 1}),
                          injection("2023-06-01", {"BASE": 9})],
                         dt.date(2023, 5, 1), dt.date(2023, 6, 1), demo_tariffs())
    assert "purchase_index.csv" in str(err.value) and "2023-05-01" in str(err.value)
    with pytest.raises(InputError):
        contract(regime="exempt")


def test_cli_purchases_demo_json():
    done = subprocess.run(
        [sys.executable, "-m", "enercoop_core", "bill", "purchases",
         "--contracts", str(DEMO / "purchase_contracts.csv"),
         "--prices", str(DEMO / "purchase_prices.csv"), "--index", str(DEMO / "purchase_index.csv"),
         "--readings"] + sorted(str(p) for p in DEMO.glob("R15_*.xml"))
        + ["--period", "2025-10", "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    by_id = {i["contract_id"]: i for i in json.loads(done.stdout)}
    hydro = by_id["P-0001"]
    # October 2025: HPB 66 450 -> 70 230 = 3780 kWh HP, HCB 36 980 -> 39 110 = 2130 kWh HC;
    # new prices from 2025-10-01: HP 0.0980 x 1.0215 = 0.100107 -> 378.40446 -> 378.40;
    # HC 0.0720 x 1.0215 = 0.073548 -> 156.65724 -> 156.66; total 535.06, VAT 107.012 -> 107.01
    assert [(l["code"], l["quantity"], l["amount"]) for l in hydro["lines"]] == [
        ("purchase_HP", "3780.000", "378.40"), ("purchase_HC", "2130.000", "156.66")]
    assert (hydro["total_excl_vat"], hydro["total_vat"], hydro["total"]) == (
        "535.06", "107.01", "642.07")
    assert by_id["P-0002"]["mentions"][-1] == "TVA non applicable, art. 293 B du CGI"


def test_month_between_readings_of_other_days_is_prorated():
    # P4 injection readings on the 10th: Sep 10 18 500, Oct 10 18 800, Nov 10 19 110 kWh.
    # Oct 1 index: 18 500 + 300 x 21 / 30 = 18 710; Nov 1: 18 800 + 310 x 22 / 31 = 19 020.
    # October: 19 020 - 18 710 = 310 kWh x 0.0850 EUR/kWh (demo grid pv-flat) = 26.35
    readings = [injection("2025-09-10", {"BASE": 18500}), injection("2025-10-10", {"BASE": 18800}),
                injection("2025-11-10", {"BASE": 19110})]
    inv = purchase_invoice(contract(), readings, dt.date(2025, 10, 1), dt.date(2025, 11, 1),
                           demo_tariffs())
    assert inv.injection_wh == {"BASE": 310000} and not inv.estimated
    assert inv.start_index_wh == {"BASE": 18710000} and inv.end_index_wh == {"BASE": 19020000}
    assert [(l.quantity, l.amount) for l in inv.lines] == [(D("310.000"), D("26.35"))]
