# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The access suite of enercoop_directory, run as each kind of user (built like
enercoop_energy's):

- CRUD of every ``enercoop.*`` model of the addon, the expected rights written out below;
  a regional cooperative's directory manager is refused the national cooperative's
  directory and runs (record rules);
- every public method of the addon's classes, found by introspection; each is called as
  XML-RPC calls it by each kind of user, the refusal asserted where it is due;
- the bind secret: never readable but by directory managers, in no view, never sent back
  (the form's field to set it reads empty);
- auth_ldap's public methods on the directory's login server: no search outside a login;
- no report, no route.
"""
from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import rpc_call
from odoo.addons.enercoop_energy.tests.test_access import addon_public_methods

USER, READER, MANAGER, REGIONAL, ACCOUNTANT, PORTAL, PUBLIC = (
    "user", "reader", "manager", "regional", "accountant", "portal", "public")
ROLES = (USER, READER, MANAGER, REGIONAL, ACCOUNTANT, PORTAL, PUBLIC)
DIRECTORY_MANAGER = "enercoop_directory.group_directory_manager"
DIRECTORY_READER = "enercoop_directory.group_directory_user"
ROLE_GROUPS = {
    USER: ["enercoop_energy.group_enercoop_user"],
    READER: [DIRECTORY_READER],
    MANAGER: [DIRECTORY_MANAGER],
    REGIONAL: [DIRECTORY_MANAGER],
    ACCOUNTANT: ["account.group_account_invoice"],
    PORTAL: ["base.group_portal"],
}
# model -> kind of user -> the operations allowed (r, w, c, u); nobody else has any
RIGHTS = {
    "enercoop.directory.config": {READER: "r", MANAGER: "rwcu", REGIONAL: "rwcu"},
    "enercoop.directory.run": {READER: "r", MANAGER: "r", REGIONAL: "r"},
}
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}

# (model, method) -> (who may call it on the national record, arguments after the ids);
# CRUD marks the ORM overrides (create/write/unlink, covered by the CRUD test and the
# push tests), LOGIN auth_ldap's methods (test_auth_ldap_methods_outside_a_login and
# test_login.py)
CRUD, LOGIN = "crud", "login"
METHODS = {
    ("enercoop.directory.config", "create"): CRUD,
    ("enercoop.directory.config", "write"): CRUD,
    ("enercoop.directory.config", "unlink"): CRUD,
    ("enercoop.directory.config", "action_sync"): ({MANAGER}, ()),
    ("enercoop.directory.config", "action_dry_run"): ({MANAGER}, ()),
    ("enercoop.directory.config", "action_view_runs"): ({READER, MANAGER}, ()),
    # a wizard is its creator's; computing and applying are the managers'
    ("enercoop.directory.plan.wizard", "action_compute"): ({MANAGER}, ()),
    ("enercoop.directory.plan.wizard", "action_apply"): ({MANAGER}, ()),
    # Odoo's models extended to flag the directory: their own rights hold
    ("res.partner", "create"): CRUD,
    ("res.partner", "write"): CRUD,
    ("res.partner", "unlink"): CRUD,
    ("res.users", "create"): CRUD,
    ("res.users", "write"): CRUD,
    ("res.users", "check_credentials"): LOGIN,
    ("enercoop.share.entry", "create"): CRUD,
    ("enercoop.share.entry", "write"): CRUD,
    ("enercoop.share.entry", "unlink"): CRUD,
    ("enercoop.membership", "create"): CRUD,
    ("res.company.ldap", "connect"): LOGIN,
    ("res.company.ldap", "query"): LOGIN,
    ("res.company.ldap", "authenticate"): LOGIN,
}


@common.at_install(False)
@common.post_install(True)
class TestAccess(common.SavepointCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.national = env.ref("base.main_company")
        cls.regional = env["res.company"].create({
            "name": "Directory access regional coop", "parent_id": cls.national.id,
            "currency_id": env.ref("base.EUR").id})
        cls.users = {}
        for role, groups in ROLE_GROUPS.items():
            company = cls.regional if role == REGIONAL else cls.national
            cls.users[role] = env["res.users"].with_context(no_reset_password=True).create({
                "name": "Directory access %s" % role, "login": "dir.access.%s" % role,
                "email": "dir.access.%s@example.org" % role,
                "groups_id": [(6, 0, [env.ref(g).id for g in groups])],
                "company_id": company.id, "company_ids": [(6, 0, [company.id])]})
        cls.users[PUBLIC] = env.ref("base.public_user")
        Config = env["enercoop.directory.config"].with_context(active_test=False)
        # nothing listens on the discard port: a sync fails at once and is logged
        values = {"name": "Access test directory", "uri": "ldap://127.0.0.1:9/",
                  "tls_mode": "none", "base_dn": "ou=access,dc=enercoop,dc=test",
                  "bind_dn": "cn=admin,dc=enercoop,dc=test", "new_bind_password": "s3cret",
                  "auto_sync": False, "active": True}
        cls.config = Config.search([("company_id", "=", cls.national.id)])
        if cls.config:
            cls.config.write(values)
        else:
            cls.config = Config.create(dict(values, company_id=cls.national.id))
        cls.sync_run = cls.config._run("manual")
        cls.records = {"enercoop.directory.config": cls.config,
                       "enercoop.directory.run": cls.sync_run}

    def rpc(self, user, model, method, *args, **kwargs):
        return rpc_call(self.env, user, model, method, *args, **kwargs)

    # ------------------------------------------------------------------ CRUD
    def test_every_model_of_the_addon_is_listed(self):
        # the models the addon makes (it also extends two of enercoop_coop_shares')
        models = {m.model for m in self.env["ir.model"].search([]) if m.model.startswith(
            "enercoop.directory.") and not self.env[m.model]._transient}
        self.assertEqual(models, set(RIGHTS))

    def test_crud_rights_of_each_kind_of_user(self):
        for model, rights in RIGHTS.items():
            for role in ROLES:
                for letter, operation in OPERATIONS.items():
                    allowed = self.env[model].sudo(self.users[role]).check_access_rights(
                        operation, raise_exception=False)
                    self.assertEqual(allowed, letter in rights.get(role, ""),
                                     "%s %s %s" % (role, operation, model))

    def test_national_records_refused_to_the_regional_manager(self):
        for model, record in self.records.items():
            record.sudo(self.users[MANAGER]).read(["display_name"])
            as_regional = self.env[model].sudo(self.users[REGIONAL])
            self.assertFalse(as_regional.search([("id", "=", record.id)]), model)
            for operation in ("read", "write", "unlink"):
                with self.assertRaises(AccessError, msg="%s %s" % (operation, model)):
                    record.sudo(self.users[REGIONAL]).check_access_rule(operation)
        # its own company's directory is its to make
        mine = self.env["enercoop.directory.config"].sudo(self.users[REGIONAL]).create({
            "name": "Regional directory", "uri": "ldap://127.0.0.1:9/", "tls_mode": "none",
            "base_dn": "ou=regional,dc=enercoop,dc=test", "bind_dn": "cn=admin,dc=x"})
        self.assertEqual(mine.company_id, self.regional)

    def test_no_rights_for_outsiders(self):
        for model, record in self.records.items():
            for role in (USER, ACCOUNTANT, PORTAL, PUBLIC):
                with self.assertRaises(AccessError, msg="%s %s" % (role, model)):
                    self.rpc(self.users[role], model, "read", [record.id], ["display_name"])
                with self.assertRaises(AccessError, msg="%s %s" % (role, model)):
                    self.rpc(self.users[role], model, "search", [[]])

    # ------------------------------------------------------------------ the secret
    def test_the_bind_secret_reaches_managers_only_and_no_browser(self):
        config = self.config
        with self.assertRaises(AccessError):
            self.rpc(self.users[READER], "enercoop.directory.config", "read", [config.id],
                     ["bind_password"])
        read = self.rpc(self.users[READER], "enercoop.directory.config", "read",
                        [config.id], [])[0]
        self.assertNotIn("bind_password", read)
        self.assertNotIn("new_bind_password", read)
        self.assertTrue(read["password_set"])
        self.assertNotIn("s3cret", repr(read))
        # the manager's form writes it, never reads it back
        read = self.rpc(self.users[MANAGER], "enercoop.directory.config", "read",
                        [config.id], ["new_bind_password"])[0]
        self.assertEqual(read["new_bind_password"], "")
        for role in (READER, MANAGER):
            arch = self.env["enercoop.directory.config"].sudo(self.users[role]) \
                .fields_view_get(view_type="form")["arch"]
            self.assertNotIn('name="bind_password"', arch, role)
            self.assertEqual('name="new_bind_password"' in arch, role == MANAGER, role)
            tree = self.env["enercoop.directory.config"].sudo(self.users[role]) \
                .fields_view_get(view_type="tree")["arch"]
            self.assertNotIn("password", tree.replace("password_set", ""), role)
        self.rpc(self.users[MANAGER], "enercoop.directory.config", "write", [config.id],
                 {"new_bind_password": "other"})
        self.assertEqual(config.sudo().bind_password, "other")
        # the run log never holds it
        self.assertNotIn("other", "%s%s" % (self.sync_run.plan_text, self.sync_run.error_text))

    # ------------------------------------------------------------------ public methods
    def test_every_public_method_has_an_access_entry(self):
        found = addon_public_methods(self.env, "enercoop_directory")
        self.assertFalse(found - set(METHODS), "public methods without an access test: %s"
                         % sorted(found - set(METHODS)))
        self.assertFalse(set(METHODS) - found, "access entries of methods that no longer "
                         "exist: %s" % sorted(set(METHODS) - found))

    def test_public_methods_as_each_kind_of_user(self):
        for (model, method), entry in sorted(METHODS.items()):
            if entry in (CRUD, LOGIN):
                continue
            allowed, args = entry
            for role in ROLES:
                refused = False
                try:
                    with self.env.cr.savepoint():
                        if self.env[model]._transient:  # a wizard of the caller's own
                            ids = [self.rpc(self.users[role], model, "create",
                                            {"config_id": self.config.id})]
                        else:
                            ids = [self.records[model].id]
                        self.rpc(self.users[role], model, method, ids, *args)
                        raise _Rollback()
                except AccessError:
                    refused = True
                except (_Rollback, UserError):
                    pass
                self.assertEqual(refused, role not in allowed, "%s.%s as %s: %s" % (
                    model, method, role, "refused" if refused else "allowed"))

    def test_a_sync_is_logged_even_when_the_server_is_down(self):
        runs = self.env["enercoop.directory.run"]
        before = runs.search_count([("config_id", "=", self.config.id)])
        self.rpc(self.users[MANAGER], "enercoop.directory.config", "action_sync",
                 [self.config.id])
        run = runs.search([("config_id", "=", self.config.id)], limit=1)
        self.assertEqual(runs.search_count([("config_id", "=", self.config.id)]), before + 1)
        self.assertEqual((run.state, run.user_id), ("failed", self.users[MANAGER]))
        self.assertIn("ldap://127.0.0.1:9/", run.error_text)

    def test_auth_ldap_methods_outside_a_login(self):
        self.config.login_enabled = True
        conf = {"id": self.config.ldap_id.id, "ldap_filter": "(uid=%s)",
                "ldap_base": "dc=enercoop,dc=test", "ldap_password": "", "ldap_binddn": "",
                "ldap_server": "127.0.0.1", "ldap_server_port": 9, "ldap_tls": False}
        for role in ROLES:
            self.assertEqual(self.rpc(self.users[role], "res.company.ldap", "query", [],
                                      conf, "(objectClass=*)"), [], role)
            self.assertFalse(self.rpc(self.users[role], "res.company.ldap", "authenticate",
                                      [], conf, "dir.access.manager", "s3cret"), role)

    # ------------------------------------------------------------------ reports, routes
    def test_the_addon_has_no_report_and_no_route(self):
        self.assertFalse(self.env["ir.model.data"].search([
            ("module", "=", "enercoop_directory"), ("model", "=", "ir.actions.report")]))
        self.assertFalse(http.controllers_per_module.get("enercoop_directory"))

    def test_menus_per_kind_of_user(self):
        xmlids = ["enercoop_directory.menu_directory_config",
                  "enercoop_directory.menu_directory_run",
                  "enercoop_directory.menu_directory_plan_wizard"]
        for role, expected in ((USER, set()), (READER, set(xmlids[:2])),
                               (MANAGER, set(xmlids))):
            shown = set(self.env["ir.ui.menu"].sudo(self.users[role]).load_menus(False)[
                "all_menu_ids"])
            self.assertEqual({x for x in xmlids if self.env.ref(x).id in shown}, expected,
                             role)


class _Rollback(Exception):
    """Raised to roll a savepoint back after a call that succeeded."""
