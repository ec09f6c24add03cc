from __future__ import annotations

from enercoop_core.flows import detect, parse


def test_namespaced_root_series_merged_per_prm_and_day(fixture_path):
    path = fixture_path("r171_namespaced.xml")
    assert detect(path) == ("R171", "1.2.0")
    run = parse(path)
    records = list(run)
    assert [(r["prm"], r["date"]) for r in records] == [
        ("30000000000021", "2025-03-01T00:00:00+01:00"),
        ("30000000000021", "2025-03-02T00:00:00+01:00"),
        ("30000000000022", "2025-03-01T00:00:00+01:00")]
    day1 = records[0]
    assert day1["registers"] == [{"owner": "distributor", "time_class": "HPH",
                                  "measure_class": "EA", "quantity": "index",
                                  "direction": "withdrawal", "value": 15233120, "unit": "Wh",
                                  "quality": None, "digits": None, "rollover": None,
                                  "meter_serial": None, "coefficient": None,
                                  "previous_value": None}]
    assert day1["measures"][0]["quantity"] == "PMA" and day1["measures"][0]["unit"] == "VA"
    assert records[1]["measures"] == []
    producer = records[2]["registers"][0]
    assert (producer["owner"], producer["direction"], producer["unit"]) == (
        "supplier", "injection", "kWh")
    assert len({r["key"] for r in records}) == 3
    assert len(run.rejected) == 1
    assert run.rejected[0].record == "30000000000023"
    assert run.rejected[0].path.endswith("serieMesuresDatees[4]/grandeurMetier")
