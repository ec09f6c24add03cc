# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .delivery_point import check_partner_readable, check_same_company

TECHNOLOGIES = [("hydro", "Hydro"), ("solar", "Solar"), ("wind", "Wind"),
                ("biomass", "Biomass")]


class ProductionInstallation(models.Model):
    """A producer's plant, injecting at one delivery point."""

    _name = "enercoop.production.installation"
    _description = "Production installation"
    _inherit = ["mail.thread"]
    _order = "name"
    _rec_name = "name"

    name = fields.Char(string="Name", required=True, track_visibility="onchange")
    partner_id = fields.Many2one("res.partner", string="Producer", required=True, index=True,
                                 track_visibility="onchange")
    technology = fields.Selection(TECHNOLOGIES, string="Technology", required=True,
                                  track_visibility="onchange")
    capacity_kw = fields.Float(string="Capacity (kW)", digits=(16, 1),
                               track_visibility="onchange")
    delivery_point_id = fields.Many2one(
        "enercoop.delivery.point", string="Injection point", required=True, index=True,
        ondelete="restrict", domain=[("direction", "=", "injection")])
    prm = fields.Char(related="delivery_point_id.prm", string="PRM", readonly=True, store=True)
    commissioning_date = fields.Date(string="Commissioning date")
    purchase_contract_ids = fields.One2many("enercoop.purchase.contract", "installation_id",
                                           string="Purchase contracts")
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    active = fields.Boolean(default=True)

    @api.constrains("delivery_point_id", "company_id")
    def _check_delivery_point_company(self):
        check_same_company(self, "delivery_point_id")

    @api.constrains("partner_id")
    def _check_partner_readable(self):
        check_partner_readable(self)

    _sql_constraints = [
        ("capacity_positive", "CHECK (capacity_kw >= 0)", "The capacity cannot be negative."),
    ]

    @api.onchange("delivery_point_id")
    def _onchange_delivery_point(self):
        if self.delivery_point_id.partner_id and not self.partner_id:
            self.partner_id = self.delivery_point_id.partner_id
