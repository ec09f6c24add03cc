"""The raw fast path: records of plain, regular PRM blocks read from the bytes themselves.

The tree readers (:func:`.xmlstream.iter_elements` and a flow's ``read``) are exact on
any input but pay for an lxml element object, tag and text per element. Most documents
Enedis delivers are plain: UTF-8, a header, then ``<PRM>`` blocks of one shape, no
namespace prefix, attribute, comment, entity or CDATA. For those, this module cuts the
bytes into PRM blocks (``</PRM>``), splits each block at ``<`` and ``>`` (C-level str calls)
(tags at odd places, texts at even ones) and checks its tag list against the shape
(:class:`Layout`) learnt from an earlier block; the flow's ``read_layout`` builds the
records from the texts. Meanwhile the whole document goes through an lxml parser with
the same safe options that builds no tree (a target with no callbacks): it checks that
the document is well-formed, one chunk ahead of the blocks read.

Nothing changes in what is read: at the first thing the fast path does not take as
plain (a block of another shape, an ``&``, a text the flow's converters question, an
XML error, anything between or after the blocks), :func:`read` stops and says how many
PRM blocks it gave; the engine then reads the document again with the tree reader,
skipping those blocks (``iter_elements(skip=...)``), so that block and everything after
it gets the exact reader's records, rejections and messages. The tests compare both
paths on every fixture and on the fuzz corpus.
"""
from __future__ import annotations

import re
from typing import Iterator, List, Optional

from lxml import etree

from enercoop_core.flows.xmlstream import CHUNK, ID_TAGS, PARSER_OPTIONS

#: Off: every document goes to the tree reader (the tests compare both paths).
ENABLED = True
#: Shapes learnt per document at most (a document of more shapes is read anyway).
MAX_LAYOUTS = 64
#: Bytes before the first ``<PRM>`` at most (the header), and of one PRM block at most:
#: beyond, the tree reader reads the rest (memory stays that of a few chunks).
MAX_PREFIX = 1 << 20
MAX_BLOCK = 32 << 20
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_PREFIXED = re.compile(rb"<[^>!?\s]*:")
_RECORD_TAGS = frozenset(("PRM",))
_ID_TAGS = frozenset(ID_TAGS)
_WATCHED = re.compile(rb"</?(?:%s)[\s/>]" % b"|".join(
    t.encode("ascii") for t in sorted(_RECORD_TAGS | _ID_TAGS)))


class Fallback(Exception):
    """Raised by a ``read_layout`` function: this block is for the tree reader."""


class _Noop:
    """An lxml parser target with no callbacks: libxml2 checks, builds nothing."""

    def close(self):
        return None


class Node:
    """An element of a block's shape: name, children, and for a leaf (no child element)
    the index of its text in the block's text list (``None`` for a block)."""

    __slots__ = ("name", "children", "text")

    def __init__(self, name: str):
        self.name = name
        self.children = []  # type: List[Node]
        self.text = None  # type: Optional[int]


class Layout:
    """The shape of a PRM block, learnt from its tag list (ValueError when the block is
    not one plain PRM element holding one identifier in its place).

    ``root``: the PRM :class:`Node`; ``plan``: what the flow's reader derives from the
    shape, computed once (``None`` until then; :class:`Fallback` when it cannot).
    """

    def __init__(self, tags: List[str]):
        self.tags = tags
        self.plan = None  # type: object
        if not tags or tags[0] != "PRM":
            raise ValueError("not a PRM block")
        self.root = Node("PRM")
        stack = [self.root]
        for index, tag in enumerate(tags[1:], 1):
            if tag[:1] == "/":
                if len(stack) < 2 or stack[-1].name != tag[1:]:
                    raise ValueError("unbalanced")
                node = stack.pop()
                if not node.children:
                    node.text = index  # the text before this closing tag
                continue
            if not _NAME.match(tag) or tag in _RECORD_TAGS:
                raise ValueError("not a plain element name, or a nested PRM")
            if tag in _ID_TAGS and len(stack) != 1:
                raise ValueError("an identifier out of its place")
            node = Node(tag)
            stack[-1].children.append(node)
            stack.append(node)
        if len(stack) != 1:  # the block is cut before its own </PRM>
            raise ValueError("unbalanced")
        if sum(1 for node in self.root.children if node.name in _ID_TAGS) != 1:
            raise ValueError("not one identifier")


class Reading:
    """One fast read of a document: iterate it for records; then ``complete`` says
    whether it read the whole document, ``blocks`` how many PRM blocks it gave."""

    def __init__(self, stream, root: str, reader, ctx):
        self.stream = stream
        self.root = root.encode("utf-8")
        self.plan = reader.plan_layout  # Layout -> plan (Fallback when not handled)
        self.read_layout = reader.read_layout  # (texts, plan, ctx) -> records
        self.ctx = ctx
        self.blocks = 0
        self.complete = False
        self.layouts = {}  # split size -> the layouts learnt of that size

    def __iter__(self) -> Iterator:
        checker = etree.XMLParser(target=_Noop(), **PARSER_OPTIONS)
        buffer = b""
        started = False
        safe = b""  # data fed to the checker one chunk before the last chunk
        while True:
            chunk = self.stream.read(CHUNK)
            try:
                if chunk:
                    checker.feed(chunk)
                else:
                    checker.close()
            except etree.XMLSyntaxError:
                return
            buffer += safe
            safe = chunk
            if not started:
                first = buffer.find(b"<PRM>")
                if first < 0:
                    if len(buffer) > MAX_PREFIX or not chunk:
                        return
                    continue
                prefix = buffer[:first]
                if b"<!" in prefix or _PREFIXED.search(prefix) or _WATCHED.search(prefix):
                    return  # a record or identifier element in the header, a prefixed
                    # name, a comment or CDATA: the tree reader reads it all
                buffer = buffer[first:]
                started = True
            pieces = buffer.split(b"</PRM>")
            buffer = pieces.pop()
            if len(buffer) > MAX_BLOCK:
                return
            for piece in pieces:
                records = self._block(piece)
                if records is None:
                    return
                self.blocks += 1
                yield from records
            if not chunk and not safe:
                break
        if buffer.strip() != b"</" + self.root + b">":
            return
        self.complete = True

    def _block(self, piece: bytes) -> Optional[list]:
        if b"&" in piece or b"\r" in piece:
            return None
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError:  # not repaired (a document declared UTF-8 only)
            return None
        items = text.replace(">", "<").split("<")
        tags = items[1::2]
        # one "<" a tag: no ">" in a text shifted the split (it would forge tags)
        if text.count("<") != len(tags):
            return None
        layout = self._layout(len(items), tags)
        if layout is None:
            return None
        try:
            if layout.plan is None:
                layout.plan = self.plan(layout)
            return self.read_layout(items[0::2], layout.plan, self.ctx)
        except (Fallback, ValueError, TypeError, LookupError, OverflowError):
            return None  # anything unforeseen here too: the tree reader has the last word

    def _layout(self, size: int, tags: List[str]) -> Optional[Layout]:
        known = self.layouts.get(size)
        if known is not None:
            for layout in known:
                if layout.tags == tags:
                    return layout
        if sum(len(v) for v in self.layouts.values()) >= MAX_LAYOUTS:
            return None
        try:
            layout = Layout(tags)
        except ValueError:
            return None
        self.layouts.setdefault(size, []).append(layout)
        return layout
