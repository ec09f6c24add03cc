# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class BalanceLine(models.Model):
    """One half-hour of a balance run (energies in kWh over the half-hour)."""

    _name = "enercoop.balance.line"
    _inherit = ["enercoop.bulk.insert.mixin"]
    _description = "Half-hour of an energy balance"
    _order = "instant"
    _rec_name = "instant"

    run_id = fields.Many2one("enercoop.balance.run", string="Balance", required=True,
                             index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                readonly=True)
    instant = fields.Datetime(string="Half-hour ending", required=True, readonly=True)
    date = fields.Date(string="Day", required=True, index=True, readonly=True,
                       help="Paris civil day of the half-hour.")
    consumption_kwh = fields.Float(string="Supply (kWh)", digits=(16, 3), readonly=True)
    production_kwh = fields.Float(string="Production (kWh)", digits=(16, 3), readonly=True)
    imbalance_kwh = fields.Float(string="Imbalance (kWh)", digits=(16, 3), readonly=True,
                                 help="Production minus supply: > 0 surplus, < 0 deficit.")
    forecast_kwh = fields.Float(string="Day-ahead forecast (kWh)", digits=(16, 3),
                                readonly=True)
    forecast_error_kwh = fields.Float(string="Forecast error (kWh)", digits=(16, 3),
                                      readonly=True, help="Forecast minus supply.")
    has_forecast = fields.Boolean(string="Forecast available", readonly=True)
