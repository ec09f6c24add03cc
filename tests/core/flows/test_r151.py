from __future__ import annotations

from enercoop_core.flows import parse


def test_unit_from_header_and_max_power(fixture_path):
    run = parse(fixture_path("r151_wh.xml"))
    records = list(run)
    assert run.rejected == []
    first, second = records
    assert first["date"] == "2025-03-01T00:00:00+01:00"
    assert {r["unit"] for r in first["registers"]} == {"Wh"}
    assert [(r["owner"], r["time_class"], r["value"], r["quality"])
            for r in first["registers"]] == [
        ("distributor", "HPH", 4521003, "0"), ("distributor", "HCH", 2100450, None),
        ("supplier", "HP", 4521003, "1")]
    assert first["registers"][0]["measure_class"] == "EA"
    assert first["measures"] == [{"quantity": "PMA", "owner": "distributor",
                                  "time_class": None, "direction": "withdrawal",
                                  "value": 6120, "unit": "VA", "date": first["date"]}]
    assert second["measures"] == []
    # one day apart: 4530010 - 4521003 Wh = 9007 Wh consumed in HP
    assert second["registers"][0]["value"] - first["registers"][2]["value"] == 9007
    assert first["key"] == "ERDF/R151/30000000000011/2025-03-01"
    assert first["calendar_supplier"] == "FC020831"
