"""C12 (C2-C4 contract events): our own fixture, bad input, XSD."""
from __future__ import annotations

import pytest

from enercoop_core.cli import main
from enercoop_core.flows import detect, parse


def _read(path):
    run = parse(str(path))
    return list(run), run


def _variant(fixture_path, tmp_path, old, new, count=1):
    data = open(fixture_path("c12_v1.xml"), "rb").read()
    assert old in data
    path = tmp_path / "c12.xml"
    path.write_bytes(data.replace(old, new, count))
    return path


def test_one_event_per_prm_date_and_situation(fixture_path):
    assert detect(fixture_path("c12_v1.xml")) == ("C12", "1.12.1")
    records, run = _read(fixture_path("c12_v1.xml"))
    assert run.rejected == []
    assert [(r["prm"], r["date"][:10], r["event"], r["event_type"]) for r in records] == [
        ("50000000000001", "2025-03-01", "MES", "Contractuel"),
        ("50000000000002", "2025-02-28", "CFN", "Contractuel"),
        ("50000000000002", "2025-01-15", None, "Comptage")]
    mes = records[0]
    assert mes["family"] == "contract_event" and mes["flow"] == "C12"
    assert mes["events"] == ["MES", "CPS"] and mes["affair_id"] == "A0000001"
    assert (mes["fta"], mes["voltage_domain"], mes["subscribed_power_unit"]) == (
        "HTA5", "HTA", "kW")
    assert mes["subscribed_powers"] == [
        {"time_class": "Pointe", "value": 250}, {"time_class": "HPH", "value": 250},
        {"time_class": "HCH", "value": 300}, {"time_class": "HPE", "value": 300},
        {"time_class": "HCE", "value": 400}]
    assert mes["subscribed_kva"] is None  # one power per time class, not one power
    assert (mes["service_start"], mes["situation_start"], mes["termination"]) == (
        "2025-03-01T00:00:00+01:00", "2025-03-01T00:00:00+01:00", None)
    assert mes["contract_state"] == "EN SERVICE" and mes["profile"] == "ENT3"
    assert mes["options"] == [{"label": "Synchronisation horaire",
                               "start": "2025-03-01T00:00:00+01:00", "end": None}]
    assert (mes["meter_serials"], mes["metering_mode"], mes["self_producer"]) == (
        ["ICE000001"], "CdC", False)
    assert (mes["supplier_contract"], mes["generation"]) == ("GRD-F999", "DELTA")
    assert mes["indexes_before"] == [] and mes["indexes_after"] == []
    leaving = records[1]
    assert leaving["termination"] == "2025-02-28T00:00:00+01:00"
    assert leaving["contract_state"] == "RESILIE"
    assert leaving["subscribed_power_unit"] == "kVA"  # BTSUP: kVA, as TURPE counts it
    assert records[2]["meter_serials"] == ["PME000002"]
    assert len({r["key"] for r in records}) == 3


def test_no_personal_data_is_read(fixture_path):
    records, _ = _read(fixture_path("c12_v1.xml"))
    text = repr(records)
    assert "USINE FICTIVE" not in text and "35238" not in text


@pytest.mark.parametrize("old, new, where, reason", [
    (b"<Puissance_Souscrite>300</Puissance_Souscrite>",
     b"<Puissance_Souscrite>" + b"3" * 5000 + b"</Puissance_Souscrite>",
     "Classe_Temporelle_TURPE_Souscrite[3]/Puissance_Souscrite", ""),
    (b"<Contractuel>true</Contractuel>", b"<Contractuel>oui</Contractuel>",
     "Type_Evenement[1]/Contractuel", "true or false"),
    (b"<Date_Evenement>2025-03-01</Date_Evenement>",
     b"<Date_Evenement>9999-12-31T24:00:00+02:00</Date_Evenement>",
     "Type_Evenement[1]/Date_Evenement", ""),
    (b"<Date_Debut>2025-03-01</Date_Debut>\n          <Evenement>",
     b"<Date_Debut>2025-03-01</Date_Debut><Date_Debut>2025-04-01</Date_Debut><Evenement>",
     "Situation_Contractuelle[1]/Date_Debut", "more than once"),
])
def test_a_bad_element_rejects_its_prm_block_naming_it(fixture_path, tmp_path, old, new,
                                                       where, reason):
    path = _variant(fixture_path, tmp_path, old, new)
    records, run = _read(path)
    assert [r["prm"] for r in records] == ["50000000000002"] * 2
    assert len(run.rejected) == 1
    rejection = run.rejected[0]
    assert (rejection.file, rejection.record) == (str(path), "50000000000001")
    assert rejection.path.endswith(where), rejection.path
    assert reason in rejection.reason and "whole PRM block" in rejection.reason


def test_bad_prm_and_missing_situation(fixture_path, tmp_path):
    path = _variant(fixture_path, tmp_path, b"<Identifiant>50000000000002",
                    b"<Identifiant>5000000000000")
    records, run = _read(path)
    assert [r["prm"] for r in records] == ["50000000000001"]
    assert run.rejected[0].path == "PRM/Identifiant"
    data = open(fixture_path("c12_v1.xml"), "rb").read()
    start = data.rindex(b"<Situation_Contractuelle>")
    end = data.rindex(b"</Situation_Contractuelle>") + len(b"</Situation_Contractuelle>")
    path.write_bytes(data[:start] + data[end:])
    records, run = _read(path)
    assert len(records) == 1  # the second PRM block is rejected whole: no event lost half
    assert run.rejected[0].path == "PRM/Type_Evenement[2]/Situation_Contractuelle"


def test_cli_parse_csv(fixture_path, capsys):
    assert main(["flows", "parse", fixture_path("c12_v1.xml"), "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 4 and rows[1].split(",")[7] == "MES"


def test_own_fixture_is_schema_valid(shared_enedis, fixture_path):
    run = parse(fixture_path("c12_v1.xml"), xsd_dir=str(shared_enedis / "xsd"))
    assert len(list(run)) == 3
    assert run.documents[0].xsd == "valid", run.documents[0].xsd


def test_shared_sample(shared_enedis):
    run = parse(str(shared_enedis / "samples" / "c12_xsd.xml"),
                xsd_dir=str(shared_enedis / "xsd"))
    records = list(run)
    assert run.rejected == [] and run.documents[0].xsd == "valid"
    assert [r["fta"] for r in records] == ["BTSUPLU4", "BTSUPMU"]
