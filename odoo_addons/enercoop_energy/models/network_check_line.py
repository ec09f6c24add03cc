# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class NetworkCheckLine(models.Model):
    """One PRM and TURPE component: what the operator billed and what the core expects."""

    _name = "enercoop.network.check.line"
    _description = "Network invoice check result"
    _order = "check_id, prm, component"
    _rec_name = "component"

    check_id = fields.Many2one("enercoop.network.check", string="Check", required=True,
                               ondelete="cascade", index=True)
    company_id = fields.Many2one(related="check_id.company_id", store=True, readonly=True)
    prm = fields.Char(string="PRM", index=True)
    delivery_point_id = fields.Many2one("enercoop.delivery.point", string="Delivery point")
    component = fields.Char(string="Component",
                            help="cg (management), cc (metering), b (fixed withdrawal), "
                                 "c_<class> (energy of a time class).")
    billed = fields.Float(string="Billed (EUR)", digits=(16, 2))
    expected = fields.Float(string="Expected (EUR)", digits=(16, 2))
    difference = fields.Float(string="Difference (EUR)", digits=(16, 2))
    line_count = fields.Integer(string="Lines")
    status = fields.Selection([("ok", "OK"), ("difference", "Difference"),
                               ("unchecked", "Unchecked")], string="Status", index=True)
    note = fields.Char(string="Note")
