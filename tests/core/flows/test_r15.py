from __future__ import annotations

from enercoop_core.flows import parse


def _read(path):
    run = parse(path)
    return list(run), run


def test_readings_registers_and_natures(fixture_path):
    records, run = _read(fixture_path("r15_v2.xml"))
    by_id = {r["reading_id"]: r for r in records}
    assert sorted(by_id) == ["R-1", "R-2", "R-3", "R-6"]
    first = by_id["R-1"]
    assert first["family"] == "index_reading" and first["flow"] == "R15"
    assert first["version"] == "2.3.2"
    assert first["prm"] == "30000000000001"
    # no offset in the file: Paris civil time, winter -> +01:00
    assert first["date"] == "2025-03-01T00:00:00+01:00"
    assert first["nature"] == "real" and first["nature_code"] == "REEL"
    assert first["reason"] == "CYCL"
    assert [(g["owner"], g["time_class"], g["value"], g["unit"]) for g in first["registers"]] == [
        ("distributor", "HPH", 1200, "kWh"), ("supplier", "HP", 10450, "kWh"),
        ("supplier", "HC", 7301, "kWh")]
    assert first["key"] == "ENEDIS/R15/30000000000001/R-1/INITIAL"
    assert first["source"] == {"file": fixture_path("r15_v2.xml"), "member": None}
    # summer date written with its offset keeps +02:00; unknown optional element tolerated
    assert by_id["R-2"]["date"] == "2025-07-01T00:00:00+02:00"
    assert by_id["R-2"]["nature"] == "estimated" and by_id["R-2"]["status"] == "RECTIFICATIF"
    # injection, missing Nature_Index
    assert by_id["R-3"]["registers"][0]["direction"] == "injection"
    assert by_id["R-3"]["nature"] is None and by_id["R-3"]["injection_type"] == "TOTAL"


def test_bad_records_are_rejected_with_file_prm_and_path(fixture_path):
    records, run = _read(fixture_path("r15_v2.xml"))
    assert len(run.rejected) == 2
    bad_prm, bad_date = run.rejected
    assert bad_prm.file == fixture_path("r15_v2.xml")
    assert bad_prm.record == "3000000000000X" and bad_prm.path == "PRM/Id_PRM"
    assert "14 digits" in bad_prm.reason
    assert bad_date.record == "30000000000004"
    assert bad_date.path == "PRM/Donnees_Releve[1]/Date_Releve"
    # the second reading of the same PRM is still read
    assert any(r["reading_id"] == "R-6" for r in records)
    doc = run.documents[0]
    assert (doc.kind, doc.version, doc.emitter, doc.records, doc.rejected) == (
        "R15", "2.3.2", "ENEDIS", 4, 2)


def test_unknown_major_version_is_refused_naming_supported(fixture_path):
    records, run = _read(fixture_path("r15_v3_unknown.xml"))
    assert records == []
    assert len(run.rejected) == 1
    assert "3.0.0" in run.rejected[0].reason and "2.x" in run.rejected[0].reason


def test_misencoded_labels_are_repaired_not_fatal(fixture_path):
    records, run = _read(fixture_path("r15_misencoded_labels.xml"))
    assert run.rejected == []
    assert records[0]["registers"][0]["value"] == 77
    # two Latin-1 e-acute in the header label, two in the register label, one
    # Windows-1252 euro sign: 5 bytes re-read
    assert run.documents[0].repaired_bytes == 5
