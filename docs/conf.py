"""Sphinx configuration of the API documentation of enercoop_core (scripts/docs.sh)."""
from __future__ import annotations

import os
import sys

# the checkout's enercoop_core, whatever is installed
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

import enercoop_core  # noqa: E402

project = "enercoop_core"
author = "Enercoop ERP contributors"
copyright = "the enercoop_core authors, LGPL-3.0-or-later"  # noqa: A001 (Sphinx's name)
release = version = enercoop_core.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.viewcode"]
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
autodoc_member_order = "bysource"
# the core writes `from __future__ import annotations`: show the hints as written
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
# optional dependencies (extras plot, dask, ldap) need not be installed to build the docs
autodoc_mock_imports = ["matplotlib", "dask", "distributed", "ldap"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list = []
