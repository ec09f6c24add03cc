# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

PARTS = [("general", "Invoice total"), ("recap", "Recap line"), ("taxes", "Tax line")]


class NetworkInvoiceTotal(models.Model):
    """A total of Enedis's network invoice: the invoice's totals (F15 and F12 general data),
    a recap line or a tax line (F12), kept with its flow record (``network_invoice_total``
    of the flows engine)."""

    _name = "enercoop.network.invoice.total"
    _description = "Network invoice total (F15/F12)"
    _order = "invoice_date desc, invoice_number, id"
    _rec_name = "invoice_number"

    key = fields.Char(required=True, index=True, readonly=True)
    flow = fields.Char(string="Flow", readonly=True)
    part = fields.Selection(PARTS, string="Part", readonly=True,
                            help="Invoice total (general data), recap line or tax line.")
    invoice_number = fields.Char(string="Invoice number", index=True, readonly=True)
    invoice_date = fields.Date(string="Invoice date", index=True, readonly=True)
    code = fields.Char(string="Code", readonly=True,
                       help="F12 Code_Recapitulatif or Type_Taxe.")
    label = fields.Char(string="Label", readonly=True)
    tariff = fields.Char(string="Tariff", readonly=True, help="F12 Tarif_Souscrit.")
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True,
                                  default=lambda self: self.env.ref("base.EUR"))
    amount = fields.Monetary(string="Amount excl. VAT", readonly=True)
    vat_rate = fields.Char(string="VAT rate", readonly=True)
    record_json = fields.Text(string="Flow record", readonly=True,
                              help="The record as the flows engine gave it (JSON).")
    flow_file_id = fields.Many2one("enercoop.flow.file", string="Flow file", index=True,
                                   ondelete="set null", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)

    _sql_constraints = [
        ("key_company_uniq", "unique(key, company_id)",
         "This network invoice total is already recorded."),
    ]
