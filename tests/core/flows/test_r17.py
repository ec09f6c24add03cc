"""R17 (C2-C4 indexes and consumptions): our own fixture, bad input, XSD."""
from __future__ import annotations

import pytest

from enercoop_core.cli import main
from enercoop_core.flows import detect, parse


def _read(path):
    run = parse(str(path))
    return list(run), run


def _variant(fixture_path, tmp_path, old, new, count=1):
    data = open(fixture_path("r17_v1.xml"), "rb").read()
    assert old in data
    path = tmp_path / "r17.xml"
    path.write_bytes(data.replace(old, new, count))
    return path


def test_one_reading_per_donnees_releve(fixture_path):
    assert detect(fixture_path("r17_v1.xml")) == ("R17", "1.9.1")
    records, run = _read(fixture_path("r17_v1.xml"))
    assert run.rejected == []
    assert [(r["prm"], r["status"], r["nature"], r["sub_lot"]) for r in records] == [
        ("40000000000001", "INITIAL", "real", "SL0001"),
        ("40000000000001", "ANNULE", "estimated", "SL0000"),
        ("40000000000002", "INITIAL", "corrected", "SL0002")]
    first = records[0]
    assert (first["start"], first["date"]) == ("2025-02-01T00:00:00+01:00",
                                               "2025-03-01T00:00:00+01:00")
    assert (first["fta"], first["calendar_supplier"], first["meter_programming"],
            first["segment"], first["reason"]) == ("BTSUPCU4", "FC000049", 4, "C4",
                                                   "FACTURATION")
    regs = [(r["owner"], r["time_class"], r["quantity"], r["value"], r["previous_value"],
             r["unit"], r["dial"]) for r in first["registers"]]
    assert regs == [
        ("distributor", "HPH", "index", "12850.75", "12000.50", "kWh", None),
        ("distributor", "HCH", "index", 5400, 5000, "kWh", None),
        ("distributor", "HPH", "energy", 850, None, "kWh", None),
        ("distributor", "HCH", "energy", 400, None, "kWh", None),
        ("supplier", "HP", "energy", 1000, None, "kWh", "EA1"),
        ("supplier", "HC", "energy", 250, None, "kWh", "EA2")]
    # the consumption is the index difference (hand check: 12850.75 - 12000.50 = 850.25
    # kWh, billed 850 as Enedis rounds the class consumption to the kWh; 5400 - 5000 = 400)
    assert all(r["direction"] == "withdrawal" and r["measure_class"] == "EA"
               for r in first["registers"])
    assert [(m["quantity"], m["value"], m["unit"], m["over_period"])
            for m in first["measures"]] == [("PA", 61, "kVA", False), ("PA", 61, "kVA", True)]
    cancelled = records[1]
    assert cancelled["rectification_reason"] == "MESURE_ERRONEE"
    assert cancelled["registers"][0]["value"] == -120
    phases = records[2]["registers"]
    assert [(r["phase"], r["value"], r["previous_value"], r["flat_rate"])
            for r in phases[:3]] == [(1, 110, 100, 15), (2, 220, 200, 15), (3, 330, 300, 15)]
    assert phases[3]["quantity"] == "energy" and phases[3]["value"] == 75
    assert len({r["key"] for r in records}) == 3


@pytest.mark.parametrize("old, new, where, reason", [
    (b"<Index_Nouveau>5400</Index_Nouveau>", b"<Index_Nouveau>1E999999</Index_Nouveau>",
     ("Corps_PRM[1]/Donnees_Releve[1]/Donnees_Par_Type_Mesure[1]/"
      "Index_Par_Classe_Temporelle[2]/Index/Index_Nouveau"), "out of range"),
    (b"<Quantite_Mesure>400</Quantite_Mesure>",
     b"<Quantite_Mesure>" + b"4" * 5000 + b"</Quantite_Mesure>",
     "Conso_Par_Classe_Temporelle[2]/Quantite_Mesure", ""),
    (b"<Date_Fin_Mesure>2025-03-01</Date_Fin_Mesure>",
     b"<Date_Fin_Mesure>9999-12-31</Date_Fin_Mesure>", "Date_Fin_Mesure", "out of range"),
    (b"<Statut_Mesure>INITIAL</Statut_Mesure>",
     b"<Statut_Mesure>INITIAL</Statut_Mesure><Statut_Mesure>ANNULE</Statut_Mesure>",
     "Corps_PRM[1]/Donnees_Releve[1]/Statut_Mesure", "more than once"),
    (b"<Type_Programmation_Compteur>4</Type_Programmation_Compteur>",
     b"<Type_Programmation_Compteur>" + b"4" * 400 + b"</Type_Programmation_Compteur>",
     "Type_Programmation_Compteur", ""),
    (b"<Index><Index_Precedent>5000</Index_Precedent>",
     b"<Index_Phase/><Index><Index_Precedent>5000</Index_Precedent>",
     "Index_Par_Classe_Temporelle[2]/Index", "both Index and Index_Phase"),
])
def test_a_bad_element_rejects_its_reading_naming_prm_and_path(fixture_path, tmp_path, old,
                                                               new, where, reason):
    path = _variant(fixture_path, tmp_path, old, new)
    records, run = _read(path)
    assert len(records) == 2  # the other readings are kept
    assert len(run.rejected) == 1
    rejection = run.rejected[0]
    assert (rejection.file, rejection.record) == (str(path), "40000000000001")
    assert rejection.path.endswith(where), rejection.path
    assert reason in rejection.reason


def test_bad_prm_rejects_the_corps_prm(fixture_path, tmp_path):
    path = _variant(fixture_path, tmp_path, b"<Id_PRM>40000000000002</Id_PRM>",
                    b"<Id_PRM>4000000000000X</Id_PRM>")
    records, run = _read(path)
    assert [r["prm"] for r in records] == ["40000000000001"] * 2
    assert run.rejected[0].path == "Corps_PRM[3]/Id_PRM"
    assert "whole Corps_PRM" in run.rejected[0].reason


def test_corps_prm_without_reading_is_reported(fixture_path, tmp_path):
    data = open(fixture_path("r17_v1.xml"), "rb").read()
    start = data.rindex(b"<Donnees_Releve>")
    end = data.rindex(b"</Donnees_Releve>") + len(b"</Donnees_Releve>")
    path = tmp_path / "r17.xml"
    path.write_bytes(data[:start] + data[end:])
    records, run = _read(path)
    assert len(records) == 2
    assert run.rejected[0].record == "40000000000002"
    assert "no Donnees_Releve" in run.rejected[0].reason


def test_cli_parse_csv_rows_per_register(fixture_path, capsys):
    assert main(["flows", "parse", fixture_path("r17_v1.xml"), "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 1 + 6 + 1 + 4


def test_own_fixture_is_schema_valid(shared_enedis, fixture_path):
    run = parse(fixture_path("r17_v1.xml"), xsd_dir=str(shared_enedis / "xsd"))
    assert len(list(run)) == 3
    assert run.documents[0].xsd == "valid", run.documents[0].xsd
