# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A new member number flags the company's directory (the member's entry shows it)."""
from odoo import api, models


class EnercoopMembership(models.Model):
    _inherit = "enercoop.membership"

    @api.model
    def create(self, values):
        membership = super().create(values)
        self.env["enercoop.directory.config"]._mark_dirty(membership.company_id)
        return membership
