# Shared paths and helpers of the project's scripts. Source it: `. "$(dirname "$0")/lib.sh"`.
# Every path the scripts use lives under the run directory (git-ignored):
#   ${ENERCOOP_RUN_DIR:-<repo>/.run}
# holding odoo-venv/ (CPython 3.7 + Odoo 11), venv/ (current CPython), wk/ (wkhtmltopdf),
# node/ (lessc), pg/ (PostgreSQL 15 cluster), odoo.conf, odoo-data/, logs/, stamps/.

ENERCOOP_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN_DIR=${ENERCOOP_RUN_DIR:-$ENERCOOP_REPO/.run}
mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
# ENERCOOP_ARTIFACTS moves logs, JUnit files and screenshots (parallel runs keep apart)
ARTIFACTS=${ENERCOOP_ARTIFACTS:-$ENERCOOP_REPO/artifacts}

ODOO_VENV=$RUN_DIR/odoo-venv
ODOO_BIN=$ODOO_VENV/bin/odoo
ODOO_ADDONS_DIR=$ODOO_VENV/lib/python3.7/site-packages/odoo/addons
VENV=$RUN_DIR/venv
WK_DIR=$RUN_DIR/wk
NODE_DIR=$RUN_DIR/node
ODOO_CONF=$RUN_DIR/odoo.conf
ODOO_DATA=$RUN_DIR/odoo-data
LOG_DIR=$RUN_DIR/logs
STAMP_DIR=$RUN_DIR/stamps

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PG_DIR=$RUN_DIR/pg
# As root the server runs as `postgres`, which must reach its data directory: when the
# run directory lies under a folder closed to others (a clone in /root, say), the cluster
# goes to /var/tmp instead, with .run/pg a link to it.
if [ "$(id -u)" = 0 ] && [ ! -L "$PG_DIR" ] && [ ! -d "$PG_DIR/data" ] \
   && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$RUN_DIR" 2>/dev/null; then
  pg_elsewhere=/var/tmp/enercoop-pg-$(printf '%s' "$RUN_DIR" | sha256sum | cut -c1-12)
  mkdir -p "$pg_elsewhere"
  ln -sfn "$pg_elsewhere" "$PG_DIR"
fi
[ -L "$PG_DIR" ] && PG_DIR=$(readlink -f "$PG_DIR")
PG_DATA=$PG_DIR/data
PG_SOCK=$PG_DIR/sock
PG_PORT_FILE=$PG_DIR/port
PG_USER=odoo

