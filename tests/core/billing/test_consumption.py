import datetime as dt

import pytest

from enercoop_core.billing.review import ReviewHold
from enercoop_core.errors import InputError

from enercoop_core.billing.consumption import consumption, derive, register_difference
from enercoop_core.billing.readings import from_record


def record(day, value, serial=None, unit="Wh", digits=None, qualification=None, reason=None):
    reg = {"owner": "distributor", "time_class": "BASE", "measure_class": "EA",
           "direction": "withdrawal", "value": value, "unit": unit}
    if digits:
        reg["digits"] = digits
    rec = {"family": "index_reading", "prm": "12345678901234", "date": day + "T00:00:00+02:00",
           "nature": "real", "key": day, "registers": [reg]}
    if serial:
        rec["meter_serial"] = serial
    rec["qualification"], rec["reason"] = qualification, reason
    return from_record(rec)


def test_adapter_normalises_kwh_to_wh_and_local_day():
    reading = record("2025-09-01", "1234.5", unit="kWh")
    assert reading.indexes() == {"BASE": 1234500}
    assert reading.day == dt.date(2025, 9, 1)


def test_rollover_only_when_the_digit_count_says_so():
    # a 5-digit dial: modulus 100 000 kWh -> 99 950 -> 40 kWh is 50 + 40 = 90 kWh
    assert register_difference(99950000, 40000, digits=5) == 90000
    # a 6-digit dial: modulus 1 000 000 kWh -> 900 050 + 40 kWh
    assert register_difference(99950000, 40000, digits=6) == 1000000000 - 99950000 + 40000
    assert consumption([record("2025-09-01", "99950", unit="kWh", digits=5),
                        record("2025-10-01", "40", unit="kWh", digits=5)]) == {"BASE": 90000}
    # the contract's digit count serves when the registers do not state it
    assert consumption([record("2025-09-01", "99950", unit="kWh"),
                        record("2025-10-01", "40", unit="kWh")], digits=5) == {"BASE": 90000}
    # no digit count: a falling index is a meter change or a roll-over, nobody can tell
    with pytest.raises(ReviewHold) as held:
        consumption([record("2025-09-01", "99950", unit="kWh"),
                     record("2025-10-01", "40", unit="kWh")])
    assert "no dial digit count" in str(held.value)
    # an index that does not fit the stated dial is bad input
    with pytest.raises(InputError):
        register_difference(123456000, 40000, digits=5)


def test_same_day_removal_and_installation_ordered_by_reason_not_position():
    # installation given first: ordered by qualification (C15 Code_Qualification 1 / 2)
    old = record("2025-09-01", 500000)
    install = record("2025-09-10", 0, qualification="after")
    removal = record("2025-09-10", 600000, qualification="before")
    new = record("2025-10-01", 50000)
    assert consumption([old, install, removal, new]) == {"BASE": 150000}
    # and by reason codes (DEPOSE / POSE), without serials
    install = record("2025-09-10", 0, reason="POSE")
    removal = record("2025-09-10", 600000, reason="DEPOSE")
    assert consumption([install, old, new, removal]) == {"BASE": 150000}
    # removal on the 10th, installation on the 11th: still a meter change, not a roll-over
    install = record("2025-09-11", 0, reason="POSE")
    assert consumption([old, removal, install, new]) == {"BASE": 150000}


def test_energy_quantities_are_never_subtracted():
    a = record("2025-09-01", 500000)
    b = record("2025-10-01", 600000)
    energy = from_record({"family": "index_reading", "prm": "12345678901234",
                          "date": "2025-09-15T00:00:00+02:00", "nature": "real", "key": "e",
                          "registers": [{"time_class": "BASE", "measure_class": "EA",
                                         "value": 3000, "unit": "Wh", "quantity": "energy"}]})
    assert energy.indexes() == {}
    assert consumption([a, energy, b]) == {"BASE": 100000}


def test_meter_change():
    readings = [record("2025-09-01", 500000, "A"), record("2025-09-10", 600000, "A"),
                record("2025-09-10", 0, "B"), record("2025-10-01", 50000, "B")]
    # 100 kWh on the old meter + 50 kWh on the new one
    assert consumption(readings) == {"BASE": 150000}


def test_derive():
    four = {"HPH": 1, "HCH": 2, "HPB": 4, "HCB": 8}
    assert derive(four, ["HP", "HC"]) == {"HP": 5, "HC": 10}
    assert derive(four, ["BASE"]) == {"BASE": 15}
