#!/usr/bin/env bash
# THE main job: bring the ERP up on this machine.
#   bash scripts/start.sh            set up, start, print URL and login, serve until Ctrl-C
#   bash scripts/start.sh --check    set up, start, log in through XML-RPC, stop (for CI)
# Sets the host up (scripts/setup_host.sh), starts the private PostgreSQL, creates the
# database `enercoop` once (standard apps, demo data, every addon of odoo_addons/, French
# loaded and chosen for its contacts) and upgrades the addons (-u) on later runs, then
# serves Odoo on 127.0.0.1 (port 8069 when free, else a free one). Ctrl-C stops Odoo and,
# if this script started it, PostgreSQL. Environment: ENERCOOP_DB (database name),
# ENERCOOP_PORT (HTTP port), ENERCOOP_RUN_DIR (run directory).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
REPO=$ENERCOOP_REPO

MODE=serve
for arg in "$@"; do
  case "$arg" in
    --check|--no-serve) MODE=check ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done
DB=${ENERCOOP_DB:-enercoop}
SERVER_LOG=$LOG_DIR/odoo-server.log
UPDATE_LOG=$LOG_DIR/odoo-update.log

PG_STARTED=
ODOO_PID=
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null || true
}
cleanup() {
  trap - EXIT INT TERM
  local child
  if [ -n "$ODOO_PID" ]; then log "stopping Odoo"; fi
  for child in $(pgrep -P $$ 2>/dev/null); do kill_tree "$child"; done
  wait 2>/dev/null || true
  if [ -n "$PG_STARTED" ]; then
    log "stopping PostgreSQL"
    bash "$REPO/scripts/pg.sh" stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'echo; exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s)
bash "$REPO/scripts/setup_host.sh"
pg_state=$(bash "$REPO/scripts/pg.sh" start)
if [ "$pg_state" = started ]; then PG_STARTED=1; fi
bash "$REPO/scripts/odoo_conf.sh" >/dev/null
addons=$(project_addons)
[ -n "$addons" ] || die "no addon found in $REPO/odoo_addons"

# Odoo in the background while we wait, so that Ctrl-C is handled at once.
odoo_step() {
  odoo_run -d "$DB" --stop-after-init --http-port="$(free_port)" --log-level=warn "$@" \
    >"$UPDATE_LOG" 2>&1 &
  if ! wait $! || grep -q ' ERROR \| CRITICAL ' "$UPDATE_LOG"; then
    grep ' ERROR \| CRITICAL ' "$UPDATE_LOG" | head -n 20 >&2 || tail -n 20 "$UPDATE_LOG" >&2
    die "Odoo could not install or upgrade the addons (log: $UPDATE_LOG)"
  fi
}

in_list() { printf '%s' "$addons" | sed "s/^/'/; s/,/','/g; s/$/'/"; }

if ! db_exists "$DB"; then
  ensure_template || die "could not create the template database"
  log "creating database $DB: standard apps, demo data, $addons"
  clone_db "$TEMPLATE_DB" "$DB"
  # a French cooperative: the contacts already there (admin and the company included)
  # read French before the addons come, so that the contacts their demo data creates take
  # the company's language unless they state their own (the demo's English readers)
  psql_q "$DB" "UPDATE res_partner SET lang = 'fr_FR' WHERE EXISTS (SELECT 1 FROM res_lang WHERE code = 'fr_FR' AND active)" >/dev/null
  odoo_step -i "$addons"
  # A4 paper for reports
  psql_q "$DB" "UPDATE res_company SET paperformat_id = (SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'paperformat_euro')" >/dev/null
else
  installed=$(psql_q "$DB" "SELECT string_agg(name, ',') FROM ir_module_module WHERE state = 'installed' AND name IN ($(in_list))")
  missing=$(python3 -c 'import sys; a, b = sys.argv[1].split(","), set(filter(None, sys.argv[2].split(","))); print(",".join(x for x in a if x not in b))' "$addons" "$installed")
  log "upgrading ${installed:-no addon}${missing:+, installing $missing} in database $DB"
  odoo_step ${missing:+-i "$missing"} ${installed:+-u "$installed"}
fi

PORT=${ENERCOOP_PORT:-}
if [ -z "$PORT" ]; then
  if port_is_free 8069; then PORT=8069; else PORT=$(free_port); fi
fi
URL=http://127.0.0.1:$PORT
# wkhtmltopdf fetches the report stylesheets from report.url; set while the server is
# stopped (a running server caches parameters)
for key in report.url web.base.url; do
  psql_q "$DB" "INSERT INTO ir_config_parameter (key, value, create_uid, create_date, write_uid, write_date)
                VALUES ('$key', '$URL', 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC')
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = EXCLUDED.write_date" >/dev/null
done

log "starting Odoo on $URL (log: $SERVER_LOG)"
odoo_run -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --workers=0 >"$SERVER_LOG" 2>&1 &
ODOO_PID=$!
# first request only once the registry is loaded (see the script for the race it avoids)
python3 "$REPO/scripts/wait_for_odoo.py" "$URL" "$ODOO_PID" "$SERVER_LOG" 180 \
  || die "Odoo did not start (log: $SERVER_LOG)"

# The core on its own, end to end: the bundled sample flows -> bills and purchase invoices.
echo
echo "  enercoop demo (the core library on the bundled sample flows):"
"$VENV/bin/enercoop" demo | sed 's/^/    /' || die "enercoop demo failed"

cat <<EOF

  Energy cooperative ERP (Odoo 11) is up in $(( $(date +%s) - t0 ))s
    URL:       $URL/web
    login:     admin   password: admin      (database $DB, demo data, addons: $addons)
    core CLI:  $VENV/bin/enercoop --help
    server log: $SERVER_LOG
EOF

if [ "$MODE" = check ]; then
  "$VENV/bin/python" "$REPO/scripts/xmlrpc_check.py" "$URL" "$DB" "$REPO/odoo_addons"
  exit $?
fi
echo "  Ctrl-C stops Odoo and PostgreSQL."
echo
set +e
wait "$ODOO_PID"
status=$?
ODOO_PID=
log "Odoo stopped (exit $status; log: $SERVER_LOG)"
exit $status
