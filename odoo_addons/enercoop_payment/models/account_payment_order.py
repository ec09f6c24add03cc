# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AccountPaymentOrder(models.Model):
    _inherit = "account.payment.order"

    enercoop_instalment_ids = fields.One2many(
        "enercoop.payment.instalment", "payment_order_id", string="Instalments",
        readonly=True)

    @api.multi
    def generated2uploaded(self):
        """The file was sent to the bank: the instalments it carries are collected (the
        order's journal entry pays their invoices)."""
        result = super().generated2uploaded()
        self.mapped("enercoop_instalment_ids")._mark_collected()
        return result
