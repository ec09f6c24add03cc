"""Fuzz suite: mutated flow documents never crash the engine and never lose a PRM silently.

Every fixture of ``fixtures/`` (and a generated R50) is mutated with a fixed seed: elements
dropped, duplicated, reordered, renamed, nested in other records, moved to a foreign
namespace; numbers and dates corrupted (4,300-digit integers, ``1E999999999``, calendar
edges); huge texts; stray elements; truncation, garbage bytes, wrong encodings. For each
document the test asserts:

- reading it raises nothing (no exception at all reaches the caller: the engine turns
  the project's own errors into rejections) and no rejection reports "a bug in the flow
  engine" (an exception it did not foresee, caught only so that the next files are read);
- every delivery-point identifier (``Id_PRM``, ``prmId``) of a well-formed input is in a
  record (its ``prm``) or in a rejection (its ``record``), unless the document as a whole
  was rejected (its header, kind or version, or its XML, with the reason).

``ENERCOOP_FUZZ_DOCS`` sets the number of documents (default 20,000: about 40 s on this
machine with CPython 3.11) and ``ENERCOOP_FUZZ_SEED`` the seed (default 2026).
"""
from __future__ import annotations

import copy
import json
import os
import random
import re
from datetime import date

from lxml import etree

from enercoop_core.flows import parse
from enercoop_core.flows.xmlstream import ID_TAGS

from .builders import r50
from .conftest import FIXTURES

DOCS = int(os.environ.get("ENERCOOP_FUZZ_DOCS", "20000"))
SEED = int(os.environ.get("ENERCOOP_FUZZ_SEED", "2026"))
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                       huge_tree=False)

NUMBERS = ["9" * 4400, "-" + "9" * 5000, "1E999999999999999999", "1E-999999999", "1e5",
           "-0", "NaN", "Infinity", "1,5", " 12 ", "0x10", "\u0661\u0662", "+", "", "  ",
           "12.", ".5", "1" * 30, "99999999999999999999999", "-1", "3.14159265358979323846"]
DATES = ["9999-12-31T24:00:00+02:00", "0001-01-01T00:00:00+05:00", "2025-02-30",
         "2025-13-01", "2025-03-30T02:30:00", "2025-10-26T02:30:00", "yesterday",
         "2025-03-01T24:00:00", "2025-03-01T00:00:00+99:99", "2025-03-01T00:00:00.9999999999",
         "1899-12-31", "2200-01-01", "0000-00-00", "2025-03-01T00:00:00Z"]
GARBAGE = [b"\x00", b"\xff\xfe", b"<", b"&", b"]]>", b"\xc3", b"\xe2\x82", b"<!DOCTYPE x>",
           b"<?xml version='1.0'?>", b"</PRM>", b"<PRM>"]


def _seeds():
    seeds = []
    for path in sorted(FIXTURES.iterdir()):
        if path.suffix.lower() in (".xml", ".json"):
            seeds.append((path.name, path.read_bytes()))
    seeds.append(("r50_generated", r50([("30000000000071", [date(2025, 1, 15)]),
                                        ("30000000000072", [date(2025, 10, 26)])])))
    return seeds


