# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import api, fields, models

from enercoop_core import flows

from .flow_record_mixin import amount, local_day

PARTS = [("general", "Invoice total"), ("recap", "Recap line"), ("taxes", "Tax line")]


class NetworkInvoiceTotal(models.Model):
    """A total of Enedis's network invoice: the invoice's totals (F15 and F12 general data),
    a recap line or a tax line (F12), kept with its flow record (``network_invoice_total``
    of the flows engine)."""

    _name = "enercoop.network.invoice.total"
    _inherit = ["enercoop.flow.record.mixin"]
    _description = "Network invoice total (F15/F12)"
    _order = "invoice_date desc, invoice_number, id"
    _rec_name = "invoice_number"

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

    _sql_constraints = [
        ("key_company_uniq", "unique(key, company_id)",
         "This network invoice total is already recorded."),
    ]

    @api.model
    def _prepare_from_flow_record(self, record, flow_file, points):
        """The row of one ``network_invoice_total`` record (see the mixin): an F15/F12
        invoice total, recap or tax line (no PRM: the file's company)."""
        part = record.get("part")
        return [{
            "key": record["key"], "flow": record.get("flow"),
            "part": part if part in dict(PARTS) else False,
            "invoice_number": record.get("invoice_number"),
            "invoice_date": local_day(record.get("invoice_date")),
            "code": record.get("code"), "label": record.get("label"),
            "tariff": record.get("tariff"), "amount": amount(record, "amount"),
            "vat_rate": record.get("vat_rate"),
            "record_json": json.dumps(flows.as_dict(record), sort_keys=True, default=str),
            "company_id": flow_file.company_id.id, "flow_file_id": flow_file.id}], None, []
