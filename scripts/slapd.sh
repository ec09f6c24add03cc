#!/usr/bin/env bash
# The project's private OpenLDAP server (Debian's slapd), under the run directory:
#   scripts/slapd.sh start    configure once (cn=config, mdb), start on 127.0.0.1 + ldapi
#   scripts/slapd.sh stop     stop it
#   scripts/slapd.sh status   exit 0 and print where it listens, exit 3 when stopped
#   scripts/slapd.sh env      print ENERCOOP_LDAP_* variables (URI, LDAPI, BASE, BIND_DN,
#                             PASSWORD_FILE) for a shell `eval` or a test fixture
# Files in .run/slapd: slapd.d/ (cn=config), db/ (mdb), port, adminpw (mode 600), env,
# slapd.pid, ldapi (socket). The suffix is ENERCOOP_LDAP_SUFFIX (default
# dc=enercoop,dc=test; a dc=, o= or ou= RDN first); a different suffix than the one
# configured rebuilds the instance (its data is lost). Root DN cn=admin,<suffix>, its
# password generated once. Schemas: core, cosine, inetorgperson, nis. The port is chosen
# free on first start and kept (a new one only when it is taken). `start` prints
# "started" or "running" (already up), so that callers stop only what they started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SLAPD_DIR=$RUN_DIR/slapd
SUFFIX=${ENERCOOP_LDAP_SUFFIX:-dc=enercoop,dc=test}
ROOT_DN=cn=admin,$SUFFIX
SOCK=$SLAPD_DIR/ldapi
PIDFILE=$SLAPD_DIR/slapd.pid
PWFILE=$SLAPD_DIR/adminpw
SLAPD=${SLAPD:-/usr/sbin/slapd}

urlquote() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
LDAPI=ldapi://$(urlquote "$SOCK")

pid_of() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = slapd ] \
    && printf '%s' "$pid"
}
is_running() { pid_of >/dev/null; }
uri() { printf 'ldap://127.0.0.1:%s/' "$(cat "$SLAPD_DIR/port")"; }

write_env() {
  cat >"$SLAPD_DIR/env" <<ENV
ENERCOOP_LDAP_URI=$(uri)
ENERCOOP_LDAPI_URI=$LDAPI
ENERCOOP_LDAP_BASE=$SUFFIX
ENERCOOP_LDAP_BIND_DN=$ROOT_DN
ENERCOOP_LDAP_PASSWORD_FILE=$PWFILE
ENV
}

# the first RDN of the suffix decides the base entry's object classes
base_ldif() {
  local first=${SUFFIX%%,*} type value
  type=$(printf '%s' "${first%%=*}" | tr 'A-Z' 'a-z'); value=${first#*=}
  printf 'dn: %s\n' "$SUFFIX"
  case "$type" in
    dc) printf 'objectClass: dcObject\nobjectClass: organization\ndc: %s\no: %s\n' "$value" "$value" ;;
    o) printf 'objectClass: organization\no: %s\n' "$value" ;;
    ou) printf 'objectClass: organizationalUnit\nou: %s\n' "$value" ;;
    *) die "suffix $SUFFIX: the first RDN must be dc=, o= or ou=" ;;
  esac
}

