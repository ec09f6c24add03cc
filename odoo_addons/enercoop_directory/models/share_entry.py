# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A register entry (admission, redemption, college change...) flags the company's
directory: membership and college groups come from the register."""
from odoo import api, models


class EnercoopShareEntry(models.Model):
    _inherit = "enercoop.share.entry"

    @api.model
    def create(self, values):
        entry = super().create(values)
        self.env["enercoop.directory.config"]._mark_dirty(entry.company_id)
        return entry

    @api.multi
    def write(self, values):
        result = super().write(values)
        self.env["enercoop.directory.config"]._mark_dirty(self.mapped("company_id"))
        return result

    @api.multi
    def unlink(self):
        companies = self.mapped("company_id")
        result = super().unlink()
        self.env["enercoop.directory.config"]._mark_dirty(companies)
        return result

