# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    enercoop_schedule_id = fields.Many2one(
        "enercoop.payment.schedule", string="Settled schedule", readonly=True, copy=False,
        help="The payment schedule this true-up invoice settles.")
    enercoop_instalment_ids = fields.One2many(
        "enercoop.payment.instalment", "invoice_id", string="Instalment", readonly=True)
    enercoop_return_reason_id = fields.Many2one(
        "payment.return.reason", string="Last return reason", readonly=True, copy=False)
    enercoop_return_code = fields.Char(
        related="enercoop_return_reason_id.code", string="Return reason code",
        readonly=True)
    enercoop_payment_label = fields.Char(
        string="Payment", compute="_compute_payment_label",
        help="Payment mode and mandate reference, as printed on the bill.")

    @api.depends("energy_contract_id.enercoop_payment_mode",
                 "energy_contract_id.enercoop_mandate_id")
    def _compute_payment_label(self):
        for invoice in self:
            contract = invoice.energy_contract_id
            if not contract:
                invoice.enercoop_payment_label = False
                continue
            modes = dict(contract._fields["enercoop_payment_mode"]._description_selection(
                self.env))
            label = modes.get(contract.enercoop_payment_mode, "")
            mandate = contract.enercoop_mandate_id
            if contract.enercoop_payment_mode == "direct_debit" and mandate:
                label = "%s, %s" % (label, mandate.unique_mandate_reference)
            invoice.enercoop_payment_label = label
