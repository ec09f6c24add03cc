"""Optional full XSD validation against a folder of Enedis schemas the user supplies.

The project ships no schema (their redistribution terms are unclear). Given a folder,
each ``*.xsd`` in it (recursively) is indexed by the global elements it declares; a
document is validated against the schema declaring its root element, preferring a schema
whose file name holds the document's version, then the major version, then the highest.
Validation streams (lxml iterparse with the schema); an invalid document is then read
once more to list all its errors (:func:`all_errors`, at most :data:`MAX_ERRORS` a
document, with the count of the rest), each with its line.

A streamed validation error carries no line number (libxml2 validates SAX events, not
nodes). To name the line, :func:`locate_error` streams the document once more and
validates each child of the root alone, in a small document made of the root, the
header-like children met before it (the first of each other tag: ``En_Tete_Flux``,
``Rappel_En_Tete``...) and that child; nodes keep their source line when moved, so the
error's line is the line in the file. Memory stays that of one child of the root (one
record; for R171, whose records sit in one list element, the whole list).
"""
from __future__ import annotations

import os
import re
from copy import deepcopy
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from lxml import etree

from enercoop_core.flows.errors import FlowError
from enercoop_core.flows.xmlstream import PARSER_OPTIONS, local

_VERSION = re.compile(r"(\d+(?:\.\d+)+)")
#: XSD errors listed per document at most (the rest are counted).
MAX_ERRORS = 100


@lru_cache(None)
def _index(folder: str) -> Dict[str, List[Tuple[Tuple[int, ...], str, str]]]:
    table = {}  # type: Dict[str, List[Tuple[Tuple[int, ...], str, str]]]
    for root, _dirs, files in os.walk(folder):
        for name in sorted(files):
            if not name.lower().endswith(".xsd"):
                continue
            path = os.path.join(root, name)
            try:
                tree = etree.parse(path, etree.XMLParser(**PARSER_OPTIONS))
            except etree.XMLSyntaxError:
                continue
            found = _VERSION.findall(name)
            version = found[-1] if found else "0"
            numbers = tuple(int(p) for p in version.split("."))
            for elem in tree.getroot():
                if isinstance(elem.tag, str) and local(elem.tag) == "element" and elem.get("name"):
                    table.setdefault(elem.get("name"), []).append((numbers, version, path))
    return table


def find_schema(folder: str, root: str, version: Optional[str]) -> Optional[str]:
    """Path of the schema for a document root element and version, or None."""
    candidates = _index(os.path.abspath(folder)).get(root, [])
    if not candidates:
        return None
    if version:
        exact = [c for c in candidates if c[1] == version]
        if exact:
            return exact[0][2]
        major = [c for c in candidates if str(c[0][0]) == version.split(".")[0]]
        if major:
            return max(major)[2]
    return max(candidates)[2]


@lru_cache(maxsize=16)
def load_schema(path: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.XMLSchema(etree.parse(path, parser))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        raise FlowError("unusable XSD: %s" % exc, file=path) from exc


def validate_stream(stream, schema: etree.XMLSchema) -> Optional[str]:
    """None when the document is valid, else the first error (with its line).

    ``stream``: the document as given by ``xmlstream.read_header`` (encoding repaired).
    """
    try:
        for _event, elem in etree.iterparse(stream, events=("end",), schema=schema,
                                            **PARSER_OPTIONS):
            parent = elem.getparent()
            if parent is not None and parent.getparent() is None:
                elem.clear()
                while elem.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        # the error that stopped the parse is the last one of the exception's log (the log
        # can hold errors of earlier runs; ``schema.error_log`` holds tree validations only)
        errors = [e for e in getattr(exc, "error_log", ()) if e.level >= etree.ErrorLevels.ERROR]
        entry = errors[-1] if errors else None
        if entry is not None and entry.line:
            return "line %s: %s" % (entry.line, entry.message)
        if entry is not None:  # streamed validation gives no line: see locate_error
            return entry.message
        return str(exc)
    return None


def locate_error(stream, schema: etree.XMLSchema) -> Optional[Tuple[int, str]]:
    """``(line, message)`` of the first invalid child of the root, or None.

    ``stream``: the document, as for :func:`validate_stream`. Errors on the root element
    itself (its sequence as a whole) cannot be located this way and give None.
    """
    for entry in _child_errors(stream, schema):
        return entry.line, entry.message
    return None


def all_errors(stream, schema: etree.XMLSchema, cap: int = MAX_ERRORS) -> Tuple[List[str], int]:
    """Every XSD error inside the children of the root: (``"line N: message"`` list of at
    most ``cap``, total count). Streams like :func:`locate_error`; errors about the root's
    own sequence (a missing child) are not found this way (see :func:`validate_stream`)."""
    out = []  # type: List[str]
    total = 0
    for entry in _child_errors(stream, schema):
        total += 1
        if len(out) < cap:
            out.append("line %s: %s" % (entry.line, entry.message))
    return out, total


def _child_errors(stream, schema: etree.XMLSchema):
    """XSD error entries inside each child of the root, in document order: each child is
    validated alone in a small document (the root, the first child of each other tag, the
    child), so memory stays that of one child (see the module doc)."""
    prefix = []  # type: List
    seen = set()
    for _event, elem in etree.iterparse(stream, events=("end",), **PARSER_OPTIONS):
        parent = elem.getparent()
        if parent is None or parent.getparent() is not None:
            continue
        tag = elem.tag
        mini = etree.Element(parent.tag, nsmap=parent.nsmap)
        for kept in prefix:
            if kept.tag != tag:
                mini.append(deepcopy(kept))
        if tag not in seen:
            seen.add(tag)
            prefix.append(deepcopy(elem))
        first_line = elem.sourceline or 0
        mini.append(elem)
        if schema.validate(mini):
            continue
        for entry in schema.error_log:
            # errors in the kept copies of earlier children were reported with them
            if (entry.path or "").count("/") >= 2 and entry.line and entry.line >= first_line:
                yield entry
