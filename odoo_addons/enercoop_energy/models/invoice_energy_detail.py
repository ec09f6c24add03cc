# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
