#!/usr/bin/env bash
# Refresh the translation files of addons after their texts changed:
#   bash scripts/i18n_export.sh [ADDON ...]      (default: every addon of odoo_addons/)
# Installs every addon into a scratch copy of the template database, writes
# odoo_addons/<addon>/i18n/<addon>.pot (the texts, as Odoo exports them), then merges the
# translations fr.po already holds into a new fr.po (scripts/po_merge.py, with polib). A new text
# comes out with an empty translation: translate it there (each addon's test_translation
# fails until you do).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
REPO=$ENERCOOP_REPO
# a scratch database of this run's own: two exports at once must not share one
DB=enercoop_i18n_$$

PG_STARTED=
cleanup() {
  drop_db "$DB" >/dev/null 2>&1 || true
  [ -z "$PG_STARTED" ] || bash "$REPO/scripts/pg.sh" stop >/dev/null
}
trap cleanup EXIT

all=$(project_addons)
if [ $# -gt 0 ]; then targets=("$@"); else IFS=, read -r -a targets <<<"$all"; fi

bash "$REPO/scripts/setup_host.sh"
pg_state=$(bash "$REPO/scripts/pg.sh" start)
if [ "$pg_state" = started ]; then PG_STARTED=1; fi
bash "$REPO/scripts/odoo_conf.sh" >/dev/null
ensure_template || die "could not create the template database"
clone_db "$TEMPLATE_DB" "$DB"
odoo_run -d "$DB" -i "$all" --stop-after-init --http-port="$(free_port)" --log-level=warn \
  >"$LOG_DIR/i18n-$$.log" 2>&1 || die "could not install the addons (log: $LOG_DIR/i18n-$$.log)"

for addon in "${targets[@]}"; do
  out=$REPO/odoo_addons/$addon/i18n
  [ -d "$REPO/odoo_addons/$addon" ] || die "no addon $addon in odoo_addons/"
  mkdir -p "$out"
  tmp=$(mktemp -d)
  odoo_run -d "$DB" --modules="$addon" --i18n-export="$tmp/template.po" --stop-after-init \
    --log-level=warn >>"$LOG_DIR/i18n-$$.log" 2>&1
  mv "$tmp/template.po" "$out/$addon.pot"
  rmdir "$tmp"
  "$VENV/bin/python" "$REPO/scripts/po_merge.py" "$out/$addon.pot" "$out/fr.po" "$out/fr.po"
done
drop_db "$DB"
