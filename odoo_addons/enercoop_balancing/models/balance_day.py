# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools


class BalanceDay(models.Model):
    """The half-hours of a balance added up per Paris day (a database view)."""

    _name = "enercoop.balance.day"
    _description = "Day of an energy balance"
    _auto = False
    _order = "date"
    _rec_name = "date"

    run_id = fields.Many2one("enercoop.balance.run", string="Balance", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    date = fields.Date(string="Day", readonly=True)
    consumption_kwh = fields.Float(string="Supply (kWh)", digits=(16, 3), readonly=True)
    production_kwh = fields.Float(string="Production (kWh)", digits=(16, 3), readonly=True)
    imbalance_kwh = fields.Float(string="Imbalance (kWh)", digits=(16, 3), readonly=True)
    deficit_kwh = fields.Float(string="Deficit (kWh)", digits=(16, 3), readonly=True,
                               help="Sum of the half-hours' shortfalls of production.")
    forecast_kwh = fields.Float(string="Day-ahead forecast (kWh)", digits=(16, 3),
                                readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW enercoop_balance_day AS (
                SELECT min(id) AS id, run_id, company_id, date,
                       sum(consumption_kwh) AS consumption_kwh,
                       sum(production_kwh) AS production_kwh,
                       sum(imbalance_kwh) AS imbalance_kwh,
                       sum(GREATEST(-imbalance_kwh, 0)) AS deficit_kwh,
                       sum(forecast_kwh) AS forecast_kwh
                FROM enercoop_balance_line
                GROUP BY run_id, company_id, date
            )""")
