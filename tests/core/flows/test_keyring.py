"""Encrypted deliveries (issue 9, point 2): both AES schemes, a key ring, labels, no key shown.

Files are encrypted here with ``cryptography`` the two ways Enedis does: AES-256-CBC with a
fresh 16-byte IV written at the head of the file (deliveries since 8-9 June 2026), and
AES-128-CBC with a fixed IV given with the key (older deliveries), PKCS7 padded.
"""
from __future__ import annotations

import io
import os
import zipfile

import pytest

from enercoop_core.cli import main
from enercoop_core.flows import DecryptionError, parse
from enercoop_core.flows.keyring import KeyRing

from .builders import r15

DOC = r15([("30000000000111", "A", "2025-03-01T00:00:00", [("BASE", "0", 10)])])
KEY_2026 = bytes(range(32))  # AES-256, IV at the head of each file
KEY_2025, IV_2025 = bytes(range(100, 116)), bytes(range(200, 216))  # AES-128, fixed IV
OTHER = bytes(range(50, 82))


def _encrypt(data, key, iv, prefix_iv):
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv), backend=default_backend()).encryptor()
    return (iv if prefix_iv else b"") + enc.update(padded) + enc.finalize()


def _zipped(data=DOC):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("r15.xml", data)
    return out.getvalue()


@pytest.fixture
def files(tmp_path):
    new = tmp_path / "ENEDIS_R15_2026.zip"
    new.write_bytes(_encrypt(_zipped(), KEY_2026, os.urandom(16), prefix_iv=True))
    old = tmp_path / "ENEDIS_R15_2025.zip"
    old.write_bytes(_encrypt(_zipped(), KEY_2025, IV_2025, prefix_iv=False))
    plain_xml = tmp_path / "ENEDIS_R15_2026_xml.enc"
    plain_xml.write_bytes(_encrypt(DOC, KEY_2026, os.urandom(16), prefix_iv=True))
    return str(new), str(old), str(plain_xml)


@pytest.fixture
def ring_file(tmp_path):
    path = tmp_path / "keys.txt"
    path.write_text("# label key [iv]\nother %s\nenedis-2026 %s\n\nenedis-2025 %s %s\n" % (
        OTHER.hex(), KEY_2026.hex(), KEY_2025.hex(), IV_2025.hex()))
    return str(path)


def test_both_schemes_open_with_one_ring_and_the_label_is_kept(files, ring_file):
    run = parse(list(files), keyring=ring_file)
    records = list(run)
    assert run.rejected == []
    assert [r["prm"] for r in records] == ["30000000000111"] * 3
    assert [d.key_label for d in run.documents] == ["enedis-2026", "enedis-2025",
                                                    "enedis-2026"]


def test_toml_key_ring_and_environment(files, tmp_path, monkeypatch):
    toml = tmp_path / "keys.toml"
    toml.write_text('[enedis-2025]\nkey = "%s"\niv = "%s"\n\n["enedis-2026"]\nkey = "%s"\n'
                    % (KEY_2025.hex(), IV_2025.hex(), KEY_2026.hex()))
    assert KeyRing.from_file(str(toml)).labels == ["enedis-2025", "enedis-2026"]
    monkeypatch.setenv("ENERCOOP_FLOW_KEYRING", str(toml))
    run = parse(list(files))
    list(run)
    assert run.ok and [d.key_label for d in run.documents][:2] == ["enedis-2026",
                                                                   "enedis-2025"]
    monkeypatch.delenv("ENERCOOP_FLOW_KEYRING")
    monkeypatch.setenv("ENERCOOP_FLOW_KEY", KEY_2026.hex())  # one key, IV at the head
    run = parse(files[0])
    assert [r["prm"] for r in run] == ["30000000000111"]
    assert run.documents[0].key_label == "$ENERCOOP_FLOW_KEY"


def test_no_key_opens_it_is_a_rejection_naming_file_and_labels(files, tmp_path):
    ring = KeyRing.from_text("wrong %s\nwrong-too %s %s\n" % (OTHER.hex(), OTHER[:16].hex(),
                                                             IV_2025.hex()))
    run = parse(files[0], keyring=ring)
    assert list(run) == [] and not run.ok
    (rejection,) = run.rejected
    assert rejection.file == files[0]
    assert "tried: wrong, wrong-too" in rejection.reason and "wrong key" in rejection.reason


def test_a_key_is_never_shown(files, ring_file, capsys):
    ring = KeyRing.from_file(ring_file)
    secrets = [KEY_2026.hex(), KEY_2025.hex(), IV_2025.hex(), OTHER.hex()]
    assert not any(s in repr(ring) or s in repr(ring.keys) for s in secrets)
    bad = ring_file + ".bad"
    with open(bad, "w") as handle:
        handle.write("broken %sZZ\n" % KEY_2026.hex())
    with pytest.raises(DecryptionError) as info:
        KeyRing.from_file(bad)
    assert "line 1" in str(info.value) and KEY_2026.hex() not in str(info.value)
    assert main(["flows", "inspect", "--keyring", bad, files[0]]) == 2
    assert main(["flows", "inspect", "--keyring", ring_file] + list(files)) == 0
    out = capsys.readouterr()
    assert "decrypted with key enedis-2026" in out.out
    assert not any(s in out.out + out.err for s in secrets)


def test_plausibility_is_judged_on_padding_and_magic(tmp_path):
    # a file that decrypts with a valid padding by chance but to garbage is not opened
    path = tmp_path / "noise.bin"
    path.write_bytes(os.urandom(4096))
    run = parse(str(path), keyring=KeyRing.from_text("k %s\n" % KEY_2026.hex()))
    list(run)
    assert "no key of the key ring opens it (tried: k" in run.rejected[0].reason


@pytest.mark.parametrize("first", [b"<", b"[", b"{", b"<?", b'{"', b" <"])
def test_an_iv_that_opens_like_text_is_still_decrypted(tmp_path, first):
    """The random IV at the head of a new-scheme file starts with ``<``, ``[`` or ``{``
    about 3 times in 256: such a file must be decrypted, not read as a plain document."""
    iv = (first + bytes(range(0x80, 0x90)))[:16]
    path = tmp_path / "ENEDIS_R15_iv.zip"
    path.write_bytes(_encrypt(_zipped(), KEY_2026, iv, prefix_iv=True))
    run = parse([str(path)], keyring=KeyRing.from_text("enedis-2026 %s" % KEY_2026.hex()))
    records = list(run)
    assert run.ok, run.rejected
    assert [r["prm"] for r in records] == ["30000000000111"]


def test_a_damaged_plain_document_is_told_as_xml_without_keys(tmp_path):
    path = tmp_path / "R15_damaged.xml"
    path.write_bytes(b"<R15>\x00\x01garbage" + bytes(range(200, 240)))
    run = parse([str(path)])
    list(run)
    assert not run.ok
    assert "key" not in run.rejected[0].reason.lower()