# Standard apps installed in every database before the project's addons (the cached
# template database holds them; see ensure_template). l10n_fr: French chart of accounts.
BASE_APPS=${ENERCOOP_BASE_APPS:-base,contacts,mail,account_invoicing,l10n_fr}
# Languages loaded into every database.
LANGS=${ENERCOOP_LANGS:-fr_FR}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# sha256 of the given files' contents plus any extra words passed after `--`
content_hash() {
  local files=() extra=()
  while [ $# -gt 0 ]; do
    [ "$1" = -- ] && { shift; extra=("$@"); break; }
    files+=("$1"); shift
  done
  { cat "${files[@]}"; printf '%s\n' "${extra[@]}"; } | sha256sum | cut -c1-16
}

# A TCP port on 127.0.0.1 that nothing listens on (the kernel picks it).
free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

# 0 when nothing listens on 127.0.0.1:$1 (connections in TIME_WAIT do not count: servers
# bind with SO_REUSEADDR)
port_is_free() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

# Run a command as the PostgreSQL owner: `postgres` when we are root, else ourselves.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_port() { cat "$PG_PORT_FILE" 2>/dev/null; }

# psql as the odoo role on the private cluster: psql_q DB SQL
psql_q() {
  PGOPTIONS='-c client_min_messages=warning' psql -X -q -At -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$(pg_port)" -U "$PG_USER" -d "$1" -c "$2"
}

db_exists() {
  [ "$(psql_q postgres "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# Drop a database and its Odoo filestore.
drop_db() {
  psql_q postgres "DROP DATABASE IF EXISTS \"$1\"" >/dev/null
  rm -rf "$ODOO_DATA/filestore/$1"
}

# Copy database $1 to a new database $2, filestore included (Odoo keeps binary fields
# such as partner images as files under data_dir/filestore/<db>).
clone_db() {
  drop_db "$2"
  createdb -h "$PG_SOCK" -p "$(pg_port)" -U "$PG_USER" -T "$1" "$2"
  if [ -d "$ODOO_DATA/filestore/$1" ]; then
    mkdir -p "$ODOO_DATA/filestore"
    cp -a "$ODOO_DATA/filestore/$1" "$ODOO_DATA/filestore/$2"
  fi
}

# PATH for the Odoo server and `odoo shell`: patched wkhtmltopdf and lessc first.
odoo_env_path() { printf '%s' "$WK_DIR/bin:$NODE_DIR/node_modules/.bin:$PATH"; }

# Run the Odoo launcher with the project's configuration.
odoo_run() {
  PATH=$(odoo_env_path) PYTHONWARNINGS=ignore "$ODOO_BIN" -c "$ODOO_CONF" "$@"
}

# The project's installable addons (folders of odoo_addons/ with a manifest), comma-separated.
project_addons() {
  local d names=()
  for d in "$ENERCOOP_REPO"/odoo_addons/*/; do
    [ -f "$d/__manifest__.py" ] || continue
    python3 -c 'import ast,sys; m=ast.literal_eval(open(sys.argv[1]).read()); sys.exit(0 if m.get("installable", True) else 1)' \
      "$d/__manifest__.py" && names+=("$(basename "$d")")
  done
  local IFS=,; printf '%s' "${names[*]}"
}

# Name of the template database holding BASE_APPS with demo data and LANGS; keyed on the
# Odoo pins, the pruning script, the apps and the languages, so that a change rebuilds it.
template_name() {
  printf 'enercoop_tmpl_%s' "$(content_hash "$ENERCOOP_REPO/requirements/odoo11.txt" \
    "$ENERCOOP_REPO/scripts/prune_odoo_addons.py" -- "$BASE_APPS" "$LANGS")"
}

# Create the template database once (about a minute); later calls return at once.
# Needs PostgreSQL running and odoo.conf written. Sets TEMPLATE_DB to its name.
# Odoo runs in the background while we wait, so that the caller's signal traps fire at once.
ensure_template() {
  local tmpl wip old logfile=$LOG_DIR/template.log
  tmpl=$(template_name)
  TEMPLATE_DB=$tmpl
  db_exists "$tmpl" && return 0
  wip=${tmpl}_wip
  drop_db "$wip"
  mkdir -p "$LOG_DIR"
  log "creating template database $tmpl ($BASE_APPS, demo data, $LANGS); about a minute, once"
  odoo_run -d "$wip" -i "$BASE_APPS" --stop-after-init --log-level=warn >"$logfile" 2>&1 &
  if wait $! && { [ -z "$LANGS" ] || { odoo_run -d "$wip" --load-language="$LANGS" \
        --stop-after-init --log-level=warn >>"$logfile" 2>&1 & wait $!; }; } \
     && ! grep -q ' ERROR \| CRITICAL ' "$logfile"; then
    psql_q postgres "ALTER DATABASE \"$wip\" RENAME TO \"$tmpl\"" >/dev/null
    if [ -d "$ODOO_DATA/filestore/$wip" ]; then
      mv "$ODOO_DATA/filestore/$wip" "$ODOO_DATA/filestore/$tmpl"
    fi
  else
    tail -n 30 "$logfile" >&2
    log "template database creation failed (log: $logfile)"
    return 1
  fi
  # templates of earlier pins are dead weight
  for old in $(psql_q postgres "SELECT datname FROM pg_database WHERE datname LIKE 'enercoop\_tmpl\_%' AND datname <> '$tmpl'"); do
    drop_db "$old"
  done
}
