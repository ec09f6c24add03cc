from __future__ import annotations

import pytest

from enercoop_core.flows import parse

from .builders import r15


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


def test_dial_digits_rollover_and_meter_serial(fixture_path):
    records, run = _read(fixture_path("r15_dials.xml"))
    assert run.rejected == []
    by_id = {r["reading_id"]: r for r in records}
    cycle = by_id["D-1"]
    # every register gives the same Num_Serie: it is the reading's meter
    assert cycle["meter_serial"] == "021861348563"
    assert [(g["owner"], g["time_class"], g["value"], g["digits"], g["rollover"],
             g["meter_serial"]) for g in cycle["registers"]] == [
        ("distributor", "HCH", 120, 5, True, "021861348563"),
        ("supplier", "HP", 45012, 5, False, "021861348563"),
        ("supplier", "HC", 120, 5, True, "021861348563")]
    # meter change: two serials in one reading -> none on the record, each on its register
    change = by_id["D-2"]
    assert change["meter_serial"] is None
    assert [(g["value"], g["digits"], g["meter_serial"]) for g in change["registers"]] == [
        (45300, 5, "021861348563"), (0, 6, "022161702145")]
    # absent optional elements: the keys are there, None
    plain = by_id["D-3"]
    assert plain["meter_serial"] is None
    assert {k: plain["registers"][0][k] for k in ("digits", "rollover", "meter_serial")} == {
        "digits": None, "rollover": None, "meter_serial": None}


def _dial_doc(digits="6", flag="0"):
    return r15([("30000000000013", "E-1", "2025-03-01T00:00:00",
                 [("HP", "0", 10), ("HC", "0", 20)])]).replace(
        b"<Valeur>20</Valeur>",
        b"<Valeur>20</Valeur><Nb_Chiffres_Cadran>" + digits.encode() +
        b"</Nb_Chiffres_Cadran><Indicateur_Passage_A_Zero>" + flag.encode() +
        b"</Indicateur_Passage_A_Zero>")


@pytest.mark.parametrize("digits,flag,field", [
    ("six", "0", "Nb_Chiffres_Cadran"), ("6", "2", "Indicateur_Passage_A_Zero")])
def test_bad_dial_element_rejects_the_reading_with_its_path(tmp_path, digits, flag, field):
    path = tmp_path / "r15.xml"
    path.write_bytes(_dial_doc(digits, flag))
    records, run = _read(str(path))
    assert records == []
    assert [(r.record, r.path) for r in run.rejected] == [
        ("30000000000013", "PRM/Donnees_Releve[1]/Classe_Temporelle[2]/" + field)]


def test_registers_are_independent_dicts(tmp_path):
    path = tmp_path / "r15.xml"
    path.write_bytes(_dial_doc())
    first, _ = _read(str(path))
    first[0]["registers"][1]["time_class"] = "CHANGED"
    first[0]["registers"][1]["digits"] = 99
    again, _ = _read(str(path))
    assert (again[0]["registers"][1]["time_class"], again[0]["registers"][1]["digits"],
            again[0]["registers"][1]["rollover"]) == ("HC", 6, False)


def test_namespaced_document_reads_like_a_plain_one(tmp_path, fixture_path):
    plain = open(fixture_path("r15_dials.xml"), "rb").read()
    spaced = plain.replace(b"<R15>", b'<R15 xmlns="urn:example:r15">', 1)
    path = tmp_path / "ns.xml"
    path.write_bytes(spaced)
    records, run = _read(str(path))
    expected, _ = _read(fixture_path("r15_dials.xml"))
    assert run.rejected == []
    strip = lambda rs: [dict(r, source=None) for r in rs]  # noqa: E731
    assert strip(records) == strip(expected)


def test_register_keys_are_the_same_in_every_flow(fixture_path):
    keys = set()
    for name in ("r15_dials.xml", "r151_wh.xml", "r171_namespaced.xml", "c15_v5.xml"):
        for record in parse(fixture_path(name)):
            for reg in record.get("registers", []) + record.get("indexes_before", []):
                keys.add(tuple(sorted(reg)))
    assert keys == {tuple(sorted(["owner", "time_class", "measure_class", "quantity",
                                  "direction", "value", "unit", "quality", "digits", "rollover",
                                  "meter_serial", "coefficient", "previous_value"]))}


def test_shared_sample_dials(shared_enedis):
    records = list(parse(str(shared_enedis / "samples" / "ef_r15_xsd_compliant.xml")))
    regs = records[0]["registers"]
    assert regs[0]["digits"] == 6 and regs[0]["rollover"] is False


def test_energy_classes_contract_ref_and_previous_reading(tmp_path):
    doc = r15([("30000000000014", "F-1", "2025-03-01T00:00:00",
                [("HP", "0", 100), ("HC", "0", 200)])]).replace(
        b"<Niveau_Ouverture_Services>", b"<Ref_Situation_Contractuelle>SC-77"
        b"</Ref_Situation_Contractuelle><Niveau_Ouverture_Services>").replace(
        b"<Statut_Releve>", b"<Autoconsommation_Collective>1</Autoconsommation_Collective>"
        b"<Statut_Releve>").replace(
        b"<Nature_Index>REEL</Nature_Index>", b"<Nature_Index>REEL</Nature_Index>"
        b"<Id_Releve_Precedent>F-0</Id_Releve_Precedent><Date_Releve_Precedent>"
        b"2025-01-01T00:00:00</Date_Releve_Precedent><Motif_Releve_Precedent>CYCL"
        b"</Motif_Releve_Precedent><Nature_Index_Precedent>ESTIME</Nature_Index_Precedent>")
    # the second register is an energy over the period (class 2), with a reading coefficient
    doc = doc.replace(b"<Classe_Mesure>1</Classe_Mesure><Unite_Mesure>kWh</Unite_Mesure>"
                      b"<Sens_Mesure>0</Sens_Mesure><Valeur>200</Valeur>",
                      b"<Classe_Mesure>2</Classe_Mesure><Unite_Mesure>kWh</Unite_Mesure>"
                      b"<Sens_Mesure>0</Sens_Mesure><Valeur>200</Valeur>"
                      b"<Valeur_Precedent>150</Valeur_Precedent>"
                      b"<Coefficient_Lecture>1.5</Coefficient_Lecture>")
    path = tmp_path / "r15.xml"
    path.write_bytes(doc)
    (record,), run = _read(str(path))
    assert run.rejected == []
    assert record["contract_ref"] == "SC-77" and record["collective_self_consumption"] == "1"
    assert record["previous"] == {"reading_id": "F-0", "date": "2025-01-01T00:00:00+01:00",
                                  "reason": "CYCL", "nature": "estimated",
                                  "nature_code": "ESTIME"}
    index, energy = record["registers"]
    assert (index["quantity"], index["coefficient"], index["previous_value"]) == (
        "index", None, None)
    assert (energy["measure_class"], energy["quantity"], energy["coefficient"],
            energy["previous_value"]) == ("2", "energy", "1.5", 150)
    # billing keeps index registers only: an energy is never subtracted from an index
    from enercoop_core.billing.readings import from_record
    assert [r.time_class for r in from_record(record).registers] == ["HP"]
