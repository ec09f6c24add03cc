# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A change of a contact's directory fields flags its company's directory for the push
cron (models/directory_config.py): the save never waits for LDAP."""
from odoo import api, models

# the contact fields the directory entries are made from
DIRECTORY_FIELDS = frozenset([
    "name", "email", "active", "company_id", "parent_id", "is_company", "type",
    "role_consumer", "role_producer", "role_partner", "role_member", "role_employee",
])


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _directory_mark_dirty(self):
        """Flag the directories of these contacts' companies (all of them for a contact
        without company: it may be anyone's colleague)."""
        Config = self.env["enercoop.directory.config"]
        companies = self.mapped("company_id")
        Config._mark_dirty(None if not all(self.mapped("company_id")) else companies)

    @api.model
    def create(self, values):
        partner = super().create(values)
        if set(values) & DIRECTORY_FIELDS:
            partner._directory_mark_dirty()
        return partner

    @api.multi
    def write(self, values):
        if set(values) & DIRECTORY_FIELDS:
            self._directory_mark_dirty()  # the companies before a move
            result = super().write(values)
            self._directory_mark_dirty()  # and after
            return result
        return super().write(values)

    @api.multi
    def unlink(self):
        self._directory_mark_dirty()
        return super().unlink()
