from __future__ import annotations

from enercoop_core.flows import parse


def test_f12_lines_by_category(fixture_path):
    run = parse(fixture_path("f12_v1.xml"))
    lines = list(run)
    assert run.rejected == []
    network, service = lines
    assert network["category"] == "network" and network["debit_credit"] == "Y"
    assert network["amount"] == "293.82" and network["vat_rate"] == "20.000"
    assert network["fta"] == "HTALU5" and network["prm"] == "30000000000051"
    assert service["category"] == "service" and service["debit_credit"] == "Z"
    assert service["start"] == "2025-03-10" and service["end"] is None
    assert run.documents[0].kind == "F12" and run.documents[0].part == "detail"
