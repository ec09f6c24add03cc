# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class InvoiceEnergyDetail(models.Model):
    """Indexes and consumption of one time class on an energy invoice (shown on the PDF)."""

    _name = "enercoop.invoice.energy.detail"
    _description = "Energy detail of an invoice"
    _order = "invoice_id, sequence, time_class"
    _rec_name = "time_class"

    invoice_id = fields.Many2one("account.invoice", string="Invoice", required=True,
                                 ondelete="cascade", index=True)
    company_id = fields.Many2one(related="invoice_id.company_id", store=True, readonly=True)
    sequence = fields.Integer(default=10)
    time_class = fields.Char(string="Time class", required=True)
    start_index_kwh = fields.Float(string="Start index (kWh)", digits=(16, 3))
    end_index_kwh = fields.Float(string="End index (kWh)", digits=(16, 3))
    consumption_kwh = fields.Float(string="Energy (kWh)", digits=(16, 3))
    estimated = fields.Boolean(string="Estimated")

    @api.multi
    def _check_invoice_draft(self):
        """What an issued invoice shows is frozen: its energy detail changes only while
        the invoice is a draft, for everyone (the superuser included)."""
        issued = self.mapped("invoice_id").filtered(lambda inv: inv.state != "draft")
        if issued:
            raise UserError(_("Invoice %s is validated: its energy detail can no longer "
                              "change (cancel the invoice, or issue a credit note).")
                            % ", ".join(issued.mapped(lambda inv: inv.number or inv.name or
                                                      str(inv.id))))

    @api.model
    def create(self, values):
        detail = super().create(values)
        detail._check_invoice_draft()
        return detail

    @api.multi
    def write(self, values):
        self._check_invoice_draft()
        result = super().write(values)
        if "invoice_id" in values:
            self._check_invoice_draft()
        return result

    @api.multi
    def unlink(self):
        self._check_invoice_draft()
        return super().unlink()
