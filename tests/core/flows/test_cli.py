from __future__ import annotations

import csv
import io
import json

import pytest

from enercoop_core.cli import main


def test_parse_jsonl_to_file_and_exit_status(fixture_path, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    code = main(["flows", "parse", fixture_path("r15_v2.xml"), "--output", str(out)])
    assert code == 1  # two records rejected
    lines = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [l["reading_id"] for l in lines] == ["R-1", "R-2", "R-3", "R-6"]
    err = capsys.readouterr().err
    assert err.count("rejected:") == 2 and "PRM/Id_PRM" in err
    assert main(["flows", "parse", fixture_path("r15_v2.xml"), "--output", str(out),
                 "--accept-partial"]) == 0


def test_parse_csv_one_row_per_register(fixture_path, capsys):
    assert main(["flows", "parse", fixture_path("r151_wh.xml"), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 4
    assert rows[0]["time_class"] == "HPH" and rows[0]["value"] == "4521003"
    assert rows[0]["unit"] == "Wh" and rows[0]["date"] == "2025-03-01T00:00:00+01:00"


def test_csv_dial_columns_and_reading_ids(fixture_path, capsys):
    assert main(["flows", "parse", fixture_path("r15_dials.xml"), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["time_class"], r["digits"], r["rollover"], r["meter_serial"])
            for r in rows[:2]] == [("HCH", "5", "True", "021861348563"),
                                   ("HP", "5", "False", "021861348563")]
    assert main(["flows", "parse", fixture_path("f15_v4.xml"), "--format", "csv",
                 "--accept-partial"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["reading_ids"] for r in rows] == ["R-1 R-7", "R-1 R-7", ""]


def test_csv_refuses_mixed_families(fixture_path, capsys):
    assert main(["flows", "parse", fixture_path("c15_v5.xml"), "--format", "csv"]) == 2
    assert "--family" in capsys.readouterr().err
    assert main(["flows", "parse", fixture_path("c15_v5.xml"), "--format", "csv",
                 "--family", "contract_event", "--accept-partial"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["event"] for r in rows] == ["CFNE", "RES"]
    assert rows[0]["indexes_before"] == "d:HPH:w=3456kWh"


def test_inspect_and_validate(fixture_path, capsys):
    assert main(["flows", "inspect", fixture_path("f12_v1.xml"),
                 fixture_path("r171_namespaced.xml")]) == 1
    out = capsys.readouterr().out
    assert "F12 1.10.4" in out and "R171 1.2.0" in out and "1 rejected" in out
    assert main(["flows", "inspect", "--json", fixture_path("f12_v1.xml")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["documents"][0]["families"] == {"network_invoice_line": 2}
    assert main(["flows", "validate", fixture_path("r15_v3_unknown.xml")]) == 1
    assert "not supported" in capsys.readouterr().out


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["flows", "parse", "--help"])
    assert "Examples:" in capsys.readouterr().out


def test_no_input_is_usage_error(tmp_path):
    assert main(["flows", "inspect", str(tmp_path / "missing.xml")]) == 2
