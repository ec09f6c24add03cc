from __future__ import annotations

import io
import os
import zipfile

import pytest

from enercoop_core.flows import DecryptionError, UnsafeInputError, open_sources, parse
from enercoop_core.flows.sources import Limits

from .builders import r15

DOC = r15([("30000000000081", "A", "2025-03-01T00:00:00", [("BASE", "0", 10)])])
DOC2 = r15([("30000000000082", "B", "2025-03-01T00:00:00", [("BASE", "0", 20)])])


def _zip(path, members):
    with zipfile.ZipFile(str(path), "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return str(path)


def _encrypt(data, key, iv):
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv), backend=default_backend()).encryptor()
    return enc.update(padded) + enc.finalize()


def test_zip_with_several_members(tmp_path):
    path = _zip(tmp_path / "ENEDIS_R15.zip", [("b.xml", DOC2), ("a.xml", DOC)])
    run = parse(path)
    records = list(run)
    assert [r["prm"] for r in records] == ["30000000000081", "30000000000082"]
    assert records[0]["source"] == {"file": path, "member": "a.xml"}
    assert [d.member for d in run.documents] == ["a.xml", "b.xml"]


def test_directory_of_mixed_inputs(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "one.xml").write_bytes(DOC)
    _zip(tmp_path / "sub" / "two.zip", [("two.xml", DOC2)])
    (tmp_path / "notes.txt").write_text("not a flow")
    run = parse(str(tmp_path))
    assert sorted(r["prm"] for r in run) == ["30000000000081", "30000000000082"]
    assert run.rejected == []


def test_encrypted_zip_with_key_option_and_env(tmp_path, monkeypatch):
    key, iv = bytes(range(16)), bytes(range(16, 32))
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("r15.xml", DOC)
    path = tmp_path / "ENEDIS_R15_crypt.zip"
    path.write_bytes(_encrypt(plain.getvalue(), key, iv))
    assert [r["prm"] for r in parse(str(path), key=key.hex(), iv=iv.hex())] == [
        "30000000000081"]
    monkeypatch.setenv("ENERCOOP_FLOW_KEY", key.hex())
    monkeypatch.setenv("ENERCOOP_FLOW_IV", iv.hex())
    sources = list(open_sources([str(path)]))
    assert [s.member for s in sources] == ["r15.xml"]
    monkeypatch.setenv("ENERCOOP_FLOW_KEY", bytes(16).hex())
    run = parse(str(path))
    assert list(run) == [] and "wrong key" in run.rejected[0].reason


def test_encrypted_without_key_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("ENERCOOP_FLOW_KEY", raising=False)
    path = tmp_path / "x.zip"
    path.write_bytes(os.urandom(64))
    with pytest.raises(DecryptionError, match="--key"):
        list(open_sources(str(path)))


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "a/../../evil.xml",
                                  "C:\\evil.xml"])
def test_zip_path_traversal_refused(tmp_path, name):
    path = _zip(tmp_path / "t.zip", [("ok.xml", DOC), (name, DOC2)])
    run = parse(path)
    assert list(run) == []
    assert "path traversal" in run.rejected[0].reason
    with pytest.raises(UnsafeInputError):
        list(open_sources(path))


def test_zip_bomb_refused_by_ratio_and_size(tmp_path):
    path = _zip(tmp_path / "bomb.zip", [("bomb.xml", b"<" + b" " * (20 << 20) + b"/>")])
    run = parse(path)
    assert list(run) == [] and "zip bomb" in run.rejected[0].reason
    small = _zip(tmp_path / "big.zip", [("big.xml", DOC)])
    run = parse(small, limits=Limits(max_member_bytes=100))
    assert list(run) == [] and "zip bomb" in run.rejected[0].reason


def test_nested_zip_one_level(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("in.xml", DOC)
    path = _zip(tmp_path / "outer.zip", [("inner.zip", inner.getvalue())])
    records = list(parse(path))
    assert records[0]["source"]["member"] == "inner.zip!in.xml"


def test_missing_path_is_reported(tmp_path):
    run = parse([str(tmp_path / "nope.xml"), str(tmp_path)])
    assert list(run) == []
    assert run.rejected[0].reason == "no such file or directory"