configure() {
  command -v slapadd >/dev/null && [ -x "$SLAPD" ] || die "slapd not installed (run scripts/setup_host.sh)"
  rm -rf "$SLAPD_DIR/slapd.d" "$SLAPD_DIR/db"
  mkdir -p "$SLAPD_DIR/slapd.d" "$SLAPD_DIR/db"
  chmod 700 "$SLAPD_DIR"
  if [ ! -s "$PWFILE" ]; then
    (umask 077; python3 -c 'import secrets, sys; sys.stdout.write(secrets.token_urlsafe(18))' >"$PWFILE")
  fi
  local hash
  hash=$(slappasswd -T "$PWFILE")
  cat >"$SLAPD_DIR/config.ldif" <<LDIF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $PIDFILE
olcArgsFile: $SLAPD_DIR/slapd.args
olcLogLevel: none

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif
include: file:///etc/ldap/schema/nis.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: 5000

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by dn.exact=gidNumber=$(id -g)+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth manage by * break

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $SUFFIX
olcRootDN: $ROOT_DN
olcRootPW: $hash
olcDbDirectory: $SLAPD_DIR/db
olcDbMaxSize: 1073741824
olcDbIndex: objectClass eq
olcDbIndex: uid,cn,mail,employeeNumber,businessCategory eq
olcDbIndex: member eq
olcAccess: {0}to attrs=userPassword by dn.exact=gidNumber=$(id -g)+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth manage by self write by anonymous auth by * none
olcAccess: {1}to * by dn.exact=gidNumber=$(id -g)+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth manage by users read by * none
LDIF
  slapadd -n 0 -F "$SLAPD_DIR/slapd.d" -l "$SLAPD_DIR/config.ldif" >"$SLAPD_DIR/slapadd.log" 2>&1 \
    || { cat "$SLAPD_DIR/slapadd.log" >&2; die "slapadd of cn=config failed"; }
  base_ldif >"$SLAPD_DIR/base.ldif"
  slapadd -n 1 -F "$SLAPD_DIR/slapd.d" -l "$SLAPD_DIR/base.ldif" >>"$SLAPD_DIR/slapadd.log" 2>&1 \
    || { cat "$SLAPD_DIR/slapadd.log" >&2; die "slapadd of the base entry failed"; }
  printf '%s\n' "$SUFFIX" >"$SLAPD_DIR/suffix"
}

start() {
  mkdir -p "$SLAPD_DIR"
  if [ ${#SOCK} -gt 100 ]; then
    die "socket path too long for a unix socket ($SOCK): set ENERCOOP_RUN_DIR to a shorter path"
  fi
  if is_running; then
    [ "$(cat "$SLAPD_DIR/suffix")" = "$SUFFIX" ] \
      || die "slapd runs with suffix $(cat "$SLAPD_DIR/suffix"), not $SUFFIX: scripts/slapd.sh stop first"
    write_env; echo running; return 0
  fi
  if [ ! -f "$SLAPD_DIR/slapd.d/cn=config.ldif" ] || [ ! -s "$PWFILE" ] \
     || [ "$(cat "$SLAPD_DIR/suffix" 2>/dev/null)" != "$SUFFIX" ]; then
    configure
  fi
  local port
  port=$(cat "$SLAPD_DIR/port" 2>/dev/null || true)
  if [ -z "$port" ] || ! port_is_free "$port"; then
    port=$(free_port)
    printf '%s\n' "$port" >"$SLAPD_DIR/port"
  fi
  rm -f "$SOCK" "$PIDFILE"
  "$SLAPD" -F "$SLAPD_DIR/slapd.d" -h "ldap://127.0.0.1:$port/ $LDAPI" 2>"$SLAPD_DIR/slapd.log" \
    || { cat "$SLAPD_DIR/slapd.log" >&2; die "slapd did not start"; }
  local i
  for i in $(seq 200); do
    ldapwhoami -x -H "ldap://127.0.0.1:$port/" -D "$ROOT_DN" -y "$PWFILE" >/dev/null 2>&1 && break
    sleep 0.05
  done
  ldapwhoami -x -H "ldap://127.0.0.1:$port/" -D "$ROOT_DN" -y "$PWFILE" >/dev/null 2>&1 \
    || { cat "$SLAPD_DIR/slapd.log" >&2; die "slapd does not answer on port $port"; }
  write_env
  echo started
}

stop() {
  local pid i
  if pid=$(pid_of); then
    kill -TERM "$pid"
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && die "slapd (pid $pid) did not stop"
    rm -f "$PIDFILE"
    echo stopped
  else
    echo "not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if is_running; then echo "running (pid $(pid_of)) on $(uri) and $LDAPI, suffix $(cat "$SLAPD_DIR/suffix")"
    else echo stopped; exit 3; fi ;;
  env) is_running || die "slapd is not running (scripts/slapd.sh start)"; cat "$SLAPD_DIR/env" ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
