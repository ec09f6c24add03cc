"""The raw fast path gives exactly what the tree reader gives, and it does run.

Each document is read twice, fast path on and off (``rawpath.ENABLED``), and the records,
rejections and document summaries must be equal: on every fixture, on generated R15 and
R50 documents (plain, pretty-printed, with an odd block in the middle) and on 1,500
R15 and R50 documents of the fuzz corpus (``ENERCOOP_RAWPATH_DOCS`` sets how many).
"""
from __future__ import annotations

import io
import os
import random
from datetime import date

import pytest

from enercoop_core.flows import parse, r15, r50, rawpath
from enercoop_core.flows.common import Context
from enercoop_core.flows.xmlstream import read_header

from . import builders
from .conftest import FIXTURES
from .test_fuzz import _seeds, mutate

DOCS = int(os.environ.get("ENERCOOP_RAWPATH_DOCS", "1500"))


def _plain(record):
    return record if isinstance(record, dict) else record.to_dict()


def read_both(data, name="doc.xml"):
    """(records, rejections, documents) with the fast path, and without it."""
    out = []
    for enabled in (True, False):
        rawpath.ENABLED = enabled
        try:
            run = parse([(name, data)])
            records = [_plain(record) for record in run]
        finally:
            rawpath.ENABLED = True
        out.append((records, [tuple(vars(r).items()) for r in run.rejected],
                    [tuple(vars(d).items()) for d in run.documents]))
    return out


def fast_blocks(data, reader):
    """(complete, blocks) of one fast read of ``data`` by ``reader`` (r15 or r50)."""
    header, stream = read_header(io.BytesIO(data))
    ctx = Context("doc.xml", None, header.kind, header.version, header.emitter,
                  header.fields)
    reading = rawpath.Reading(stream, header.root, reader, ctx)
    list(reading)
    return reading.complete, reading.blocks


def _r15(count, pretty=False):
    readings = [("3000000000%04d" % i, "R-%d" % i, "2025-03-01T00:00:00+01:00",
                 [("HP", "0", 100 + i), ("HC", "0", 200 + i)]) for i in range(count)]
    data = builders.r15(readings)
    if pretty:
        data = data.replace(b"><", b">\n  <")
    return data


def _r50(count):
    return builders.r50([("3000000000%04d" % i, [date(2025, 1, 15), date(2025, 3, 30)])
                         for i in range(count)])


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.iterdir()
                                        if p.suffix == ".xml"), ids=lambda p: p.name)
def test_every_fixture_reads_the_same_both_ways(path):
    fast, exact = read_both(path.read_bytes(), path.name)
    assert fast == exact


@pytest.mark.parametrize("data, reader, blocks", [
    (_r15(30), r15, 30), (_r15(30, pretty=True), r15, 30), (_r50(3), r50, 3)],
    ids=["r15", "r15_pretty", "r50"])
def test_plain_documents_are_read_fast_to_the_end(data, reader, blocks):
    assert fast_blocks(data, reader) == (True, blocks)
    fast, exact = read_both(data)
    assert fast == exact and len(fast[0]) == blocks and not fast[1]


@pytest.mark.parametrize("odd", [
    b"<PRM><Id_PRM>30000000009999</Id_PRM><Foo><Id_PRM>30000000009998</Id_PRM></Foo></PRM>",
    b"<PRM><Id_PRM>30000000009999</Id_PRM><PRM><Id_PRM>30000000009998</Id_PRM></PRM></PRM>",
    b"<Stray><Id_PRM>30000000009999</Id_PRM></Stray>",
    b"<!-- a comment --><PRM a='1'><Id_PRM>30000000009999</Id_PRM></PRM>",
    b"<PRM><Id_PRM>30000000009999</Id_PRM><Donnees_Releve><Id_Releve>a&amp;b</Id_Releve>"
    b"</Donnees_Releve></PRM>",
    b"<PRM><Id_PRM>30000000009999</Id_PRM><Donnees_Releve><Id_Releve>a>b>c</Id_Releve>"
    b"</Donnees_Releve></PRM>",
    b"<PRM><Id_PRM>30000000009999</Id_PRM><Donnees_Releve><Id_Releve>R</Id_Releve>"
    b"<Date_Releve>2025-03-01</Date_Releve><Classe_Temporelle><Id_Classe_Temporelle>HP"
    b"</Id_Classe_Temporelle><Classe_Mesure>1</Classe_Mesure><Unite_Mesure>kWh"
    b"</Unite_Mesure><Sens_Mesure>0</Sens_Mesure><Valeur>12.5</Valeur></Classe_Temporelle>"
    b"</Donnees_Releve></PRM>",
    b"<PRM><Id_PRM>30000000009999</Id_PRM><Donnees_Releve><Id_Releve>\x01</Id_Releve>",
], ids=["misplaced_id", "nested_prm", "stray", "comment_attribute", "entity", "gt_in_text",
        "decimal_value", "not_well_formed"])
def test_an_odd_block_hands_over_to_the_tree_reader(odd):
    data = _r15(400)  # the odd block far enough for the header to be read
    cut = [i for i in range(len(data)) if data.startswith(b"<PRM>", i)][300]
    mutant = data[:cut] + odd + data[cut:]
    complete, blocks = fast_blocks(mutant, r15)
    # an XML error stops the fast path as soon as the checker meets it, up to one chunk
    # ahead of the blocks read: the blocks before it in that chunk go to the tree reader
    assert not complete and (blocks == 300 or b"\x01" in odd and 0 < blocks < 300)
    fast, exact = read_both(mutant)
    assert fast == exact


def test_the_fuzz_corpus_reads_the_same_both_ways():
    rng = random.Random(7)
    seeds = [seed for seed in _seeds() if seed[0].startswith(("r15", "r50"))]
    seeds.append(("r15_generated", _r15(4)))
    seeds.append(("r50_generated", _r50(2)))
    differing = []
    for number in range(DOCS):
        name, data = seeds[number % len(seeds)]
        mutant = mutate(data, rng)
        fast, exact = read_both(mutant)
        if fast != exact:
            differing.append((number, name, mutant))
    assert not differing, "%d documents differ; first #%d from %s: %r" % (
        len(differing), differing[0][0], differing[0][1], differing[0][2][:3000])
