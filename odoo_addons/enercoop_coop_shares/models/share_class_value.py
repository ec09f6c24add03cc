# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EnercoopShareClassValue(models.Model):
    """Nominal value of one share of a class on [valid_from, valid_to)."""

    _name = "enercoop.share.class.value"
    _description = "Nominal value of a share class"
    _order = "share_class_id, valid_from"
    _rec_name = "valid_from"

    share_class_id = fields.Many2one("enercoop.share.class", required=True,
                                     ondelete="cascade")
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(help="Exclusive; empty means open-ended.")
    value = fields.Monetary(required=True)
    source = fields.Char(help="Statutes article or assembly resolution that set it.")
    company_id = fields.Many2one(related="share_class_id.company_id", store=True,
                                 readonly=True)
    currency_id = fields.Many2one(related="share_class_id.company_id.currency_id",
                                  readonly=True)
