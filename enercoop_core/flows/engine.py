"""The parse run: sources -> detection -> the reader of each flow -> records.

:func:`parse` returns a :class:`FlowRun`; iterating it streams the records of every
document in order. Bad records become :class:`Rejection` entries in ``run.rejected``
(the run goes on); a document that cannot be read at all (unsupported kind or major
version, unsafe input, not well-formed) is rejected as a whole, with the records it gave
before the error kept. ``run.documents`` summarises each document.
"""
from __future__ import annotations

import zipfile
from typing import Dict, Iterator, List, Optional

from lxml import etree

from enercoop_core.flows import c15, f12, f15, r15, r50, r151, r171, xsd
from enercoop_core.flows.common import Context
from enercoop_core.flows.errors import FlowError
from enercoop_core.flows.records import DocumentInfo, Rejection, family_of
from enercoop_core.flows.sources import Limits, XmlSource, expand_paths, sources_of
from enercoop_core.flows.xmlstream import ROOTS, iter_elements, read_header

#: Flow kind -> reader module (``KIND``, ``SUPPORTED_MAJORS``, ``TAGS``, ``read``).
READERS = {module.KIND: module for module in (r15, r151, r171, r50, c15, f15, f12)}


def supported() -> str:
    """Human list of the supported flows and major versions."""
    return ", ".join("%s %s" % (kind, "/".join("%s.x" % m for m in module.SUPPORTED_MAJORS))
                     for kind, module in READERS.items())


class FlowRun:
    """Iterable over the records of a parse; then ``rejected`` and ``documents``.

    Iterate once. ``rejected``: list of :class:`Rejection`; ``documents``: list of
    :class:`DocumentInfo`; ``counts``: records per family.
    """

    def __init__(self, paths, key=None, iv=None, xsd_dir=None, limits=None):
        self.paths = [paths] if isinstance(paths, str) else list(paths)
        self.key = key
        self.iv = iv
        self.xsd_dir = xsd_dir
        self.limits = limits or Limits()
        self.rejected = []  # type: List[Rejection]
        self.documents = []  # type: List[DocumentInfo]
        self.counts = {}  # type: Dict[str, int]
        self.files = 0
        self._started = False

    @property
    def ok(self) -> bool:
        return not self.rejected

    def __iter__(self) -> Iterator:
        if self._started:
            raise RuntimeError("a FlowRun can be iterated only once")
        self._started = True
        files = [f for given in self.paths for f in _safe_expand(given, self)]
        for path in files:
            self.files += 1
            try:
                for source in sources_of(path, self.key, self.iv, self.limits):
                    for item in self._document(source):
                        yield item
            except FlowError as exc:
                self.rejected.append(Rejection(path, None, exc.field, exc.message))
            except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, OSError) as exc:
                self.rejected.append(Rejection(path, None, None, "unreadable: %s" % exc))

    def _document(self, source: XmlSource) -> Iterator:
        info = DocumentInfo(source.file, source.member)
        self.documents.append(info)
        before = len(self.rejected)
        families = info.families
        counts = self.counts
        try:
            for item in self._read(source, info):
                if item.__class__ is dict:
                    family = item["family"]
                elif isinstance(item, Rejection):
                    self.rejected.append(item)
                    continue
                else:
                    family = family_of(item)
                info.records += 1
                families[family] = families.get(family, 0) + 1
                counts[family] = counts.get(family, 0) + 1
                yield item
        except FlowError as exc:
            info.error = exc.message
            self.rejected.append(Rejection(source.file, exc.record, exc.field, exc.message,
                                           source.member))
        except etree.XMLSyntaxError as exc:
            info.error = "XML not well-formed: %s" % exc
            self.rejected.append(Rejection(
                source.file, None, "line %s" % getattr(exc, "lineno", "?"),
                "XML not well-formed (%s); the rest of the document was not read" % exc,
                source.member))
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
            info.error = "unreadable: %s" % exc
            self.rejected.append(Rejection(source.file, None, None, info.error,
                                           source.member))
        finally:
            info.rejected = len(self.rejected) - before

    def _read(self, source: XmlSource, info: DocumentInfo) -> Iterator:
        if self.xsd_dir:
            self._validate(source, info)
        with source.open() as raw:
            header, stream = read_header(raw)
            reader = _describe(header, info)
            ctx = Context(source.file, source.member, header.kind, header.version,
                          header.emitter, header.fields, {"part": header.part})
            for item in reader.read(iter_elements(stream, reader.TAGS), ctx):
                yield item
            info.repaired_bytes = getattr(stream, "repaired", 0)

    def _validate(self, source: XmlSource, info: DocumentInfo) -> None:
        with source.open() as raw:
            header, stream = read_header(raw)
            schema_path = xsd.find_schema(self.xsd_dir, header.root, header.version)
            if schema_path is None:
                info.xsd = "no schema for <%s> in %s" % (header.root, self.xsd_dir)
                self.rejected.append(Rejection(source.file, None, None,
                                               "XSD validation: " + info.xsd, source.member))
                return
            schema = xsd.load_schema(schema_path)
            error = xsd.validate_stream(stream, schema)
        if error is not None and not error.startswith("line "):
            with source.open() as raw:  # a streamed error has no line: find it
                _header, stream = read_header(raw)
                found = xsd.locate_error(stream, schema)
            if found is not None:
                error = "line %d: %s" % found
        info.xsd = "valid" if error is None else error
        if error is not None:
            where = error.split(":")[0] if error.startswith("line ") else None
            self.rejected.append(Rejection(source.file, None, where,
                                           "XSD validation failed (%s): %s" % (
                                               schema_path, error), source.member))


