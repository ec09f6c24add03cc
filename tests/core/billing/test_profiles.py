import datetime as dt
from decimal import Decimal as D

import pytest

from enercoop_core.billing.engine import bill_contract
from enercoop_core.billing.estimate import estimate_consumption
from enercoop_core.billing.model import Contract
from enercoop_core.billing.profiles import ProfileCoefficients
from enercoop_core.billing.readings import from_record
from enercoop_core.errors import InputError, MissingRateError
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


def cli_bill(tmp_path, contracts_csv, records, profiles, *period):
    """``enercoop bill --format json`` on a contracts CSV text, index_reading records and a
    profile coefficients file; returns the finished process."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    import enercoop_core.billing
    demo = Path(enercoop_core.billing.__file__).parent / "data" / "demo"
    contracts = tmp_path / "contracts.csv"
    contracts.write_text(contracts_csv, encoding="utf-8")
    readings = tmp_path / "readings.json"
    readings.write_text(json.dumps(records), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "enercoop_core", "bill", "--contracts",
                           str(contracts), "--offers", str(demo / "offers.csv"), "--readings",
                           str(readings), "--profiles", str(profiles), "--format", "json"]
                          + list(period), capture_output=True, text=True)


def base_record(day, kwh):
    return {"family": "index_reading", "prm": PRM, "date": day, "nature": "real",
            "registers": [{"time_class": "BASE", "value": kwh, "unit": "kWh"}]}


def test_cli_bill_with_profiles(tmp_path):
    import json
    profiles = synthetic(tmp_path / "p.csv", lambda s, t: 1.0 if t.day <= 15 else 2.0)
    done = cli_bill(tmp_path, "contract_id,prm,fta,kva,offer,company,start,annual_kwh,profile\n"
                    "C-P,%s,BTINFCUST,6,BASE,coop-idf,2024-01-01,3650,RES1\n" % PRM,
                    [base_record("2025-10-01", 100)], profiles, "--period", "2025-10")
    assert done.returncode == 0, done.stderr
    # profile RES1 -> sub-profile RES1_BASE; the whole month is the whole file: 31/365 of 3650
    (bill,) = json.loads(done.stdout)
    assert bill["estimated"] and bill["consumption_wh"] == {"BASE": 310000}


def winter(path, coefficient, subs):
    """2026-01-01 .. 2026-03-01 local, half-hourly, stamps ending their interval (synthetic,
    not Enedis figures; no DST change in these months: 48 half-hours a day)."""
    lines = ["horodate;sous_profil;coefficient_prepare"]
    start = int(dt.datetime(2026, 1, 1, tzinfo=PARIS).timestamp())
    stop = int(dt.datetime(2026, 3, 1, tzinfo=PARIS).timestamp())
    for instant in range(start, stop, 1800):
        local_start = dt.datetime.fromtimestamp(instant, PARIS)
        end = dt.datetime.fromtimestamp(instant + 1800, PARIS)
        for sub in subs:
            lines.append("%s;%s;%s" % (end.isoformat(), sub, coefficient(sub, local_start)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def base_reading(day, kwh, classes=("BASE",)):
    values = kwh if isinstance(kwh, (list, tuple)) else [kwh]
    return from_record({"family": "index_reading", "prm": PRM, "date": day, "nature": "real",
                        "key": day, "registers": [
                            {"owner": "distributor", "time_class": c, "value": v, "unit": "kWh"}
                            for c, v in zip(classes, values)]})


def accise_lines(bill):
    return [(l.period_start, l.quantity, l.amount) for l in bill.lines if l.code == "accise"]


def test_energy_between_real_indexes_is_spread_by_the_profile(tmp_path, rates):
    # Issue 10 point 1: 'spread by days (or by profile when one is given) only between real
    # indexes'. Real indexes on 2026-01-15 (1 000 kWh) and 2026-02-15 (2 000 kWh); the accise
    # for households goes from 29.98 to 30.85 EUR/MWh on 2026-02-01 (tariffs/data/accise.csv).
    # Coefficients: 1 each half-hour in January, 2 in February.
    #   W(Jan 15..Feb 1) = 17 days x 48 x 1 = 816; W(Feb 1..15) = 14 x 48 x 2 = 1 344; 2 160
    #   January: floor(1 000 000 Wh x 816 / 2 160) = 377 777 Wh; February: 622 223 Wh
    #   accise 377.777 x 0.02998 = 11.3258 -> 11.33; 622.223 x 0.03085 = 19.1956 -> 19.20
    # By days it is 17/31: 548 387 Wh (16.44 EUR) and 451 613 Wh (13.93 EUR).
    profiles = ProfileCoefficients.from_csv(winter(
        tmp_path / "p.csv", lambda s, t: 1 if t.month == 1 else 2, ("RES1_BASE",)))
    readings = [base_reading("2026-01-15", 1000), base_reading("2026-02-15", 2000)]
    period = (dt.date(2026, 1, 15), dt.date(2026, 2, 15))
    shaped = bill_contract([contract()], readings, period[0], period[1],
                           Rates(rates.offers, profiles=profiles))
    assert accise_lines(shaped) == [(dt.date(2026, 1, 15), D("377.777"), D("11.33")),
                                    (dt.date(2026, 2, 1), D("622.223"), D("19.20"))]
    assert not shaped.estimated and shaped.consumption_wh == {"BASE": 1000000}
    # the offer's and the TURPE's prices do not change on Feb 1: one line each, all the kWh
    assert [l.quantity for l in shaped.lines if l.kind in ("energy", "turpe_energy")] == [
        D("1000.000"), D("1000.000")]
    flat = bill_contract([contract()], readings, period[0], period[1], rates)  # no profile
    assert accise_lines(flat) == [(dt.date(2026, 1, 15), D("548.387"), D("16.44")),
                                  (dt.date(2026, 2, 1), D("451.613"), D("13.93"))]
    unprofiled = bill_contract([contract(profile="")], readings, period[0], period[1],
                               Rates(rates.offers, profiles=profiles))
    assert accise_lines(unprofiled) == accise_lines(flat)  # the contract names no profile
    # a real index on Feb 1 wins over any spreading: 600 kWh before, 400 after
    inner = bill_contract([contract()], readings[:1] + [base_reading("2026-02-01", 1600)]
                          + readings[1:], period[0], period[1],
                          Rates(rates.offers, profiles=profiles))
    assert [q for _d, q, _a in accise_lines(inner)] == [D("600.000"), D("400.000")]


def test_per_class_sub_profiles_spread_each_class(tmp_path):
    # HP/HC offer whose prices change on 2026-02-01 (a grid of this test: HP 0.2000 -> 0.2200,
    # HC 0.1500 -> 0.1600 EUR/kWh), BTINFMUDT 6 kVA (TURPE 7 MUDT, brochure p.18: HP 4.94,
    # HC 3.50 c EUR/kWh), profile RES2 with sub-profiles RES2_HP (1 all along) and RES2_HC
    # (1 in January, 3 in February). Real indexes 2026-01-15 and 2026-02-15: HP 600 kWh,
    # HC 400 kWh.
    #   HP: W = 816 + 672 = 1 488: January floor(600 000 x 816 / 1 488) = 329 032 Wh (= 17/31:
    #       a flat sub-profile spreads as days do), February 270 968 Wh
    #       329.032 x 0.2000 = 65.8064 -> 65.81; 270.968 x 0.2200 = 59.61296 -> 59.61
    #   HC: W = 816 + 14 x 48 x 3 = 2 832: January floor(400 000 x 816 / 2 832) = 115 254 Wh,
    #       February 284 746 Wh; 115.254 x 0.15 = 17.2881 -> 17.29; 284.746 x 0.16 = 45.55936
    #       -> 45.56 (by days: 219 354 Wh in January)
    #   accise: the kWh of the classes, month by month, as the energy lines: January
    #       329 032 + 115 254 = 444 286 Wh x 29.98 EUR/MWh = 13.3197 -> 13.32; February
    #       270 968 + 284 746 = 555 714 Wh x 30.85 = 17.1438 -> 17.14
    offers = tmp_path / "offers.csv"
    offers.write_text(
        "valid_from,valid_to,company,offer,component,kva,time_class,value,unit,source,status\n"
        "2025-08-01,,c,HPHC,subscription,6,,14.50,EUR/month,test grid,example\n"
        "2025-08-01,2026-02-01,c,HPHC,energy,,HP,0.2000,EUR/kWh,test grid,example\n"
        "2026-02-01,,c,HPHC,energy,,HP,0.2200,EUR/kWh,test grid,example\n"
        "2025-08-01,2026-02-01,c,HPHC,energy,,HC,0.1500,EUR/kWh,test grid,example\n"
        "2026-02-01,,c,HPHC,energy,,HC,0.1600,EUR/kWh,test grid,example\n", encoding="utf-8")
    profiles = ProfileCoefficients.from_csv(winter(
        tmp_path / "p.csv", lambda s, t: 3 if s == "RES2_HC" and t.month == 2 else 1,
        ("RES2_HP", "RES2_HC")))
    rates = Rates.load(offers)
    rates.profiles = profiles
    c = contract(fta="BTINFMUDT", offer="HPHC", company="c", profile="RES2",
                 offpeak="22:00-06:00")
    readings = [base_reading("2026-01-15", [1000, 500], ("HP", "HC")),
                base_reading("2026-02-15", [1600, 900], ("HP", "HC"))]
    bill = bill_contract([c], readings, dt.date(2026, 1, 15), dt.date(2026, 2, 15), rates)
    energy = [(l.code, l.quantity, l.amount) for l in bill.lines if l.kind == "energy"]
    assert energy == [("energy_HP", D("329.032"), D("65.81")),
                      ("energy_HP", D("270.968"), D("59.61")),
                      ("energy_HC", D("115.254"), D("17.29")),
                      ("energy_HC", D("284.746"), D("45.56"))]
    assert [(q, a) for _d, q, a in accise_lines(bill)] == [(D("444.286"), D("13.32")),
                                                           (D("555.714"), D("17.14"))]
    # TURPE MUDT does not change on Feb 1: 600 x 0.0494 = 29.64; 400 x 0.0350 = 14.00
    assert [(l.quantity, l.amount) for l in bill.lines if l.kind == "turpe_energy"] == [
        (D("600.000"), D("29.64")), (D("400.000"), D("14.00"))]


def test_profile_spread_always_adds_up_and_needs_coverage(tmp_path):
    from enercoop_core.billing.profiles import ProfileSpread
    profiles = ProfileCoefficients.from_csv(winter(
        tmp_path / "p.csv", lambda s, t: 1 + (t.day * 7 + t.hour) % 5, ("RES1_BASE",)))
    spread = ProfileSpread(profiles, "RES1")  # RES1 -> the whole profile RES1_*
    origin, final = dt.date(2026, 1, 3), dt.date(2026, 2, 27)
    cuts = [origin] + [origin + dt.timedelta(days=n) for n in (1, 9, 28, 29, 40)] + [final]
    for wh in (0, 1, 7, 999999, 123456789):
        parts = [spread(wh, "BASE", origin, final, a, b) for a, b in zip(cuts, cuts[1:])]
        assert sum(parts) == wh and min(parts) >= 0
    with pytest.raises(MissingRateError):  # the file ends on 2026-03-01
        spread(1000, "BASE", origin, dt.date(2026, 3, 5), origin, dt.date(2026, 2, 1))
    with pytest.raises(InputError) as err:
        ProfileSpread(profiles, "PRO2")(1000, "BASE", origin, final, origin, dt.date(2026, 2, 1))
    assert err.value.field == "profile" and err.value.file == "p.csv"


def test_true_up_spreads_the_real_consumption_by_the_profile(tmp_path, rates):
    # Coefficients 1 in January 2026, 2 in February: W(Jan) = 31 x 48 = 1 488, W(Feb) = 28 x
    # 48 x 2 = 2 688, 4 176 in all (59 days covered). January is billed on an estimate (one
    # real index, no history): 3 650 kWh/year x 1 488 / 4 176 x 59 / 365 = 210 229.9 -> 210 229
    # Wh. The real index of March 1 gives 1 000 kWh since January 1: January should have had
    # floor(1 000 000 x 1 488 / 4 176) = 356 321 Wh (by days: 525 423), so the true-up adds
    # 146 092 Wh to January (accise 29.98: 146.092 x 0.02998 = 4.3798 -> 4.38) and February
    # gets 643 679 Wh.
    profiles = ProfileCoefficients.from_csv(winter(
        tmp_path / "p.csv", lambda s, t: 1 if t.month == 1 else 2, ("RES1_BASE",)))
    shaped = Rates(rates.offers, profiles=profiles)
    start = base_reading("2026-01-01", 1000)
    january = bill_contract([contract()], [start], dt.date(2026, 1, 1), dt.date(2026, 2, 1),
                            shaped)
    assert january.estimated and january.consumption_wh == {"BASE": 210229}
    february = bill_contract([contract()], [start, base_reading("2026-03-01", 2000)],
                             dt.date(2026, 2, 1), dt.date(2026, 3, 1), shaped,
                             prior_bills=[january])
    true_up = [(l.code, l.quantity, l.amount) for l in february.lines
               if l.true_up and l.code == "accise"]
    assert true_up == [("accise", D("146.092"), D("4.38"))]
    assert february.consumption_wh == {"BASE": 643679}


def test_cli_spreads_between_indexes_by_the_profile(tmp_path):
    # the case of test_energy_between_real_indexes_is_spread_by_the_profile through
    # `enercoop bill --profiles`, any period (--from/--to, last day included)
    import json
    profiles = winter(tmp_path / "p.csv", lambda s, t: 1 if t.month == 1 else 2, ("RES1_BASE",))
    done = cli_bill(tmp_path, "contract_id,prm,fta,kva,offer,company,start,profile\n"
                    "C-P,%s,BTINFCUST,6,BASE,coop-idf,2024-01-01,RES1\n" % PRM,
                    [base_record("2026-01-15", 1000), base_record("2026-02-15", 2000)], profiles,
                    "--from", "2026-01-15", "--to", "2026-02-14")
    assert done.returncode == 0, done.stderr
    (bill,) = json.loads(done.stdout)
    assert [(l["quantity"], l["amount"]) for l in bill["lines"] if l["code"] == "accise"] == [
        ("377.777", "11.33"), ("622.223", "19.20")]
