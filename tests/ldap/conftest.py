"""A real slapd for the directory tests.

When ENERCOOP_LDAP_URI is set the tests use that server (with ENERCOOP_LDAP_BIND_DN,
ENERCOOP_LDAP_PASSWORD_FILE or ENERCOOP_LDAP_PASSWORD, and ENERCOOP_LDAP_BASE); otherwise
they start the project's private one with scripts/slapd.sh and stop it afterwards if they
started it. Each test works in its own ``ou=t-<random>`` under the base, deleted after the
test, so that nothing else in the directory is touched. ENERCOOP_LDAP_REQUIRED=1 (set by
scripts/test.sh) turns a missing python-ldap or slapd into a failure instead of a skip.
"""
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SLAPD_SH = REPO / "scripts" / "slapd.sh"
REQUIRED = os.environ.get("ENERCOOP_LDAP_REQUIRED") == "1"


def _unavailable(reason):
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def ldap_server():
    try:
        import ldap  # noqa: F401
    except ImportError:
        _unavailable("python-ldap is not installed")
    env = os.environ
    if env.get("ENERCOOP_LDAP_URI"):
        password = env.get("ENERCOOP_LDAP_PASSWORD")
        if password is None:
            password = Path(env["ENERCOOP_LDAP_PASSWORD_FILE"]).read_text().splitlines()[0]
        yield {"uri": env["ENERCOOP_LDAP_URI"], "bind_dn": env["ENERCOOP_LDAP_BIND_DN"],
               "password": password, "base": env["ENERCOOP_LDAP_BASE"],
               "password_file": env.get("ENERCOOP_LDAP_PASSWORD_FILE")}
        return
    if not (shutil.which("slapd") or Path("/usr/sbin/slapd").exists()):
        _unavailable("slapd is not installed (scripts/setup_host.sh)")
    run = subprocess.run(["bash", str(SLAPD_SH), "start"], capture_output=True, text=True,
                         check=False)
    if run.returncode != 0:
        pytest.fail("scripts/slapd.sh start failed:\n" + run.stderr)
    started = run.stdout.strip().splitlines()[-1:] == ["started"]
    try:
        out = subprocess.run(["bash", str(SLAPD_SH), "env"], capture_output=True,
                             text=True, check=True).stdout
        info = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        yield {"uri": info["ENERCOOP_LDAP_URI"], "bind_dn": info["ENERCOOP_LDAP_BIND_DN"],
               "password": Path(info["ENERCOOP_LDAP_PASSWORD_FILE"]).read_text()
               .splitlines()[0],
               "base": info["ENERCOOP_LDAP_BASE"],
               "password_file": info["ENERCOOP_LDAP_PASSWORD_FILE"]}
    finally:
        if started:
            subprocess.run(["bash", str(SLAPD_SH), "stop"], stdout=subprocess.DEVNULL,
                           check=False)


@pytest.fixture
def conn(ldap_server):
    from enercoop_core.directory.sync import connect

    c = connect(ldap_server["uri"], ldap_server["bind_dn"], ldap_server["password"])
    yield c
    c.unbind_s()


def _delete_subtree(c, dn):
    import ldap

    try:
        found = c.search_s(dn, ldap.SCOPE_SUBTREE, "(objectClass=*)", ["1.1"])
    except ldap.NO_SUCH_OBJECT:
        return
    for child, _ in sorted(found, key=lambda item: -len(item[0])):
        c.delete_s(child)


@pytest.fixture
def layout(ldap_server, conn):
    """A Layout whose base is a fresh organizational unit of the server's suffix."""
    from enercoop_core.directory.model import Layout

    name = "t-" + uuid.uuid4().hex[:10]
    base = "ou=%s,%s" % (name, ldap_server["base"])
    conn.add_s(base, [("objectClass", [b"organizationalUnit"]), ("ou", [name.encode()])])
    yield Layout(base_dn=base)
    _delete_subtree(conn, base)
