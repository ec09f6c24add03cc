"""The parse run: sources -> detection -> the reader of each flow -> records.

:func:`parse` returns a :class:`FlowRun`; iterating it streams the records of every
document in order. Bad records become :class:`Rejection` entries in ``run.rejected``
(the run goes on); a document that cannot be read at all (unsupported kind or major
version, unsafe input, not well-formed) is rejected as a whole, with the records it gave
before the error kept. ``run.documents`` summarises each document.
"""
from __future__ import annotations

import zipfile
from typing import Iterator, Optional

from lxml import etree

from enercoop_core.flows import (c12, c15, f12, f15, r4x, r6x, r15, r17, r50, r64, r67, r151,
                                  r171, rawpath, xsd)
from enercoop_core.flows.common import Context
from enercoop_core.flows.errors import FlowError
from enercoop_core.flows.records import DocumentInfo, Rejection, family_of
from enercoop_core.flows.sources import (Content, KeyRing, Limits, XmlSource, as_inputs,
                                         expand_paths, sources_of)
from enercoop_core.flows.xmlstream import ID_TAGS, ROOTS, iter_elements, read_header

#: Flow kind -> reader module (``KIND``, ``SUPPORTED_MAJORS``, ``TAGS``, ``read``).
READERS = {module.KIND: module for module in (r15, r151, r171, r50, c15, f15, f12, r17, r4x,
                                               c12, r64, r67)}


def supported() -> str:
    """Human list of the supported flows and major versions."""
    return ", ".join(
        "%s (no version in the file)" % kind if getattr(module, "VERSIONLESS", False) else
        "%s %s" % (kind, "/".join("%s.x" % m for m in module.SUPPORTED_MAJORS))
        for kind, module in READERS.items())


class FlowRun:
    """Iterable over the records of a parse; then ``rejected`` and ``documents``.

    Iterate once. ``rejected``: list of :class:`Rejection`; ``documents``: list of
    :class:`DocumentInfo`; ``counts``: records per family.
    """

    def __init__(self, paths, key=None, iv=None, xsd_dir=None, limits=None, keyring=None,
                 name=None):
        self.paths = as_inputs(paths, name)  # paths and Content items
        # the key ring is read now: a broken key-ring file is the caller's error, at once
        self.keyring = KeyRing.collect(keyring, key, iv)
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
            file = path.name if isinstance(path, Content) else path
            try:
                for source in sources_of(path, limits=self.limits, keyring=self.keyring):
                    yield from self._document(source)
            except FlowError as exc:
                self.rejected.append(Rejection(file, exc.record, exc.field, exc.message))
            except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, OSError,
                    EOFError, ValueError) as exc:
                self.rejected.append(Rejection(file, None, None, "unreadable: %s" % exc))
            except Exception as exc:  # noqa: BLE001 - a bad file never stops the next ones
                self.rejected.append(Rejection(file, None, None, _internal(exc)))

    def _document(self, source: XmlSource) -> Iterator:
        info = DocumentInfo(source.file, source.member)
        info.key_label = source.key_label
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
        except Exception as exc:  # noqa: BLE001 - a bad document never stops the run
            info.error = _internal(exc)
            self.rejected.append(Rejection(source.file, None, None, info.error,
                                           source.member))
        finally:
            info.rejected = len(self.rejected) - before

    def _read(self, source: XmlSource, info: DocumentInfo) -> Iterator:
        if r6x.is_json(source):  # R64, R67: JSON flows, no XSD; see r6x
            if self.xsd_dir:
                info.xsd = "not validated: a JSON flow has no XSD"
            for item in r6x.read_source(source, info, READERS):
                yield item
            return
        if self.xsd_dir:
            self._validate(source, info)
        skip = 0
        with source.open() as raw:
            header, stream = read_header(raw)
            reader = _describe(header, info)
            ctx = Context(source.file, source.member, header.kind, header.version,
                          header.emitter, header.fields, {"part": header.part})
            if (rawpath.ENABLED and hasattr(reader, "read_layout") and
                    header.encoding in ("utf-8", "utf8")):
                fast = rawpath.Reading(stream, header.root, reader, ctx)
                for item in fast:
                    yield item
                if fast.complete:
                    info.repaired_bytes = getattr(stream, "repaired", 0)
                    return
                skip = fast.blocks
        with source.open() as raw:  # the tree reader, from the first block not read fast
            header, stream = read_header(raw)
            strays = []  # type: List[tuple]
            events = iter_elements(stream, reader.TAGS, strays,
                                   getattr(reader, "ID_TAGS", ID_TAGS),
                                   getattr(reader, "ID_PARENTS", ()),
                                   getattr(reader, "ID_EACH_PARENT", False),
                                   getattr(reader, "ID_OWNERS", None), skip)
            for item in reader.read(events, ctx):
                yield item
                while strays:
                    yield ctx.reject(*strays.pop(0))
            while strays:
                yield ctx.reject(*strays.pop(0))
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
        if error is None:
            info.xsd = "valid"
            return
        with source.open() as raw:  # list every error, each with its line
            _header, stream = read_header(raw)
            errors, total = xsd.all_errors(stream, schema, xsd.MAX_ERRORS)
        if error.startswith("line ") and error not in errors:
            errors, total = [error] + errors[:xsd.MAX_ERRORS - 1], total + 1
        elif not errors:  # about the root element's own content: no line to give
            errors, total = [error], 1
        info.xsd, info.xsd_errors = errors[0], list(errors)
        for text in errors:
            where = text.split(":")[0] if text.startswith("line ") else None
            self.rejected.append(Rejection(source.file, None, where,
                                           "XSD validation failed (%s): %s" % (
                                               schema_path, text), source.member))
        if total > len(errors):
            rest = "%d more XSD error(s) not listed (at most %d a document)" % (
                total - len(errors), xsd.MAX_ERRORS)
            info.xsd_errors.append(rest)
            self.rejected.append(Rejection(source.file, None, None,
                                           "XSD validation failed (%s): %s" % (
                                               schema_path, rest), source.member))