def _safe_expand(path, run):
    try:
        return list(expand_paths([path]))
    except FlowError as exc:
        run.rejected.append(Rejection(exc.file or str(path), None, None, exc.message))
        return []


def _describe(header, info: DocumentInfo):
    """Fill the document summary; return its reader or raise UnsupportedFlowError."""
    from enercoop_core.flows.errors import UnsupportedFlowError

    info.kind, info.version, info.emitter, info.part = (
        header.kind, header.version, header.emitter, header.part)
    info.created = header.fields.get("Date_Creation") or header.fields.get("dateHeureCreation")
    if header.root not in ROOTS:
        raise UnsupportedFlowError(
            "root element <%s> is not a supported Enedis flow (supported: %s)"
            % (header.root, supported()))
    reader = READERS[header.kind]
    if not header.version:
        raise UnsupportedFlowError("%s document without a version in its header; supported: "
                                   "%s" % (header.kind, supported()))
    major = header.version.strip().split(".")[0]
    if major not in reader.SUPPORTED_MAJORS:
        raise UnsupportedFlowError(
            "%s version %s is not supported (supported: %s %s)" % (
                header.kind, header.version, header.kind,
                ", ".join("%s.x" % m for m in reader.SUPPORTED_MAJORS)))
    declared = header.fields.get("Identifiant_Flux") or header.fields.get("flux")
    if declared and declared.strip() != header.kind:
        raise UnsupportedFlowError("root element <%s> says %s but the header says %s"
                                   % (header.root, header.kind, declared))
    return reader


def parse(paths, *, key: Optional[str] = None, iv: Optional[str] = None,
          xsd_dir: Optional[str] = None, limits: Optional[Limits] = None) -> FlowRun:
    """Parse Enedis flows; iterate the result for records.

    ``paths``: a path or paths of XML files, zips, encrypted zips or directories.
    ``key``/``iv``: AES-CBC key and IV in hex for encrypted archives (default: the
    ``ENERCOOP_FLOW_KEY``/``ENERCOOP_FLOW_IV`` environment variables). ``xsd_dir``: a folder
    of Enedis XSDs; when given, each document is also validated against its schema and a
    failure is a rejection (its records are still read with the structural checks).
    """
    return FlowRun(paths, key=key, iv=iv, xsd_dir=xsd_dir, limits=limits)
