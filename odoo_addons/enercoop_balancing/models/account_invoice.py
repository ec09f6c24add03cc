# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    def _energy_origin_statements(self):
        """The origin statements of this bill's delivery point for the months of its
        period (empty when no balance run covers them), in the reader's language."""
        self.ensure_one()
        if not (self.delivery_point_id and self.energy_period_start):
            return self.env["enercoop.origin.statement"]
        self.check_access_rule("read")
        months = {self.energy_period_start[:7], (self.energy_period_end or
                                                 self.energy_period_start)[:7]}
        # sudo: whoever may read this bill may read the renewable statement printed on it
        # (its own delivery point, its own months); accountants have no energy rights
        return self.env["enercoop.origin.statement"].sudo().search([
            ("delivery_point_id", "=", self.delivery_point_id.id),
            ("period", "in", sorted(months))], order="period")