def _local(tag):
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def _mutate_tree(data, rng):
    root = etree.fromstring(data, SAFE)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    tags = sorted({_local(e.tag) for e in elements})
    records = [e for e in elements if any(_local(c.tag) in ID_TAGS for c in e)]
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        elem = rng.choice(elements[1:] or elements)
        parent = elem.getparent()
        kind = rng.choice(("drop", "duplicate", "reorder", "rename", "number", "number",
                           "date", "date", "huge", "nest", "namespace", "stray", "copy_record"))
        if kind == "drop" and parent is not None:
            parent.remove(elem)
        elif kind == "duplicate" and parent is not None:
            twin = copy.deepcopy(elem)
            if len(twin) == 0 and rng.random() < 0.5:
                twin.text = (twin.text or "") + "1"  # a repeat that differs
            elem.addnext(twin)
        elif kind == "reorder" and len(elem) > 1:
            kids = list(elem)
            rng.shuffle(kids)
            for kid in kids:
                elem.append(kid)
        elif kind == "rename":
            elem.tag = rng.choice(tags + [_local(elem.tag) + "X", "Inconnu"])
        elif kind == "number":
            leaves = [e for e in elements if len(e) == 0 and (e.text or "").strip()[:1].isdigit()]
            if leaves:
                rng.choice(leaves).text = rng.choice(NUMBERS)
        elif kind == "date":
            leaves = [e for e in elements if len(e) == 0 and
                      re.match(r"\s*\d{4}-\d\d-\d\d", e.text or "")]
            if leaves:
                rng.choice(leaves).text = rng.choice(DATES)
        elif kind == "huge":
            rng.choice(elements).text = rng.choice(("9", "A", "\u00e9")) * rng.choice(
                (5000, 100000, 300000))
        elif kind == "nest" and records:
            host = rng.choice([e for e in root.iter() if isinstance(e.tag, str)])
            host.append(copy.deepcopy(rng.choice(records)))
        elif kind == "namespace":
            elem.tag = "{urn:example:%s}%s" % (rng.choice(("x", "y")), _local(elem.tag))
        elif kind == "stray":
            stray = etree.Element(rng.choice(tags))
            stray.text = rng.choice(NUMBERS + DATES + ["x"])
            elem.append(stray)
        elif kind == "copy_record" and records:
            rng.choice(records).addnext(copy.deepcopy(rng.choice(records)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _mutate_bytes(data, rng):
    kind = rng.choice(("truncate", "flip", "garbage", "utf16", "latin1", "bogus_encoding",
                       "bom", "empty"))
    if kind == "truncate":
        return data[:rng.randrange(len(data))]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(rng.choice((1, 3, 10))):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if kind == "garbage":
        at = rng.randrange(len(data))
        return data[:at] + rng.choice(GARBAGE) + data[at:]
    if kind == "utf16":
        return data.decode("utf-8", "replace").encode("utf-16")
    if kind == "latin1":
        return data.replace(b"UTF-8", b"ISO-8859-1", 1) + "\u00e9".encode("utf-8")
    if kind == "bogus_encoding":
        return data.replace(b"UTF-8", b"X-BOGUS-99", 1)
    if kind == "bom":
        return b"\xef\xbb\xbf  \n" + data
    return b""


def mutate(data, rng):
    """One mutated document from ``data`` (tree mutations, then maybe byte mutations)."""
    if not data.lstrip()[:1] == b"{":
        try:
            data = _mutate_tree(data, rng)
        except etree.XMLSyntaxError:
            pass
    if rng.random() < 0.3:
        data = _mutate_bytes(data, rng)
    return data


def identifiers(data):
    """The PRM identifiers of a well-formed document, or None when it is not one."""
    if data.lstrip(b"\xef\xbb\xbf \n")[:1] == b"{":
        try:
            tree = json.loads(data.decode("utf-8"))
        except ValueError:
            return None
        found = set()
        stack = [tree]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                value = item.get("idPrm")
                if isinstance(value, str) and value.strip():
                    found.add(value.strip())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        return found
    try:
        root = etree.fromstring(data, SAFE)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return {e.text.strip()[:40] for e in root.iter() if isinstance(e.tag, str) and
            _local(e.tag) in ID_TAGS and e.text and e.text.strip()}


def check(path, data):
    """Read ``path`` (holding ``data``); return a list of problems (empty when fine)."""
    try:
        run = parse(str(path))
        records = list(run)
    except Exception as exc:  # noqa: BLE001 - the point of the test
        return ["raised %s: %s" % (exc.__class__.__name__, str(exc)[:200])]
    problems = ["engine bug: %s" % r.reason for r in run.rejected
                if "a bug in the flow engine" in r.reason]
    expected = identifiers(data)
    whole = (not run.documents or any(d.error for d in run.documents) or
             any((r.path or "").startswith(("En_Tete_Flux", "entete", "Entete", "header"))
                 for r in run.rejected))
    if expected and not whole:
        seen = set()
        for record in records:
            prm = record.get("prm") if isinstance(record, dict) else getattr(record, "prm", None)
            if prm:
                seen.add(prm)
        named = " | ".join(r.record or "" for r in run.rejected)
        lost = sorted(i for i in expected if i not in seen and i not in named)
        if lost:
            problems.append("PRM %s neither in a record nor in a rejection" % ", ".join(lost))
    return problems


def run_fuzz(tmp_path, docs=DOCS, seed=SEED):
    rng = random.Random(seed)
    seeds = _seeds()
    failures = []
    path = tmp_path / "fuzzed.xml"
    for number in range(docs):
        name, data = seeds[number % len(seeds)]
        mutant = mutate(data, rng)
        path.write_bytes(mutant)
        for problem in check(path, mutant):
            failures.append((number, name, problem, mutant))
    return failures


def test_mutated_documents_never_crash_and_lose_nothing(tmp_path):
    failures = run_fuzz(tmp_path)
    if failures:
        number, name, problem, mutant = failures[0]
        (tmp_path / "first_failure.xml").write_bytes(mutant)
        raise AssertionError("%d of %d mutated documents failed; first: #%d from %s: %s "
                             "(document kept in %s)" % (
                                 len(failures), DOCS, number, name, problem,
                                 tmp_path / "first_failure.xml"))


if __name__ == "__main__":  # python -m tests.core.flows.test_fuzz [docs]: a summary
    import sys
    import tempfile
    from collections import Counter
    from pathlib import Path

    count = int(sys.argv[1]) if len(sys.argv) > 1 else DOCS
    with tempfile.TemporaryDirectory() as folder:
        found = run_fuzz(Path(folder), count)
        kinds = Counter((name, problem[:90]) for _, name, problem, _ in found)
        for (name, problem), n in kinds.most_common(40):
            print(n, name, problem)
        if found:
            Path("/tmp/fuzz_first.xml").write_bytes(found[0][3])
        print(len(found), "failures of", count)
