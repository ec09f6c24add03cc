# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the tests of enercoop_directory share: the real slapd that scripts/test.sh starts
(its URI and credentials in ENERCOOP_LDAP_URI, ENERCOOP_LDAP_BIND_DN,
ENERCOOP_LDAP_PASSWORD_FILE or ENERCOOP_LDAP_PASSWORD, ENERCOOP_LDAP_BASE), a subtree of
its own per test (``ou=t-<random>``, deleted afterwards), a directory configuration of
the main company pointing at it, and readers of what the server holds.

Without ENERCOOP_LDAP_URI the tests skip, saying why; with ENERCOOP_LDAP_REQUIRED=1
(scripts/test.sh sets both) a missing server is a failure.
"""
import os
import uuid

import ldap
import ldap.filter

from enercoop_core.directory.dn import rdn
from enercoop_core.directory.sync import connect

MANAGER = "enercoop_directory.group_directory_manager"
READER = "enercoop_directory.group_directory_user"


def ldap_settings():
    """(settings dict, None) from the environment, or (None, the reason they are missing)."""
    env = os.environ
    uri = env.get("ENERCOOP_LDAP_URI")
    if not uri:
        return None, ("ENERCOOP_LDAP_URI is not set: these tests need the slapd that "
                      "scripts/test.sh starts (scripts/slapd.sh start; eval the output of "
                      "scripts/slapd.sh env)")
    password = env.get("ENERCOOP_LDAP_PASSWORD")
    if password is None:
        with open(env["ENERCOOP_LDAP_PASSWORD_FILE"], encoding="utf-8") as handle:
            password = handle.read().splitlines()[0]
    return {"uri": uri, "bind_dn": env["ENERCOOP_LDAP_BIND_DN"], "password": password,
            "base": env["ENERCOOP_LDAP_BASE"]}, None


class DirectoryMixin:
    """A fresh subtree of the real slapd per test and ``self.config`` syncing into it.

    ``SUBTREE_NAME``: the ``ou`` value of the configured base below the test's own unit
    (a name with special characters tests DN escaping end to end)."""

    SUBTREE_NAME = "erp"

    def setUp(self):
        super().setUp()
        settings, reason = ldap_settings()
        if settings is None:
            if os.environ.get("ENERCOOP_LDAP_REQUIRED") == "1":
                self.fail(reason)
            self.skipTest(reason)
        self.ldap_settings = settings
        self.conn = connect(settings["uri"], settings["bind_dn"], settings["password"])
        name = "t-" + uuid.uuid4().hex[:10]
        self.test_dn = "ou=%s,%s" % (name, settings["base"])
        self.conn.add_s(self.test_dn, [("objectClass", [b"organizationalUnit"]),
                                       ("ou", [name.encode()])])
        self.addCleanup(self._drop_subtree)
        self.base_dn = "%s,%s" % (rdn("ou", self.SUBTREE_NAME), self.test_dn)
        self.conn.add_s(self.base_dn, [("objectClass", [b"organizationalUnit"]),
                                       ("ou", [self.SUBTREE_NAME.encode("utf-8")])])
        self.company = self.env.ref("base.main_company")
        Config = self.env["enercoop.directory.config"]
        Config.with_context(active_test=False).search(
            [("company_id", "=", self.company.id)]).unlink()
        self.config = Config.create({
            "name": "Test directory", "company_id": self.company.id,
            "uri": settings["uri"], "tls_mode": "none", "base_dn": self.base_dn,
            "bind_dn": settings["bind_dn"], "new_bind_password": settings["password"],
            "removal_policy": "keep"})

    def _drop_subtree(self):
        found = self.conn.search_s(self.test_dn, ldap.SCOPE_SUBTREE, "(objectClass=*)", ["1.1"])
        for dn, _attrs in sorted(found, key=lambda item: -len(item[0])):
            self.conn.delete_s(dn)
        self.conn.unbind_s()

    # ------------------------------------------------------------------ readers
    def entries(self, base=None, filterstr="(objectClass=*)", scope=ldap.SCOPE_SUBTREE):
        """{dn: {attr: [text values]}} under ``base`` (the configured base by default)."""
        try:
            found = self.conn.search_s(base or self.base_dn, scope, filterstr,
                                       ["*", "modifyTimestamp"])
        except ldap.NO_SUCH_OBJECT:
            return {}
        return {dn: {k: [v.decode("utf-8") for v in vs] for k, vs in attrs.items()}
                for dn, attrs in found}

    def entry_of(self, partner):
        """(dn, attrs) of the ERP's entry of a contact, None when there is none."""
        found = self.entries(filterstr="(&(employeeNumber=%d)(businessCategory=enercoop-erp))"
                             % partner.id)
        self.assertLessEqual(len(found), 1, found)
        return next(iter(found.items()), None)

    def group_members(self, cn):
        found = self.entries(filterstr="(&(objectClass=groupOfNames)(cn=%s))"
                             % ldap.filter.escape_filter_chars(cn))
        if not found:
            return None
        (attrs,) = found.values()
        return sorted(attrs["member"])

    def sync(self, trigger="manual"):
        """A run of the configuration, asserted free of errors."""
        run = self.config._run(trigger)
        self.assertEqual(run.state, "done", run.error_text)
        return run

    def create_person(self, name, **values):
        values.setdefault("company_id", self.company.id)
        return self.env["res.partner"].create(dict(values, name=name))

    def create_user(self, login, groups=(), **values):
        return self.env["res.users"].with_context(no_reset_password=True).create(dict(
            {"name": login.replace(".", " ").title(), "login": login,
             "email": "%s@example.org" % login, "company_id": self.company.id,
             "company_ids": [(6, 0, [self.company.id])],
             "groups_id": [(6, 0, [self.env.ref("base.group_user").id]
                            + [self.env.ref(g).id for g in groups])]}, **values))
