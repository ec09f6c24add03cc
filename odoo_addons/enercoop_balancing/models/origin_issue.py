# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from odoo.addons.enercoop_energy.models.production_installation import TECHNOLOGIES


class OriginIssue(models.Model):
    """Guarantees of origin issued to a producer for a month: issued = produced (MWh)."""

    _name = "enercoop.origin.issue"
    _inherit = ["enercoop.bulk.insert.mixin"]
    _description = "Guarantees of origin issued"
    _order = "period desc, producer_point_id"
    _rec_name = "period"

    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 readonly=True)
    run_id = fields.Many2one("enercoop.balance.run", string="Balance", readonly=True,
                             ondelete="set null", help="The run that recorded it.")
    period = fields.Char(string="Month", required=True, index=True, readonly=True)
    producer_point_id = fields.Many2one("enercoop.delivery.point", string="Injection point",
                                        required=True, index=True, readonly=True,
                                        ondelete="restrict")
    installation_id = fields.Many2one("enercoop.production.installation",
                                      string="Installation", index=True, readonly=True,
                                      ondelete="restrict")
    producer_id = fields.Many2one("res.partner", string="Producer", index=True,
                                  readonly=True)
    technology = fields.Selection(TECHNOLOGIES, string="Technology", readonly=True)
    issued_kwh = fields.Float(string="Issued (kWh)", digits=(16, 3), readonly=True,
                              help="Energy produced over the month, whole Wh.")
    go_mwh = fields.Float(string="Guarantees (MWh)", digits=(16, 6), readonly=True)

    _sql_constraints = [
        ("period_point_uniq", "unique(company_id, period, producer_point_id)",
         "Guarantees of origin are issued once per producer and month."),
    ]
