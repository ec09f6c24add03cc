# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from odoo.addons.enercoop_energy.models.production_installation import TECHNOLOGIES

METHODS = [("monthly", "Monthly (registry)"), ("hourly", "Half-hourly matched")]


class OriginAllocation(models.Model):
    """Guarantees of origin of a producer allocated to the portfolio's supply of a month,
    as the registry counts them (``monthly``) or matched half-hour by half-hour
    (``hourly``); each member's share of the ``hourly`` ones is on their statement.

    The ledger is written once: a unique key per company, month, method and producer, so
    that running a balance again never allocates the same energy twice."""

    _name = "enercoop.origin.allocation"
    _inherit = ["enercoop.bulk.insert.mixin"]
    _description = "Guarantees of origin allocated"
    _order = "period desc, method, producer_point_id"
    _rec_name = "period"

    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 readonly=True)
    run_id = fields.Many2one("enercoop.balance.run", string="Balance", readonly=True,
                             ondelete="set null", help="The run that recorded it.")
    period = fields.Char(string="Month", required=True, index=True, readonly=True)
    method = fields.Selection(METHODS, string="Method", required=True, readonly=True)
    producer_point_id = fields.Many2one("enercoop.delivery.point", string="Injection point",
                                        required=True, index=True, readonly=True,
                                        ondelete="restrict")
    installation_id = fields.Many2one("enercoop.production.installation",
                                      string="Installation", index=True, readonly=True,
                                      ondelete="restrict")
    producer_id = fields.Many2one("res.partner", string="Producer", readonly=True)
    technology = fields.Selection(TECHNOLOGIES, string="Technology", readonly=True)
    allocated_kwh = fields.Float(string="Allocated (kWh)", digits=(16, 3), readonly=True,
                                 help="Against the supply of all the company's members, "
                                      "whole Wh.")
    go_mwh = fields.Float(string="Guarantees (MWh)", digits=(16, 6), readonly=True)

    _sql_constraints = [
        ("allocation_uniq",
         "unique(company_id, period, method, producer_point_id)",
         "These guarantees of origin are already allocated."),
    ]
