"""R6X: Enedis's JSON flows (``header`` + ``mesures``), read as a stream of PRM blocks.

Enedis publishes the R6X flows (guide Enedis.SGE.GUI.0503 v1.5.2; JSON schemas R64 v1.2.1,
R64X v1.1.0, R67 v1.3.0) as one JSON object per file, usually zipped, sometimes AES
encrypted::

    {"header": {"codeFlux": "R64", "idDemande": ..., ...},
     "mesures": [{"idPrm": "14 digits", "periode": {...}, "contexte": [...]}, ...]}

A file may reach 10 GB unzipped, so it is not loaded at once: the ``header`` is read, then
each element of ``mesures`` (one PRM block) is decoded alone and handed to the reader of
the flow (:mod:`.r64`, :mod:`.r67`), the way :func:`.xmlstream.iter_elements` hands XML
records. The kind comes from ``header.codeFlux`` (R64, R64A and R64B are read by the R64
reader), never from the file name. These files carry no schema version: documents and
records have ``version`` None.

Numbers are kept as their text (``parse_int``/``parse_float``) so that the readers bound
them with :mod:`.values`; ``NaN``/``Infinity`` stay text and are refused there. A key
written twice in one object is reported (the block is rejected) instead of the last one
silently winning. A block over :data:`MAX_BLOCK_CHARS`, nesting deeper than Python can
decode, bytes that are not UTF-8 or JSON that is not well-formed stop the document with a
:class:`~enercoop_core.flows.errors.FlowError` naming the character offset; the blocks
read before it are kept.
"""
from __future__ import annotations

import codecs
import hashlib
import json
from typing import BinaryIO, Dict, Iterator, List, Optional, Tuple

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context
from enercoop_core.flows.errors import FieldError, FlowError, UnsupportedFlowError

#: The R64/R67 words: energies (``grandeurPhysique``), ``grandeurMetier`` directions and
#: calendar grids (``libelleGrille``/``codeGrille``) -> owner.
ENERGIES = frozenset(("EA", "ER", "ERC", "ERI"))
DIRECTIONS = {"CONS": "withdrawal", "PROD": "injection"}
GRIDS = {"distributeur": "distributor", "d": "distributor", "fournisseur": "supplier",
         "f": "supplier"}

CHUNK = 1 << 16
#: Characters one PRM block (or the header) may take at most.
MAX_BLOCK_CHARS = 64 << 20
#: ``header.codeFlux`` -> kind of the reader that reads it.
CODES = {"R64": "R64", "R64A": "R64", "R64B": "R64", "R67": "R67"}
#: Other R6X codes, known but not read (curves, daily energies, daily Pmax).
KNOWN = ("R63", "R63A", "R63B", "R65", "R66", "R66B")
DUPLICATES = "\x00duplicate keys"
_WS = " \t\r\n"
_NUMBER = frozenset("0123456789+-.eE")


def _pairs(pairs) -> Dict:
    out = {}
    twice = []
    for key, value in pairs:
        if key in out:
            twice.append(key)
        out[key] = value
    if twice:
        out[DUPLICATES] = twice
    return out


_DECODER = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str,
                            object_pairs_hook=_pairs)


def looks_json(head: bytes) -> bool:
    """True when the first bytes open a JSON object with a key (``{"``), as R6X files do.

    Two bytes, not one: the first byte of an encrypted file (its random IV) is ``{`` once
    in 256 files, and such a file must still be taken for encrypted.
    """
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    head = head.lstrip()
    return head[:1] == b"{" and head[1:].lstrip()[:1] == b'"'


