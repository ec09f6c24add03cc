"""Safe streaming XML: header peek, kind/version detection, element iteration.

Outside XML is parsed with lxml with entity resolution off, no DTD loading, no network and
no huge-tree mode; a document that carries a DOCTYPE at all (the vehicle of billion-laughs
and XXE attacks; Enedis flows never have one) is refused before any element is read.

A document declared UTF-8 (or undeclared) that contains bytes that are not UTF-8, as
happens with labels written in Windows-1252, is repaired on the fly: each invalid byte is
decoded as Windows-1252; the number of repairs is reported on the document.
"""
from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from typing import BinaryIO, Dict, Iterator, Optional, Sequence, Tuple, Union

from lxml import etree

from enercoop_core.flows.errors import FlowError, UnsafeInputError, UnsupportedFlowError

CHUNK = 1 << 16
#: Bytes read at most to find the root element and the header.
MAX_HEADER_BYTES = 4 << 20

PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False,
                      huge_tree=False, remove_comments=True, remove_pis=True)

#: Root element local name -> (flow kind, document part).
ROOTS = {
    "R15": ("R15", "readings"),
    "R151": ("R151", "readings"),
    "R171": ("R171", "readings"),
    "R50": ("R50", "curves"),
    "C15": ("C15", "contract"),
    "F15_Detail_Facturation": ("F15", "detail"),
    "F15_Donnees_Generales": ("F15", "general"),
    "Detail_Facturation": ("F12", "detail"),
    "Detail_Facturation_Demat": ("F12", "detail_demat"),
    "Donnees_Generales": ("F12", "general"),
    "Detail_Recapitulatif": ("F12", "recap"),
    "Detail_Taxes": ("F12", "taxes"),
    "Index_C2_C3_C4": ("R17", "readings"),
    "Courbe": ("R4x", "curves"),
    "C12": ("C12", "contract"),
}
_HEADERS = ("En_Tete_Flux", "entete", "Entete")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def local(tag) -> str:
    """Local name of an lxml tag (namespace dropped)."""
    if tag[0] == "{":
        return tag[tag.index("}") + 1:]
    return tag


def unqualify(elem) -> int:
    """Drop the namespace of every tag in ``elem``'s subtree, in place; count renamed.

    The readers look children up by their local name with plain string keys; a record
    whose subtree carries namespaced tags (a default ``xmlns``, or prefixed children) is
    normalised once here, so the common unqualified case pays nothing.
    """
    renamed = 0
    for item in elem.iter():
        tag = item.tag
        if isinstance(tag, str) and tag[0] == "{":
            item.tag = tag[tag.index("}") + 1:]
            renamed += 1
    return renamed


@dataclass
class Header:
    """What the first bytes of a document tell: root, kind, version, header fields."""

    root: str
    kind: Optional[str]
    part: Optional[str]
    version: Optional[str]
    emitter: Optional[str]
    fields: Dict[str, str] = field(default_factory=dict)
    encoding: Optional[str] = None
    version_raw: Optional[str] = None  # as written in the header

    @property
    def major(self) -> Optional[str]:
        """The major version (``"2"`` for ``V2.3.2``), None when the header gives none."""
        return self.version.split(".")[0] if self.version else None


_VERSION = re.compile(r"^[Vv]?\s*(\d{1,6})((?:\s*\.\s*\d{1,6}){0,4})$")


def normalise_version(raw: Optional[str]) -> Optional[str]:
    """A ``Version_XSD`` as real files write it -> dotted numbers without leading zeros.

    ``V1`` -> ``1``, ``v2.3.2`` -> ``2.3.2``, ``01.2.0`` -> ``1.2.0``, `` 1.2.0 `` ->
    ``1.2.0``; an empty or missing version gives None; any other text is kept stripped
    (its major is then unknown and the document refused, naming what is supported).
    """
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    match = _VERSION.match(text)
    if not match:
        return text[:20]
    parts = [match.group(1)] + [p for p in re.split(r"\s*\.\s*", match.group(2)) if p]
    return ".".join(str(int(p)) for p in parts)


