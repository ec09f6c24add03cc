"""No crash and no record lost, whatever the input (issue 9, points 3 and 4)."""
from __future__ import annotations

import io
import time
import zipfile
from datetime import date

import pytest

from enercoop_core.flows import engine, parse

from .builders import r15, r50

PRM_A, PRM_B = "30000000000101", "30000000000102"


def _run(tmp_path, data, name="doc.xml"):
    path = tmp_path / name
    path.write_bytes(data)
    run = parse(str(path))
    return list(run), run, str(path)


def _two_readings():
    return r15([(PRM_A, "A", "2025-03-01T00:00:00", [("HP", "0", 10)]),
                (PRM_B, "B", "2025-03-01T00:00:00", [("HP", "0", 20)])])


@pytest.mark.parametrize("element,value,path", [
    ("Valeur", "9" * 4400, "PRM/Donnees_Releve[1]/Classe_Temporelle[1]/Valeur"),
    ("Valeur", "1E999999999999999999", "PRM/Donnees_Releve[1]/Classe_Temporelle[1]/Valeur"),
    ("Date_Releve", "9999-12-31T24:00:00+02:00", "PRM/Donnees_Releve[1]/Date_Releve"),
    ("Date_Releve", "0001-01-01T00:00:00+05:00", "PRM/Donnees_Releve[1]/Date_Releve"),
])
def test_out_of_bounds_value_rejects_the_record_naming_file_prm_element(
        tmp_path, element, value, path):
    data = _two_readings()
    start = data.index(b"<%s>" % element.encode()) + len(element) + 2
    end = data.index(b"</%s>" % element.encode(), start)
    records, run, file = _run(tmp_path, data[:start] + value.encode() + data[end:])
    assert [r["prm"] for r in records] == [PRM_B]  # the next record is read
    (rejection,) = run.rejected
    assert (rejection.file, rejection.record, rejection.path) == (file, PRM_A, path)
    assert len(rejection.reason) < 200  # a 4,400-digit value is not echoed whole


def test_dial_digits_and_step_are_bounded(tmp_path):
    data = _two_readings().replace(
        b"<Valeur>10</Valeur>", b"<Valeur>10</Valeur><Nb_Chiffres_Cadran>" + b"9" * 4400 +
        b"</Nb_Chiffres_Cadran>")
    records, run, _ = _run(tmp_path, data)
    assert [r["prm"] for r in records] == [PRM_B]
    assert run.rejected[0].path.endswith("Classe_Temporelle[1]/Nb_Chiffres_Cadran")
    curve = r50([(PRM_A, [date(2025, 1, 15)])]).replace(
        b"<Pas_Publication>30</Pas_Publication>",
        b"<Pas_Publication>" + b"3" * 5000 + b"</Pas_Publication>")
    records, run, _ = _run(tmp_path, curve, "r50.xml")
    assert records == [] and run.rejected[0].path == "En_Tete_Flux/Pas_Publication"


def test_huge_curve_value_and_year_one_point(tmp_path):
    data = r50([(PRM_A, [date(2025, 1, 15)]), (PRM_B, [date(2025, 1, 15)])])
    huge = data.replace(b"<V>30</V>", b"<V>" + b"7" * 5000 + b"</V>", 1)
    records, run, _ = _run(tmp_path, huge, "r50.xml")
    assert [c.prm for c in records] == [PRM_B]
    assert run.rejected[0].path == "PRM/Donnees_Releve[1]/PDC[3]/V"
    first = data.index(b"<H>") + 3
    year1 = data[:first] + b"0001-01-01T00:30:00+01:00" + data[data.index(b"</H>", first):]
    records, run, _ = _run(tmp_path, year1, "r50.xml")
    assert [c.prm for c in records] == [PRM_B]
    assert "out of range" in run.rejected[0].reason
    assert records[0].to_dict()["points"][0]["instant"] == "2025-01-15T00:30:00+01:00"


def test_extreme_amount_exponents_are_refused_quickly(fixture_path, tmp_path):
    data = open(fixture_path("f15_v4.xml"), "rb").read()
    for amount in (b"1E999999999999999999", b"1E-999999999"):
        bad = data.replace(b"<Montant_HT>1.40</Montant_HT>",
                           b"<Montant_HT>" + amount + b"</Montant_HT>", 1)
        started = time.perf_counter()
        records, run, _ = _run(tmp_path, bad, "f15.xml")
        assert time.perf_counter() - started < 5
        assert [r["valuation_id"] for r in records] == ["V2"]
        assert "out of range" in run.rejected[0].reason
        assert run.rejected[0].path.endswith("Element_Valorise[1]/Montant_HT")
        assert "30000000000041" in run.rejected[0].record


