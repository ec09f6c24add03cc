#!/usr/bin/env bash
# The project's private PostgreSQL 15 cluster, under the run directory:
#   scripts/pg.sh start    initialise once, start on 127.0.0.1 + a unix socket in .run/pg/sock
#   scripts/pg.sh stop     fast shutdown
#   scripts/pg.sh status   exit 0 and print the port when running, exit 3 when stopped
#   scripts/pg.sh psql [ARGS]   psql as the `odoo` role (default database: postgres)
# The port is chosen free on first start and remembered in .run/pg/port (a new one is
# picked only when that one is taken). fsync is off: this cluster holds demo and test
# data only. The role `odoo` (password odoo, CREATEDB) owns the Odoo databases.
# `start` exits 0 and prints "started" when it started the server, "running" when it was
# already up, so that callers stop only what they started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

is_running() { [ -f "$PG_DATA/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

start() {
  [ -x "$PGBIN/initdb" ] || die "PostgreSQL 15 not found in $PGBIN (run scripts/setup_host.sh)"
  if is_running; then echo running; return 0; fi
  mkdir -p "$PG_DIR" "$PG_SOCK"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR" "$PG_SOCK"
  if [ ${#PG_SOCK} -gt 90 ]; then
    die "socket folder path too long for a unix socket ($PG_SOCK): set ENERCOOP_RUN_DIR to a shorter path"
  fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    rm -rf "$PG_DATA"
    as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
      || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  fi
  local port
  port=$(pg_port || true)
  if [ -z "$port" ] || ! port_is_free "$port"; then
    port=$(free_port)
    printf '%s\n' "$port" >"$PG_PORT_FILE"
  fi
  as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$PG_SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || { tail -n 20 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  as_pg psql -X -q -h "$PG_SOCK" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -c \
    "DO \$\$BEGIN CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD 'odoo'; EXCEPTION WHEN duplicate_object THEN NULL; END\$\$;"
  echo started
}

stop() {
  if is_running; then
    as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    echo stopped
  else
    echo "not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if is_running; then echo "running on 127.0.0.1:$(pg_port) and $PG_SOCK"; else echo stopped; exit 3; fi ;;
  psql) shift; is_running || die "PostgreSQL is not running (scripts/pg.sh start)"
        exec psql -h "$PG_SOCK" -p "$(pg_port)" -U "$PG_USER" -d postgres "$@" ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
