import datetime as dt

from enercoop_core.billing.consumption import consumption, derive, register_difference
from enercoop_core.billing.readings import from_record


def record(day, value, serial=None, unit="Wh", digits=None):
    reg = {"owner": "distributor", "time_class": "BASE", "measure_class": "EA",
           "direction": "withdrawal", "value": value, "unit": unit}
    if digits:
        reg["digits"] = digits
    rec = {"family": "index_reading", "prm": "12345678901234", "date": day + "T00:00:00+02:00",
           "nature": "real", "key": day, "registers": [reg]}
    if serial:
        rec["meter_serial"] = serial
    return from_record(rec)


def test_adapter_normalises_kwh_to_wh_and_local_day():
    reading = record("2025-09-01", "1234.5", unit="kWh")
    assert reading.indexes() == {"BASE": 1234500}
    assert reading.day == dt.date(2025, 9, 1)


def test_rollover_without_and_with_digits():
    # 99 950 kWh -> 40 kWh: modulus 100 000 kWh -> 50 + 40 = 90 kWh
    assert register_difference(99950000, 40000) == 90000
    # a 6-digit dial: modulus 1 000 000 kWh -> 900 050 + 40 kWh
    assert register_difference(99950000, 40000, digits=6) == 1000000000 - 99950000 + 40000
    assert consumption([record("2025-09-01", "99950", unit="kWh"),
                        record("2025-10-01", "40", unit="kWh")]) == {"BASE": 90000}


def test_meter_change():
    readings = [record("2025-09-01", 500000, "A"), record("2025-09-10", 600000, "A"),
                record("2025-09-10", 0, "B"), record("2025-10-01", 50000, "B")]
    # 100 kWh on the old meter + 50 kWh on the new one
    assert consumption(readings) == {"BASE": 150000}


def test_derive():
    four = {"HPH": 1, "HCH": 2, "HPB": 4, "HCB": 8}
    assert derive(four, ["HP", "HC"]) == {"HP": 5, "HC": 10}
    assert derive(four, ["BASE"]) == {"BASE": 15}