def test_an_unforeseen_error_in_one_file_does_not_stop_the_next(tmp_path, monkeypatch):
    bad, good = tmp_path / "a.xml", tmp_path / "b.xml"
    bad.write_bytes(r15([(PRM_A, "A", "2025-03-01", [("HP", "0", 1)])], version="2.3.2"))
    good.write_bytes(open(str(bad), "rb").read().replace(b"<R15>", b"<R151>", 1)
                     .replace(b"</R15>", b"</R151>"))

    class Broken:
        KIND, SUPPORTED_MAJORS, TAGS = "R15", ("2",), ("PRM",)

        @staticmethod
        def read(events, ctx):
            raise KeyError("boom")
    monkeypatch.setitem(engine.READERS, "R15", Broken)
    run = parse([str(bad), str(good)])
    list(run)
    assert "a bug in the flow engine (KeyError" in run.rejected[0].reason
    assert [d.file for d in run.documents] == [str(bad), str(good)]


# ---------------------------------------------------------------- no record lost (point 4)

def test_c15_repeated_blocks_are_rejections(fixture_path, tmp_path):
    data = open(fixture_path("c15_v5.xml"), "rb").read()
    start = data.index(b"<Releves>")
    end = data.index(b"</Releves>") + len(b"</Releves>")
    twice = data[:end] + data[start:end] + data[end:]
    records, run, _ = _run(tmp_path, twice, "c15.xml")
    assert "30000000000031" not in {r["prm"] for r in records}
    assert any(r.record == "30000000000031" and
               r.path == "PRM/Evenement_Declencheur/Releves[2]" for r in run.rejected)
    start = data.index(b"<Evenement_Declencheur>")
    end = data.index(b"</Evenement_Declencheur>") + len(b"</Evenement_Declencheur>")
    twice = data[:end] + data[start:end] + data[end:]
    records, run, _ = _run(tmp_path, twice, "c15.xml")
    assert any(r.record == "30000000000031" and r.path == "PRM/Evenement_Declencheur[2]"
               for r in run.rejected)


def test_r50_misaligned_columns_and_point_without_time(tmp_path):
    data = r50([(PRM_A, [date(2025, 1, 15)])]).decode()
    # first point: V twice, no IV; second point: IV twice, no V
    data = data.replace("<V>10</V><IV>0</IV>", "<V>10</V><V>11</V>", 1)
    data = data.replace("<V>20</V><IV>0</IV>", "<IV>0</IV><IV>1</IV>", 1)
    records, run, _ = _run(tmp_path, data.encode(), "r50.xml")
    assert records == []
    assert run.rejected[0].path == "PRM/Donnees_Releve[1]/PDC[1]/V[2]"
    data = r50([(PRM_A, [date(2025, 1, 15)])]).decode()
    data = data.replace("<H>2025-01-15T01:00:00+01:00</H>", "", 1)
    records, run, _ = _run(tmp_path, data.encode(), "r50.xml")
    assert records == [] and run.rejected[0].path == "PRM/Donnees_Releve[1]/PDC[2]/H"


def test_stray_header_in_a_valued_group_keeps_the_items_before_it(fixture_path, tmp_path):
    data = open(fixture_path("f15_v4.xml"), "rb").read()
    at = data.index(b"<Element_Valorise>", data.index(b"<Id_EV>CG</Id_EV>"))
    at = data.index(b"<Element_Valorise>", at + 1)  # before the second item of V1
    stray = b"<Rappel_En_Tete><Num_Facture>OTHER</Num_Facture></Rappel_En_Tete>"
    records, run, _ = _run(tmp_path, data[:at] + stray + data[at:], "f15.xml")
    assert [(r["valuation_id"], r["item_id"]) for r in records][:2] == [("V1", "CG"),
                                                                        ("V1", "CSHPH")]
    assert records[0]["invoice_number"] == "FAC2025040001"
    nested = [r for r in run.rejected if "nested inside <Donnees_Valorisation>" in r.reason]
    assert nested and nested[0].path.endswith("Groupe_Valorise/Rappel_En_Tete")


def test_prm_nested_in_a_prm_is_reported_and_the_outer_block_kept(tmp_path):
    data = _two_readings()
    inner = data[data.index(b"<PRM>", data.index(b"</PRM>")):data.rindex(b"</PRM>") + 6]
    outer_end = data.index(b"</PRM>")
    doc = data[:outer_end] + inner.replace(PRM_B.encode(), b"30000000000103") + data[
        outer_end:]
    records, run, _ = _run(tmp_path, doc)
    assert [r["prm"] for r in records] == [PRM_A, PRM_B]
    assert [(r.record, r.path) for r in run.rejected] == [("30000000000103", "PRM/PRM")]
    assert "nested inside <PRM>" in run.rejected[0].reason and not run.ok


