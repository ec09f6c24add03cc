"""R64 and R67 (JSON R6X flows): our own fixtures, stream reading, bad input."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enercoop_core.cli import main
from enercoop_core.flows import parse, r6x

from .conftest import FIXTURES


def _records(path, **kwargs):
    run = parse(str(path), **kwargs)
    return list(run), run


def _dump(tmp_path, name, document) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def _load(fixture_path, name):
    with open(fixture_path(name), encoding="utf-8") as handle:
        return json.load(handle)


def test_r64_one_record_per_prm_context_and_date(fixture_path):
    records, run = _records(fixture_path("r64_v1.json"))
    assert run.rejected == []
    assert [(r["prm"], r["date"]) for r in records] == [
        ("70000000000001", "2025-03-01T00:00:00+01:00"),
        ("70000000000001", "2025-03-02T00:00:00+01:00"),
        ("70000000000002", "2025-03-01T00:00:00+01:00")]
    first = records[0]
    assert (first["flow"], first["version"], first["flow_code"]) == ("R64", None, "R64")
    assert (first["reading_context"], first["reading_type"], first["nature"]) == (
        "COL", "AQ", "real")
    assert first["period_start"] == "2025-03-01T00:00:00+01:00"
    assert first["calendar_distributor"] == "DI000003"
    assert first["calendar_supplier"] == "FC000049"
    regs = [(r["owner"], r["time_class"], r["value"], r["quality"], r["dial"], r["quantity"])
            for r in first["registers"]]
    assert regs == [("distributor", "HP", 1201000, "0", "IDX_EAS_D1", "index"),
                    ("distributor", "HC", 800000, "0", "IDX_EAS_D2", "index"),
                    ("supplier", "BASE", 2001000, "0", "IDX_EAS_F1", "index"),
                    ("meter", "TOTAL", 2001000, "0", "IDX_EAS_T", "index")]
    assert all(r["unit"] == "Wh" and r["direction"] == "withdrawal"
               for r in first["registers"])
    assert records[1]["registers"][1]["quality"] == "4"  # iv 4: above the maximum use
    c4 = records[2]
    assert [(r["time_class"], r["value"]) for r in c4["registers"]] == [("HPH", 15233120)]
    assert c4["registers"][0]["quality"] is None
    assert [(m["quantity"], m["value"], m["unit"], m["date"]) for m in c4["measures"]] == [
        ("PMA", 61000, "VA", "2025-03-01T00:00:00+01:00")]
    assert c4["reason"] == "Releve mensuel"
    assert len({r["key"] for r in records}) == 3
    doc = run.documents[0]
    assert (doc.kind, doc.version, doc.part, doc.records) == ("R64", None, "R64", 3)


def test_r64_readings_feed_billing_without_the_totaliser(fixture_path):
    from enercoop_core.billing.readings import from_record
    records, _ = _records(fixture_path("r64_v1.json"))
    reading = from_record(records[1])
    assert [(r.owner, r.time_class, r.wh) for r in reading.registers] == [
        ("distributor", "HP", 1209500), ("distributor", "HC", 804250),
        ("supplier", "BASE", 2013750)]


def test_r67_energy_over_periods_grouped_by_status_and_nature(fixture_path):
    records, run = _records(fixture_path("r67_v1.json"))
    assert run.rejected == []
    summary = [(r["start"][:10], r["date"][:10], r["status"], r["nature"],
                [(g["time_class"], g["value"]) for g in r["registers"]],
                [(m["quantity"], m["value"]) for m in r["measures"]]) for r in records]
    assert summary == [
        ("2025-01-01", "2025-02-01", "INITIAL", "real", [("HP", 310000), ("HC", 150000)], []),
        ("2025-02-01", "2025-03-01", "INITIAL", "estimated", [("HP", 280500)], []),
        # codes absent: read from the labels
        ("2025-01-01", "2025-02-01", "RECTIFICATIF", "real", [], [("PMA", 7800)])]
    reg = records[0]["registers"][0]
    assert (reg["quantity"], reg["unit"], reg["owner"]) == ("energy", "Wh", "distributor")
    assert reg["created"] == "2025-02-03T03:51:42+01:00"
    assert records[0]["reason"] == "CYCL" and records[0]["calendar_distributor"] == "DI000003"
    assert records[2]["status_code"] == "Rectificatif"
    assert len({r["key"] for r in records}) == 3


def test_zipped_json_and_directory(fixture_path, tmp_path):
    archive = tmp_path / "ENEDIS_R64_P_INDEX_M0000XY0_00001_20250303.zip"
    with zipfile.ZipFile(str(archive), "w") as out:
        out.write(fixture_path("r64_v1.json"), "ENEDIS_R64_P_INDEX_M0000XY0_00001.json")
    records, run = _records(archive)
    assert len(records) == 3 and run.rejected == []
    assert run.documents[0].member.endswith(".json")
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "r67.json").write_bytes(open(fixture_path("r67_v1.json"), "rb").read())
    records, run = _records(folder)
    assert len(records) == 3


def test_encrypted_json(fixture_path, tmp_path):
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    key, iv = bytes(range(16)), bytes(range(16, 32))
    padder = padding.PKCS7(128).padder()
    data = open(fixture_path("r67_v1.json"), "rb").read()
    padded = padder.update(data) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv), backend=default_backend()).encryptor()
    path = tmp_path / "r67.enc"
    path.write_bytes(enc.update(padded) + enc.finalize())
    records, run = _records(path, key=key.hex(), iv=iv.hex())
    assert len(records) == 3 and run.rejected == []


def test_encrypted_file_whose_iv_starts_like_json_is_decrypted(fixture_path, tmp_path):
    # since June 2026 the random IV heads the file: a first byte "{" must not make it JSON
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    key, iv = bytes(range(32)), b"{ " + bytes(range(14))
    padder = padding.PKCS7(128).padder()
    data = open(fixture_path("r64_v1.json"), "rb").read()
    padded = padder.update(data) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv), backend=default_backend()).encryptor()
    path = tmp_path / "r64.enc"
    path.write_bytes(iv + enc.update(padded) + enc.finalize())
    records, run = _records(path, key=key.hex())
    assert len(records) == 3 and run.rejected == []
    assert r6x.looks_json(b' \n{ "header"') and not r6x.looks_json(b"{\x8f\x01")


def test_stream_reads_blocks_across_small_chunks(fixture_path, monkeypatch):
    expected, _ = _records(fixture_path("r64_v1.json"))
    monkeypatch.setattr(r6x, "CHUNK", 7)  # every value is cut by the window
    records, run = _records(fixture_path("r64_v1.json"))
    assert run.rejected == [] and records == expected


def test_unsupported_code_is_a_rejection_naming_it(tmp_path):
    path = _dump(tmp_path, "r63.json", {"header": {"codeFlux": "R63"}, "mesures": []})
    records, run = _records(path)
    assert records == []
    assert "codeFlux 'R63' is not supported" in run.rejected[0].reason
    assert "does not read" in run.rejected[0].reason
    assert "R64" in run.rejected[0].reason and run.rejected[0].path == "header/codeFlux"


def test_bad_values_reject_their_quantity_naming_file_prm_and_path(fixture_path, tmp_path):
    doc = _load(fixture_path, "r64_v1.json")
    quantity = doc["mesures"][0]["contexte"][0]["grandeur"][0]
    quantity["calendrier"][0]["classeTemporelle"][1]["valeur"][0]["v"] = "HUGE"
    doc["mesures"][1]["contexte"][0]["grandeur"][1]["calendrier"][0]["classeTemporelle"][0][
        "valeur"][0]["d"] = "0001-01-01 00:00:00"
    path = str(tmp_path / "bad.json")
    with open(path, "w", encoding="utf-8") as handle:  # a 5,000-digit JSON integer
        handle.write(json.dumps(doc).replace('"HUGE"', "9" * 5000))
    records, run = _records(path)
    assert [(r.file, r.record) for r in run.rejected] == [(path, "70000000000001"),
                                                         (path, "70000000000002")]
    assert run.rejected[0].path == (
        "mesures[1]/contexte[1]/grandeur[1]/calendrier[1]/classeTemporelle[2]/valeur[1]/v")
    assert "out of range" in run.rejected[0].reason or "integer" in run.rejected[0].reason
    assert run.rejected[1].path.endswith("grandeur[2]/calendrier[1]/classeTemporelle[1]"
                                         "/valeur[1]/d")
    # the other quantities of the contexts still give their records
    assert [r["prm"] for r in records] == ["70000000000002"]
    assert records[0]["measures"] == []


@pytest.mark.parametrize("value, reason", [
    ("NaN", "integer"), ("12.5", "integer"), (True, "string"), (None, "string")])
def test_non_integer_values_are_rejected(fixture_path, tmp_path, value, reason):
    doc = _load(fixture_path, "r67_v1.json")
    item = doc["mesures"][0]["contexte"][0]["grandeur"][1]["calendrier"][0][
        "classeTemporelle"][0]["quantite"][0]
    item["quantite"] = value
    text = json.dumps(doc).replace('"quantite": "NaN"', '"quantite": NaN')
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    records, run = _records(path)
    assert len(records) == 2  # the energies; the PMA quantity is rejected
    assert len(run.rejected) == 1 and reason in run.rejected[0].reason
    assert run.rejected[0].path.endswith("quantite[1]/quantite")


def test_duplicate_key_and_bad_prm(fixture_path, tmp_path):
    text = open(fixture_path("r64_v1.json"), encoding="utf-8").read()
    text = text.replace('"typeReleve": "AQ",', '"typeReleve": "AQ", "typeReleve": "LC",', 1)
    text = text.replace('"70000000000002"', '"7000000000000"')
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    records, run = _records(path)
    assert records == []
    assert "key written twice: typeReleve" in run.rejected[0].reason
    assert run.rejected[0].path == "mesures[1]/contexte[1]"
    assert run.rejected[1].path == "mesures[2]/idPrm"
    assert "whole PRM block" in run.rejected[1].reason


def test_truncated_document_keeps_the_blocks_before(fixture_path, tmp_path):
    data = open(fixture_path("r64_v1.json"), "rb").read()
    cut = data.index(b'"idPrm": "70000000000002"') + 30
    path = tmp_path / "cut.json"
    path.write_bytes(data[:cut])
    records, run = _records(path)
    assert [r["prm"] for r in records] == ["70000000000001"] * 2
    assert len(run.rejected) == 1 and "not well-formed" in run.rejected[0].reason


@pytest.mark.parametrize("text, reason", [
    (b'{"mesures": [], "header": {"codeFlux": "R64"}}', "header"),
    (b'{"header": {"codeFlux": "R64"}}', "without \"mesures\""),
    (b'{"header": {"codeFlux": "R64"}, "mesures": [' + b"[" * 100000 + b"]" * 100000 + b"]}",
     "nested too deeply"),
    (b'{"header": {"codeFlux": "R64"}, "mesures": [1, 2]} trailing', "after the end"),
    (b'{"header": {"codeFlux": "R64"}, "mesures": ["\xff\xfe"]}', "not UTF-8"),
    (b'{"header": {"codeFlux": "R64"}, "mesures": [{"idPrm": 1 2}]}', "not well-formed"),
])
def test_malformed_documents_are_rejected_not_raised(tmp_path, text, reason):
    path = tmp_path / "bad.json"
    path.write_bytes(text)
    _, run = _records(path)
    assert any(reason in r.reason for r in run.rejected), [r.reason for r in run.rejected]


def test_non_object_blocks_are_rejected_one_by_one(tmp_path):
    path = _dump(tmp_path, "x.json", {"header": {"codeFlux": "R64B"}, "mesures": [1, [], {}]})
    records, run = _records(path)
    assert records == []
    assert [r.path for r in run.rejected] == ["mesures[1]", "mesures[2]", "mesures[3]/idPrm"]


def test_block_size_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(r6x, "MAX_BLOCK_CHARS", 1000)
    monkeypatch.setattr(r6x, "CHUNK", 100)
    path = _dump(tmp_path, "big.json", {"header": {"codeFlux": "R64"},
                                        "mesures": [{"idPrm": "x" * 5000}]})
    _, run = _records(path)
    assert "larger than 1000 characters" in run.rejected[0].reason


def test_cli_inspect_and_parse_json(fixture_path, capsys):
    assert main(["flows", "inspect", fixture_path("r64_v1.json")]) == 0
    out = capsys.readouterr().out
    assert "R64" in out and "index_reading 3" in out
    assert main(["flows", "parse", fixture_path("r67_v1.json"), "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 1 + 3 + 1  # header, one row per register, the PMA-only record


# --- our fixtures against the shared JSON schemas (a small draft-04 subset) -------------

def _check(value, schema, path="$"):
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    python = {"object": dict, "array": list, "string": str, "null": type(None)}
    if kinds:
        ok = any((isinstance(value, int) and not isinstance(value, bool))
                 if k == "integer" else isinstance(value, python[k]) for k in kinds)
        assert ok, "%s: %r is not %s" % (path, value, kinds)
    if isinstance(value, dict):
        for name in schema.get("required", ()):
            assert name in value, "%s: %s is required" % (path, name)
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                _check(value[name], sub, path + "." + name)
    if isinstance(value, list) and "items" in schema:
        items = schema["items"]
        for rank, item in enumerate(value):
            _check(item, items[0] if isinstance(items, list) else items,
                   "%s[%d]" % (path, rank))


@pytest.mark.parametrize("fixture, schema", [
    ("r64_v1.json", "Enedis.SGE.JSON.0511.Flux.R64_v1.2.1.json"),
    ("r67_v1.json", "Enedis.SGE.JSON.0515.Flux.R67_v1.3.0.json")])
def test_own_fixtures_follow_the_shared_json_schemas(shared_enedis, fixture_path, fixture,
                                                     schema):
    with open(str(shared_enedis / "xsd" / "R6X" / schema), encoding="utf-8") as handle:
        _check(_load(fixture_path, fixture), json.load(handle))


def test_schema_check_catches_a_missing_field(shared_enedis, fixture_path):
    doc = _load(fixture_path, "r67_v1.json")
    del doc["mesures"][0]["contexte"][0]["idMotifReleve"]
    with open(str(shared_enedis / "xsd" / "R6X" / "Enedis.SGE.JSON.0515.Flux.R67_v1.3.0.json"),
              encoding="utf-8") as handle:
        with pytest.raises(AssertionError, match="idMotifReleve"):
            _check(doc, json.load(handle))


def test_read_document_directly():
    header, blocks = r6x.read_document(io.BytesIO(
        b'\xef\xbb\xbf {"header": {"codeFlux": "R67"}, "echeances": {"type": "filEau"},'
        b' "mesures": [{"a": 1}, {"b": 2.50}]}'))
    assert header["codeFlux"] == "R67" and header["echeances"] == {"type": "filEau"}
    assert list(blocks) == [("mesures", {"a": "1"}), ("mesures", {"b": "2.50"})]


_SCALARS = (st.none() | st.booleans() | st.integers(-10 ** 30, 10 ** 30) |
            st.text(max_size=12) | st.floats(allow_nan=False, allow_infinity=False))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) |
                       st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(blocks=st.lists(_VALUES, max_size=6), chunk=st.integers(1, 64),
       indent=st.sampled_from([None, 0, 2]))
def test_streamed_blocks_equal_a_whole_decode(blocks, chunk, indent):
    text = json.dumps({"header": {"codeFlux": "R64"}, "mesures": blocks}, indent=indent,
                      ensure_ascii=False)
    expected = json.loads(text, parse_int=str, parse_float=str)["mesures"]
    old = r6x.CHUNK
    r6x.CHUNK = chunk  # the window cuts values anywhere (restored below)
    try:
        _, items = r6x.read_document(io.BytesIO(text.encode("utf-8")))
        assert [block for _, block in items] == expected
    finally:
        r6x.CHUNK = old


def _nodes(tree, path=()):
    """(path, value) of every node of a decoded JSON document."""
    yield path, tree
    if isinstance(tree, dict):
        for key, value in tree.items():
            for item in _nodes(value, path + (key,)):
                yield item
    elif isinstance(tree, list):
        for rank, value in enumerate(tree):
            for item in _nodes(value, path + (rank,)):
                yield item


@settings(max_examples=200, deadline=None)
@given(data=st.data(), name=st.sampled_from(["r64_v1.json", "r67_v1.json"]))
def test_mutated_json_never_raises_and_names_every_prm(tmp_path_factory, data, name):
    doc = json.load(open(str(FIXTURES / name), encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p, _ in _nodes(doc) if p]
        if not paths:  # every key deleted already: nothing left to mutate
            break
        path = data.draw(st.sampled_from(paths))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(_VALUES)
    file = tmp_path_factory.mktemp("fuzz") / "m.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    run = parse(str(file))
    records = list(run)  # raises nothing
    expected = {v.strip() for p, v in _nodes(doc) if p and p[-1] == "idPrm" and
                isinstance(v, str) and v.strip()}
    seen = {r["prm"] for r in records}
    named = " | ".join(r.record or "" for r in run.rejected)
    whole = any(d.error for d in run.documents)
    assert whole or all(i in seen or i[:40] in named for i in expected), run.rejected
    assert not any("internal error" in r.reason for r in run.rejected)


def _recurring(fixture_path):
    """The R64 fixture as a recurring publication (R64B: idPublication, echeances)."""
    doc = _load(fixture_path, "r64_v1.json")
    header = doc["header"]
    del header["idCanalContact"]
    header.update({"codeFlux": "R64B", "modePublication": "Q", "idPublication": "CTR982498",
                   "publicationCrp": "non"})
    doc["echeances"] = {"type": "filEau", "horodateDebutPublication": "2025-03-03 02:00:00",
                        "frequence": "3H"}
    return doc


def test_recurring_r64b(fixture_path, tmp_path):
    path = _dump(tmp_path, "r64b.json", _recurring(fixture_path))
    records, run = _records(path)
    assert run.rejected == [] and len(records) == 3
    assert {r["flow"] for r in records} == {"R64"}
    assert {r["flow_code"] for r in records} == {"R64B"}


def test_recurring_variant_follows_the_shared_r64x_schema(shared_enedis, fixture_path):
    with open(str(shared_enedis / "xsd" / "R6X" / "Enedis.SGE.JSON.0533.Flux.R64Xv1.1.0.json"),
              encoding="utf-8") as handle:
        _check(_recurring(fixture_path), json.load(handle))
