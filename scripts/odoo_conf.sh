#!/usr/bin/env bash
# Write ${ENERCOOP_RUN_DIR:-.run}/odoo.conf for the private cluster (scripts/pg.sh start
# first: the configuration names its port). Addons path: Odoo's own addons, then the
# project's odoo_addons/. The master password is random, kept in .run/master_password.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

port=$(pg_port) || die "no PostgreSQL port yet: run scripts/pg.sh start"
[ -d "$ODOO_ADDONS_DIR" ] || die "Odoo is not installed in $ODOO_VENV: run scripts/setup_host.sh"
if [ ! -s "$RUN_DIR/master_password" ]; then
  (umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(18))' >"$RUN_DIR/master_password")
fi
mkdir -p "$ODOO_DATA"
tmp=$ODOO_CONF.tmp
cat >"$tmp" <<EOF
; written by scripts/odoo_conf.sh: edit that script, not this file
[options]
db_host = $PG_SOCK
db_port = $port
db_user = $PG_USER
db_password = odoo
addons_path = $ODOO_ADDONS_DIR,$ENERCOOP_REPO/odoo_addons
data_dir = $ODOO_DATA
admin_passwd = $(cat "$RUN_DIR/master_password")
http_interface = 127.0.0.1
workers = 0
max_cron_threads = 1
; OCA queue_job: its job runner starts with the server (not under --stop-after-init) and runs
; the background jobs (balancing runs, directory pushes) of every database that installs it
server_wide_modules = base,web,queue_job

[queue_job]
channels = root:2
EOF
chmod 600 "$tmp"
mv "$tmp" "$ODOO_CONF"
echo "$ODOO_CONF"
