#!/usr/bin/env bash
# THE test command: sets the host up (scripts/setup_host.sh), then runs the layers of tests
#   core311  core library tests, current CPython        (.run/venv, pytest tests/core)
#   core37   core library tests, CPython 3.7            (.run/odoo-venv, numpy 1.21, lxml 4.6)
#   ldap     directory sync against a private slapd (scripts/slapd.sh; .run/venv, tests/ldap)
#   odoo     every addon of odoo_addons/ installed in a fresh database of real Odoo 11 +
#            PostgreSQL, with Odoo's own test runner (--test-enable)
#   e2e      browser smoke test: Odoo served on a free loopback port, Playwright driving
#            Debian's chromium through every menu of the addons (tests/e2e)
#   lint     ruff over the whole tree (rules in pyproject.toml)
#   docs     the API documentation of enercoop_core built by Sphinx, warnings as errors;
#            the addons' README.rst as their readme/ fragments give them
#   wheels   the addons' wheels (scripts/build_wheels.sh) in a fresh venv over the Odoo
#            environment, installed with --test-enable into a new database holding only base
# Usage: scripts/test.sh [LAYER ...]     no layer = all; `core` = core311 + core37
# Prints one summary line per layer and a closing "total: N passed, N failed" line; exits
# non-zero when any layer fails. Logs, JUnit files and screenshots go to artifacts/.
# Every process it starts (PostgreSQL included, when it was not running) is stopped on
# exit, failure or Ctrl-C. Extra pytest options: PYTEST_ADDOPTS="-k r15" scripts/test.sh core
# One addon (and those it depends on): ENERCOOP_ADDONS=enercoop_directory scripts/test.sh odoo
set -uo pipefail
. "$(dirname "$0")/lib.sh"
REPO=$ENERCOOP_REPO
cd "$REPO"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

layers=()
for arg in "$@"; do
  case "$arg" in
    core) layers+=(core311 core37) ;;
    core311|core37|lint|ldap|odoo|e2e|docs|wheels) layers+=("$arg") ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; echo "unknown layer: $arg" >&2; exit 2 ;;
  esac
