"""Merge an addon's existing translations into a freshly exported template.

Usage: python po_merge.py TEMPLATE.pot OLD.po OUT.po     (with polib: .run/venv/bin/python)

Every entry of TEMPLATE (texts and references as Odoo exports them) gets the translation
OLD.po held for the same text, or an empty one (a new text, to be translated by hand).
Texts gone from the template are dropped. OLD.po's header is kept when it exists.
Odoo 11's own `--language` export is not used for this: for a text that other modules
translate too, it may write their translation instead of the addon's.
The files are read and written by polib (requirements/tools.txt), laid out as Odoo writes
them (no line wrapping, one reference a line).
"""
from __future__ import annotations

import os
import sys

import polib


def key(entry):
    """What identifies a text: its context (none in Odoo 11's exports) and its msgid."""
    return entry.msgctxt, entry.msgid


def merge(template, old):
    """The entries of `template` (a polib file, changed in place) with the translations of
    `old` (a polib file or None); returns the list of msgids left untranslated."""
    known = {key(e): e.msgstr for e in old or () if not e.obsolete and e.msgid}
    if old is not None:
        template.header = old.header
        template.metadata = old.metadata
    missing = []
    for entry in template:
        entry.msgstr = known.get(key(entry), "")
        if not entry.msgstr:
            missing.append(entry.msgid)
    return missing


def odoo_layout(text):
    """polib's rendering with one reference a line, as Odoo exports them (references never
    hold a space), so that a merge changes only what changed."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#: "):
            lines.extend("#: " + ref for ref in line[3:].split())
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv):
    template_path, old_path, out_path = argv
    template = polib.pofile(template_path, wrapwidth=0)
    old = polib.pofile(old_path, wrapwidth=0) if os.path.exists(old_path) else None
    missing = merge(template, old)
    with open(out_path, "w", encoding="utf-8") as handle:
        handle.write(odoo_layout(str(template)))
    print("%s: %d texts, %d to translate%s" % (
        out_path, len(template), len(missing), "".join("\n  " + m for m in missing)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
