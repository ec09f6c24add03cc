# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Staff log into Odoo with their LDAP password (Odoo's auth_ldap), against the real
slapd: the Odoo login finds the entry of the user's contact; people who left, contacts
who are not employees and wrong passwords are refused; auth_ldap's public methods do not
search the directory with the configuration's account outside a login.

An HttpCase: Odoo's login opens its own cursor, which in a HttpCase is the registry's
test cursor; the test works on that cursor too (``OneCursorMixin``), so that the login
sees the users the test made, all of it rolled back at the end."""
import ldap

from odoo import api
from odoo.tests import common

from .common import DirectoryMixin


class OneCursorMixin:
    """The test's environment on the registry's test cursor (Odoo 11's HttpCase opens
    that cursor beside the test's own)."""

    def setUp(self):
        super().setUp()
        own_cr, own_env = self.cr, self.env
        self.cr = self.registry.cursor()  # the test cursor, its lock taken
        self.env = api.Environment(self.cr, self.uid, {})

        @self.addCleanup
        def restore():  # runs before the registry leaves test mode and closes it
            self.env.reset()
            self.cr.release()
            self.cr, self.env = own_cr, own_env


@common.at_install(False)
@common.post_install(True)
class TestLogin(DirectoryMixin, OneCursorMixin, common.HttpCase):

    def setUp(self):
        super().setUp()
        self.config.login_enabled = True
        self.user = self.create_user("dir.staff")
        self.sync()
        self.dn = self.entry_of(self.user.partner_id)[0]
        self.conn.modify_s(self.dn, [(ldap.MOD_REPLACE, "userPassword", [b"ldap-secret-1"])])

    def login(self, login, password):
        # a failed login rolls its cursor back to the last commit: the test cursor's
        # commit only moves its savepoint (the registry rolls everything back at the end)
        self.env.cr.commit()
        return self.env["res.users"]._login(self.env.cr.dbname, login, password)

    def test_login_server_follows_the_configuration(self):
        server = self.config.ldap_id
        self.assertTrue(server)
        self.assertEqual(server.ldap_base, "ou=people,%s" % self.base_dn)
        self.assertFalse(server.ldap_password, "the secret is never copied")
        self.assertFalse(server.create_user)
        self.config.login_enabled = False
        self.assertFalse(server.exists())

    def test_staff_log_in_with_their_ldap_password(self):
        self.assertEqual(self.login("dir.staff", "ldap-secret-1"), self.user.id)
        self.assertFalse(self.login("dir.staff", "wrong"))
        self.assertFalse(self.login("dir.staff", ""))
        # the LDAP uid is not an Odoo login
        self.assertFalse(self.login("dir.staff-uid-unknown", "ldap-secret-1"))
        # a password changed in LDAP is the one that counts
        self.conn.modify_s(self.dn, [(ldap.MOD_REPLACE, "userPassword", [b"ldap-secret-2"])])
        self.assertFalse(self.login("dir.staff", "ldap-secret-1"))
        self.assertEqual(self.login("dir.staff", "ldap-secret-2"), self.user.id)

    def test_people_who_left_and_non_staff_cannot_log_in(self):
        # a contact who is not an employee, with a password in LDAP and an Odoo account
        portal = self.create_user("dir.portal",
                                  groups_id=[(6, 0, [self.env.ref("base.group_portal").id])])
        portal.partner_id.role_consumer = True
        self.sync()
        portal_dn = self.entry_of(portal.partner_id)[0]
        self.conn.modify_s(portal_dn, [(ldap.MOD_REPLACE, "userPassword", [b"ldap-secret-1"])])
        self.assertFalse(self.login("dir.portal", "ldap-secret-1"))
        # an employee who left (user archived) is moved to ou=former, the password with it
        self.user.active = False
        self.sync()
        self.assertIn("ou=former", self.entry_of(self.user.partner_id)[0])
        self.assertFalse(self.login("dir.staff", "ldap-secret-1"))
        self.user.active = True  # even active again in Odoo, not until the next sync
        self.assertFalse(self.login("dir.staff", "ldap-secret-1"))
        self.sync()
        self.assertEqual(self.login("dir.staff", "ldap-secret-1"), self.user.id)

    def test_login_settings_disabled_means_no_ldap_login(self):
        self.config.login_enabled = False
        self.assertFalse(self.login("dir.staff", "ldap-secret-1"))

    def test_auth_ldap_methods_refuse_rpc_callers(self):
        Ldap = self.env["res.company.ldap"]
        conf = Ldap.get_ldap_dicts()
        (mine,) = [c for c in conf if c["id"] == self.config.ldap_id.id]
        self.assertFalse(mine["ldap_password"])
        # outside a login: no search, no bind with the configuration's account
        self.assertEqual(Ldap.query(mine, "(objectClass=*)"), [])
        self.assertFalse(Ldap.authenticate(mine, "dir.staff", "ldap-secret-1"))
