# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Move a member to another college, entered from the member's form.

The change is one register entry (``college_change``) which the core checks: a current
member, a college of the statutes other than the current one, dated after the previous
change, and a college allowed to hold every class the member holds. The history of
colleges is derived from the ledger and shown on the member's form."""
from odoo import api, fields, models


class EnercoopCollegeChangeWizard(models.TransientModel):
    _name = "enercoop.college.change.wizard"
    _description = "Change of college of a member"

    partner_id = fields.Many2one("res.partner", string="Member", required=True,
                                 domain=[("member_number", "!=", 0)])
    current_college_id = fields.Many2one(related="partner_id.member_college_id",
                                         string="Current college", readonly=True)
    college_id = fields.Many2one("enercoop.college", string="New college", required=True,
                                 domain="[('company_id', '=', company_id)]")
    date = fields.Date(required=True, default=fields.Date.context_today,
                       help="First day in the new college.")
    ref = fields.Char(string="Reference", help="Board decision or member's letter.")
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.user.company_id)

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        self.env["enercoop.share.entry"].create({
            "date": self.date, "operation_type": "college_change",
            "partner_id": self.partner_id.id, "college_id": self.college_id.id,
            "ref": self.ref or False, "company_id": self.company_id.id})
        return {"type": "ir.actions.act_window", "res_model": "res.partner",
                "res_id": self.partner_id.id, "view_mode": "form", "target": "current"}
