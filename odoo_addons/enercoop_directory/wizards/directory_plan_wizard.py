# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The dry run: the plan the next sync would apply, computed by the core against what the
directory holds now, shown without changing anything; "Apply" syncs."""
from odoo import _, api, fields, models


class EnercoopDirectoryPlanWizard(models.TransientModel):
    _name = "enercoop.directory.plan.wizard"
    _description = "Directory dry run"

    config_id = fields.Many2one("enercoop.directory.config", string="Directory",
                                required=True,
                                default=lambda self: self._default_config())
    run_id = fields.Many2one("enercoop.directory.run", string="Dry run", readonly=True)
    state = fields.Selection(related="run_id.state", readonly=True)
    added_count = fields.Integer(related="run_id.added_count", readonly=True)
    modified_count = fields.Integer(related="run_id.modified_count", readonly=True)
    moved_count = fields.Integer(related="run_id.moved_count", readonly=True)
    disabled_count = fields.Integer(related="run_id.disabled_count", readonly=True)
    removed_count = fields.Integer(related="run_id.removed_count", readonly=True)
    conflict_count = fields.Integer(related="run_id.conflict_count", readonly=True)
    plan_text = fields.Text(related="run_id.plan_text", readonly=True)
    error_text = fields.Text(related="run_id.error_text", readonly=True)

    @api.model
    def _default_config(self):
        return self.env["enercoop.directory.config"].search(
            [("company_id", "=", self.env.user.company_id.id)], limit=1)

    @api.multi
    def action_compute(self):
        """Compute the plan (a dry run, logged) and show it."""
        for wizard in self:
            wizard.config_id._check_manager()
            wizard.run_id = wizard.config_id._run("manual", apply=False)
        return self._action_reopen()

    @api.multi
    def action_apply(self):
        """Sync now, and open the run's log."""
        self.ensure_one()
        return self.config_id.action_sync()

    def _action_reopen(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "views": [(False, "form")], "target": "new",
                "name": _("Directory dry run")}