class _Replay(io.RawIOBase):
    """A read-only stream that gives back a consumed prefix, then the rest."""

    def __init__(self, prefix: bytes, rest: BinaryIO):
        self._prefix = prefix
        self._pos = 0
        self._rest = rest
        self.repair = None  # the Utf8Repair under it, if any

    @property
    def repaired(self) -> int:
        return self.repair.repaired if self.repair is not None else 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._pos < len(self._prefix):
            if size is None or size < 0:
                data = self._prefix[self._pos:] + self._rest.read()
                self._pos = len(self._prefix)
                return data
            data = self._prefix[self._pos:self._pos + size]
            self._pos += len(data)
            return data
        return self._rest.read(size if size is not None else -1)


_REPAIRS = [0]


def _cp1252_fallback(error: UnicodeDecodeError):
    bad = error.object[error.start:error.end]
    _REPAIRS[0] += len(bad)
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("enercoop-cp1252", _cp1252_fallback)


class Utf8Repair(io.RawIOBase):
    """Pass UTF-8 bytes through unchanged; re-encode stray Windows-1252 bytes as UTF-8."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._pending = b""
        self.repaired = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(CHUNK if size is None or size < 0 else max(size, 8))
        if not chunk:
            data, self._pending = self._pending, b""
            return self._fix(data)
        data = self._pending + chunk
        cut = len(data)
        for back in range(1, min(4, len(data)) + 1):
            byte = data[-back]
            if byte & 0xC0 == 0x80:
                continue
            if byte >= 0xC0:
                need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
                if need > back:
                    cut = len(data) - back
            break
        self._pending = data[cut:]
        return self._fix(data[:cut]) if cut else self.read(size)

    def _fix(self, data: bytes) -> bytes:
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            before = _REPAIRS[0]
            fixed = data.decode("utf-8", "enercoop-cp1252").encode("utf-8")
            self.repaired += _REPAIRS[0] - before
            return fixed


def _as_stream(source: Union[bytes, bytearray, str, BinaryIO]) -> Tuple[BinaryIO, bool]:
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(bytes(source)), True
    if isinstance(source, str):
        return open(source, "rb"), True
    return source, False


def _document_stream(stream: BinaryIO) -> Tuple[BinaryIO, str, Optional[Utf8Repair]]:
    """(the document from its first byte, without BOM and with UTF-8 repair when it is
    UTF-8; its declared encoding, lower case; the repair or None). FlowError when it is
    empty or does not open like XML."""
    first = stream.read(CHUNK)
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    if not first.strip():
        raise FlowError("empty document (%s): nothing to read" % (
            "0 bytes" if not first else "only white space"))
    if not first.lstrip()[:1] == b"<":
        raise FlowError("not an XML document (first bytes %r)" % first[:8])
    match = _DECLARED_ENCODING.match(first)
    encoding = match.group(1).decode("ascii").lower() if match else "utf-8"
    source = _Replay(first, stream)  # type: BinaryIO
    repair = None
    if encoding in ("utf-8", "utf8"):
        repair = source = Utf8Repair(source)
    return source, encoding, repair


def _refuse_doctype(prefix: bytes) -> None:
    """UnsafeInputError when the bytes before the root element declare a DTD or entity."""
    start = re.search(rb"<[A-Za-z_]", prefix)
    if _DOCTYPE.search(prefix if start is None else prefix[:start.start()]):
        raise UnsafeInputError(
            "document has a DOCTYPE/ENTITY declaration; refused (no DTD or entity "
            "is allowed in a flow: billion-laughs/XXE protection)")


def read_header(stream: BinaryIO) -> Tuple[Header, BinaryIO]:
    """Read the root element and the flow header from ``stream``.

    Returns the header and a stream that replays the whole document from its first byte
    (UTF-8 repair applied when the document is UTF-8). Raises UnsafeInputError on a DTD,
    FlowError when the prefix is not XML or holds no root element.
    """
    parser = etree.XMLPullParser(events=("start", "end"), **PARSER_OPTIONS)
    chunks = []
    total = 0
    root = None
    fields = {}  # type: Dict[str, str]
    raw_version = None
    in_header = False
    depth = 0
    done = False
    source, encoding, repair = _document_stream(stream)
    while not done:
        chunk = source.read(CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if root is None:
            _refuse_doctype(b"".join(chunks))
        try:
            parser.feed(chunk)
            for event, elem in parser.read_events():
                name = local(elem.tag)
                if event == "start":
                    depth += 1
                    if root is None:
                        root = name
                    elif depth == 2 and name in _HEADERS:
                        in_header = True
                    elif depth == 2 and not in_header and fields:
                        done = True
                        break
                else:
                    depth -= 1
                    if in_header and depth == 2:
                        fields[name] = (elem.text or "").strip()
                        if name in ("Version_XSD", "version"):
                            raw_version = elem.text
                    elif in_header and depth == 1:
                        done = True
                        break
                    elif depth == 1 and not fields:
                        done = True  # first child is not a header
                        break
        except etree.XMLSyntaxError as exc:
            raise FlowError("XML not well-formed near the start: %s" % exc) from exc
        if total > MAX_HEADER_BYTES:
            if root is not None and not done:
                raise FlowError("the start of the document is larger than %d MB without "
                                "a complete header (an element of <%s> is far too long); "
                                "refused" % (MAX_HEADER_BYTES >> 20, root))
            break
    if root is None:
        raise FlowError("no XML root element found")
    replay = _Replay(b"".join(chunks), source)
    replay.repair = repair
    kind, part = ROOTS.get(root, (None, None))
    raw = raw_version
    emitter = fields.get("Identifiant_Emetteur") or fields.get("emetteur") or None
    return Header(root, kind, part, normalise_version(raw), emitter, fields, encoding,
                  raw), replay


def detect(source: Union[bytes, bytearray, str, BinaryIO]) -> Tuple[str, Optional[str]]:
    """Kind and version of a flow document, from the document itself (never its name).

    ``source``: XML bytes, a path or a binary file object. Returns e.g. ``("R15",
    "2.3.2")``. Raises UnsupportedFlowError when the root element is not a known flow.
    """
    stream, owned = _as_stream(source)
    try:
        header, _ = read_header(stream)
    finally:
        if owned:
            stream.close()
    if header.root not in ROOTS:
        raise UnsupportedFlowError("root element <%s> is not a supported Enedis flow "
                                   "(supported roots: %s)" % (header.root, ", ".join(ROOTS)))
    return header.kind, header.version


#: Tags of a delivery-point identifier: watched so that a record element in an unexpected
#: place (renamed, nested, moved) is reported instead of silently skipped.
ID_TAGS = ("Id_PRM", "prmId")


def iter_elements(stream: BinaryIO, tags: Sequence[str], strays: Optional[list] = None,
                  id_tags: Sequence[str] = ID_TAGS, id_parents: Sequence[str] = (),
                  id_each_parent: bool = False,
                  id_owners: Optional[Sequence[str]] = None,
                  skip: int = 0) -> Iterator[Tuple[str, object]]:
    """Yield ``(local_name, element)`` at the end of each element named in ``tags``.

    Tags are matched in any namespace, and a yielded subtree that holds namespaced tags has
    them unqualified (local names) so readers look children up by plain names; the check
    runs only once the document has declared a namespace, and looks for the declared
    namespaces only (an unused ``xmlns:x`` on the root costs one C-level walk per record).
    The caller uses the element, then it is cleared and its finished siblings dropped, so
    memory stays flat whatever the document size. Only the wanted elements and the
    ``id_tags`` reach Python: the parser filters the others (``tag=``).

    Nothing is skipped silently: an element of ``tags`` nested inside another one (a PRM in
    a PRM, a ``Rappel_En_Tete`` in a ``Donnees_Valorisation``) is taken out of its parent,
    not yielded, and reported; so is an identifier (``id_tags``) found outside any wanted
    element (a renamed or misplaced block), elsewhere than directly in it or in one of its
    children named in ``id_parents`` (F15: ``Donnees_PRM``), or a second identifier in
    one (``id_each_parent``: one in the record and one in each of its ``id_parents``, as
    R17 writes ``Corps_PRM/Id_PRM`` and ``Corps_PRM/Donnees_Releve/Id_PRM``), or inside a
    wanted element not in ``id_owners`` (the records that carry an identifier, default all
    ``tags``: not F15's ``Rappel_En_Tete``). Reports are appended to ``strays`` as
    ``(record, path, reason)``; a second identifier's report names both.

    ``skip``: so many wanted elements outside any other one are read but not yielded
    (the raw fast path gave their records: :mod:`.rawpath`).
    """
    wanted = frozenset(tags)
    owners = wanted if id_owners is None else frozenset(id_owners)
    watched = tuple(t for t in id_tags if t not in wanted)
    single = tags[0] if len(tags) == 1 else None
    context = etree.iterparse(stream, events=("start-ns", "end"),
                              tag=["{*}%s" % tag for tag in tuple(tags) + watched],
                              **PARSER_OPTIONS)
    uris = []  # type: list
    last = None  # the element the last identifier was counted in, and that identifier
    first = None
    for event, elem in context:
        if event == "start-ns":
            if elem[1] not in uris:
                uris.append(elem[1])
            continue
        name = local(elem.tag) if uris else elem.tag
        owner = None
        for ancestor in elem.iterancestors():
            if (local(ancestor.tag) if uris else ancestor.tag) in wanted:
                owner = ancestor
                break
        if name not in wanted:  # an identifier
            holder = owner if not id_each_parent else elem.getparent()
            reason = _misplaced_identifier(elem, name, owner, owners, id_parents, tags)
            if reason is not None:
                _report(strays, elem, reason)
            elif holder is last:
                _report(strays, elem, "a second <%s> (%s) inside one <%s> block (%s): the "
                        "block holds another delivery point's data, which is not read"
                        % (name, _shown(elem.text), local(owner.tag), _where(elem)),
                        " ".join(t for t in (first, _text(elem)) if t) or None)
            else:
                last, first = holder, _text(elem)
            continue
        if owner is not None:
            _report(strays, elem, "<%s> nested inside <%s> (%s): not a place the flow "
                    "allows; this block is not read" % (name, local(owner.tag), _where(elem)),
                    _identifier(elem, id_tags))
            elem.getparent().remove(elem)
            continue
        if skip:
            skip -= 1
        else:
            if uris and _namespaced(elem, uris):
                unqualify(elem)
            yield single or name, elem
        last = None
        elem.clear()
        while elem.getprevious() is not None:
            del elem.getparent()[0]


def _misplaced_identifier(elem, name: str, owner, owners, id_parents,
                          tags) -> Optional[str]:
    """Why the identifier ``elem`` is not where the flow puts it (outside any record, in a
    record that carries none, or deeper than the record or one of its ``id_parents``), or
    None when it is in its place."""
    if owner is None:
        return ("<%s> %s outside any %s block (%s): its data is not read"
                % (name, _shown(elem.text), _names(tags), _where(elem)))
    parent = elem.getparent()
    if (local(owner.tag) not in owners or parent is not owner and not (
            parent.getparent() is owner and local(parent.tag) in id_parents)):
        return ("<%s> %s in <%s>, not where the flow puts it in a <%s> block (%s): the "
                "data around it is not read" % (name, _shown(elem.text), local(parent.tag),
                                                local(owner.tag), _where(elem)))
    return None


def _namespaced(elem, uris) -> bool:
    for uri in uris:
        for _item in elem.iter("{%s}*" % uri):
            return True
    return False


def _text(elem) -> Optional[str]:
    return (elem.text or "").strip()[:40] or None


def _report(strays, elem, reason: str, record: Optional[str] = None) -> None:
    if strays is None:
        return
    if record is None:
        record = _text(elem)
    path = "/".join(local(a.tag) for a in list(elem.iterancestors())[::-1][1:])
    strays.append((record, (path + "/" if path else "") + local(elem.tag), reason))


def _identifier(elem, id_tags) -> Optional[str]:
    """The identifiers in a block ("a/b" when it holds several, as an R17 Corps_PRM may)."""
    found = []
    for tag in id_tags:
        for item in elem.iterfind(".//{*}%s" % tag):
            text = (item.text or "").strip()[:40]
            if text and text not in found:
                found.append(text)
    return "/".join(found) or None


def _names(tags) -> str:
    return " or ".join("<%s>" % tag for tag in tags)


def _shown(text: Optional[str]) -> str:
    text = (text or "").strip()
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _where(elem) -> str:
    return "line %s" % elem.sourceline
