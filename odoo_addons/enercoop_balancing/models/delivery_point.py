# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DeliveryPoint(models.Model):
    _inherit = "enercoop.delivery.point"

    balancing_sub_profile = fields.Char(
        string="Load profile",
        help="Enedis sub-profile (e.g. RES1_BASE) shaping this point's indexes in the "
             "half-hourly balance when it has no load curve.")