class _Text:
    """Incremental UTF-8 text over a binary stream, with a moving window ``buf``."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.offset = 0  # characters dropped before buf
        self.eof = False

    def more(self, at_least: int = 0) -> None:
        if self.eof:
            return
        if self.pos:  # drop what is consumed
            self.offset += self.pos
            self.buf = self.buf[self.pos:]
            self.pos = 0
        data = self._stream.read(max(at_least, CHUNK))
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise FlowError("JSON flow is not UTF-8 (%s) near character %d"
                            % (exc.reason, self.offset + len(self.buf))) from None
        if not data:
            self.eof = True
        self.buf += text

    def where(self) -> str:
        return "character %d" % (self.offset + self.pos + 1)

    def skip(self) -> str:
        """Skip white space; the next character ('' at the end)."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _WS:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if self.eof:
                return ""
            self.more()

    def expect(self, chars: str) -> str:
        found = self.skip()
        if not found or found not in chars:
            raise FlowError("JSON not well-formed at %s: expected %s, found %r"
                            % (self.where(), " or ".join(repr(c) for c in chars),
                               found or "end of file"))
        self.pos += 1
        return found

    def value(self):
        """Decode the next JSON value, reading on until it is complete."""
        self.skip()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # an error near the end of the window may be a value cut by the window
                cut = (len(self.buf) - exc.pos < 16 or exc.msg.startswith("Unterminated"))
                if self.eof or not cut:
                    raise FlowError("JSON not well-formed at character %d: %s"
                                    % (self.offset + exc.pos + 1, exc.msg)) from None
                self._grow()
                continue
            except RecursionError:
                raise FlowError("JSON nested too deeply at %s" % self.where()) from None
            left = len(self.buf) - end
            if not self.eof and (not left or (
                    left <= 2 and self.buf[self.pos] in _NUMBER and
                    _NUMBER.issuperset(self.buf[end:]))):
                self._grow()  # a number cut by the window ("-0." of "-0.5") goes on
                continue
            self.pos = end
            return value

    def _grow(self) -> None:
        if len(self.buf) - self.pos > MAX_BLOCK_CHARS:
            raise FlowError("a JSON block larger than %d characters at %s; refused"
                            % (MAX_BLOCK_CHARS, self.where()))
        self.more(len(self.buf) - self.pos)


def read_document(stream: BinaryIO) -> Tuple[Dict, Iterator[Tuple[str, object]]]:
    """The ``header`` of an R6X document and an iterator of ``("mesures", block)``.

    Raises FlowError when the document does not start with a header object; the iterator
    raises FlowError when the rest is not well-formed (blocks read before are kept).
    """
    text = _Text(stream)
    text.expect("{")
    header = None
    others = {}
    while True:
        if text.skip() == "}":
            raise FlowError("JSON flow without \"mesures\"")
        key = text.value()
        if not isinstance(key, str):
            raise FlowError("JSON not well-formed at %s: expected a key" % text.where())
        text.expect(":")
        if key == "mesures":
            break
        value = text.value()
        if key == "header":
            header = value
        else:
            others[key] = value
        if text.expect(",}") == "}":
            raise FlowError("JSON flow without \"mesures\"")
    if not isinstance(header, dict):
        raise FlowError("JSON flow without a \"header\" object before its \"mesures\"")
    header = dict(header)
    for key, value in others.items():  # e.g. "echeances" of the recurring publications
        header.setdefault(key, value)
    return header, _blocks(text)


def _blocks(text: _Text) -> Iterator[Tuple[str, object]]:
    text.expect("[")
    if text.skip() == "]":
        text.pos += 1
    else:
        while True:
            yield "mesures", text.value()
            if text.expect(",]") == "]":
                break
    while text.expect(",}") == ",":  # keys after "mesures": read to check the syntax
        text.value()
        text.expect(":")
        text.value()
    if text.skip():
        raise FlowError("JSON not well-formed at %s: text after the end of the document"
                        % text.where())


def header_text(header: Dict, name: str) -> Optional[str]:
    value = header.get(name)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def read_source(source, info, readers) -> Iterator:
    """Records of one JSON document (``source``: an XmlSource); fills ``info``.

    ``readers``: the engine's kind -> reader table. Raises UnsupportedFlowError for an R6X
    code this engine does not read, FlowError for a document it cannot read.
    """
    with source.open() as raw:
        header, blocks = read_document(raw)
        code = header_text(header, "codeFlux")
        kind = CODES.get((code or "").upper())
        info.kind, info.version, info.part = kind or code, None, code
        info.emitter = header_text(header, "siDemandeur")
        info.created = header_text(header, "horodateDebutPublication")
        if kind is None or kind not in readers:
            what = ("an Enedis R6X flow this engine does not read" if code in KNOWN else
                    "not a known R6X code")
            raise UnsupportedFlowError(
                "JSON flow with codeFlux %r is not supported: %s (supported JSON flows: %s)"
                % (code, what, ", ".join(sorted(CODES))), field="header/codeFlux")
        fields = {name: value for name, value in header.items() if isinstance(value, str)}
        ctx = Context(source.file, source.member, kind, None, info.emitter, fields,
                      {"part": code})
        yield from readers[kind].read(blocks, ctx)


def is_json(source) -> bool:
    """True when the document of ``source`` (an XmlSource) is JSON, from its first bytes."""
    with source.open() as raw:
        return looks_json(raw.read(64))


