# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    share_request_ids = fields.One2many("enercoop.subscription.request", "invoice_id",
                                        string="Share subscription requests")

    @api.multi
    def action_invoice_paid(self):
        """When a capital-release invoice is paid, its shares are issued."""
        result = super().action_invoice_paid()
        # sudo: the accountant paying the invoice need not read the share requests
        requests = self.sudo().mapped("share_request_ids")
        requests._on_invoice_paid()
        return result
