# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

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
