"""Inputs of the flow engine: XML files, zip archives, AES-encrypted archives, directories.

:func:`open_sources` turns paths into :class:`XmlSource` objects, each an XML document
with its name (``file``, and ``member`` inside an archive) and an ``open()`` that gives a
fresh binary stream (so a document can be read twice, e.g. for XSD validation).

Encrypted archives (AES-256-CBC with the IV at the head of the file since June 2026,
AES-128-CBC with a fixed IV before) are opened with a :class:`~.keyring.KeyRing`: each
key is tried in turn and the label of the one that opened the file is kept
(``XmlSource.key_label``). A file that is neither XML, JSON nor zip is taken as encrypted.
An empty file, an archive without any file, and a file no key opens are errors of their
own, each with its message.

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
from enercoop_core.flows.keyring import IV_ENV, KEY_ENV, KEYRING_ENV, KeyRing

__all__ = ["Limits", "XmlSource", "open_sources", "sources_of", "expand_paths", "KeyRing",
           "KEY_ENV", "IV_ENV", "KEYRING_ENV"]

FLOW_SUFFIXES = (".xml", ".zip", ".json", ".enc", ".aes", ".crypt", ".gpg")
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
    key_label: Optional[str] = None  # the key-ring entry that decrypted it, if any

    def open(self) -> BinaryIO:
        return self.opener()

    @property
    def name(self) -> str:
        return self.file + ("!" + self.member if self.member else "")


def _opens_like_text(head: bytes) -> bool:
    """The first byte (after a BOM and blanks) opens XML (``<``) or JSON (``[``, ``{``).

    Loose: the random IV at the head of an encrypted file opens that way 3 times in 256.
    """
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.lstrip()[:1] in (b"<", b"[", b"{")


def _is_text(head: bytes) -> bool:
    """The first bytes are text (UTF-8 without control characters other than blanks).

    Random bytes pass this about once in 10**8 files, so together with
    :func:`_opens_like_text` it tells a plain document from an encrypted one.
    """
    probe = head[:32]
    if any(b < 0x09 or 0x0d < b < 0x20 or b == 0x7f for b in probe):
        return False
    try:
        probe.decode("utf-8")
    except UnicodeDecodeError as exc:  # a character cut at the end of the probe is fine
        return exc.start >= len(probe) - 3 and exc.reason == "unexpected end of data"
    return True


def _looks_xml(head: bytes) -> bool:
    """XML, or a JSON flow (R6X, read by :mod:`.r6x`), not an encrypted file."""
    return _opens_like_text(head) and _is_text(head)


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
                 prefix: str = "", key_label: Optional[str] = None) -> Iterator[XmlSource]:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise FlowError("not a readable zip archive: %s" % exc, file=file)
    with archive:
        _check_archive(archive, file, limits)
        if not any(not info.is_dir() for info in archive.infolist()):
            raise FlowError("the archive %sholds no file" % (
                "member %s " % prefix.rstrip("!") if prefix else ""), file=file)
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
                    for source in _zip_sources(inner, file, limits, depth + 1, member + "!",
                                               key_label):
                        yield source
                finally:
                    inner.close()
                continue
            yield XmlSource(file, member, _member_opener(archive, info), key_label)


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
               limits: Optional[Limits] = None, keyring=None) -> Iterator[XmlSource]:
    """The documents of one file (plain XML or JSON, zip, encrypted zip or encrypted XML).

    ``keyring``: a :class:`KeyRing` or a key-ring file (default ``$ENERCOOP_FLOW_KEYRING``);
    ``key``/``iv``: one more key in hex (default ``$ENERCOOP_FLOW_KEY``/``_IV``).
    """
    limits = limits or Limits()
    with open(path, "rb") as handle:
        head = handle.read(64)
    if not head:
        raise FlowError("empty file (0 bytes): nothing to read", file=path)
    if head.startswith(_ZIP_MAGIC):
        with open(path, "rb") as handle:
            for source in _zip_sources(handle, path, limits, 0):
                yield source
        return
    if _looks_xml(head):
        yield XmlSource(path, None, _file_opener(path))
        return
    ring = keyring if isinstance(keyring, KeyRing) else KeyRing.collect(keyring, key, iv)
    if _opens_like_text(head) and not len(ring):
        # a damaged plain document, most likely: let the XML reader say what is wrong
        yield XmlSource(path, None, _file_opener(path))
        return
    with open(path, "rb") as handle:
        try:
            plain, label = ring.open(handle, path)
        except DecryptionError:
            if not _opens_like_text(head):
                raise
            plain = None
    if plain is None:  # no key opens it and it opens like a document: read it as one
        yield XmlSource(path, None, _file_opener(path))
        return
    try:
        if plain.read(4) in _ZIP_MAGIC:
            plain.seek(0)
            for source in _zip_sources(plain, path, limits, 0, key_label=label):
                yield source
        else:
            yield XmlSource(path, None, _spool_opener(plain), label)
    finally:
        plain.close()


def open_sources(paths, key: Optional[str] = None, iv: Optional[str] = None,
                 limits: Optional[Limits] = None, keyring=None) -> Iterator[XmlSource]:
    """XML documents of files, zips, encrypted zips and directories, in order.

    ``paths``: a path or an iterable of paths. ``keyring``/``key``/``iv``: see
    :func:`sources_of`. A source is valid until the iteration moves on (archives are
    closed after their last member). Raises :class:`FlowError` subclasses on unreadable
    or unsafe input.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    ring = keyring if isinstance(keyring, KeyRing) else KeyRing.collect(keyring, key, iv)
    for path in expand_paths(paths):
        for source in sources_of(path, limits=limits, keyring=ring):
            yield source
