import datetime as dt

import pytest

from enercoop_core.billing.readings import from_record, from_records
from enercoop_core.errors import InputError

PRM = "30001000000009"


def record(reading_id, day, kwh, status="INITIAL", extra=()):
    regs = [{"owner": "distributor", "time_class": "BASE", "measure_class": "1",
             "direction": "withdrawal", "value": kwh, "unit": "kWh"}] + list(extra)
    return {"family": "index_reading", "flow": "R15", "prm": PRM, "reading_id": reading_id,
            "date": day + "T00:00:00+02:00", "nature": "real", "status": status,
            "key": "%s/%s" % (reading_id, status), "registers": regs}


def test_r15_measure_class_1_is_an_index_and_day_is_local():
    reading = from_record(record("R1", "2025-09-01", 1234))
    assert reading.indexes() == {"BASE": 1234000} and reading.day == dt.date(2025, 9, 1)
    # a UTC instant just before local midnight still belongs to the local day
    late = dict(record("R2", "2025-09-01", 1), date="2025-08-31T22:30:00+00:00")
    assert from_record(late).day == dt.date(2025, 9, 1)


def test_other_measure_classes_and_supplier_calendars_are_skipped():
    extra = [{"owner": "distributor", "time_class": "BASE", "measure_class": "4",
              "direction": "withdrawal", "value": 9, "unit": "kWh"},  # not an index
             {"owner": "supplier", "time_class": "JOUR_ROUGE", "measure_class": "1",
              "direction": "withdrawal", "value": 7, "unit": "kWh"}]  # a supplier's own class
    reading = from_record(record("R1", "2025-09-01", 10, extra=extra))
    assert [(r.owner, r.time_class, r.wh) for r in reading.registers] == [
        ("distributor", "BASE", 10000)]
    bad = record("R1", "2025-09-01", 10, extra=[
        {"owner": "distributor", "time_class": "XX", "measure_class": "1",
         "direction": "withdrawal", "value": 1, "unit": "kWh"}])
    with pytest.raises(InputError) as err:
        from_record(bad)
    assert err.value.field == "time_class"


def test_rectificatif_replaces_and_annule_removes():
    readings = from_records([
        record("R1", "2025-09-01", 100), record("R2", "2025-10-01", 250),
        record("R2", "2025-10-01", 240, "RECTIFICATIF"),  # corrects R2
        record("R3", "2025-11-01", 999), record("R3", "2025-11-01", 999, "ANNULE"),  # cancels R3
    ])
    assert [(r.reading_id, r.indexes()["BASE"]) for r in readings] == [
        ("R1", 100000), ("R2", 240000)]


def test_bad_record_goes_to_rejected_when_asked():
    rejected = []
    good = record("R1", "2025-09-01", 1)
    bad = dict(record("R2", "2025-09-01", 1), prm="123")
    assert len(from_records([good, bad], rejected)) == 1
    assert rejected[0][0] is bad and rejected[0][1].field == "prm"
