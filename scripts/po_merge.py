"""Merge an addon's existing translations into a freshly exported template.

Usage: python3 po_merge.py TEMPLATE.pot OLD.po OUT.po

Every entry of TEMPLATE (texts and references as Odoo exports them) gets the translation
OLD.po held for the same text, or an empty one (a new text, to be translated by hand).
Texts gone from the template are dropped. OLD.po's header is kept when it exists.
Odoo 11's own `--language` export is not used for this: for a text that other modules
translate too, it may write their translation instead of the addon's.
"""
from __future__ import annotations

import ast
import os
import sys


def parse(path):
    """List of entries: dict(lines=[comment lines], msgid=str, msgstr=str)."""
    entries = []
    with open(path, encoding="utf-8") as handle:
        blocks = handle.read().strip("\n").split("\n\n")
    for block in blocks:
        entry = {"lines": [], "msgid": "", "msgstr": ""}
        key = None
        for line in block.splitlines():
            if line.startswith("msgid "):
                key, value = "msgid", line[6:]
            elif line.startswith("msgstr "):
                key, value = "msgstr", line[7:]
            elif line.startswith('"') and key:
                value = line
            else:
                entry["lines"].append(line)
                key = None
                continue
            entry[key] += ast.literal_eval(value)
        entries.append(entry)
    return entries


def quote(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    parts = escaped.split("\n")
    if len(parts) == 1:
        return '"%s"' % parts[0]
    chunks = ['"%s\\n"' % part for part in parts[:-1]]
    if parts[-1]:
        chunks.append('"%s"' % parts[-1])
    return '""\n' + "\n".join(chunks)


def render(entry):
    lines = list(entry["lines"])
    lines.append("msgid " + quote(entry["msgid"]))
    lines.append("msgstr " + quote(entry["msgstr"]))
    return "\n".join(lines)


def main(argv):
    template_path, old_path, out_path = argv
    template = parse(template_path)
    old = parse(old_path) if os.path.exists(old_path) else []
    known = {e["msgid"]: e["msgstr"] for e in old if e["msgid"]}
    header = next((e for e in old if not e["msgid"]), None) or template[0]
    body = []
    for entry in template:
        if not entry["msgid"]:
            continue
        entry["msgstr"] = known.get(entry["msgid"], "")
        body.append(entry)
    with open(out_path, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join(render(e) for e in [header] + body) + "\n")
    missing = [e["msgid"] for e in body if not e["msgstr"]]
    print("%s: %d texts, %d to translate%s" % (
        out_path, len(body), len(missing), "".join("\n  " + m for m in missing)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
