#!/usr/bin/env bash
# Build the API documentation of enercoop_core from its docstrings (Sphinx autodoc), for the
# people who import the library from other tools:
#   bash scripts/docs.sh [OUT]        HTML in OUT (default: ${ENERCOOP_ARTIFACTS:-artifacts}/docs)
# docs/ holds conf.py and index.rst; one page per module is generated at each build
# (sphinx-apidoc), the command-line modules (*/cli.py, __main__) left out, so that a new
# module is documented without editing docs/. Warnings are errors (-W): a docstring whose
# reStructuredText is broken fails the build, and the test command runs this (layer docs).
# Needs .run/venv with the `docs` extra (scripts/setup_host.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
REPO=$ENERCOOP_REPO
OUT=${1:-$ARTIFACTS/docs}
[ -x "$VENV/bin/sphinx-build" ] || die "Sphinx missing from $VENV: run scripts/setup_host.sh"
SRC=$(mktemp -d)
trap 'rm -rf "$SRC"' EXIT
cp "$REPO/docs/conf.py" "$REPO/docs/index.rst" "$SRC/"
excluded=()
while IFS= read -r path; do excluded+=("$path"); done < <(
  find "$REPO/enercoop_core" \( -name cli.py -o -name schedule_cli.py -o -name __main__.py \) | sort)
"$VENV/bin/sphinx-apidoc" -q --module-first --separate --no-toc -o "$SRC/api" \
  "$REPO/enercoop_core" "${excluded[@]}"
# the list of packages, as index.rst's toctree expects it
{
  printf 'Modules\n=======\n\n.. toctree::\n   :maxdepth: 2\n\n   enercoop_core\n'
  # then its direct sub-packages and modules (a package's page lists its modules)
  for rst in "$SRC"/api/enercoop_core.*.rst; do
    name=$(basename "$rst" .rst)
    if [ "$(tr -cd . <<<"$name" | wc -c)" -eq 1 ]; then printf '   %s\n' "$name"; fi
  done
} >"$SRC/api/modules.rst"
rm -rf "$OUT"
mkdir -p "$OUT"
PYTHONWARNINGS=ignore "$VENV/bin/sphinx-build" -q -W --keep-going -b html -d "$SRC/.doctrees" \
  "$SRC" "$OUT"
echo "$OUT/index.html"
