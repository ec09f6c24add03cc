"""The ../shared Enedis samples against the ../shared XSDs (skipped when absent)."""
from __future__ import annotations

import pytest

from enercoop_core.flows import parse
from enercoop_core.flows.xsd import find_schema

VALID = ["ef_r15_xsd_compliant.xml", "ef_r151_xsd_compliant.xml",
         "ef_f15_xsd_compliant.xml", "ef_f12_xsd_compliant.xml", "R50/R50_authored_example.xml",
         "R171/R171_authored_example.xml"]


@pytest.mark.parametrize("name", VALID)
def test_shared_samples_validate_and_parse(shared_enedis, name):
    run = parse(str(shared_enedis / "samples" / name), xsd_dir=str(shared_enedis / "xsd"))
    records = list(run)
    assert run.rejected == [], [str(r) for r in run.rejected]
    assert run.documents[0].xsd == "valid"
    assert records


def test_schema_choice_prefers_version(shared_enedis):
    folder = str(shared_enedis / "xsd")
    assert find_schema(folder, "C15", "5.1.0").endswith("v5.2.0.xsd")
    assert find_schema(folder, "C15", "4.1.1").endswith("v4.1.1.xsd")
    assert find_schema(folder, "F15_Detail_Facturation", "3.3.2").endswith("v3.3.2.xsd")


def test_invalid_sample_is_rejected_by_xsd(shared_enedis, tmp_path):
    data = (shared_enedis / "samples" / "ef_r15_xsd_compliant.xml").read_bytes()
    bad = tmp_path / "bad.xml"
    bad.write_bytes(data.replace(b"<Type_Compteur>CFB</Type_Compteur>",
                                 b"<Type_Compteur>XXX</Type_Compteur>", 1))
    run = parse(str(bad), xsd_dir=str(shared_enedis / "xsd"))
    records = list(run)
    assert len(records) == 3  # structural parse still reads the records
    assert len(run.rejected) == 1 and "XSD validation failed" in run.rejected[0].reason
    assert "Type_Compteur" in run.rejected[0].reason


def test_own_fixtures_are_schema_valid(shared_enedis, fixture_path):
    for name in ["r151_wh.xml", "r171_namespaced.xml", "f12_v1.xml"]:
        run = parse(fixture_path(name), xsd_dir=str(shared_enedis / "xsd"))
        list(run)
        assert run.documents[0].xsd == "valid", (name, run.documents[0].xsd)


def test_imperfect_shared_c15_sample_is_reported(shared_enedis):
    # this third-party sample omits the registers its schema requires
    run = parse(str(shared_enedis / "samples" / "ef_c15_xsd_compliant.xml"),
                xsd_dir=str(shared_enedis / "xsd"))
    assert list(run)
    assert "Classe_Temporelle" in run.rejected[0].reason
    assert run.rejected[0].file.endswith("ef_c15_xsd_compliant.xml")


def test_xsd_error_names_its_line(shared_enedis, tmp_path):
    data = (shared_enedis / "samples" / "ef_r15_xsd_compliant.xml").read_bytes()
    at = data.rindex(b"<Type_Compteur>CFB</Type_Compteur>")  # in the last PRM block
    line = data[:at].count(b"\n") + 1
    bad = tmp_path / "bad.xml"
    bad.write_bytes(data[:at] + b"<Type_Compteur>XXX</Type_Compteur>" +
                    data[at + len(b"<Type_Compteur>CFB</Type_Compteur>"):])
    run = parse(str(bad), xsd_dir=str(shared_enedis / "xsd"))
    list(run)
    assert run.documents[0].xsd.startswith("line %d: Element 'Type_Compteur'" % line)
    assert run.rejected[0].path == "line %d" % line


def test_xsd_error_in_the_header_names_its_line(shared_enedis, fixture_path, tmp_path):
    data = open(fixture_path("r15_dials.xml"), "rb").read().replace(
        b"<Date_Creation>2025-03-02T04:10:00</Date_Creation>",
        b"<Date_Creation>yesterday</Date_Creation>")
    bad = tmp_path / "bad.xml"
    bad.write_bytes(data)
    run = parse(str(bad), xsd_dir=str(shared_enedis / "xsd"))
    records = list(run)
    assert len(records) == 3  # the structural parse still reads the records
    assert run.rejected[0].path == "line 9" and "Date_Creation" in run.rejected[0].reason


