# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Energy invoices: a core ``Bill`` (supply) or ``PurchaseInvoice`` (producer self-billing)
written as an ``account.invoice``, one invoice line per core bill line.

The core's figures win: each line's subtotal is the core's rounded amount and each tax line
the core's VAT per rate (the core rounds VAT once per rate; Odoo would round per line).
Taxes are the company's ``account.tax`` records whose percentage equals the core's
``vat_rate`` of the line (looked up, never written here).
"""
import datetime as dt
import json
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from enercoop_core.tariffs.vat import BASES as VAT_BASES
from enercoop_core.timeclasses import CLASS_NAMES

from ..core_adapter import to_date

# Product (XML id in this addon) of each core bill line: by code first, then by kind. One
# energy product per time class of the core's vocabulary (code ``energy_<class>``; the test
# test_products_follow_the_vocabulary checks data/product_data.xml against it), one product
# per VAT base (= line kind) of the core.
PRODUCT_BY_CODE = {"energy_%s" % name: "product_energy_%s" % name.lower()
                   for name in CLASS_NAMES}
PRODUCT_BY_KIND = dict({kind: "product_%s" % kind for kind in VAT_BASES},
                       energy="product_energy_base", purchase="product_purchase_energy")


def _kwh(wh):
    return float(Decimal(int(wh)) / 1000)


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    energy_contract_id = fields.Many2one(
        "enercoop.supply.contract", string="Supply contract", index=True, readonly=True,
        ondelete="restrict")
    purchase_contract_id = fields.Many2one(
        "enercoop.purchase.contract", string="Purchase contract", index=True, readonly=True,
        ondelete="restrict")
    delivery_point_id = fields.Many2one(
        "enercoop.delivery.point", string="Delivery point", index=True, readonly=True)
    energy_prm = fields.Char(related="delivery_point_id.prm", string="PRM", readonly=True,
                             store=True)
    billing_run_id = fields.Many2one("enercoop.billing.run", string="Billing run", index=True,
                                     readonly=True, ondelete="set null")
    energy_period_start = fields.Date(string="Period start", readonly=True)
    energy_period_end = fields.Date(string="Period end", readonly=True,
                                    help="Last day of the billed period.")
    energy_estimated = fields.Boolean(
        string="Estimated", readonly=True, index=True,
        help="Billed on an estimated index: a later bill on a real index trues it up.")
    energy_end_estimated = fields.Boolean(string="End index estimated", readonly=True)
    energy_true_up = fields.Boolean(
        string="True-up", readonly=True,
        help="Holds lines correcting earlier estimated bills for their own periods.")
    energy_consumption_json = fields.Text(string="Consumption (Wh per class)", readonly=True)
    energy_start_index_json = fields.Text(string="Start indexes (Wh)", readonly=True)
    energy_end_index_json = fields.Text(string="End indexes (Wh)", readonly=True)
    energy_vat_json = fields.Text(string="VAT per rate (core)", readonly=True)
    energy_mentions = fields.Text(string="Mentions", readonly=True)
    energy_detail_ids = fields.One2many("enercoop.invoice.energy.detail", "invoice_id",
                                        string="Energy detail", readonly=True)
    energy_line_ids = fields.One2many(
        "account.invoice.line", "invoice_id", string="Rates applied", readonly=True,
        domain=[("energy_code", "!=", False)],
        help="The core's lines with the rate row and official text each one used (for the "
             "staff; the customer's bill shows prices, not references).")

    # ------------------------------------------------------------------ frozen once issued
    @api.multi
    def write(self, values):
        """The energy figures of an issued (not draft) invoice never change, for anyone:
        the PDF of a validated invoice shows them."""
        frozen = [name for name in values if name.startswith("energy_")
                  or name == "delivery_point_id"]
        if frozen and self.filtered(lambda inv: inv.state != "draft"):
            raise UserError(_("A validated invoice's energy detail can no longer change "
                              "(%s).") % ", ".join(sorted(frozen)))
        return super().write(values)

    # ------------------------------------------------------------------ core figures win
    @api.multi
    def get_taxes_values(self):
        grouped = super().get_taxes_values()
        if not self.energy_vat_json:
            return grouped
        core = json.loads(self.energy_vat_json)
        Tax = self.env["account.tax"]
        for values in grouped.values():
            rate = Tax.browse(values["tax_id"]).amount
            for line in core:
                if abs(float(line["rate"]) - rate) < 1e-6:
                    values["amount"] = float(line["amount"])
                    values["base"] = float(line["base"])
        return grouped

    # ------------------------------------------------------------------ mapping helpers
    @api.model
    def _energy_tax(self, company, rate, use):
        """The company's ``account.tax`` of percentage ``rate`` (type ``sale``/``purchase``)."""
        cache = self.env.context.get("energy_tax_cache")
        key = (company.id, str(rate), use)
        if cache is not None and key in cache:
            return cache[key]
        tax = self.env["account.tax"].search([
            ("company_id", "=", company.id), ("type_tax_use", "=", use),
            ("amount_type", "=", "percent"), ("price_include", "=", False),
            ("amount", "=", float(rate))], order="sequence, id", limit=1)
        if not tax:
            raise UserError(_("No %s tax of %s %% in company %s (install the French chart "
                              "of accounts l10n_fr).") % (use, rate, company.name))
        if cache is not None:
            cache[key] = tax
        return tax

    @api.model
    def _energy_accounts(self, company, journal_type):
        journal = self.env["account.journal"].search(
            [("type", "=", journal_type), ("company_id", "=", company.id)], limit=1)
        if not journal:
            raise UserError(_("No %s journal in company %s (install a chart of accounts).")
                            % (journal_type, company.name))
        account = (journal.default_credit_account_id if journal_type == "sale"
                   else journal.default_debit_account_id)
        return journal, account

    @api.model
    def _energy_product(self, line):
        xmlid = PRODUCT_BY_CODE.get(line.code) or PRODUCT_BY_KIND[line.kind]
        cache = self.env.context.get("energy_product_cache")
        if cache is not None and xmlid in cache:
            return cache[xmlid]
        product = self.env.ref("enercoop_energy." + xmlid)
        if cache is not None:
            cache[xmlid] = product
        return product

    @api.model
    def _energy_line_values(self, line, company, account, use, sign):
        """One invoice line of a core ``BillLine`` (``sign`` -1 writes a credit note)."""
        tax = self._energy_tax(company, line.vat_rate, use) if line.vat_rate else None
        last_day = line.period_end - dt.timedelta(days=1)
        name = "%s (%s - %s)" % (line.label, line.period_start.isoformat(), last_day.isoformat())
        if line.true_up:
            name = _("True-up: %s") % name
        return {
            "name": name,
            "product_id": self._energy_product(line).id,
            "account_id": account.id,
            "quantity": float(line.quantity) * sign,
            "price_unit": float(line.unit_price),
            "energy_unit_price": float(line.unit_price),
            "invoice_line_tax_ids": [(6, 0, tax.ids if tax else [])],
            "energy_code": line.code,
            "energy_kind": line.kind,
            "energy_time_class": line.time_class or False,
            "energy_unit": line.unit,
            "energy_period_start": line.period_start.isoformat(),
            "energy_period_end": last_day.isoformat(),
            "energy_rate_ref": line.rate_ref,
            "energy_rate_source": line.rate_source,
            "energy_estimated": line.estimated,
            "energy_true_up": line.true_up,
            "energy_amount": float(line.amount * sign),
        }

    @api.model
    def _energy_vat_json(self, vat_lines, sign):
        return json.dumps([{"rate": str(v.rate), "base": str(v.base * sign),
                            "amount": str(v.amount * sign)} for v in vat_lines])

    @api.model
    def _energy_details(self, start_index, end_index, consumption, estimated):
        classes = sorted(set(start_index) | set(end_index) | set(consumption))
        return [(0, 0, {
            "time_class": tc,
            "start_index_kwh": _kwh(start_index.get(tc, 0)),
            "end_index_kwh": _kwh(end_index.get(tc, 0)),
            "consumption_kwh": _kwh(consumption.get(tc, 0)),
            "estimated": estimated,
        }) for tc in classes]

    @api.model
    def _energy_common_values(self, doc, partner, company, journal_type, invoice_type):
        journal, account = self._energy_accounts(company, journal_type)
        partner = partner.with_context(force_company=company.id)
        receivable = (partner.property_account_receivable_id if journal_type == "sale"
                      else partner.property_account_payable_id)
        return journal, account, {
            "type": invoice_type,
            "partner_id": partner.id,
            "company_id": company.id,
            "journal_id": journal.id,
            "account_id": receivable.id,
            "currency_id": company.currency_id.id,
            "date_invoice": fields.Date.context_today(self),
            "energy_period_start": doc.period_start.isoformat(),
            "energy_period_end": (doc.period_end - dt.timedelta(days=1)).isoformat(),
            "energy_start_index_json": json.dumps(doc.start_index_wh, sort_keys=True),
            "energy_end_index_json": json.dumps(doc.end_index_wh, sort_keys=True),
        }

    @api.model
    def _energy_values_from_bill(self, contract, bill, run=None):
        """``account.invoice`` values of a core ``Bill`` of ``contract``: a customer invoice,
        or a credit note (lines negated) when the bill's total is negative (a true-up
        giving back more than the period costs)."""
        company = contract.company_id
        sign = -1 if bill.total < 0 else 1
        journal, account, values = self._energy_common_values(
            bill, contract.partner_id, company, "sale",
            "out_refund" if sign < 0 else "out_invoice")
        values.update({
            "origin": contract.name,
            "name": _("Electricity %s, PRM %s") % (
                bill.period_start.strftime("%Y-%m"), bill.prm),
            "energy_contract_id": contract.id,
            "delivery_point_id": contract.delivery_point_id.id,
            "billing_run_id": run.id if run else False,
            "energy_estimated": bill.estimated,
            "energy_end_estimated": bill.end_estimated,
            "energy_true_up": any(line.true_up for line in bill.lines),
            "energy_consumption_json": json.dumps(bill.consumption_wh, sort_keys=True),
            "energy_vat_json": self._energy_vat_json(bill.vat, sign),
            "invoice_line_ids": [(0, 0, self._energy_line_values(
                line, company, account, "sale", sign)) for line in bill.lines],
            "energy_detail_ids": self._energy_details(
                bill.start_index_wh, bill.end_index_wh, bill.consumption_wh,
                bill.end_estimated),
        })
        return values

    @api.model
    def _energy_values_from_purchase(self, contract, invoice):
        """``account.invoice`` values (vendor bill, self-billing) of a core
        ``PurchaseInvoice`` of a purchase contract."""
        company = contract.company_id
        journal, account, values = self._energy_common_values(
            invoice, contract.partner_id, company, "purchase", "in_invoice")
        values.update({
            "origin": contract.name,
            "reference": "%s %s" % (contract.name, invoice.period_start.strftime("%Y-%m")),
            "purchase_contract_id": contract.id,
            "delivery_point_id": contract.delivery_point_id.id,
            "energy_estimated": invoice.estimated,
            "energy_consumption_json": json.dumps(invoice.injection_wh, sort_keys=True),
            "energy_vat_json": self._energy_vat_json(invoice.vat, 1),
            "energy_mentions": "\n".join(invoice.mentions),
            "comment": "\n".join(invoice.mentions),
            "invoice_line_ids": [(0, 0, self._energy_line_values(
                line, company, account, "purchase", 1)) for line in invoice.lines],
            "energy_detail_ids": self._energy_details(
                invoice.start_index_wh, invoice.end_index_wh, invoice.injection_wh,
                invoice.estimated),
        })
        return values

    @api.multi
    def energy_period_label(self):
        self.ensure_one()
        start, end = to_date(self.energy_period_start), to_date(self.energy_period_end)
        return "%s - %s" % (start and start.strftime("%d/%m/%Y") or "",
                            end and end.strftime("%d/%m/%Y") or "")

    # ------------------------------------------------------------------ demo data
    @api.model
    def _demo_issue_energy_invoices(self, partner_ids, english_ids=()):
        """Demo data: issue (validate) the draft energy invoices of ``partner_ids`` (shown
        on their portal), and set the consumers' language to French when it is installed
        (a database without French keeps English), but for ``english_ids``: English."""
        Partner = self.env["res.partner"]
        if self.env["res.lang"].search([("code", "=", "fr_FR")]):
            Partner.search([("role_consumer", "=", True),
                            ("id", "not in", list(english_ids))]).write({"lang": "fr_FR"})
        Partner.browse(english_ids).write({"lang": "en_US"})
        drafts = self.search([("partner_id", "in", partner_ids), ("state", "=", "draft"),
                              ("energy_contract_id", "!=", False)],
                             order="energy_period_start, id")
        for invoice in drafts:
            invoice.action_invoice_open()
        return True
