# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import api, fields, models

from enercoop_core import flows

from .delivery_point import check_same_company
from .flow_record_mixin import amount, local_day


class NetworkInvoiceLine(models.Model):
    """A detail line of Enedis's network invoice (F15 or F12), kept with its flow record."""

    _name = "enercoop.network.invoice.line"
    _inherit = ["enercoop.flow.record.mixin"]
    _description = "Network invoice line (F15/F12)"
    _order = "invoice_date desc, invoice_number, id"
    _rec_name = "label"

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

    @api.model
    def _prepare_from_flow_record(self, record, flow_file, points):
        """The row of one ``network_invoice_line`` record (see the mixin), with the record
        itself (JSON); a line of a PRM not recorded is kept in the file's company."""
        point = points.get(record.get("prm"))
        return [{
            "key": record["key"], "flow": record.get("flow"),
            "invoice_number": record.get("invoice_number"),
            "invoice_date": local_day(record.get("invoice_date")),
            "valuation_id": record.get("valuation_id"),
            "billing_type": record.get("billing_type"), "prm": record.get("prm"),
            "delivery_point_id": point.id if point else False,
            "company_id": point.company_id.id if point else flow_file.company_id.id,
            "item_id": record.get("item_id"), "label": record.get("label"),
            "nature_code": record.get("nature_code"), "category": record.get("category"),
            "date_start": local_day(record.get("start")),
            "date_end": local_day(record.get("end")),
            "quantity": amount(record, "quantity"), "unit": record.get("unit"),
            "unit_price": amount(record, "unit_price"), "amount": amount(record, "amount"),
            "vat_rate": record.get("vat_rate"), "fta": record.get("fta"),
            "record_json": json.dumps(flows.as_dict(record), sort_keys=True, default=str),
            "flow_file_id": flow_file.id}], None, []
