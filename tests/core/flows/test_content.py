"""``parse`` and ``open_sources`` read bytes and binary file objects as they read paths."""
from __future__ import annotations

import io
import zipfile

import pytest

from enercoop_core.flows import open_sources, parse
from enercoop_core.flows.keyring import KeyRing

from .builders import r15

DOC = r15([("30000000000081", "A", "2025-03-01T00:00:00", [("BASE", "0", 10)])])
DOC2 = r15([("30000000000082", "B", "2025-03-01T00:00:00", [("BASE", "0", 20)])])
KEY_2026, KEY_2025, IV_2025 = bytes(range(32)), bytes(range(40, 56)), bytes(range(16))


def _zipped(*members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def _encrypt(data, key, iv, prefix_iv):
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv), backend=default_backend()).encryptor()
    return (iv if prefix_iv else b"") + enc.update(padded) + enc.finalize()


RING = KeyRing.from_text("enedis-2026 %s\nenedis-2025 %s %s\n" % (
    KEY_2026.hex(), KEY_2025.hex(), IV_2025.hex()))
ZIP = _zipped(("b.xml", DOC2), ("a.xml", DOC))
CASES = {
    "plain": (DOC, [None], None),
    "zipped": (ZIP, ["a.xml", "b.xml"], None),
    "aes256": (_encrypt(ZIP, KEY_2026, bytes(range(100, 116)), True), ["a.xml", "b.xml"],
               "enedis-2026"),
    "aes128": (_encrypt(DOC, KEY_2025, IV_2025, False), [None], "enedis-2025"),
}


class _Pipe(io.RawIOBase):
    """A stream that cannot seek (a socket, a pipe, an HTTP response body)."""

    def __init__(self, data):
        self._data = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self._data.read(min(len(buffer), 7))  # short reads, as pipes give
        buffer[:len(chunk)] = chunk
        return len(chunk)


def _expected(tmp_path, data):
    path = tmp_path / "on_disk"
    path.write_bytes(data)
    run = parse(str(path), keyring=RING)
    records = list(run)
    assert records and not run.rejected
    for record in records:
        record["source"]["file"] = "R15_x"
    return records, [(d.member, d.key_label) for d in run.documents]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("wrap", ["bytes", "bytearray", "memoryview", "seekable",
                                  "not_seekable", "not_at_start", "pair"])
def test_content_reads_like_the_same_file_on_disk(tmp_path, case, wrap):
    data, members, label = CASES[case]
    expected, documents = _expected(tmp_path, data)
    if wrap == "pair":
        run = parse([("R15_x", data)], keyring=RING)
    else:
        if wrap == "not_at_start":
            given = io.BytesIO(b"junk" + data)
            given.read(4)
        else:
            given = {"bytes": bytes, "bytearray": bytearray, "memoryview": memoryview,
                     "seekable": io.BytesIO, "not_seekable": _Pipe}[wrap](data)
        run = parse(given, name="R15_x", keyring=RING)
    assert list(run) == expected
    assert not run.rejected
    assert [(d.member, d.key_label) for d in run.documents] == documents
    assert [d.member for d in run.documents] == members
    assert {d.key_label for d in run.documents} == {label}
    assert {d.file for d in run.documents} == {"R15_x"}


def test_a_file_object_is_named_by_its_name_and_can_be_validated_twice(tmp_path):
    path = tmp_path / "R15_disk.xml"
    path.write_bytes(DOC)
    with open(str(path), "rb") as handle:
        run = parse(handle)
        assert [r["source"] for r in run] == [{"file": str(path), "member": None}]
    # an XSD folder without the schema: the document is opened for validation, then read
    run = parse(DOC, name="R15_y.xml", xsd_dir=str(tmp_path))
    assert [r["prm"] for r in run] == ["30000000000081"]
    assert run.rejected[0].file == "R15_y.xml" and "no schema" in run.rejected[0].reason


def test_bad_content_is_a_rejection_naming_the_given_name(tmp_path):
    run = parse(b"", name="R15_empty.zip")
    assert list(run) == []
    assert [(r.file, r.reason) for r in run.rejected] == [
        ("R15_empty.zip", "empty file (0 bytes): nothing to read")]
    run = parse(b"\x00" * 64, name="R15_x.zip", keyring=RING)
    assert list(run) == [] and run.rejected[0].file == "R15_x.zip"
    assert "enedis-2026, enedis-2025" in run.rejected[0].reason
    run = parse(b"<R15><broken", name="R15_cut.xml")
    assert list(run) == [] and run.rejected[0].file == "R15_cut.xml"
    assert "not well-formed" in run.rejected[0].reason
    unnamed = parse(DOC)
    assert [r["source"]["file"] for r in unnamed] == ["<bytes>"]


def test_inputs_mix_and_the_name_names_one_content_only(tmp_path):
    path = tmp_path / "one.xml"
    path.write_bytes(DOC)
    run = parse([str(path), ("two.zip", _zipped(("two.xml", DOC2)))])
    assert [(r["prm"], r["source"]["file"]) for r in run] == [
        ("30000000000081", str(path)), ("30000000000082", "two.zip")]
    assert [s.member for s in open_sources(ZIP, name="R15_x.zip")] == ["a.xml", "b.xml"]
    with pytest.raises(TypeError, match="name="):
        parse([DOC, DOC2], name="x.xml")
    with pytest.raises(TypeError, match="name="):
        parse(str(path), name="x.xml")
    with pytest.raises(TypeError, match="not int"):
        parse([3])


def test_r6x_json_content(fixture_path):
    with open(fixture_path("r64_v1.json"), "rb") as handle:
        data = handle.read()
    run = parse(data, name="R64_x.json")
    records = list(run)
    assert records and not run.rejected
    assert {r["flow"] for r in records} == {"R64"}
