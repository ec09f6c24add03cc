# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# The roles a contact can hold towards the cooperative, in display order. Each is a
# boolean field of res.partner; the Contacts search view has one filter per role named
# "filter_<field>", and the role actions open Contacts with that filter on.
ROLE_FIELDS = (
    "role_consumer",
    "role_producer",
    "role_partner",
    "role_member",
    "role_employee",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    role_consumer = fields.Boolean(
        string="Consumer", index=True, track_visibility="onchange",
        help="Supplied with electricity by the cooperative.")
    role_producer = fields.Boolean(
        string="Producer", index=True, track_visibility="onchange",
        help="Sells the electricity of a renewable power plant to the cooperative.")
    role_partner = fields.Boolean(
        string="Partner", index=True, track_visibility="onchange",
        help="Organisation working with the cooperative: local authority, association, "
             "another cooperative of the network.")
    role_member = fields.Boolean(
        string="Member", index=True, track_visibility="onchange",
        help="Holds shares of the cooperative and votes in its general assembly.")
    role_employee = fields.Boolean(
        string="Employee", index=True, track_visibility="onchange",
        help="Works for the cooperative.")

    @api.model
    def _enercoop_company_lang(self, company_id=None):
        """The language of the company's own contact (French company -> fr_FR): a new
        contact's bills and letters speak the cooperative's language, not the language of
        the user who typed the contact in."""
        company = (self.env["res.company"].browse(company_id) if company_id
                   else self.env["res.company"]._company_default_get("res.partner"))
        # sudo: the company's own contact is read for its language only
        return company.sudo().partner_id.lang or self.env.lang

    @api.model
    def default_get(self, fields_list):
        # the company's language wins over the database-wide default (an ir.default of
        # en_US set when the database was created); a default_lang of the context stays
        values = super().default_get(fields_list)
        if "lang" in fields_list and not self.env.context.get("default_lang"):
            values["lang"] = self._enercoop_company_lang() or values.get("lang")
        return values

    @api.model
    def create(self, values):
        if "lang" not in values and values.get("company_id"):
            values = dict(values, lang=self._enercoop_company_lang(values["company_id"]))
        return super().create(values)