def _internal(exc: Exception) -> str:
    """The message of an error the engine did not foresee (a bug to report, not the file's
    fault alone): the run goes on with the next document."""
    return ("unforeseen error, a bug in the flow engine (%s: %s); the rest of this "
            "document was not read, please report it" % (exc.__class__.__name__,
                                                         str(exc)[:200]))


def _safe_expand(path, run):
    if isinstance(path, Content):
        return [path]
    try:
        return list(expand_paths([path]))
    except FlowError as exc:
        run.rejected.append(Rejection(exc.file or str(path), None, None, exc.message))
        return []


def _root_hint(root: str) -> str:
    """A hint when ``root`` names a known flow in another spelling (``Flux_R15``, ``r15``):
    a hand-made or converted file, refused because its structure cannot be trusted either."""
    bare = root.split("}")[-1].upper().replace("FLUX", "").strip("_- ")
    roots = sorted(name.split("}")[-1] for name, (kind, _) in ROOTS.items()
                   if kind.upper() == bare)
    if not roots:
        return ""
    return "; the flow %s has the root element %s" % (
        bare, " or ".join("<%s>" % r for r in roots))


def _describe(header, info: DocumentInfo):
    """Fill the document summary; return its reader or raise UnsupportedFlowError."""
    from enercoop_core.flows.errors import UnsupportedFlowError

    info.kind, info.version, info.emitter, info.part = (
        header.kind, header.version, header.emitter, header.part)
    info.version_raw = header.version_raw
    info.created = header.fields.get("Date_Creation") or header.fields.get("dateHeureCreation")
    if header.root not in ROOTS:
        raise UnsupportedFlowError(
            "root element <%s> is not a supported Enedis flow%s (supported: %s)"
            % (header.root, _root_hint(header.root), supported()))
    reader = READERS[header.kind]
    if getattr(reader, "VERSIONLESS", False):  # R4x: its header has no version field
        return reader
    major = header.major
    if major is None:  # empty or missing: the newest reader of this root reads it
        newest = max(reader.SUPPORTED_MAJORS, key=lambda m: int(m) if m.isdigit() else -1)
        info.warnings.append("no version in the header (%s): read as %s %s.x, the newest "
                             "supported" % ("empty Version_XSD" if header.version_raw is not
                                            None else "no Version_XSD element",
                                            header.kind, newest))
    elif major not in reader.SUPPORTED_MAJORS:
        raise UnsupportedFlowError(
            "%s version %s is not supported (supported: %s %s)" % (
                header.kind, header.version, header.kind,
                ", ".join("%s.x" % m for m in reader.SUPPORTED_MAJORS)))
    declared = header.fields.get("Identifiant_Flux") or header.fields.get("flux")
    if declared and declared.strip() != header.kind:
        raise UnsupportedFlowError("root element <%s> says %s but the header says %s"
                                   % (header.root, header.kind, declared))
    return reader


def parse(paths, *, name: Optional[str] = None, key: Optional[str] = None,
          iv: Optional[str] = None, xsd_dir: Optional[str] = None,
          limits: Optional[Limits] = None, keyring=None) -> FlowRun:
    """Parse Enedis flows; iterate the result for records.

    ``paths``: what to read, plain (XML, JSON), zipped or encrypted: a path (``str`` or
    ``os.PathLike``: a file or a directory), the content of a file as ``bytes`` or a
    binary file object, a ``(name, content)`` pair, or a list of any of these.
    ``name``: the file name of a single bytes or file-object input, given in
    ``source["file"]`` and in rejections (e.g. ``parse(data, name="R15_x.zip")``; default
    the file object's ``name``, else ``"<bytes>"``); nothing is written to disk except
    the spooled copy of a large decrypted or nested archive, or of a file object that
    cannot be read in place (not seekable, or not at its start).
    ``keyring``: a :class:`~.keyring.KeyRing` or a key-ring file for encrypted archives
    (default: the file named by ``$ENERCOOP_FLOW_KEYRING``); ``key``/``iv``: one more key
    in hex, ``iv`` only for the older fixed-IV scheme (default: ``$ENERCOOP_FLOW_KEY``/
    ``$ENERCOOP_FLOW_IV``). A broken key ring raises DecryptionError at once. ``xsd_dir``: a folder
    of Enedis XSDs; when given, each document is also validated against its schema and a
    failure is a rejection (its records are still read with the structural checks).
    """
    return FlowRun(paths, key=key, iv=iv, xsd_dir=xsd_dir, limits=limits, keyring=keyring,
                   name=name)
