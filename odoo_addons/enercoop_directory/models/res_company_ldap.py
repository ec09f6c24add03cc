# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's LDAP login (auth_ldap) on a directory the ERP feeds.

A login server made by a directory configuration (``enercoop.directory.config.ldap_id``)
takes everything from that configuration, never from the ``conf`` dict it is handed: the
URI (LDAPS included, which auth_ldap alone cannot do), StartTLS, the bind account and its
secret (never copied into res.company.ldap), the people's subtree. The person is found by
partner id: staff type their Odoo login and their LDAP password (the LDAP uid comes from
the name and need not be the Odoo login).

auth_ldap's methods are public, hence callable over RPC with any ``conf``: on such a login
server they answer only inside a login (``res.users.check_credentials`` puts
``LOGIN_TOKEN`` in the context; an RPC caller cannot forge a Python object), so that no
caller can search the directory with the configuration's account. Other login servers
behave as auth_ldap makes them.
"""
import logging

import ldap

from odoo import models

from enercoop_core.errors import EnercoopError

from .. import core_adapter

_logger = logging.getLogger(__name__)

LOGIN_CONTEXT = "enercoop_directory_login"
LOGIN_TOKEN = object()


class ResCompanyLdap(models.Model):
    _inherit = "res.company.ldap"

    def _directory_config(self, conf):
        """The directory configuration that made the login server ``conf``, if any."""
        server_id = conf.get("id") if isinstance(conf, dict) else None
        if not isinstance(server_id, int):
            return self.env["enercoop.directory.config"]
        # sudo: login happens before any user is known (auth_ldap itself runs as root)
        return self.env["enercoop.directory.config"].sudo().search(
            [("ldap_id", "=", server_id), ("login_enabled", "=", True)], limit=1)

    def _in_login(self):
        return self.env.context.get(LOGIN_CONTEXT) is LOGIN_TOKEN

    def connect(self, conf):
        config = self._directory_config(conf)
        if not config:
            return super().connect(conf)
        connection = ldap.initialize(config.uri.strip())
        connection.protocol_version = 3
        connection.set_option(ldap.OPT_REFERRALS, 0)
        connection.set_option(ldap.OPT_NETWORK_TIMEOUT, config.timeout or 10)
        if config.tls_mode == "starttls":
            connection.start_tls_s()
        return connection

    def query(self, conf, filter, retrieve_attributes=None):
        config = self._directory_config(conf)
        if not config:
            return super().query(conf, filter, retrieve_attributes)
        if not self._in_login():
            return []
        people_dn = core_adapter.layout_of(config).people_dn
        try:
            conn = config._connect()
            try:
                # the name only: nothing else of the entry is needed to log in
                return conn.search_st(people_dn, ldap.SCOPE_SUBTREE, filter, ["cn"],
                                      timeout=config.timeout or 10)
            finally:
                conn.unbind_s()
        except (EnercoopError, ldap.LDAPError) as exc:
            _logger.error("LDAP login search on %s failed: %s", config.name, exc)
            return []

    def authenticate(self, conf, login, password):
        config = self._directory_config(conf)
        if not config:
            return super().authenticate(conf, login, password)
        if not self._in_login() or not login:
            return False
        # the entry of an Odoo user is found by its partner id (employeeNumber)
        self.env.cr.execute("SELECT partner_id FROM res_users WHERE lower(login) = %s",
                            (login.lower().strip(),))
        row = self.env.cr.fetchone()
        if not row:
            return False
        return super().authenticate(conf, str(row[0]), password)