def read_blocks(events, ctx: Context, read_context) -> Iterator:
    """Records of each ``mesures`` block, ``read_context(context, path, prm, period start,
    period end, ctx)`` giving those of each of its ``contexte``; a block without a valid
    ``idPrm``, ``periode`` or ``contexte`` is a Rejection."""
    rank = 0
    for _tag, block in events:
        rank += 1
        path = "mesures[%d]" % rank
        raw = block.get("idPrm") if isinstance(block, dict) else None
        try:
            obj(block, path)
            prm = v.prm(text(raw, path + "/idPrm"), path + "/idPrm")
            period = obj(block.get("periode"), path + "/periode")
            start = v.iso_instant(text(period.get("dateDebut"), path + "/periode/dateDebut"),
                                  path + "/periode/dateDebut")
            end = v.iso_instant(text(period.get("dateFin"), path + "/periode/dateFin"),
                                path + "/periode/dateFin")
            contexts = array(block.get("contexte"), path + "/contexte")
        except FieldError as exc:
            yield ctx.reject(raw[:40] if isinstance(raw, str) else None, exc.path,
                             exc.message + " (the whole PRM block is rejected)")
            continue
        for crank, context in enumerate(contexts, 1):
            yield from read_context(context, "%s/contexte[%d]" % (path, crank), prm, start,
                                    end, ctx)


def group_quantities(quantities: List, path: str, read_quantity, groups: Dict, prm: str,
                     ctx: Context) -> Iterator:
    """Sort the items of each ``grandeur`` of a ``contexte`` into ``groups`` (group key ->
    {"registers": [...], "measures": [...]}, in document order) and yield a rejection for
    each ``grandeur`` that cannot be read (R64, R67). ``read_quantity(quantity, path)``
    gives ``(group key, is an energy, item)`` triples or raises FieldError: a quantity is
    kept whole or rejected whole."""
    for grank, quantity in enumerate(quantities, 1):
        try:
            items = read_quantity(quantity, "%s/grandeur[%d]" % (path, grank))
        except FieldError as exc:
            yield ctx.reject_field(prm, exc)
            continue
        for group, is_energy, item in items:
            slot = groups.setdefault(group, {"registers": [], "measures": []})
            slot["registers" if is_energy else "measures"].append(item)


def quantity_head(quantity, path: str):
    """(direction, grandeurPhysique, unit) of a ``grandeur`` object (R64, R67)."""
    obj(quantity, path)
    business = text(quantity.get("grandeurMetier"), path + "/grandeurMetier")
    direction = DIRECTIONS.get(business)
    if direction is None:
        raise FieldError(path + "/grandeurMetier", "unknown grandeurMetier %r" % business)
    physical = text(quantity.get("grandeurPhysique"), path + "/grandeurPhysique")
    return direction, physical, text(quantity.get("unite"), path + "/unite")


def digest(items) -> str:
    """Short stable digest of what a record holds (owners, classes, quantities, dials)."""
    signature = ";".join(sorted(
        "%s,%s,%s,%s,%s" % (i["owner"], i["time_class"], i.get("measure_class") or
                            i.get("quantity"), i["direction"], i.get("dial"))
        for i in items))
    return hashlib.sha1(signature.encode("utf-8")).hexdigest()[:12]


def calendars_of(items) -> Dict[str, str]:
    """owner -> the first calendar code its items name."""
    found = {}  # type: Dict[str, str]
    for item in items:
        if item["calendar"] is not None:
            found.setdefault(item["owner"], item["calendar"])
    return found


# Access to the decoded blocks (R64, R67): FieldError naming the path, never a crash.

def obj(value, path: str) -> Dict:
    if not isinstance(value, dict):
        raise FieldError(path, "expected an object, got %s" % _kind(value))
    twice = value.get(DUPLICATES)
    if twice:
        raise FieldError(path, "key written twice: %s" % ", ".join(sorted(set(twice))))
    return value


def array(value, path: str) -> List:
    if not isinstance(value, list):
        raise FieldError(path, "expected an array, got %s" % _kind(value))
    if not value:
        raise FieldError(path, "empty array")
    return value


def text(value, path: str) -> str:
    """A required string (numbers arrive as their text, see :mod:`.r6x`)."""
    if not isinstance(value, str):
        raise FieldError(path, "expected a string, got %s" % _kind(value))
    return v.required(value, path)


def opt(value, path: str):
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(path, "expected a string, got %s" % _kind(value))
    return v.optional(value)


def _kind(value) -> str:
    if value is None:
        return "nothing"
    return {dict: "an object", list: "an array", bool: "a boolean"}.get(
        type(value), "%r" % (value,) if isinstance(value, str) and len(value) < 40
        else "a value")
