from __future__ import annotations

from enercoop_core.flows import parse


def test_events_with_before_after_indexes(fixture_path):
    run = parse(fixture_path("c15_v5.xml"))
    records = list(run)
    events = [r for r in records if r["family"] == "contract_event"]
    readings = [r for r in records if r["family"] == "index_reading"]
    assert [e["event"] for e in events] == ["CFNE", "RES"]
    cfne, res = events
    assert cfne["fta"] == "BTINFMU4" and cfne["subscribed_kva"] == 9
    assert cfne["contract_state"] == "EN SERVICE" and cfne["supplier_contract"] == "GRD-F999"
    assert cfne["service_start"] == "2019-05-01T00:00:00+02:00"
    assert [r["value"] for r in cfne["indexes_before"]] == [3456]
    assert [r["value"] for r in cfne["indexes_after"]] == [3460]
    assert "Secret" not in repr(records)  # personal data is not read
    assert res["subscribed_kva"] == 6.5 and res["contract_state"] == "RESILIE"
    assert res["termination"] == "2025-03-15T00:00:00+01:00"
    assert [(r["qualification"], r["nature"], r["reason"]) for r in readings] == [
        ("before", "estimated", "CFNE"), ("after", "real", "CFNE")]
    assert readings[0]["fta"] == "BTINFMU4" and readings[0]["subscribed_kva"] == 9
    assert len({r["key"] for r in records}) == len(records)
    assert (cfne["customer_category"], cfne["services_level"], cfne["fta_changed"]) == (
        "RES", "2", "2024-08-01T00:00:00+02:00")
    assert (cfne["meter_type"], cfne["meter_serial"]) == ("CCB", "021861348563")
    assert cfne["meters"] == [{"type": "CCB", "serial": "021861348563"}]
    assert res["meters"] == [] and res["meter_type"] is None and res["customer_category"] is None
    assert len(run.rejected) == 1
    assert run.rejected[0].record == "30000000000033"
    assert run.rejected[0].path == "PRM/Evenement_Declencheur"