done
[ ${#layers[@]} -gt 0 ] || layers=(lint core311 core37 docs ldap odoo e2e wheels)

mkdir -p "$ARTIFACTS/logs" "$ARTIFACTS/junit"
T0=$(date +%s)

# ------------------------------------------------------------------ process hygiene
PG_STARTED=
SLAPD_STARTED=
E2E_PIDFILE=$RUN_DIR/e2e-odoo-${ENERCOOP_TEST_DB:-enercoop_test}.pid

kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null || true
}

cleanup() {
  trap - EXIT INT TERM
  local child pid
  for child in $(pgrep -P $$ 2>/dev/null); do kill_tree "$child"; done
  if [ -f "$E2E_PIDFILE" ]; then
    pid=$(cat "$E2E_PIDFILE")
    kill -0 "$pid" 2>/dev/null && kill_tree "$pid"
    rm -f "$E2E_PIDFILE"
  fi
  wait 2>/dev/null
  if [ -n "$PG_STARTED" ]; then bash "$REPO/scripts/pg.sh" stop >/dev/null 2>&1 || true; fi
  if [ -n "$SLAPD_STARTED" ]; then bash "$REPO/scripts/slapd.sh" stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

# Run a command in the background and wait for it, so that a signal reaches our traps at
# once (bash defers traps while a foreground child runs).
run() { "$@" & wait $!; }

ensure_pg() {
  local state
  state=$(bash "$REPO/scripts/pg.sh" start) || return 1
  [ "$state" = started ] && PG_STARTED=1
  bash "$REPO/scripts/odoo_conf.sh" >/dev/null
}

# ------------------------------------------------------------------ results
declare -A STATUS DETAIL SECONDS_TAKEN
TOTAL_PASSED=0
TOTAL_FAILED=0

# record LAYER ok|FAIL PASSED FAILED "detail"
record() {
  STATUS[$1]=$2
  DETAIL[$1]=$5
  TOTAL_PASSED=$((TOTAL_PASSED + $3))
  # a layer that fails without a failed test (set-up, no tests, error lines) counts one
  if [ "$2" != ok ] && [ "$4" -eq 0 ]; then TOTAL_FAILED=$((TOTAL_FAILED + 1)); else TOTAL_FAILED=$((TOTAL_FAILED + $4)); fi
  printf '[%s] %s: %s\n' "$1" "$2" "$5"
}

# "tests failures errors skipped" of a JUnit XML file written by pytest
junit_counts() {
  python3 - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 0 0 0")
    sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total = [sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")]
print(*total)
PY
}

# pytest_layer LAYER PYTHON [ARGS...]
pytest_layer() {
  local layer=$1 py=$2; shift 2
  local junit=$ARTIFACTS/junit/$layer.xml rc tests failures errors skipped passed failed
  rm -f "$junit"
  echo "== [$layer] $("$py" -V 2>&1): pytest $*"
  run "$py" -m pytest -p no:cacheprovider --junitxml="$junit" "$@"
  rc=$?
  read -r tests failures errors skipped <<<"$(junit_counts "$junit")"
  passed=$((tests - failures - errors - skipped)); failed=$((failures + errors))
  if [ $rc -eq 5 ]; then
    record "$layer" FAIL 0 0 "pytest collected no test (exit 5)"
  elif [ $rc -ne 0 ]; then
    record "$layer" FAIL "$passed" "$failed" "$passed passed, $failed failed, $skipped skipped (pytest exit $rc)"
  else
    record "$layer" ok "$passed" 0 "$passed passed, $skipped skipped"
  fi
}

layer_core311() { pytest_layer core311 "$VENV/bin/python" tests/core -q; }
layer_core37() { pytest_layer core37 "$ODOO_VENV/bin/python" tests/core -q; }

layer_ldap() {
  local state
  echo "== [ldap] directory sync against a private slapd (scripts/slapd.sh)"
  if ! state=$(bash "$REPO/scripts/slapd.sh" start); then record ldap FAIL 0 0 "slapd did not start"; return; fi
  [ "$state" = started ] && SLAPD_STARTED=1
  ENERCOOP_LDAP_REQUIRED=1 pytest_layer ldap "$VENV/bin/python" tests/ldap -q
}

# The private slapd for the addons' directory tests (enercoop_directory): started when
# needed (stopped on exit if this run started it), its URI and credentials exported as
# ENERCOOP_LDAP_*, with ENERCOOP_LDAP_REQUIRED=1 so that those tests fail instead of skip.
ensure_slapd() {
  local state
  state=$(bash "$REPO/scripts/slapd.sh" start) || return 1
  [ "$state" = started ] && SLAPD_STARTED=1
  set -a; eval "$(bash "$REPO/scripts/slapd.sh" env)"; set +a
  export ENERCOOP_LDAP_REQUIRED=1
}

ODOO_TEST_DB=${ENERCOOP_TEST_DB:-enercoop_test}
ODOO_TEST_DB_OK=

# The apps the given addons' manifests depend on, the addons themselves left out:
# addon_depends FOLDER ADDON,ADDON...
addon_depends() {
  python3 -c '
import ast, os, sys
root, ours = sys.argv[1], sys.argv[2].split(",")
depends = set()
for name in ours:
    with open(os.path.join(root, name, "__manifest__.py"), encoding="utf-8") as handle:
        depends.update(ast.literal_eval(handle.read()).get("depends", []))
print(",".join(sorted(depends - set(ours))))' "$1" "$2"
}

# The template database plus the apps the project's manifests depend on that it lacks (OCA's
# payment, dunning and queue addons, auth_ldap, portal...), installed once without their own
# tests (`--test-enable` would run every module installed with ours: not ours to test, and
# far longer than our suite); keyed on the template, the OCA pins and that list of apps.
# Sets DEPS_DB to its name.
ensure_deps_db() {
  local deps installed wip old logfile=$ARTIFACTS/logs/deps-install.log
  ensure_template || return 1
  deps=$(addon_depends "$REPO/odoo_addons" "$(project_addons)") || return 1
  # only those the template lacks: naming an installed module in -i loads its data again
  # (a module added to the addons folder after the template was made is not even listed there)
  installed=$(psql_q "$TEMPLATE_DB" "SELECT string_agg(name, ',') FROM ir_module_module
    WHERE state = 'installed' AND name IN ('$(sed "s/,/','/g" <<<"$deps")')")
  deps=$(python3 -c 'import sys; print(",".join(sorted(set(sys.argv[1].split(",")) - set(sys.argv[2].split(",")))))' \
    "$deps" "$installed")
  if [ -z "$deps" ]; then DEPS_DB=$TEMPLATE_DB; return 0; fi
  DEPS_DB=enercoop_deps_$(content_hash "$REPO/requirements/odoo11-oca.txt" -- "$TEMPLATE_DB" "$deps")
  db_exists "$DEPS_DB" && return 0
  wip=${DEPS_DB}_wip_$ODOO_TEST_DB
  drop_db "$wip"
  clone_db "$TEMPLATE_DB" "$wip" || return 1
  echo "   the apps our addons depend on, once: $deps"
  if run timeout --kill-after=30 "${ENERCOOP_ODOO_TIMEOUT:-1800}" \
       env PATH="$(odoo_env_path)" PYTHONWARNINGS=ignore "$ODOO_BIN" -c "$ODOO_CONF" -d "$wip" \
       -i "$deps" --stop-after-init --http-port="$(free_port)" --log-level=warn >"$logfile" 2>&1 \
     && ! grep -q ' ERROR \| CRITICAL ' "$logfile"; then
    # another run may have made it meanwhile: keep the first one
    if db_exists "$DEPS_DB"; then drop_db "$wip"; return 0; fi
    psql_q postgres "ALTER DATABASE \"$wip\" RENAME TO \"$DEPS_DB\"" >/dev/null || return 1
    if [ -d "$ODOO_DATA/filestore/$wip" ]; then
      mv "$ODOO_DATA/filestore/$wip" "$ODOO_DATA/filestore/$DEPS_DB"
    fi
  else
    tail -n 30 "$logfile" >&2
    echo "   installing $deps failed (log: $logfile)" >&2
    drop_db "$wip"; return 1
  fi
  # copies for earlier pins or lists of apps are dead weight
  for old in $(psql_q postgres "SELECT datname FROM pg_database WHERE datname LIKE 'enercoop\_deps\_%' AND datname <> '$DEPS_DB' AND datname NOT LIKE '%\_wip\_%'"); do
    drop_db "$old"
  done
}

# Install the project's addons into a fresh copy of the template database: install_addons
# DB LOG [extra odoo options]. The HTTP port is a free one (Odoo listens even with
# --stop-after-init when tests are enabled).
install_addons() {
  local db=$1 logfile=$2; shift 2
  ensure_deps_db || return 1
  clone_db "$DEPS_DB" "$db" || return 1
  # bounded: a test stuck on a lock must fail the layer, not hang CI
  run timeout --kill-after=30 "${ENERCOOP_ODOO_TIMEOUT:-1800}" \
    env PATH="$(odoo_env_path)" PYTHONWARNINGS=ignore "$ODOO_BIN" -c "$ODOO_CONF" -d "$db" \
    -i "$(tested_addons)" --stop-after-init --http-port="$(free_port)" "$@" >"$logfile" 2>&1
}

# The addons the odoo and e2e layers install and test: all of them, or, to iterate on one
# area, those named by ENERCOOP_ADDONS (comma-separated; the addons they depend on are
# installed, and tested, with them). CI never sets it.
tested_addons() {
  printf '%s' "${ENERCOOP_ADDONS:-$(project_addons)}"
}

layer_odoo() {
  local addons logfile=$ARTIFACTS/logs/odoo-tests.log rc report
  addons=$(tested_addons)
  echo "== [odoo] Odoo 11 + PostgreSQL 15: install and test $addons"
  if [ -z "$addons" ]; then record odoo FAIL 0 0 "no addon in odoo_addons/"; return; fi
  if ! ensure_pg; then record odoo FAIL 0 0 "PostgreSQL did not start"; return; fi
  if ! ensure_slapd; then record odoo FAIL 0 0 "slapd did not start"; return; fi
  install_addons "$ODOO_TEST_DB" "$logfile" --test-enable
  rc=$?
  report=$(python3 "$REPO/scripts/odoo_test_report.py" "$logfile" "$REPO/odoo_addons" "$addons" "$rc")
  local status=$? line
  line=$(tail -n 1 <<<"$report")
  head -n -1 <<<"$report"
  read -r passed failed _ <<<"$line"
  if [ $status -eq 0 ]; then
    # the addons must be installed, not merely loaded
    local states
    states=$(psql_q "$ODOO_TEST_DB" "SELECT string_agg(name || '=' || state, ' ' ORDER BY name) FROM ir_module_module WHERE name IN ('$(sed "s/,/','/g" <<<"$addons")')")
    if grep -q -v '=installed' <<<"$(tr ' ' '\n' <<<"$states")"; then
      record odoo FAIL "$passed" "$failed" "addons not installed: $states (log: $logfile)"
      return
    fi
    ODOO_TEST_DB_OK=1
    record odoo ok "$passed" 0 "$(cut -d' ' -f3- <<<"$line")"
  else
    record odoo FAIL "$passed" "$failed" "$(cut -d' ' -f3- <<<"$line") (log: $logfile)"
  fi
}

layer_e2e() {
  local db=$ODOO_TEST_DB logfile=$ARTIFACTS/logs/e2e-install.log
  echo "== [e2e] browser smoke test (Playwright + /usr/bin/chromium)"
  if ! ensure_pg; then record e2e FAIL 0 0 "PostgreSQL did not start"; return; fi
  if [ -z "$ODOO_TEST_DB_OK" ]; then
    db=${ODOO_TEST_DB}_e2e
    if ! install_addons "$db" "$logfile" --log-level=warn || grep -q ' ERROR \| CRITICAL ' "$logfile"; then
      tail -n 20 "$logfile"
      record e2e FAIL 0 0 "could not install the addons (log: $logfile)"
      return
    fi
  fi
  rm -rf "$ARTIFACTS/e2e"
  ENERCOOP_E2E_DB=$db ENERCOOP_E2E_REQUIRED=1 ENERCOOP_E2E_PIDFILE=$E2E_PIDFILE \
    ENERCOOP_ODOO_LOG=$ARTIFACTS/logs/e2e-odoo.log \
    pytest_layer e2e "$VENV/bin/python" tests/e2e -q
}

layer_lint() {
  local logfile=$ARTIFACTS/logs/lint.log
  echo "== [lint] ruff check (rules in pyproject.toml)"
  if run "$VENV/bin/ruff" check --no-cache "$REPO" >"$logfile" 2>&1; then
    record lint ok 0 0 "ruff: no finding"
  else
    tail -n 20 "$logfile"
    record lint FAIL 0 "$(grep -cE '^[^ ].*:[0-9]+:[0-9]+: ' "$logfile")" "ruff findings (log: $logfile)"
  fi
}

layer_docs() {
  local logfile=$ARTIFACTS/logs/docs.log
  echo "== [docs] API documentation of enercoop_core (Sphinx autodoc, warnings are errors), addon READMEs"
  if ! run bash "$REPO/scripts/docs.sh" "$ARTIFACTS/docs" >"$logfile" 2>&1; then
    grep -E 'WARNING|ERROR|error:' "$logfile" | head -n 20
    record docs FAIL 0 0 "Sphinx warnings or errors (log: $logfile)"
  elif ! run "$VENV/bin/python" "$REPO/scripts/gen_addon_readme.py" --check >>"$logfile" 2>&1; then
    tail -n 5 "$logfile"
    record docs FAIL 0 0 "an addon's README.rst is not what its readme/ fragments give (log: $logfile)"
  else
    record docs ok 0 0 "API built without a warning ($ARTIFACTS/docs/index.html), READMEs up to date"
  fi
}

# The addons as an Odoo user installs them: wheels built from setup/, pip-installed (not
# editable) into a fresh venv that overlays the Odoo environment, found by Odoo under that
# venv's site-packages odoo/addons (never odoo_addons/), installed into a new database that
# holds only base: the Odoo apps the manifests depend on go in first (without their own
# tests; that database is cached, keyed on the Odoo pins and those apps), then both addons
# with --test-enable, judged like the odoo layer.
layer_wheels() {
  local dir=$RUN_DIR/wheels-$ODOO_TEST_DB db=${ODOO_TEST_DB}_wheels logs=$ARTIFACTS/logs
  local logfile=$ARTIFACTS/logs/wheels-tests.log addons deps rc report status line states
  local site odoo passed failed base_db wip old data=$RUN_DIR/wheels-data
  addons=$(project_addons)
  echo "== [wheels] the addons' wheels in a fresh venv and a new database holding only base"
  if ! run bash "$REPO/scripts/build_wheels.sh" "$dir/dist" >"$logs/wheels-build.log" 2>&1; then
    tail -n 20 "$logs/wheels-build.log"
    record wheels FAIL 0 0 "the wheels did not build (log: $logs/wheels-build.log)"; return
  fi
  if ! ensure_pg; then record wheels FAIL 0 0 "PostgreSQL did not start"; return; fi
  if ! ensure_slapd; then record wheels FAIL 0 0 "slapd did not start"; return; fi
  if ! run bash "$REPO/scripts/wheels_venv.sh" "$dir" "$dir/dist" >>"$logs/wheels-build.log" 2>&1; then
    tail -n 20 "$logs/wheels-build.log"
    record wheels FAIL 0 0 "the wheels did not install (log: $logs/wheels-build.log)"; return
  fi
  site=$dir/venv/lib/python3.7/site-packages
  # the Odoo apps the installed manifests depend on (the project's own addons left out)
  deps=$(addon_depends "$site/odoo/addons" "$addons") \
    || { record wheels FAIL 0 0 "an addon's manifest is missing from the wheels"; return; }
  odoo=(timeout --kill-after=30 "${ENERCOOP_ODOO_TIMEOUT:-1800}" env PATH="$(odoo_env_path)"
        PYTHONWARNINGS=ignore "$dir/venv/bin/odoo" -c "$dir/odoo.conf" --stop-after-init)
  # a new database with base, then the apps the manifests name (their own tests not run),
  # made once per Odoo pins and list of apps, then copied: never the template database
  base_db=enercoop_wheels_base_$(content_hash "$REPO/requirements/odoo11.txt" \
    "$REPO/requirements/odoo11-oca.txt" "$REPO/scripts/prune_odoo_addons.py" -- "$deps")
  if ! db_exists "$base_db"; then
    wip=${base_db}_wip_$ODOO_TEST_DB
    psql_q postgres "DROP DATABASE IF EXISTS \"$wip\"" >/dev/null
    rm -rf "$data/filestore/$wip"
    if ! run "${odoo[@]}" -d "$wip" -i base --http-port="$(free_port)" --log-level=warn \
           >"$logs/wheels-install.log" 2>&1 \
       || ! run "${odoo[@]}" -d "$wip" -i "$deps" --http-port="$(free_port)" --log-level=warn \
           >>"$logs/wheels-install.log" 2>&1 \
       || grep -q ' ERROR \| CRITICAL ' "$logs/wheels-install.log"; then
      tail -n 20 "$logs/wheels-install.log"
      record wheels FAIL 0 0 "a new database with base, then $deps, failed (log: $logs/wheels-install.log)"
      return
    fi
    if psql_q postgres "ALTER DATABASE \"$wip\" RENAME TO \"$base_db\"" >/dev/null 2>&1; then
      if [ -d "$data/filestore/$wip" ]; then mv "$data/filestore/$wip" "$data/filestore/$base_db"; fi
    else  # another run made it meanwhile
      psql_q postgres "DROP DATABASE IF EXISTS \"$wip\"" >/dev/null
      rm -rf "$data/filestore/$wip"
    fi
    for old in $(psql_q postgres "SELECT datname FROM pg_database WHERE datname LIKE 'enercoop\_wheels\_base\_%' AND datname NOT LIKE '%\_wip\_%' AND datname <> '$base_db'"); do
      psql_q postgres "DROP DATABASE IF EXISTS \"$old\"" >/dev/null
      rm -rf "$data/filestore/$old"
    done
  fi
  psql_q postgres "DROP DATABASE IF EXISTS \"$db\"" >/dev/null
  rm -rf "$data/filestore/$db"
  if ! createdb -h "$PG_SOCK" -p "$(pg_port)" -U "$PG_USER" -T "$base_db" "$db"; then
    record wheels FAIL 0 0 "could not copy $base_db"; return
  fi
  if [ -d "$data/filestore/$base_db" ]; then cp -a "$data/filestore/$base_db" "$data/filestore/$db"; fi
  run "${odoo[@]}" -d "$db" -i "$addons" --test-enable --http-port="$(free_port)" >"$logfile" 2>&1
  rc=$?
  report=$(python3 "$REPO/scripts/odoo_test_report.py" "$logfile" "$REPO/odoo_addons" "$addons" "$rc")
  status=$?
  line=$(tail -n 1 <<<"$report")
  head -n -1 <<<"$report"
  read -r passed failed _ <<<"$line"
  if [ $status -ne 0 ]; then
    record wheels FAIL "$passed" "$failed" "$(cut -d' ' -f3- <<<"$line") (log: $logfile)"; return
  fi
  states=$(psql_q "$db" "SELECT string_agg(name || '=' || state, ' ' ORDER BY name) FROM ir_module_module WHERE name IN ('$(sed "s/,/','/g" <<<"$addons")')")
  if grep -q -v '=installed' <<<"$(tr ' ' '\n' <<<"$states")"; then
    record wheels FAIL "$passed" "$failed" "addons not installed: $states (log: $logfile)"; return
  fi
  # found under the venv's site-packages, with the checkout nowhere on the addons path
  if ! grep -q "addons paths: .*'$site/odoo/addons'" "$logfile" \
     || grep -q "addons paths: .*$REPO/odoo_addons" "$logfile"; then
    record wheels FAIL "$passed" 0 "the addons were not found under $site/odoo/addons (log: $logfile)"
    return
  fi
  record wheels ok "$passed" 0 "$(cut -d' ' -f3- <<<"$line"), from $(cd "$dir/dist" && ls -- *.whl | tr '\n' ' ')"
}

# ------------------------------------------------------------------ main
echo "== host set-up (scripts/setup_host.sh)"
if ! bash "$REPO/scripts/setup_host.sh"; then
  echo "host set-up failed" >&2
  echo "total: 0 passed, 1 failed"
  exit 1
fi

for layer in "${layers[@]}"; do
  start=$(date +%s)
  "layer_$layer"
  SECONDS_TAKEN[$layer]=$(( $(date +%s) - start ))
done

echo
echo "== summary ($(( $(date +%s) - T0 ))s in all)"
rc=0
for layer in "${layers[@]}"; do
  printf '%-8s %-4s %4ss  %s\n' "$layer" "${STATUS[$layer]}" "${SECONDS_TAKEN[$layer]}" "${DETAIL[$layer]}"
  [ "${STATUS[$layer]}" = ok ] || rc=1
done
echo "total: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit $rc
