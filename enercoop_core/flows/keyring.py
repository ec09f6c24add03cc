"""Keys of encrypted Enedis deliveries: a ring of labelled AES keys, tried in turn.

Two schemes, both AES-CBC with PKCS7 padding over the whole file:

- since the night of 8-9 June 2026, AES-256-CBC with a fresh 16-byte IV at the head of
  every file: the 32-byte key is the only secret. A key-ring entry *without* IV;
- older deliveries, AES-128-CBC with a fixed IV given alongside the key. An entry *with*
  its IV.

Keys rotate over time and may differ per flow family, so a file is tried with every key
of the ring in turn; a try is judged on the first and last blocks alone (PKCS7 padding of
the last block, zip or XML magic of the first) before the whole file is decrypted with
the key that passed. The label of the key that opened a file is kept on the document;
a file that no key opens is a rejection naming the labels tried.

Key-ring file (``enercoop flows ... --keyring FILE``, or the file named by
``$ENERCOOP_FLOW_KEYRING``), one entry a line, ``#`` comments::

    # label        key (hex)                                   [iv (hex)]
    enedis-2026    00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
    enedis-2025    00112233445566778899aabbccddeeff  0f0e0d0c0b0a09080706050403020100

or TOML (a ``.toml`` file, or any file whose first entry line is a ``[table]``)::

    [enedis-2026]
    key = "0011...eeff"
    [enedis-2025]
    key = "0011...eeff"
    iv = "0f0e...0100"

``--key``/``--iv`` (or ``$ENERCOOP_FLOW_KEY``/``$ENERCOOP_FLOW_IV``) add one entry,
labelled by where it came from. A key is never printed or logged: entries show their
label only, and errors name labels, files and line numbers, never a key.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import BinaryIO, Iterable, List, Optional, Tuple

from enercoop_core.flows.errors import DecryptionError

KEY_ENV, IV_ENV, KEYRING_ENV = "ENERCOOP_FLOW_KEY", "ENERCOOP_FLOW_IV", "ENERCOOP_FLOW_KEYRING"
KEY_SIZES = (16, 24, 32)
BLOCK = 16
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_SPOOL = 64 << 20


@dataclass(frozen=True)
class Key:
    """One key of the ring: ``iv`` None for the IV-at-the-head scheme."""

    label: str
    key: bytes = field(repr=False)
    iv: Optional[bytes] = field(default=None, repr=False)

    @property
    def scheme(self) -> str:
        return "AES-%d-CBC, %s" % (len(self.key) * 8,
                                   "IV at the head of the file" if self.iv is None
                                   else "fixed IV")


def _hex(value: str, what: str, where: str, sizes) -> bytes:
    try:
        raw = bytes.fromhex(value.strip())
    except ValueError:
        raise DecryptionError("%s of %s is not hexadecimal" % (what, where)) from None
    if len(raw) not in sizes:
        raise DecryptionError("%s of %s must be %s bytes long, got %d" % (
            what, where, " or ".join(str(s) for s in sizes), len(raw)))
    return raw


def make_key(label: str, key_hex: str, iv_hex: Optional[str] = None) -> Key:
    """A checked :class:`Key` from hexadecimal texts (errors name ``label``, never the key)."""
    where = "key %r" % label
    return Key(label, _hex(key_hex, "the key", where, KEY_SIZES),
               _hex(iv_hex, "the IV", where, (BLOCK,)) if iv_hex else None)


class KeyRing:
    """Labelled keys, tried in order. ``repr`` and ``str`` show the labels only."""

    def __init__(self, keys: Iterable[Key] = ()):
        self.keys = list(keys)  # type: List[Key]

    @property
    def labels(self) -> List[str]:
        return [k.label for k in self.keys]

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return "KeyRing(%s)" % ", ".join(self.labels)

    __str__ = __repr__

    @classmethod
    def from_file(cls, path: str) -> KeyRing:
        """Read a key-ring file (line format or TOML, see the module doc)."""
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise DecryptionError("cannot read the key ring: %s" % exc.__class__.__name__,
                                  file=path) from None
        return cls.from_text(text, path)

    @classmethod
    def from_text(cls, text: str, source: str = "key ring") -> KeyRing:
        lines = [line.strip() for line in text.splitlines()]
        entries = [line for line in lines if line and not line.startswith("#")]
        if source.lower().endswith(".toml") or (entries and entries[0].startswith("[")):
            return cls(_toml_keys(text, source))
        keys = []
        for number, line in enumerate(lines, 1):
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) not in (2, 3):
                raise DecryptionError("line %d: expected 'label key_hex [iv_hex]', got %d "
                                      "field(s)" % (number, len(parts)), file=source)
            try:
                keys.append(make_key(*parts))
            except DecryptionError as exc:
                raise DecryptionError("line %d: %s" % (number, exc.message), file=source) from None
        return cls(keys)

    @classmethod
    def collect(cls, keyring=None, key: Optional[str] = None, iv: Optional[str] = None,
                environ=None) -> KeyRing:
        """The ring of a run: ``keyring`` (a KeyRing or a file path, default
        ``$ENERCOOP_FLOW_KEYRING``), then ``key``/``iv`` (default ``$ENERCOOP_FLOW_KEY``/
        ``$ENERCOOP_FLOW_IV``)."""
        environ = os.environ if environ is None else environ
        ring = cls()
        if isinstance(keyring, KeyRing):
            ring.keys.extend(keyring.keys)
        else:
            path = keyring or environ.get(KEYRING_ENV)
            if path:
                ring.keys.extend(cls.from_file(os.fspath(path)).keys)
        if key:
            ring.keys.append(make_key("--key", key, iv or None))
        elif environ.get(KEY_ENV):
            ring.keys.append(make_key("$" + KEY_ENV, environ[KEY_ENV],
                                      iv or environ.get(IV_ENV) or None))
        return ring

    def open(self, handle: BinaryIO, file: str) -> Tuple[BinaryIO, str]:
        """Decrypt ``handle`` (a seekable binary file) with the first key that opens it.

        Returns a spooled temporary file of the plain content (zip or XML) and the label of
        the key. Raises DecryptionError naming the file and the labels tried.
        """
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if not self.keys:
            raise DecryptionError("neither XML nor zip: if it is an encrypted Enedis archive, "
                                  "give a key ring (--keyring FILE or $%s) or --key "
                                  "(and --iv for the older fixed-IV scheme; or $%s and $%s)"
                                  % (KEYRING_ENV, KEY_ENV, IV_ENV), file=file)
        if size < BLOCK or size % BLOCK:
            raise DecryptionError("neither XML nor zip, and not an AES-encrypted archive "
                                  "either (size %d is not a multiple of 16)" % size, file=file)
        handle.seek(0)
        head = handle.read(3 * BLOCK)
        handle.seek(max(0, size - 2 * BLOCK))
        tail = handle.read(2 * BLOCK)
        for entry in self.keys:
            if _plausible(entry, head, tail, size):
                try:
                    return _decrypt(handle, entry, file), entry.label
                except DecryptionError:
                    continue
        raise DecryptionError("no key of the key ring opens it (tried: %s; bad padding or "
                              "content: wrong key or IV?)" % ", ".join(self.labels), file=file)


def _cipher(key: bytes, mode):
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
    return Cipher(algorithms.AES(key), mode, backend=default_backend())


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b))


def _plausible(entry: Key, head: bytes, tail: bytes, size: int) -> bool:
    """Cheap test of a key on the first and last blocks: PKCS7 padding and magic."""
    from cryptography.hazmat.primitives.ciphers import modes

    if entry.iv is None:
        if size < 2 * BLOCK:
            return False
        iv, first = head[:BLOCK], head[BLOCK:2 * BLOCK]
    else:
        iv, first = entry.iv, head[:BLOCK]
    block = _cipher(entry.key, modes.ECB()).decryptor()
    plain_first = _xor(block.update(first), iv)
    previous = tail[:BLOCK] if len(tail) == 2 * BLOCK else iv
    plain_last = _xor(block.update(tail[-BLOCK:]), previous)
    pad = plain_last[-1]
    if not 1 <= pad <= BLOCK or plain_last[-pad:] != bytes([pad]) * pad:
        return False
    return _magic(plain_first)


def _magic(head: bytes) -> bool:
    if head.startswith(_ZIP_MAGIC):
        return True
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    from enercoop_core.flows.r6x import looks_json  # late: keeps this module light
    return head.lstrip()[:1] == b"<" or looks_json(head)  # XML, or a JSON flow (R6X)


def _decrypt(handle: BinaryIO, entry: Key, file: str) -> BinaryIO:
    """AES-CBC + PKCS7 decryption of the whole file into a spooled temporary file."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import modes

    handle.seek(0)
    iv = entry.iv if entry.iv is not None else handle.read(BLOCK)
    decryptor = _cipher(entry.key, modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    out = _Spool(max_size=_SPOOL)
    try:
        while True:
            chunk = handle.read(1 << 20)
            if not chunk:
                break
            out.write(unpadder.update(decryptor.update(chunk)))
        out.write(unpadder.update(decryptor.finalize()) + unpadder.finalize())
    except ValueError:
        out.close()
        raise DecryptionError("could not decrypt: bad padding (wrong key or IV?)",
                              file=file) from None
    out.seek(0)
    if not _magic(out.read(64)):
        out.close()
        raise DecryptionError("decrypted content is neither zip nor XML (wrong key or IV?)",
                              file=file)
    out.seek(0)
    return out


class _Spool(tempfile.SpooledTemporaryFile):
    """Spooled temporary file usable by zipfile on Python 3.7 too (seekable())."""

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True


_TABLE = re.compile(r"^\[\s*([^\]]+?)\s*\]$")
_PAIR = re.compile(r"""^([A-Za-z_]+)\s*=\s*["']([0-9A-Fa-f\s]*)["']$""")


def _toml_keys(text: str, source: str) -> List[Key]:
    """Entries of a TOML key ring: each table ``[label]`` with ``key`` and optional ``iv``."""
    try:
        try:
            import tomllib as toml  # Python 3.11+
        except ImportError:
            import tomli as toml  # type: ignore[no-redef]
        try:
            data = toml.loads(text)
        except Exception as exc:  # the parser's own error class differs between libraries
            raise DecryptionError("not valid TOML: %s" % exc.__class__.__name__,
                                  file=source) from None
        tables = [(label, value) for label, value in data.items()]
    except ImportError:
        tables = _toml_subset(text, source)
    keys = []
    for label, value in tables:
        if not isinstance(value, dict) or not isinstance(value.get("key"), str):
            raise DecryptionError("entry [%s] has no key = \"hex\"" % label, file=source)
        iv = value.get("iv")
        if iv is not None and not isinstance(iv, str):
            raise DecryptionError("entry [%s]: iv must be a hex string" % label, file=source)
        try:
            keys.append(make_key(str(label), value["key"], iv))
        except DecryptionError as exc:
            raise DecryptionError(exc.message, file=source) from None
    return keys


def _toml_subset(text: str, source: str) -> List[Tuple[str, dict]]:
    """The ``[label]`` / ``key = "hex"`` subset of TOML, when no TOML library is there."""
    tables = []  # type: List[Tuple[str, dict]]
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        table, pair = _TABLE.match(line), _PAIR.match(line)
        if table:
            tables.append((table.group(1).strip("\"'"), {}))
        elif pair and tables:
            tables[-1][1][pair.group(1)] = pair.group(2)
        else:
            raise DecryptionError("line %d: not a [label] or key = \"hex\" line" % number,
                                  file=source)
    return tables
