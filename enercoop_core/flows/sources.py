"""Inputs of the flow engine: XML files, zip archives, AES-encrypted archives, directories.

:func:`open_sources` turns paths, or content (:class:`Content`: bytes or a binary file
object, with a name), into :class:`XmlSource` objects, each an XML document with its name
(``file``, and ``member`` inside an archive) and an ``open()`` that gives a fresh binary
stream (so a document can be read twice, e.g. for XSD validation).

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

import io
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable, Iterator, Optional, Union

from enercoop_core.flows.errors import DecryptionError, FlowError, UnsafeInputError
from enercoop_core.flows.keyring import IV_ENV, KEY_ENV, KEYRING_ENV, KeyRing

__all__ = ["Limits", "XmlSource", "Content", "as_inputs", "open_sources", "sources_of",
           "expand_paths", "KeyRing",
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
        raise FlowError("not a readable zip archive: %s" % exc, file=file) from exc
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
                    yield from _zip_sources(inner, file, limits, depth + 1, member + "!",
                                            key_label)
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

    def __getattr__(self, name):  # seek, tell, seekable...: zipfile and the key ring seek
        return getattr(self._raw, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def expand_paths(paths: Iterable[Union[str, os.PathLike, Content]]) -> Iterator:
    """Files named, and the flow files found (sorted, recursively) in directories named;
    :class:`Content` items pass through."""
    for path in paths:
        if isinstance(path, Content):
            yield path
            continue
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


def sources_of(path, key: Optional[str] = None, iv: Optional[str] = None,
               limits: Optional[Limits] = None, keyring=None) -> Iterator[XmlSource]:
    """The documents of one file (plain XML or JSON, zip, encrypted zip or encrypted XML).

    ``path``: a file path, or a :class:`Content` (bytes or a file object with its name).
    ``keyring``: a :class:`KeyRing` or a key-ring file (default ``$ENERCOOP_FLOW_KEYRING``);
    ``key``/``iv``: one more key in hex (default ``$ENERCOOP_FLOW_KEY``/``_IV``).
    """
    limits = limits or Limits()

    def ring() -> KeyRing:  # read only when a file needs a key, as the key ring may be broken
        return keyring if isinstance(keyring, KeyRing) else KeyRing.collect(keyring, key, iv)

    if not isinstance(path, Content):
        return _sources(path, _file_opener(path), limits, ring)
    return path.sources(limits, ring)


def _sources(file: str, opener: Callable[[], BinaryIO], limits: Limits,
             get_ring: Callable[[], KeyRing]) -> Iterator[XmlSource]:
    """The documents of the file ``file`` whose content ``opener()`` gives from its start;
    ``get_ring()`` the key ring to try if it is encrypted."""
    with opener() as handle:
        head = handle.read(64)
    if not head:
        raise FlowError("empty file (0 bytes): nothing to read", file=file)
    if head.startswith(_ZIP_MAGIC):
        with opener() as handle:
            yield from _zip_sources(handle, file, limits, 0)
        return
    if _looks_xml(head):
        yield XmlSource(file, None, opener)
        return
    ring = get_ring()
    if _opens_like_text(head) and not len(ring):
        # a damaged plain document, most likely: let the XML reader say what is wrong
        yield XmlSource(file, None, opener)
        return
    with opener() as handle:
        try:
            plain, label = ring.open(handle, file)
        except DecryptionError:
            if not _opens_like_text(head):
                raise
            plain = None
    if plain is None:  # no key opens it and it opens like a document: read it as one
        yield XmlSource(file, None, opener)
        return
    try:
        if plain.read(4) in _ZIP_MAGIC:
            plain.seek(0)
            yield from _zip_sources(plain, file, limits, 0, key_label=label)
        else:
            yield XmlSource(file, None, _spool_opener(plain), label)
    finally:
        plain.close()


class Content:
    """A flow file given as content rather than as a path: bytes or a binary file object,
    with the ``name`` that records (``source["file"]``) and messages give it.

    A seekable file object at its start is read in place (the caller leaves it alone while
    the run reads it); any other is first copied to a spooled temporary file (in memory up
    to 64 MB, then on disk).
    """

    def __init__(self, data, name: Optional[str] = None):
        if isinstance(data, (bytes, bytearray, memoryview)):
            self.data, self.stream = bytes(data), None
            default = "<bytes>"
        elif callable(getattr(data, "read", None)):
            self.data, self.stream = None, data
            default = getattr(data, "name", None)
            default = default if isinstance(default, str) else "<stream>"
        else:
            raise TypeError("flow content must be bytes or a binary file object, not %s"
                            % type(data).__name__)
        self.name = name if name is not None else default

    def __repr__(self) -> str:
        return "Content(%r)" % self.name

    def sources(self, limits: Limits, ring: Callable[[], KeyRing]) -> Iterator[XmlSource]:
        if self.data is not None:
            data = self.data
            return _sources(self.name, lambda: io.BytesIO(data), limits, ring)
        if _at_start(self.stream):
            return _sources(self.name, _stream_opener(self.stream), limits, ring)
        return self._spooled(limits, ring)

    def _spooled(self, limits: Limits, ring: Callable[[], KeyRing]) -> Iterator[XmlSource]:
        spool = _Spool(max_size=_SPOOL)
        try:
            shutil.copyfileobj(self.stream, spool, 1 << 20)
            yield from _sources(self.name, _spool_opener(spool), limits, ring)
        finally:
            spool.close()


def _at_start(stream) -> bool:
    """A seekable stream positioned at its start (so that it can be read in place)."""
    try:
        return bool(stream.seekable()) and stream.tell() == 0
    except (AttributeError, OSError, ValueError):
        return False


def _stream_opener(stream):
    def opener() -> BinaryIO:
        stream.seek(0)
        return _NoClose(stream)
    return opener


def as_inputs(inputs, name: Optional[str] = None) -> list:
    """The inputs of a run as a list of paths and :class:`Content` items.

    ``inputs``: a path (``str`` or ``os.PathLike``), bytes, a binary file object, a
    ``(name, bytes or file object)`` pair, or an iterable of any of these. ``name``
    names a single bytes or file-object input (messages, ``source["file"]``).
    """
    if _is_content(inputs) or _is_pair(inputs):
        items = [inputs]
    elif isinstance(inputs, (str, os.PathLike)):
        items = [inputs]
    else:
        items = list(inputs)
    if name is not None and not (len(items) == 1 and _is_content(items[0])):
        raise TypeError("name= names a single bytes or file-object input")
    result = []
    for item in items:
        if isinstance(item, Content):
            result.append(item)
        elif _is_content(item):
            result.append(Content(item, name))
        elif _is_pair(item):
            result.append(Content(item[1], os.fspath(item[0])))
        elif isinstance(item, (str, os.PathLike)):
            result.append(os.fspath(item))
        else:
            raise TypeError("a flow input is a path, bytes, a binary file object or a "
                            "(name, content) pair, not %s" % type(item).__name__)
    return result


def _is_content(item) -> bool:
    return (isinstance(item, (bytes, bytearray, memoryview, Content)) or
            callable(getattr(item, "read", None)))


def _is_pair(item) -> bool:
    return (isinstance(item, tuple) and len(item) == 2 and
            isinstance(item[0], (str, os.PathLike)) and _is_content(item[1]))


def open_sources(paths, key: Optional[str] = None, iv: Optional[str] = None,
                 limits: Optional[Limits] = None, keyring=None,
                 name: Optional[str] = None) -> Iterator[XmlSource]:
    """XML documents of files, zips, encrypted zips and directories, in order.

    ``paths``: a path, bytes, a binary file object or an iterable of these (see
    :func:`as_inputs`; ``name`` names a single bytes or file-object input).
    ``keyring``/``key``/``iv``: see :func:`sources_of`. A source is valid until the
    iteration moves on (archives are closed after their last member). Raises
    :class:`FlowError` subclasses on unreadable or unsafe input.
    """
    inputs = as_inputs(paths, name)
    ring = keyring if isinstance(keyring, KeyRing) else KeyRing.collect(keyring, key, iv)
    for path in expand_paths(inputs):
        yield from sources_of(path, limits=limits, keyring=ring)