def test_renamed_or_misplaced_blocks_are_reported(tmp_path):
    data = _two_readings()
    renamed = data.replace(b"<PRM>", b"<PRM_X>", 1).replace(b"</PRM>", b"</PRM_X>", 1)
    records, run, _ = _run(tmp_path, renamed)
    assert [r["prm"] for r in records] == [PRM_B]
    assert run.rejected[0].record == PRM_A and "outside any <PRM> block" in run.rejected[
        0].reason


def test_foreign_namespace_on_a_record_part_is_read(tmp_path):
    data = _two_readings().replace(b"<Donnees_Releve>", b'<Donnees_Releve xmlns="urn:x">', 1)
    records, run, _ = _run(tmp_path, data)
    assert run.rejected == [] and [r["prm"] for r in records] == [PRM_A, PRM_B]
    assert records[0]["registers"][0]["value"] == 10


def test_unused_namespace_declaration_changes_nothing(tmp_path):
    data = _two_readings()
    spaced = data.replace(b"<R15>", b'<R15 xmlns:edk="urn:enedis:edk">', 1)
    assert [dict(r, source=None) for r in _run(tmp_path, spaced)[0]] == [
        dict(r, source=None) for r in _run(tmp_path, data, "plain.xml")[0]]


def test_repeated_simple_element_with_different_values_is_a_rejection(tmp_path):
    data = _two_readings().replace(b"<Valeur>10</Valeur>",
                                   b"<Valeur>10</Valeur><Valeur>11</Valeur>", 1)
    records, run, _ = _run(tmp_path, data)
    assert [r["prm"] for r in records] == [PRM_B]
    assert run.rejected[0].path == "PRM/Donnees_Releve[1]/Classe_Temporelle[1]/Valeur"
    same = _two_readings().replace(b"<Valeur>10</Valeur>",
                                   b"<Valeur>10</Valeur><Valeur>10</Valeur>", 1)
    records, run, _ = _run(tmp_path, same)
    assert run.rejected == [] and len(records) == 2  # nothing would be lost


def test_empty_zip_zero_byte_json_and_huge_header_have_their_own_messages(tmp_path):
    empty_zip = tmp_path / "empty.zip"
    with zipfile.ZipFile(str(empty_zip), "w"):
        pass
    run = parse(str(empty_zip))
    assert list(run) == [] and not run.ok
    assert "holds no file" in run.rejected[0].reason
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    run = parse(str(empty))
    list(run)
    assert "empty file (0 bytes)" in run.rejected[0].reason
    assert "--key" not in run.rejected[0].reason
    note = tmp_path / "note.json"
    note.write_bytes(b'["not", "a flow"]')
    run = parse(str(note))
    list(run)
    assert "--key" not in run.rejected[0].reason and not run.ok
    big = r15([(PRM_A, "A", "2025-03-01", [("HP", "0", 1)])]).replace(
        b"<Libelle_Flux>R15</Libelle_Flux>",
        b"<Libelle_Flux>" + b"x" * (20 << 20) + b"</Libelle_Flux>")
    records, run, _ = _run(tmp_path, big)
    assert records == []
    assert "without a complete header" in run.rejected[0].reason
    assert "no version" not in run.rejected[0].reason


def test_zip_with_only_an_empty_inner_zip(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w"):
        pass
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(str(outer), "w") as archive:
        archive.writestr("inner.zip", inner.getvalue())
    run = parse(str(outer))
    assert list(run) == [] and "inner.zip holds no file" in run.rejected[0].reason


def test_empty_member_of_an_archive_has_its_own_message(tmp_path):
    path = tmp_path / "r15.zip"
    with zipfile.ZipFile(str(path), "w") as archive:
        archive.writestr("empty.xml", b"")
        archive.writestr("ok.xml", _two_readings())
    run = parse(str(path))
    assert [r["prm"] for r in run] == [PRM_A, PRM_B]
    assert [(r.member, r.reason) for r in run.rejected] == [
        ("empty.xml", "empty document (0 bytes): nothing to read")]


def test_a_known_flow_under_another_root_is_refused_with_the_right_root(tmp_path):
    path = tmp_path / "hand_made_r15.xml"
    path.write_bytes(b"<?xml version='1.0'?><Flux_R15><En_Tete_Flux/><PRM>"
                     b"<Id_PRM>30000000000111</Id_PRM></PRM></Flux_R15>")
    run = parse([str(path)])
    assert list(run) == []
    (rejection,) = run.rejected
    assert "<Flux_R15>" in rejection.reason
    assert "the flow R15 has the root element <R15>" in rejection.reason
