# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .delivery_point import check_same_company


class LoadCurve(models.Model):
    """An R50 load-curve block of one PRM, summed by the core (Curve.energy_wh)."""

    _name = "enercoop.load.curve"
    _description = "Load curve (R50)"
    _order = "date_start desc, prm"
    _rec_name = "prm"

    key = fields.Char(required=True, index=True, readonly=True)
    prm = fields.Char(string="PRM", required=True, index=True, readonly=True)
    delivery_point_id = fields.Many2one("enercoop.delivery.point", string="Delivery point",
                                        index=True, ondelete="cascade", readonly=True)
    date_start = fields.Date(string="First day", readonly=True)
    date_end = fields.Date(string="Last day", readonly=True)
    step_minutes = fields.Integer(string="Step (min)", readonly=True)
    point_count = fields.Integer(string="Points", readonly=True)
    missing_count = fields.Integer(string="Missing points", readonly=True)
    energy_kwh = fields.Float(string="Energy (kWh)", digits=(16, 3), readonly=True,
                              help="Energy of the valid points (mean W x step).")
    direction = fields.Char(string="Direction", readonly=True)
    flow_file_id = fields.Many2one("enercoop.flow.file", string="Flow file", index=True,
                                   ondelete="set null", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)

    @api.constrains("delivery_point_id", "company_id")
    def _check_delivery_point_company(self):
        check_same_company(self, "delivery_point_id")

    _sql_constraints = [
        ("key_company_uniq", "unique(key, company_id)", "This curve is already recorded."),
    ]
