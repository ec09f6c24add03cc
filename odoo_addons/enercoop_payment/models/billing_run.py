# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from .. import core_adapter as adapter


class BillingRun(models.Model):
    _inherit = "enercoop.billing.run"

    @api.multi
    def _contracts_to_bill(self):
        """Not the contracts paying by a running schedule over the month: the schedule's
        yearly true-up bills them."""
        contracts = super()._contracts_to_bill()
        start, end = adapter.energy.period_bounds(self.period)
        schedules = self.env["enercoop.payment.schedule"].search([
            ("contract_id", "in", contracts.ids), ("state", "=", "active"),
            ("date_start", "<", adapter.to_odoo_date(end)),
            ("date_end", ">", adapter.to_odoo_date(start))])
        return contracts - schedules.mapped("contract_id")
