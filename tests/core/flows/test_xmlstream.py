from __future__ import annotations

import io

import pytest

from enercoop_core.flows import UnsafeInputError, UnsupportedFlowError, detect, parse

from .builders import r15

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE R15 [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<R15><En_Tete_Flux><Identifiant_Flux>&d;</Identifiant_Flux></En_Tete_Flux></R15>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE R15 [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<R15><En_Tete_Flux><Libelle_Flux>&x;</Libelle_Flux></En_Tete_Flux></R15>"""


def test_detect_from_bytes_file_and_path(fixture_path):
    data = r15([("30000000000091", "A", "2025-03-01", [("BASE", "0", 1)])], version="2.4.0")
    assert detect(data) == ("R15", "2.4.0")
    assert detect(io.BytesIO(data)) == ("R15", "2.4.0")
    assert detect(fixture_path("r151_wh.xml")) == ("R151", "1.2.0")
    assert detect(fixture_path("f15_v4.xml")) == ("F15", "4.0.4")
    with pytest.raises(UnsupportedFlowError):
        detect(b"<Inconnu><entete/></Inconnu>")


def test_detection_ignores_the_file_name(tmp_path, fixture_path):
    path = tmp_path / "ENEDIS_R50_misleading.xml"
    path.write_bytes(open(fixture_path("r151_wh.xml"), "rb").read())
    assert detect(str(path))[0] == "R151"


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE])
def test_dtd_and_entities_refused(tmp_path, payload):
    with pytest.raises(UnsafeInputError):
        detect(payload)
    path = tmp_path / "evil.xml"
    path.write_bytes(payload)
    run = parse(str(path))
    assert list(run) == []
    assert "DOCTYPE" in run.rejected[0].reason
    assert "root:" not in repr(run.rejected)


def test_truncated_document_keeps_earlier_records_and_reports(tmp_path):
    data = r15([("3000000000009%d" % i, "R%d" % i, "2025-03-01", [("BASE", "0", i)])
                for i in range(3)])
    path = tmp_path / "cut.xml"
    path.write_bytes(data[:data.rindex(b"<PRM>") + 30])
    run = parse(str(path))
    assert [r["prm"] for r in run] == ["30000000000090", "30000000000091"]
    assert "not well-formed" in run.rejected[0].reason
    assert run.rejected[0].path.startswith("line ")


def test_not_xml_is_rejected(tmp_path):
    path = tmp_path / "x.xml"
    path.write_bytes(b"hello")
    run = parse(str(path))
    assert list(run) == [] and len(run.rejected) == 1
