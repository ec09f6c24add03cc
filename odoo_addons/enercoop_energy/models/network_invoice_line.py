# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import api, fields, models

from .delivery_point import check_same_company


class NetworkInvoiceLine(models.Model):
    """A detail line of Enedis's network invoice (F15 or F12), kept with its flow record."""

    _name = "enercoop.network.invoice.line"
    _description = "Network invoice line (F15/F12)"
    _order = "invoice_date desc, invoice_number, id"
    _rec_name = "label"

    key = fields.Char(required=True, index=True, readonly=True)
    flow = fields.Char(string="Flow", readonly=True)
    invoice_number = fields.Char(string="Invoice number", index=True, readonly=True)
    invoice_date = fields.Date(string="Invoice date", index=True, readonly=True)
    valuation_id = fields.Char(string="Valuation", readonly=True)
    billing_type = fields.Char(string="Billing type", readonly=True)
    prm = fields.Char(string="PRM", index=True, readonly=True)
    delivery_point_id = fields.Many2one("enercoop.delivery.point", string="Delivery point",
                                        index=True, ondelete="set null", readonly=True)
    item_id = fields.Char(string="Item", readonly=True)
    label = fields.Char(string="Label", readonly=True)
    nature_code = fields.Char(string="Nature code", readonly=True)
    category = fields.Char(string="Category", readonly=True)
    date_start = fields.Date(string="From", readonly=True)
    date_end = fields.Date(string="To", readonly=True)
    quantity = fields.Float(string="Quantity", digits=(16, 6), readonly=True)
    unit = fields.Char(string="Unit", readonly=True)
    unit_price = fields.Float(string="Unit price", digits=(16, 6), readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True,
                                  default=lambda self: self.env.ref("base.EUR"))
    amount = fields.Monetary(string="Amount excl. VAT", readonly=True)
    vat_rate = fields.Char(string="VAT rate", readonly=True)
    fta = fields.Char(string="FTA", readonly=True)
    record_json = fields.Text(string="Flow record", readonly=True,
                              help="The record as the flows engine gave it (JSON).")
    flow_file_id = fields.Many2one("enercoop.flow.file", string="Flow file", index=True,
                                   ondelete="set null", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)

    @api.constrains("delivery_point_id", "company_id")
    def _check_delivery_point_company(self):
        check_same_company(self, "delivery_point_id")

    _sql_constraints = [
        ("key_company_uniq", "unique(key, company_id)",
         "This network invoice line is already recorded."),
    ]

    @api.multi
    def _to_core_records(self):
        """The ``network_invoice_line`` records for ``billing.network_check``."""
        return [json.loads(line.record_json) for line in self if line.record_json]
