"""Write an addon's README.rst and static/description/index.html from its OCA fragments.

Usage: .run/venv/bin/python scripts/gen_addon_readme.py [--check] [ADDON_DIR ...]
(default: every addon of odoo_addons/ that has a readme/ folder)

The fragments follow OCA's layout: ``readme/DESCRIPTION.rst`` (required), then
``CONFIGURE.rst``, ``USAGE.rst``, ``ROADMAP.rst``, ``HISTORY.rst`` when present, and
``CONTRIBUTORS.rst`` under Credits; the title, summary, version, licence, authors and
dependencies come from ``__manifest__.py``. OCA's own generator (oca-gen-addon-readme, of
OCA's maintainer tools) is not published on the package registries this project uses,
so this is a small one of ours with the same layout. The HTML is docutils' rendering of
the README, which Odoo shows in the Apps form; a fragment whose reStructuredText holds an
error or a warning is refused.

--check writes nothing and exits 1 when a README.rst differs from what the fragments give
(the test command's docs layer runs it).
"""
from __future__ import annotations

import argparse
import ast
import os
import sys

from docutils.core import publish_string

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# (fragment, section title); DESCRIPTION opens the README without a title
SECTIONS = [
    ("CONFIGURE.rst", "Configuration"),
    ("USAGE.rst", "Usage"),
    ("ROADMAP.rst", "Known issues / Roadmap"),
    ("HISTORY.rst", "Changelog"),
]
DOCUTILS_SETTINGS = {"report_level": 2, "halt_level": 2, "output_encoding": "utf-8",
                     "embed_stylesheet": True, "_disable_config": True}


class FragmentError(Exception):
    """A fragment is missing or its reStructuredText is broken."""


def heading(text, char, over=False):
    line = char * len(text)
    return "%s%s\n%s\n" % (line + "\n" if over else "", text, line)


def read_fragment(addon_dir, name):
    path = os.path.join(addon_dir, "readme", name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read().strip("\n") + "\n"


def manifest_of(addon_dir):
    with open(os.path.join(addon_dir, "__manifest__.py"), encoding="utf-8") as handle:
        return ast.literal_eval(handle.read())


def facts(manifest):
    """The field list under the title: Odoo version, licence, dependencies (not the
    addon's version, which changes with every migration: the manifest has it)."""
    python = manifest.get("external_dependencies", {}).get("python", [])
    rows = [(":Odoo:", "11.0"),
            (":Licence:", manifest.get("license", "")),
            (":Depends on:", ", ".join("``%s``" % d for d in manifest.get("depends", []))),
            (":Python:", ", ".join("``%s``" % p for p in python))]
    return "".join("%s %s\n" % (key, value) for key, value in rows if value)


def readme(addon_dir):
    """The README.rst text of the addon at `addon_dir`."""
    manifest = manifest_of(addon_dir)
    description = read_fragment(addon_dir, "DESCRIPTION.rst")
    if description is None:
        raise FragmentError("%s: readme/DESCRIPTION.rst is missing" % addon_dir)
    parts = [
        ".. Written by scripts/gen_addon_readme.py from readme/*.rst and __manifest__.py:\n"
        "   edit those, then run the script.\n",
        heading(manifest["name"], "=", over=True),
        "*%s*\n" % " ".join(manifest.get("summary", "").split()),
        facts(manifest),
        description,
        "**Table of contents**\n\n.. contents::\n   :local:\n",
    ]
    for name, title in SECTIONS:
        text = read_fragment(addon_dir, name)
        if text:
            parts += [heading(title, "="), text]
    parts += [heading("Credits", "="), heading("Authors", "~"),
              "".join("* %s\n" % a.strip() for a in manifest.get("author", "").split(","))]
    contributors = read_fragment(addon_dir, "CONTRIBUTORS.rst")
    if contributors:
        parts += [heading("Contributors", "~"), contributors]
    return "\n".join(parts)


def html(text, source):
    try:
        return publish_string(text, source_path=source, writer_name="html5",
                              settings_overrides=DOCUTILS_SETTINGS).decode("utf-8")
    except Exception as exc:  # docutils raises SystemMessage (or others) at halt_level
        raise FragmentError("%s: %s" % (source, exc)) from exc


def generate(addon_dir, check):
    """Write (or, with `check`, compare) the two files; returns a list of problems."""
    readme_path = os.path.join(addon_dir, "README.rst")
    text = readme(addon_dir)
    page = html(text, readme_path)
    if check:
        try:
            with open(readme_path, encoding="utf-8") as handle:
                current = handle.read()
        except OSError:
            current = None
        if current != text:
            return ["%s is not what readme/ gives: run scripts/gen_addon_readme.py" % readme_path]
        return []
    with open(readme_path, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.makedirs(os.path.join(addon_dir, "static", "description"), exist_ok=True)
    with open(os.path.join(addon_dir, "static", "description", "index.html"), "w",
              encoding="utf-8") as handle:
        handle.write(page)
    return []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("addons", nargs="*", help="addon folders (default: odoo_addons/*)")
    args = parser.parse_args(argv)
    addons = args.addons or sorted(
        os.path.join(REPO, "odoo_addons", name) for name in os.listdir(
            os.path.join(REPO, "odoo_addons"))
        if os.path.isdir(os.path.join(REPO, "odoo_addons", name, "readme")))
    problems = []
    for addon_dir in addons:
        try:
            problems += generate(addon_dir, args.check)
        except FragmentError as exc:
            problems.append(str(exc))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
