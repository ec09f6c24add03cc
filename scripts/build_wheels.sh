#!/usr/bin/env bash
# Build the wheels an Odoo user installs, into DIST (default: dist/):
#   enercoop_core-<version>-py3-none-any.whl             the library (setup.cfg)
#   odoo11_addon_enercoop_energy-<version>-py2.py3-...    one per addon of setup/, built as OCA
#   odoo11_addon_enercoop_coop_shares-<version>-...       builds its own (setuptools-odoo)
# Usage: bash scripts/build_wheels.sh [DIST]
# Needs .run/venv (scripts/setup_host.sh installs setuptools-odoo there, requirements/build.txt).
# The addon versions are the manifests' versions as written (no git post-version), so that a
# build of a tree being edited gives the same names; the build directories are temporary,
# so the tree is left as it was.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
REPO=$ENERCOOP_REPO
DIST=${1:-$REPO/dist}
PY=$VENV/bin/python
[ -x "$PY" ] || die "$PY missing: run scripts/setup_host.sh first"
mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export SETUPTOOLS_ODOO_POST_VERSION_STRATEGY_OVERRIDE=none PYTHONWARNINGS=ignore

# build_one SOURCE_DIR NAME: setup.py's build and egg-info go to $TMP, the wheel to $DIST
build_one() {
  local src=$1 name=$2
  mkdir -p "$TMP/$name"
  # the core has no setup.py (setup.cfg + pyproject.toml): the same call through a shim
  local setup=(setup.py)
  [ -f "$src/setup.py" ] || setup=(-c 'import setuptools; setuptools.setup()')
  (cd "$src" && "$PY" "${setup[@]}" -q egg_info --egg-base "$TMP/$name" \
      build --build-base "$TMP/$name/build" \
      bdist_wheel --bdist-dir "$TMP/$name/bdist" --dist-dir "$DIST") >"$TMP/$name.log" 2>&1 \
    || { cat "$TMP/$name.log" >&2; die "building $name failed"; }
}

rm -f "$DIST"/enercoop_core-*.whl "$DIST"/odoo11_addon_*.whl
build_one "$REPO" enercoop_core
for dir in "$REPO"/setup/*/; do
  [ -f "$dir/setup.py" ] || continue
  build_one "$dir" "$(basename "$dir")"
done
ls "$DIST"/*.whl
