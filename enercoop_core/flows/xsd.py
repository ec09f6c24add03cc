"""Optional full XSD validation against a folder of Enedis schemas the user supplies.

The project ships no schema (their redistribution terms are unclear). Given a folder,
each ``*.xsd`` in it (recursively) is indexed by the global elements it declares; a
document is validated against the schema declaring its root element, preferring a schema
whose file name holds the document's version, then the major version, then the highest.
Validation streams (lxml iterparse with the schema) and stops at the first error.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from lxml import etree

from enercoop_core.flows.errors import FlowError
from enercoop_core.flows.xmlstream import PARSER_OPTIONS, local

_VERSION = re.compile(r"(\d+(?:\.\d+)+)")


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
        raise FlowError("unusable XSD: %s" % exc, file=path)


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
        entry = schema.error_log.last_error if len(schema.error_log) else None
        if entry is not None and entry.line:
            return "line %s: %s" % (entry.line, entry.message)
        if entry is not None:  # streamed validation gives no line: name the element only
            return entry.message
        return str(exc)
    return None
