"""Version strings as real files write them (issue 9, point 1)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enercoop_core.flows import detect, parse
from enercoop_core.flows.xmlstream import normalise_version


@pytest.mark.parametrize("raw,normal", [
    ("V1", "1"), ("v1", "1"), ("V2.3.2", "2.3.2"), ("01.2.0", "1.2.0"), (" 1.2.0 ", "1.2.0"),
    ("2.3.2", "2.3.2"), ("V 5.2", "5.2"), ("", None), ("   ", None), (None, None),
    ("beta", "beta")])
def test_normalised_spellings(raw, normal):
    assert normalise_version(raw) == normal


def _r151(fixture_path, tmp_path, version_element):
    data = open(fixture_path("r151_wh.xml"), "rb").read().replace(
        b"<Version_XSD>1.2.0</Version_XSD>", version_element)
    path = tmp_path / "r151.xml"
    path.write_bytes(data)
    run = parse(str(path))
    return list(run), run


@pytest.mark.parametrize("written", ["V1", "01.2.0", " 1.2.0 ", "v1.2"])
def test_every_spelling_of_a_supported_major_is_read(fixture_path, tmp_path, written):
    records, run = _r151(fixture_path, tmp_path,
                         b"<Version_XSD>" + written.encode() + b"</Version_XSD>")
    assert run.rejected == [] and len(records) == 2
    doc = run.documents[0]
    assert doc.version_raw == written and doc.version == normalise_version(written)
    assert records[0]["version"] == doc.version and doc.warnings == []


def test_unknown_major_is_refused_naming_what_is_supported(fixture_path, tmp_path):
    records, run = _r151(fixture_path, tmp_path, b"<Version_XSD>V3</Version_XSD>")
    assert records == []
    assert "R151 version 3 is not supported (supported: R151 1.x)" in run.rejected[0].reason
    records, run = _r151(fixture_path, tmp_path, b"<Version_XSD>beta</Version_XSD>")
    assert records == [] and "supported: R151 1.x" in run.rejected[0].reason


@pytest.mark.parametrize("element", [b"<Version_XSD></Version_XSD>",
                                     b"<Version_XSD> </Version_XSD>", b""])
def test_missing_version_is_read_by_the_newest_reader_with_a_warning(fixture_path, tmp_path,
                                                                     element):
    records, run = _r151(fixture_path, tmp_path, element)
    assert run.rejected == [] and len(records) == 2
    (warning,) = run.documents[0].warnings
    assert "read as R151 1.x, the newest supported" in warning
    assert run.documents[0].version is None


def test_newest_major_is_chosen_among_several(fixture_path, tmp_path):
    data = open(fixture_path("c15_v5.xml"), "rb").read().replace(
        b"<Version_XSD>5.2.0</Version_XSD>", b"<Version_XSD/>")
    path = tmp_path / "c15.xml"
    path.write_bytes(data)
    run = parse(str(path))
    assert list(run)
    assert "read as C15 5.x" in run.documents[0].warnings[0]
    assert detect(str(path)) == ("C15", None)


@given(st.lists(st.integers(0, 999), min_size=1, max_size=4), st.sampled_from(["", "V", "v"]),
       st.integers(0, 2), st.sampled_from(["", " ", "  "]))
def test_any_spelling_normalises_to_the_plain_numbers(numbers, prefix, zeros, pad):
    written = pad + prefix + ".".join("0" * zeros + str(n) for n in numbers) + pad
    assert normalise_version(written) == ".".join(str(n) for n in numbers)
