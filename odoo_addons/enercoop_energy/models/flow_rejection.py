# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FlowRejection(models.Model):
    _name = "enercoop.flow.rejection"
    _description = "Rejected flow record"
    _order = "flow_file_id desc, id"
    _rec_name = "reason"

    flow_file_id = fields.Many2one("enercoop.flow.file", string="Flow file", required=True,
                                   index=True, ondelete="cascade", readonly=True)
    member = fields.Char(string="Archive member", readonly=True)
    record = fields.Char(string="Record", readonly=True,
                         help="PRM or record identity, when known.")
    path = fields.Char(string="Path", readonly=True, help="Element path or line.")
    reason = fields.Text(string="Reason", required=True, readonly=True)
    company_id = fields.Many2one(related="flow_file_id.company_id", store=True,
                                 string="Company", readonly=True, index=True)
