# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The log of every directory run: what the core's plan held, what was applied, what
failed. Written by the sync only (``enercoop.directory.config._run``)."""
from odoo import api, fields, models


class EnercoopDirectoryRun(models.Model):
    _name = "enercoop.directory.run"
    _description = "Directory sync run"
    _order = "date_start desc, id desc"
    _rec_name = "name"

    name = fields.Char(compute="_compute_name")
    config_id = fields.Many2one("enercoop.directory.config", string="Directory",
                                required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True, store=True,
                                 related="config_id.company_id")
    trigger = fields.Selection([("manual", "Sync now"), ("push", "Push of changes"),
                                ("scheduled", "Scheduled full sync"), ("dry_run", "Dry run")],
                               required=True, readonly=True)
    state = fields.Selection([("running", "Running"), ("done", "Done"),
                              ("partial", "Done with errors"), ("failed", "Failed")],
                             required=True, readonly=True, default="running")
    user_id = fields.Many2one("res.users", string="Started by", readonly=True)
    date_start = fields.Datetime(string="Started", readonly=True, default=fields.Datetime.now)
    date_end = fields.Datetime(string="Ended", readonly=True)
    added_count = fields.Integer(string="Added", readonly=True)
    modified_count = fields.Integer(string="Modified", readonly=True)
    moved_count = fields.Integer(string="Moved", readonly=True,
                                 help="Renamed entries and people back from ou=former.")
    disabled_count = fields.Integer(string="Disabled", readonly=True,
                                    help="People who left, moved to ou=former.")
    removed_count = fields.Integer(string="Removed", readonly=True,
                                   help="Entries deleted: groups without members, people "
                                        "removed by the removal policy.")
    conflict_count = fields.Integer(string="Conflicts", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    plan_text = fields.Text(string="Plan", readonly=True)
    conflict_text = fields.Text(string="Conflict details", readonly=True)
    error_text = fields.Text(string="Error details", readonly=True)

    @api.depends("config_id.name", "date_start")
    def _compute_name(self):
        for run in self:
            run.name = "%s %s" % (run.config_id.name or "", run.date_start or "")

    def _action_open(self):
        """The window action showing these runs (one: its form)."""
        action = self.env.ref("enercoop_directory.action_directory_run").read()[0]
        if len(self) == 1:
            action.update(res_id=self.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", self.ids)]
        return action
