# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A new, archived or moved internal user flags its company's directory (employees);
the LDAP password check of a login runs with the token of models/res_company_ldap.py."""
from odoo import api, models

from .res_company_ldap import LOGIN_CONTEXT, LOGIN_TOKEN

USER_FIELDS = frozenset(["active", "company_id", "partner_id", "groups_id", "share"])


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def create(self, values):
        user = super().create(values)
        self.env["enercoop.directory.config"]._mark_dirty(user.company_id)
        return user

    @api.multi
    def write(self, values):
        Config = self.env["enercoop.directory.config"]
        if set(values) & USER_FIELDS:
            Config._mark_dirty(self.mapped("company_id"))
        result = super().write(values)
        if set(values) & USER_FIELDS:
            Config._mark_dirty(self.mapped("company_id"))
        return result

    @api.model
    def check_credentials(self, password):
        # auth_ldap's LDAP check runs in this context: login servers of the directory
        # answer only then (models/res_company_ldap.py)
        return super(ResUsers, self.with_context(**{LOGIN_CONTEXT: LOGIN_TOKEN})) \
            .check_credentials(password)
