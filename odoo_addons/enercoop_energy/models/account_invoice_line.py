# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AccountInvoiceLine(models.Model):
    """An invoice line written from one core bill line, keeping its explanation."""

    _inherit = "account.invoice.line"

    energy_code = fields.Char(string="Component", readonly=True,
                              help="Core bill line code: energy_HP, turpe_b, cta, accise ...")
    energy_kind = fields.Char(string="Kind", readonly=True)
    energy_time_class = fields.Char(string="Time class", readonly=True)
    energy_unit = fields.Char(string="Unit", readonly=True, help="day, kWh or EUR (CTA base).")
    energy_period_start = fields.Date(string="From", readonly=True)
    energy_period_end = fields.Date(string="To", readonly=True)
    energy_rate_ref = fields.Char(string="Rate", readonly=True,
                                  help="Rate table and row used (table:line).")
    energy_rate_source = fields.Char(string="Rate source", readonly=True)
    energy_estimated = fields.Boolean(string="Estimated", readonly=True)
    energy_true_up = fields.Boolean(string="True-up", readonly=True)
    energy_unit_price = fields.Float(
        string="Core unit price", digits=(16, 8), readonly=True,
        help="The core's unit price (EUR per unit: a daily share of a monthly or yearly "
             "price, a kWh price, the CTA rate), as the core computed it; the customer's "
             "bill shows it in c€/kWh or €/month.")
    energy_amount = fields.Float(string="Core amount", digits=(16, 2), readonly=True,
                                 help="Amount of the core's bill line, rounded once.")

    @api.multi
    def write(self, values):
        """The core's figures of a line of an issued invoice never change (see
        ``account.invoice.write``)."""
        frozen = [name for name in values if name.startswith("energy_")]
        if frozen and self.filtered(lambda l: l.invoice_id.state not in (False, "draft")):
            raise UserError(_("A validated invoice's energy lines can no longer change "
                              "(%s).") % ", ".join(sorted(frozen)))
        return super().write(values)

    @api.one
    @api.depends('price_unit', 'discount', 'invoice_line_tax_ids', 'quantity',
                 'product_id', 'invoice_id.partner_id', 'invoice_id.currency_id',
                 'invoice_id.company_id', 'invoice_id.date_invoice', 'invoice_id.date',
                 'energy_code', 'energy_amount')
    def _compute_price(self):
        super()._compute_price()
        if self.energy_code:
            # the core's amount (quantity x unit price rounded half-up once) is the subtotal
            sign = self.invoice_id.type in ("in_refund", "out_refund") and -1 or 1
            self.price_total += self.energy_amount - self.price_subtotal
            self.price_subtotal = self.energy_amount
            if self.invoice_id.currency_id == self.invoice_id.company_id.currency_id:
                self.price_subtotal_signed = self.energy_amount * sign
