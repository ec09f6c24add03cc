import datetime as dt
from decimal import Decimal as D

import pytest

from enercoop_core.billing.engine import bill_contract
from enercoop_core.billing.estimate import estimate_consumption
from enercoop_core.billing.model import Contract
from enercoop_core.billing.profiles import ProfileCoefficients
from enercoop_core.billing.readings import from_record
from enercoop_core.errors import MissingRateError
from enercoop_core.tariffs.calendar import PARIS
from enercoop_core.tariffs.rates import Rates

PRM = "30001000000077"


def synthetic(path, coefficient, subs=("RES1_BASE",), sep=";", comma=True):
    """October 2025, half-hourly, time stamps ending their interval, in the open-data layout
    (a synthetic sample: not Enedis figures). 2025-10-26 has 50 half-hours (end of DST)."""
    lines = [sep.join(["horodate", "sous_profil", "categorie", "coefficient_prepare"])]
    start = int(dt.datetime(2025, 10, 1, tzinfo=PARIS).timestamp())
    stop = int(dt.datetime(2025, 11, 1, tzinfo=PARIS).timestamp())
    for instant in range(start, stop, 1800):
        end = dt.datetime.fromtimestamp(instant + 1800, PARIS)
        local_start = dt.datetime.fromtimestamp(instant, PARIS)
        for sub in subs:
            value = "%.6f" % coefficient(sub, local_start)
            lines.append(sep.join([end.isoformat(), sub, "RES",
                                   value.replace(".", ",") if comma else value]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def contract(**kw):
    base = dict(contract_id="C-P", prm=PRM, fta="BTINFCUST", kva=6, offer="BASE",
                start=dt.date(2024, 1, 1), company="coop-idf", annual_kwh=D(3650),
                profile="RES1_BASE")
    base.update(kw)
    return Contract(**base)


def test_constant_coefficients_give_the_flat_estimate(tmp_path):
    profiles = ProfileCoefficients.from_csv(synthetic(tmp_path / "p.csv", lambda s, t: 1.0))
    assert profiles.share("RES1_BASE", dt.date(2025, 10, 1), dt.date(2025, 11, 1)) == \
        pytest.approx(31 / 365)
    est = estimate_consumption(contract(), [], ["BASE"], 31, dt.date(2025, 10, 1), profiles)
    flat = estimate_consumption(contract(), [], ["BASE"], 31, dt.date(2025, 10, 1))
    assert est == flat == {"BASE": 310000}  # 3650 kWh x 31 / 365


def test_shape_and_dst_day(tmp_path):
    # coefficient 1 on 1-15 October, 2 from the 16th (the 26th has 50 half-hours):
    # sum(1-15) = 15 x 48 = 720; sum(all) = 720 + (16 x 48 + 2) x 2 = 2260; 31 days covered
    # 1-15 Oct: 3 650 000 Wh x 720 / 2260 x 31 / 365 = 310 000 x 720 / 2260 = 98 761.06 -> 98 761
    path = synthetic(tmp_path / "p.csv", lambda s, t: 1.0 if t.day <= 15 else 2.0, sep=",",
                     comma=False)
    profiles = ProfileCoefficients.from_csv(path)
    est = estimate_consumption(contract(), [], ["BASE"], 15, dt.date(2025, 10, 1), profiles)
    assert est == {"BASE": 98761}


def test_per_class_sub_profiles_and_shares(tmp_path):
    # RES2_HP constant; RES2_HC weighs the first half of the month three times as much
    path = synthetic(tmp_path / "p.csv",
                     lambda s, t: 1.0 if s == "RES2_HP" or t.day > 15 else 3.0,
                     subs=("RES2_HP", "RES2_HC"))
    profiles = ProfileCoefficients.from_csv(path, sub_profiles=["RES2_HP", "RES2_HC"])
    c = contract(profile="RES2", class_shares=(("HP", D("0.6")), ("HC", D("0.4"))))
    est = estimate_consumption(c, [], ["HP", "HC"], 15, dt.date(2025, 10, 1), profiles)
    # HP: sum(1-15) = 720 of 1490 (31 x 48 + 2): 3 650 000 x 0.6 x 31/365 = 186 000
    #     x 720/1490 = 89 879.19 -> 89 879
    # HC: sum(1-15) = 720 x 3 = 2160 of 2160 + 770 = 2930: 3 650 000 x 0.4 x 31/365 = 124 000
    #     x 2160/2930 = 91 412.97 -> 91 412
    assert est == {"HP": 89879, "HC": 91412}


def test_uncovered_period_and_unknown_sub_profile(tmp_path):
    profiles = ProfileCoefficients.from_csv(synthetic(tmp_path / "p.csv", lambda s, t: 1.0))
    with pytest.raises(MissingRateError) as err:
        profiles.share("RES1_BASE", dt.date(2025, 10, 20), dt.date(2025, 11, 10))
    assert "2025-11-01" in str(err.value) and "RES1_BASE" in str(err.value)
    with pytest.raises(MissingRateError):
        profiles.share("PRO1_BASE", dt.date(2025, 10, 1), dt.date(2025, 10, 2))


def test_bill_without_history_uses_the_profile(tmp_path, rates):
    profiles = ProfileCoefficients.from_csv(
        synthetic(tmp_path / "p.csv", lambda s, t: 1.0 if t.day <= 15 else 2.0))
    shaped = Rates(rates.offers, profiles=profiles)
    first = from_record({"family": "index_reading", "prm": PRM, "date": "2025-10-01",
                         "nature": "real", "key": "k", "registers": [
                             {"owner": "distributor", "time_class": "BASE", "value": 100,
                              "unit": "kWh"}]})
    bill = bill_contract([contract()], [first], dt.date(2025, 10, 1), dt.date(2025, 10, 16),
                         shaped)
    # no history (one reading): the profile's 98 761 Wh (see test_shape_and_dst_day), estimated
    assert bill.estimated and bill.consumption_wh == {"BASE": 98761}
    assert bill.end_index_wh == {"BASE": 100000 + 98761}
    flat = bill_contract([contract()], [first], dt.date(2025, 10, 1), dt.date(2025, 10, 16),
                         rates)
    assert flat.consumption_wh == {"BASE": 150000}  # 3650 kWh x 15 / 365 without profiles


def test_cli_bill_with_profiles(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    import enercoop_core.billing
    demo = Path(enercoop_core.billing.__file__).parent / "data" / "demo"
    contracts = tmp_path / "contracts.csv"
    contracts.write_text("contract_id,prm,fta,kva,offer,company,start,annual_kwh,profile\n"
                         "C-P,%s,BTINFCUST,6,BASE,coop-idf,2024-01-01,3650,RES1\n" % PRM,
                         encoding="utf-8")
    readings = tmp_path / "readings.json"
    readings.write_text(json.dumps([{"family": "index_reading", "prm": PRM, "date": "2025-10-01",
                                     "nature": "real", "registers": [
                                         {"time_class": "BASE", "value": 100, "unit": "kWh"}]}]),
                        encoding="utf-8")
    profiles = synthetic(tmp_path / "p.csv", lambda s, t: 1.0 if t.day <= 15 else 2.0)
    done = subprocess.run([sys.executable, "-m", "enercoop_core", "bill", "--contracts",
                           str(contracts), "--offers", str(demo / "offers.csv"), "--readings",
                           str(readings), "--period", "2025-10", "--profiles", str(profiles),
                           "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # profile RES1 -> sub-profile RES1_BASE; the whole month is the whole file: 31/365 of 3650
    (bill,) = json.loads(done.stdout)
    assert bill["estimated"] and bill["consumption_wh"] == {"BASE": 310000}
