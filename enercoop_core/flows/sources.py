"""Inputs of the flow engine: XML files, zip archives, AES-encrypted archives, directories.

:func:`open_sources` turns paths into :class:`XmlSource` objects, each an XML document
with its name (``file``, and ``member`` inside an archive) and an ``open()`` that gives a
fresh binary stream (so a document can be read twice, e.g. for XSD validation).

Encrypted archives are AES-CBC encrypted as Enedis delivers them: the whole file, PKCS7
padded, with the key and IV given in hexadecimal (``--key``/``--iv`` or the environment
variables ``ENERCOOP_FLOW_KEY``/``ENERCOOP_FLOW_IV``). A file that is neither XML nor zip is
taken as encrypted.

Safety: a zip member with an absolute path, a drive letter or a ``..`` component
refuses the whole archive (path traversal); so do more than :data:`Limits.max_members`
members, a member whose declared size exceeds :data:`Limits.max_member_bytes`, or a
compression ratio above :data:`Limits.max_ratio` (zip bombs). Reading never extracts to
disk and never reads past a member's declared size. Nested zips are read to one level.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable, Iterator, Optional, Union

from enercoop_core.flows.errors import DecryptionError, FlowError, UnsafeInputError

KEY_ENV, IV_ENV = "ENERCOOP_FLOW_KEY", "ENERCOOP_FLOW_IV"
FLOW_SUFFIXES = (".xml", ".zip", ".enc", ".aes", ".crypt", ".gpg")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_SPOOL = 64 << 20


class _Spool(tempfile.SpooledTemporaryFile):
    """Spooled temporary file usable by zipfile on Python 3.7 too (seekable())."""

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True


@dataclass(frozen=True)
class Limits:
    """Refusal thresholds for archives (zip-bomb protection)."""

    max_members: int = 10000
    max_member_bytes: int = 8 << 30
    max_total_bytes: int = 32 << 30
    max_ratio: int = 1000
    ratio_floor_bytes: int = 1 << 20  # the ratio test applies above this declared size


@dataclass
class XmlSource:
    """One XML document to read: ``file`` on disk, ``member`` inside an archive or None."""

    file: str
    member: Optional[str]
    opener: Callable[[], BinaryIO]

    def open(self) -> BinaryIO:
        return self.opener()

    @property
    def name(self) -> str:
        return self.file + ("!" + self.member if self.member else "")


def _key_bytes(value: Optional[str], env: str, label: str, sizes) -> Optional[bytes]:
    value = value if value else os.environ.get(env)
    if not value:
        return None
    try:
        raw = bytes.fromhex(value.strip())
    except ValueError:
        raise DecryptionError("%s is not hexadecimal" % label)
    if len(raw) not in sizes:
        raise DecryptionError("%s must be %s bytes long, got %d" % (
            label, " or ".join(str(s) for s in sizes), len(raw)))
    return raw


def decrypt(stream: BinaryIO, key: bytes, iv: bytes, file: str) -> BinaryIO:
    """AES-CBC + PKCS7 decryption of a whole stream into a spooled temporary file."""
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv), backend=default_backend()).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    out = _Spool(max_size=_SPOOL)
    total = 0
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            break
        total += len(chunk)
        out.write(unpadder.update(decryptor.update(chunk)))
    if total == 0 or total % 16:
        out.close()
        raise DecryptionError("not an AES-encrypted archive (size %d is not a multiple of 16)"
                              % total, file=file)
    try:
        out.write(unpadder.update(decryptor.finalize()) + unpadder.finalize())
    except ValueError:
        out.close()
        raise DecryptionError("could not decrypt: bad padding (wrong key or IV?)", file=file)
    out.seek(0)
    head = out.read(64)
    out.seek(0)
    if not (head.startswith(_ZIP_MAGIC) or _looks_xml(head)):
        out.close()
        raise DecryptionError("decrypted content is neither zip nor XML (wrong key or IV?)",
                              file=file)
    return out


def _looks_xml(head: bytes) -> bool:
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.lstrip()[:1] == b"<"


def _check_member_name(member: str, file: str) -> None:
    normalized = member.replace("\\", "/")
    parts = normalized.split("/")
    if normalized.startswith("/") or ".." in parts or (len(member) > 1 and member[1] == ":"):
        raise UnsafeInputError("archive member %r has an unsafe path (path traversal); "
                               "archive refused" % member, file=file)


def _check_archive(archive: zipfile.ZipFile, file: str, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise UnsafeInputError("archive has %d members (limit %d); refused"
                               % (len(infos), limits.max_members), file=file)
    total = 0
    for info in infos:
        _check_member_name(info.filename, file)
        if info.file_size > limits.max_member_bytes:
            raise UnsafeInputError("member %r would expand to %d bytes (limit %d); refused as "
                                   "a possible zip bomb" % (info.filename, info.file_size,
                                                            limits.max_member_bytes), file=file)
        if (info.file_size > limits.ratio_floor_bytes and
                info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise UnsafeInputError("member %r has a compression ratio above %d:1; refused as "
                                   "a possible zip bomb" % (info.filename, limits.max_ratio),
                                   file=file)
        total += info.file_size
    if total > limits.max_total_bytes:
        raise UnsafeInputError("archive would expand to %d bytes (limit %d); refused"
                               % (total, limits.max_total_bytes), file=file)


def _zip_sources(handle: BinaryIO, file: str, limits: Limits, depth: int,
                 prefix: str = "") -> Iterator[XmlSource]:
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as exc:
        raise FlowError("not a readable zip archive: %s" % exc, file=file)
    with archive:
        _check_archive(archive, file, limits)
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            member = prefix + info.filename
            lower = info.filename.lower()
            if lower.endswith(".zip"):
                if depth >= 1:
                    raise UnsafeInputError("archive nested more than two levels (%s); refused"
                                           % member, file=file)
                inner = _Spool(max_size=_SPOOL)
                with archive.open(info) as raw:
                    shutil.copyfileobj(raw, inner, 1 << 20)
                inner.seek(0)
                try:
                    for source in _zip_sources(inner, file, limits, depth + 1, member + "!"):
                        yield source
                finally:
                    inner.close()
                continue
            yield XmlSource(file, member, _member_opener(archive, info))


def _member_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    def opener() -> BinaryIO:
        return archive.open(info)
    return opener


def _file_opener(path: str):
    def opener() -> BinaryIO:
        return open(path, "rb")
    return opener


def _spool_opener(spool):
    def opener() -> BinaryIO:
        spool.seek(0)
        return _NoClose(spool)
    return opener


class _NoClose:
    """A view of a spooled file that a reader may 'close' without losing the data."""

    def __init__(self, raw):
        self._raw = raw

    def read(self, size: int = -1) -> bytes:
        return self._raw.read(size)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def expand_paths(paths: Iterable[Union[str, os.PathLike]]) -> Iterator[str]:
    """Files named, and the flow files found (sorted, recursively) in directories named."""
    for path in paths:
        path = os.fspath(path)
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or not name.lower().endswith(FLOW_SUFFIXES):
                        continue
                    yield os.path.join(root, name)
        elif os.path.exists(path):
            yield path
        else:
            raise FlowError("no such file or directory", file=path)


def sources_of(path: str, key: Optional[str] = None, iv: Optional[str] = None,
               limits: Optional[Limits] = None) -> Iterator[XmlSource]:
    """The XML documents of one file (plain XML, zip, encrypted zip or encrypted XML)."""
    limits = limits or Limits()
    with open(path, "rb") as handle:
        head = handle.read(64)
    if head.startswith(_ZIP_MAGIC):
        with open(path, "rb") as handle:
            for source in _zip_sources(handle, path, limits, 0):
                yield source
        return
    if _looks_xml(head):
        yield XmlSource(path, None, _file_opener(path))
        return
    key_raw = _key_bytes(key, KEY_ENV, "the AES key", (16, 24, 32))
    iv_raw = _key_bytes(iv, IV_ENV, "the AES IV", (16,))
    if key_raw is None or iv_raw is None:
        raise DecryptionError("neither XML nor zip: if it is an encrypted Enedis archive, "
                              "give --key and --iv (or %s and %s)" % (KEY_ENV, IV_ENV),
                              file=path)
    with open(path, "rb") as handle:
        plain = decrypt(handle, key_raw, iv_raw, path)
    try:
        if plain.read(4) in _ZIP_MAGIC:
            plain.seek(0)
            for source in _zip_sources(plain, path, limits, 0):
                yield source
        else:
            yield XmlSource(path, None, _spool_opener(plain))
    finally:
        plain.close()


def open_sources(paths, key: Optional[str] = None, iv: Optional[str] = None,
                 limits: Optional[Limits] = None) -> Iterator[XmlSource]:
    """XML documents of files, zips, encrypted zips and directories, in order.

    ``paths``: a path or an iterable of paths. ``key``/``iv``: AES key and IV in hex
    (default: the ``ENERCOOP_FLOW_KEY``/``ENERCOOP_FLOW_IV`` environment variables).
    A source is valid until the iteration moves on (archives are closed after their last
    member). Raises :class:`FlowError` subclasses on unreadable or unsafe input.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    for path in expand_paths(paths):
        for source in sources_of(path, key, iv, limits):
            yield source
