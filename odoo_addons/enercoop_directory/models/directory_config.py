# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Where a regional cooperative's directory lives, and its synchronisation.

One configuration per company: the LDAP server (URI, StartTLS or LDAPS), the subtree the
ERP owns (``base_dn``: the sync never reads nor writes outside it), the account it binds
as, and what happens to the people who left (moved to ``ou=former`` by the core's plan,
then kept or removed after a delay: the core's removal policy decides, this model only
hands it the company's settings). The bind secret is a manager-only field that no view
shows: the form has a write-only field to set it.

The core (``enercoop_core.directory``) computes the plan; this model gathers the contacts,
applies the plan with python-ldap and writes the run log. Odoo's ``auth_ldap`` logs staff
in through a ``res.company.ldap`` record this model keeps in step (``login_enabled``).
"""
import logging
import threading

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from enercoop_core.errors import EnercoopError

from .. import core_adapter

_logger = logging.getLogger(__name__)

MANAGER = "enercoop_directory.group_directory_manager"


class EnercoopDirectoryConfig(models.Model):
    _name = "enercoop.directory.config"
    _description = "Directory (LDAP) of a cooperative"
    _order = "company_id"
    _rec_name = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", string="Company", required=True,
                                 default=lambda self: self.env.user.company_id)
    uri = fields.Char(string="Server URI", required=True, default="ldap://127.0.0.1:389/",
                      help="ldap://host:port/ (plain or StartTLS) or ldaps://host:port/.")
    tls_mode = fields.Selection([("none", "None (loopback only)"), ("starttls", "StartTLS"),
                                 ("ldaps", "LDAPS")], string="Encryption", required=True,
                                default="starttls")
    timeout = fields.Integer(string="Timeout (s)", default=10)
    base_dn = fields.Char(string="Base DN", required=True,
                          help="The subtree the ERP owns (ou=people, ou=groups, ou=former "
                               "below it); nothing outside it is ever read or written.")
    bind_dn = fields.Char(string="Bind DN", required=True)
    # the secret: managers only, in no view (the form writes it through new_bind_password)
    bind_password = fields.Char(string="Bind password", groups=MANAGER, copy=False)
    new_bind_password = fields.Char(
        string="New bind password", compute="_compute_new_bind_password",
        inverse="_inverse_new_bind_password", groups=MANAGER,
        help="Type it to change the password; it is never shown again.")
    password_set = fields.Boolean(string="Password set", compute="_compute_password_set")
    removal_policy = fields.Selection([("keep", "Keep in former"),
                                       ("delete", "Remove after a delay")],
                                      string="People who left", required=True,
                                      default="keep")
    removal_days = fields.Integer(string="Removal delay (days)", default=90,
                                  help="Days an entry of ou=former stays unchanged before "
                                       "it is removed (0: at the next sync).")
    auto_sync = fields.Boolean(
        string="Automatic sync", default=True,
        help="Push the changes of contacts, users and the register in the background, and "
             "sync everything every night.")
    dirty = fields.Boolean(string="Changes to push", readonly=True, copy=False)
    login_enabled = fields.Boolean(
        string="Staff log in with LDAP",
        help="Employees log into Odoo with their LDAP password (Odoo's LDAP "
             "authentication).")
    ldap_id = fields.Many2one("res.company.ldap", string="Login server", readonly=True,
                              copy=False, ondelete="set null")
    run_ids = fields.One2many("enercoop.directory.run", "config_id", string="Runs")
    last_run_id = fields.Many2one("enercoop.directory.run", string="Last run",
                                  compute="_compute_last_run")

    _sql_constraints = [
        ("company_uniq", "unique(company_id)", "A company has one directory configuration."),
    ]

    # ------------------------------------------------------------------ fields
    def _compute_new_bind_password(self):
        for config in self:
            config.new_bind_password = ""

    def _inverse_new_bind_password(self):
        for config in self:
            if config.new_bind_password:
                config.bind_password = config.new_bind_password

    def _compute_password_set(self):
        # sudo: whether a secret is set is shown to every reader; the secret itself is not
        for config, sudoed in zip(self, self.sudo()):
            config.password_set = bool(sudoed.bind_password)

    def _compute_last_run(self):
        Run = self.env["enercoop.directory.run"]
        for config in self:
            config.last_run_id = Run.search([("config_id", "=", config.id)], limit=1)

    @api.constrains("uri", "tls_mode", "base_dn", "bind_dn", "removal_days", "timeout")
    def _check_settings(self):
        for config in self:
            uri = (config.uri or "").strip().lower()
            if not uri.startswith(("ldap://", "ldaps://")):
                raise ValidationError(_("%s: the URI must start with ldap:// or ldaps://.")
                                      % config.name)
            if (config.tls_mode == "ldaps") != uri.startswith("ldaps://"):
                raise ValidationError(_("%s: LDAPS goes with an ldaps:// URI, StartTLS and no "
                                        "encryption with ldap://.") % config.name)
            for label, value in ((_("Base DN"), config.base_dn), (_("Bind DN"), config.bind_dn)):
                error = core_adapter.dn_error(value)
                if error:
                    raise ValidationError(_("%s: %s is not a DN: %s") % (config.name, label, error))
            if not core_adapter.removal_days_valid(config) or config.timeout <= 0:
                raise ValidationError(_("%s: the removal delay cannot be negative and the "
                                        "timeout must be positive.") % config.name)

    # ------------------------------------------------------------------ ORM
    @api.model
    def create(self, values):
        config = super().create(values)
        config._update_login_server()
        return config

    @api.multi
    def write(self, values):
        result = super().write(values)
        if set(values) & {"uri", "tls_mode", "base_dn", "login_enabled", "active",
                          "company_id", "name"}:
            self._update_login_server()
        return result

    @api.multi
    def unlink(self):
        # sudo: the login server record follows its configuration (res.company.ldap is
        # for system administrators; the directory manager deleting the configuration
        # removes the login through it)
        servers = self.sudo().mapped("ldap_id")
        result = super().unlink()
        servers.unlink()
        return result

    def _update_login_server(self):
        """Keep auth_ldap's login server in step with the configuration."""
        for config in self:
            # sudo: res.company.ldap is for system administrators; the directory manager
            # maintains the one login server of their own configuration only
            server = config.sudo().ldap_id
            if not (config.login_enabled and config.active):
                if server:
                    config.sudo().ldap_id = False
                    server.unlink()
                continue
            values = config._login_server_values()
            if server:
                server.write(values)
            else:
                config.sudo().ldap_id = server.create(values)

    def _login_server_values(self):
        """auth_ldap's settings: the host and port for its form, the people's subtree,
        the core's filter of who may log in (employees); bind DN and password are read
        from this configuration at login (models/res_company_ldap.py), never copied."""
        layout = core_adapter.layout_of(self)
        host, _sep, port = self.uri.split("://", 1)[1].strip("/").partition(":")
        default_port = 636 if self.tls_mode == "ldaps" else 389
        return {"company": self.company_id.id, "ldap_server": host or "127.0.0.1",
                "ldap_server_port": int(port) if port.isdigit() else default_port,
                "ldap_base": layout.people_dn, "ldap_tls": self.tls_mode == "starttls",
                "ldap_filter": layout.login_filter(),
                "create_user": False, "ldap_binddn": False, "ldap_password": False}

    # ------------------------------------------------------------------ rights
    def _check_manager(self):
        """The sync and the dry run are the directory managers' (every public method is
        an RPC endpoint), on configurations their record rules give them."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(_("Only directory managers may run the directory sync."))
        self.check_access_rights("write")
        self.check_access_rule("write")

    # ------------------------------------------------------------------ actions
    @api.multi
    def action_sync(self):
        """Sync now: compute the plan and apply it, one run log per configuration."""
        self._check_manager()
        runs = self.env["enercoop.directory.run"]
        for config in self:
            runs |= config._run("manual")
        return runs._action_open()

    @api.multi
    def action_dry_run(self):
        """Open the dry-run wizard on this configuration."""
        self._check_manager()
        self.ensure_one()
        wizard = self.env["enercoop.directory.plan.wizard"].create({"config_id": self.id})
        wizard.action_compute()
        return wizard._action_reopen()

    @api.multi
    def action_view_runs(self):
        """The log of this configuration's runs."""
        self.ensure_one()
        self.check_access_rights("read")
        self.check_access_rule("read")
        action = self.env.ref("enercoop_directory.action_directory_run").read()[0]
        action["domain"] = [("config_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------ the sync
    def _connect(self):
        # sudo: the bind secret is read by the sync only, never shown (field groups=MANAGER)
        return core_adapter.open_connection(self, self.sudo().bind_password or "")

    def _plan(self, conn):
        """The core's plan for this company's contacts, with the removals of the
        company's policy (decided by the core). Raises the core's errors (bad record,
        unreachable server)."""
        from enercoop_core.directory.sync import plan_sync
        records = self._directory_records()
        refused = core_adapter.refused_records(records)
        if refused:
            raise DirectoryInputError("\n".join(message for _record, message in refused))
        return plan_sync(conn, records, core_adapter.layout_of(self),
                         removal=core_adapter.removal_of(self))

    def _run(self, trigger, apply=True):
        """One run: plan, apply (unless a dry run), log. Returns the run log record; a
        failure is logged, never raised (a cron must go on with the next company)."""
        self.ensure_one()
        from enercoop_core.directory.sync import apply_plan
        # sudo: the run log is written by the sync (readers have no write right on it)
        Run = self.env["enercoop.directory.run"].sudo()
        run = Run.create({"config_id": self.id, "trigger": trigger if apply else "dry_run",
                          "user_id": self.env.uid, "state": "running"})
        values = {"state": "done"}
        try:
            conn = self._connect()
            try:
                plan = self._plan(conn)
                result = apply_plan(conn, plan) if apply else None
            finally:
                conn.unbind_s()
            values.update(core_adapter.run_values(plan, result))
            if result is not None and result.errors:
                values["state"] = "partial"
        except EnercoopError as exc:
            _logger.warning("directory sync of %s failed: %s", self.name, exc)
            values.update(state="failed", error_count=1, error_text=str(exc))
        values["date_end"] = fields.Datetime.now()
        run.write(values)
        return run.sudo(self.env.uid)  # back to the caller's rights for what it returns

    # ------------------------------------------------------------------ the records
    def _directory_records(self):
        """The core's partner dicts of this company: its internal users (employees), the
        members of its register (with their college), and its contacts holding a role,
        the people of an organisation taking the organisation's roles. Organisations
        themselves have no entry (nobody logs in as one)."""
        self.ensure_one()
        company = self.company_id
        # sudo: the sync reads every contact of the company whatever the caller's rights
        # (the manager group is checked by the public methods; crons run as root)
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        employees = self.env["res.users"].sudo().with_context(active_test=True).search([
            ("share", "=", False), ("company_id", "=", company.id)]).mapped("partner_id")
        memberships = self.env["enercoop.membership"].sudo().search(
            [("company_id", "=", company.id)])
        role_domain = ["|", "|", "|", "|", ("role_consumer", "=", True),
                       ("role_producer", "=", True), ("role_partner", "=", True),
                       ("role_member", "=", True), ("role_employee", "=", True)]
        holders = Partner.search([("company_id", "=", company.id)] + role_domain)
        organisations = holders.filtered("is_company")
        contacts = Partner.search([("parent_id", "in", organisations.ids),
                                   ("is_company", "=", False), ("type", "=", "contact")])
        people = (employees | memberships.mapped("partner_id") | holders | contacts) \
            .filtered(lambda p: not p.is_company)
        people = people.with_context(force_company=company.id)
        registered = set(memberships.mapped("partner_id").ids)
        return [core_adapter.partner_dict(
            partner, self._roles_of(partner, employees, registered), company,
            member_number=partner.member_number if partner.member_active else None,
            college=partner.member_college_id.name if partner.member_active else None)
            for partner in people.sorted("id")]

    @staticmethod
    def _roles_of(partner, employees, registered):
        """The core's roles of a person (``person_roles``) from its flags, its
        organisation's, its internal user and the register."""
        return core_adapter.roles_of(
            partner, employee=partner in employees,
            member=bool(partner.member_active) if partner.id in registered else None)

    # ------------------------------------------------------------------ crons, push
    @api.model
    def _mark_dirty(self, companies=None):
        """Flag the configurations of ``companies`` (all when None): the push cron
        syncs them. One SQL update, so that a contact's save never waits for LDAP nor
        locks more than the flag."""
        query = "UPDATE enercoop_directory_config SET dirty = true " \
                "WHERE active AND auto_sync AND NOT dirty"
        params = ()
        if companies is not None:
            if not companies:
                return
            query += " AND company_id IN %s"
            params = (tuple(companies.ids),)
        self.env.cr.execute(query, params)
        self.invalidate_cache(["dirty"])

    @api.model
    def _cron_push(self):
        """Every few minutes: sync the configurations flagged by a change."""
        for config in self.search([("dirty", "=", True), ("auto_sync", "=", True)]):
            config._cron_run("push")

    @api.model
    def _cron_full_sync(self):
        """Every night: a full sync of every configuration (hand edits in LDAP undone)."""
        for config in self.search([("auto_sync", "=", True)]):
            config._cron_run("scheduled")

    def _cron_run(self, trigger):
        """Clear the flag and commit at once (a change made during the run flags it
        again, and a contact's save never waits on this row while LDAP is synced), then
        run and commit the run's log; a test's transaction is never committed."""
        testing = getattr(threading.current_thread(), "testing", False)
        self.dirty = False
        if not testing:
            self.env.cr.commit()
        self._run(trigger)
        if not testing:
            self.env.cr.commit()


class DirectoryInputError(EnercoopError):
    """Contacts the core refuses (each message names the record and the field)."""