def test_missing_header_is_located_on_the_first_record(shared_enedis, fixture_path,
                                                        tmp_path):
    data = open(fixture_path("r15_dials.xml"), "rb").read()
    start, end = data.index(b"  <En_Tete_Flux>"), data.index(b"</En_Tete_Flux>") + 16
    bad = tmp_path / "bad.xml"
    bad.write_bytes(data[:start] + data[end:])  # no header at all
    run = parse(str(bad), xsd_dir=str(shared_enedis / "xsd"))
    list(run)
    xsd_rejection = [r for r in run.rejected if "XSD" in r.reason][0]
    assert xsd_rejection.path == "line 3" and "Expected is ( En_Tete_Flux )" in xsd_rejection.reason


def test_root_level_error_is_reported_without_a_line(shared_enedis, fixture_path, tmp_path):
    data = open(fixture_path("r15_dials.xml"), "rb").read()
    bad = tmp_path / "bad.xml"
    bad.write_bytes(data[:data.index(b"  <PRM>")] + b"</R15>\n")  # a header, no PRM
    run = parse(str(bad), xsd_dir=str(shared_enedis / "xsd"))
    list(run)
    xsd_rejection = [r for r in run.rejected if "XSD" in r.reason][0]
    assert xsd_rejection.path is None and "Missing child element" in xsd_rejection.reason


def test_every_xsd_error_is_listed_with_its_line_then_capped(shared_enedis, tmp_path,
                                                             monkeypatch):
    from enercoop_core.flows import xsd
    data = (shared_enedis / "samples" / "ef_r15_xsd_compliant.xml").read_bytes()
    good = b"<Type_Compteur>CFB</Type_Compteur>"
    lines = []
    at = data.find(good)
    while at >= 0:
        lines.append(data[:at].count(b"\n") + 1)
        at = data.find(good, at + 1)
    assert len(lines) >= 2
    bad = tmp_path / "bad.xml"
    bad.write_bytes(data.replace(good, b"<Type_Compteur>XXX</Type_Compteur>"))
    run = parse(str(bad), xsd_dir=str(shared_enedis / "xsd"))
    list(run)
    errors = run.documents[0].xsd_errors
    assert [int(e.split(":")[0][5:]) for e in errors] == lines
    assert all("Type_Compteur" in e for e in errors)
    assert [r.path for r in run.rejected] == ["line %d" % n for n in lines]
    monkeypatch.setattr(xsd, "MAX_ERRORS", 1)
    run = parse(str(bad), xsd_dir=str(shared_enedis / "xsd"))
    list(run)
    assert len(run.documents[0].xsd_errors) == 2
    assert run.documents[0].xsd_errors[-1].startswith("%d more XSD error(s) not listed"
                                                      % (len(lines) - 1))


def test_an_error_in_an_earlier_child_is_listed_once(shared_enedis, tmp_path):
    # the header is kept as context when each later child is validated: its error must not
    # come back with every PRM block
    data = (shared_enedis / "samples" / "ef_r15_xsd_compliant.xml").read_bytes()
    good = b"<Type_Compteur>CFB</Type_Compteur>"
    assert data.count(good) >= 2
    bad_header = data.replace(b"<Date_Creation>", b"<Date_Creation>X", 1)
    assert bad_header != data
    bad = tmp_path / "bad.xml"
    bad.write_bytes(bad_header.replace(good, b"<Type_Compteur>XXX</Type_Compteur>"))
    run = parse(str(bad), xsd_dir=str(shared_enedis / "xsd"))
    list(run)
    errors = run.documents[0].xsd_errors
    assert len(errors) == len(set(errors)), errors
    assert sum("Date_Creation" in e for e in errors) == 1
    assert sum("Type_Compteur" in e for e in errors) == data.count(good)
