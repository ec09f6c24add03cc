# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One monthly instalment of a payment schedule and its way to the bank.

planned -> (pre-notification day: the instalment is invoiced on the instalments account
and the customer gets the pre-notification e-mail) notified -> (submission: one OCA payment
order per company and collection date, its pain.008 file generated) in_batch -> (the file
is sent: the order is uploaded, the invoice paid) collected; a return (R-transaction) makes
it returned; a true-up or move-out cancels the ones left.
"""
from collections import OrderedDict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .payment_schedule import SEQUENCE_TYPES

STATES = [("planned", "Planned"), ("notified", "Pre-notified"), ("in_batch", "In a debit batch"),
          ("collected", "Collected"), ("returned", "Returned"), ("cancelled", "Cancelled")]


class PaymentInstalment(models.Model):
    _name = "enercoop.payment.instalment"
    _description = "Instalment of a payment schedule"
    _order = "due_date, number, id"
    _rec_name = "display_label"

    schedule_id = fields.Many2one("enercoop.payment.schedule", string="Schedule",
                                  required=True, index=True, ondelete="cascade")
    contract_id = fields.Many2one(related="schedule_id.contract_id", store=True,
                                  readonly=True, string="Supply contract")
    partner_id = fields.Many2one(related="schedule_id.partner_id", store=True, readonly=True,
                                 string="Customer")
    company_id = fields.Many2one(related="schedule_id.company_id", store=True, readonly=True,
                                 string="Company")
    currency_id = fields.Many2one(related="schedule_id.currency_id", readonly=True)
    display_label = fields.Char(string="Instalment", compute="_compute_label")
    number = fields.Integer(string="Number", required=True)
    due_date = fields.Date(string="Due date", required=True)
    amount = fields.Monetary(string="Amount incl. VAT", required=True)
    note = fields.Char(string="Note")
    revised_on = fields.Date(string="Revised on")
    collection_date = fields.Date(string="Collection date",
                                  help="TARGET2 business day of the debit.")
    notify_by = fields.Date(string="Pre-notify by")
    submit_by = fields.Date(string="Submit to the bank by")
    sequence_type = fields.Char(string="Sequence type", help="FRST, RCUR, OOFF or FNAL.")
    end_to_end_id = fields.Char(string="End-to-end reference")
    state = fields.Selection(STATES, string="Status", default="planned", required=True,
                             index=True)
    invoice_id = fields.Many2one("account.invoice", string="Invoice", readonly=True,
                                 copy=False)
    payment_order_id = fields.Many2one("account.payment.order", string="Debit batch",
                                       readonly=True, copy=False)
    notified_on = fields.Date(string="Pre-notified on", readonly=True)
    return_reason_code = fields.Char(string="Return reason code", readonly=True)

    @api.depends("number", "schedule_id.count", "due_date")
    def _compute_label(self):
        for instalment in self:
            instalment.display_label = _("Instalment %s/%s of %s") % (
                instalment.number, instalment.schedule_id.count, instalment.due_date)

    @api.multi
    def unlink(self):
        """Only the planned instalments of a draft schedule go (it is computed again)."""
        if self.filtered(lambda i: i.state != "planned" or i.schedule_id.state != "draft"):
            raise UserError(_("Only the planned instalments of a draft schedule can be "
                              "deleted."))
        return super().unlink()

    # ------------------------------------------------------------------ pre-notification
    @api.model
    def _cron_prenotify(self):
        return self._prenotify(fields.Date.context_today(self))

    @api.model
    def _prenotify(self, today):
        """Invoice the planned instalments of running schedules whose pre-notification day
        (the core's ``notify_by``; the due date when not paid by direct debit) is reached on
        ``today``, and pre-notify the direct debits by e-mail."""
        due = self.search([("state", "=", "planned"), ("schedule_id.state", "=", "active"),
                           "|", ("notify_by", "<=", today),
                           "&", ("notify_by", "=", False), ("due_date", "<=", today)])
        template = self.env.ref("enercoop_payment.mail_template_prenotification")
        for instalment in due:
            instalment._create_invoice()
            instalment.write({"state": "notified", "notified_on": today})
            if instalment.contract_id.enercoop_payment_mode == "direct_debit":
                template.send_mail(instalment.id)
        return due

    def _create_invoice(self, day=None):
        """The instalment's customer invoice on the instalments account, dated ``day``
        (ISO day, default today), open, due on the collection date, with the contract's
        payment mode and mandate."""
        self.ensure_one()
        contract = self.contract_id
        company = self.company_id
        account = company._enercoop_account("enercoop_advance_account_id", "4191")
        partner = contract.partner_id.with_context(force_company=company.id)
        journal = self.env["account.journal"].search([
            ("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        values = {
            "type": "out_invoice", "partner_id": partner.id, "company_id": company.id,
            "journal_id": journal.id, "currency_id": company.currency_id.id,
            "account_id": partner.property_account_receivable_id.id,
            "date_invoice": day or fields.Date.context_today(self),
            "date_due": self.collection_date or self.due_date,
            "origin": contract.name, "name": self.display_label,
            "invoice_line_ids": [(0, 0, {
                "name": _("%s, contract %s") % (self.display_label, contract.name),
                "account_id": account.id, "quantity": 1, "price_unit": self.amount})],
        }
        if contract.enercoop_payment_mode == "direct_debit":
            values.update({"payment_mode_id": company._enercoop_debit_mode().id,
                           "mandate_id": contract.enercoop_mandate_id.id})
        invoice = self.env["account.invoice"].create(values)
        invoice.action_invoice_open()
        self.invoice_id = invoice
        return invoice

    # ------------------------------------------------------------------ debit batches
    @api.model
    def _cron_debit_batches(self):
        return self._prepare_debit_batches(fields.Date.context_today(self))

    @api.model
    def _prepare_debit_batches(self, today):
        """One OCA payment order per company and collection date for the pre-notified
        direct-debit instalments to submit (``submit_by`` on or after ``today``), its pain.008
        file generated; the mandates' sequence types are the core's. Returns the orders."""
        todo = self.search([("state", "=", "notified"), ("invoice_id", "!=", False),
                            ("contract_id.enercoop_payment_mode", "=", "direct_debit"),
                            ("submit_by", ">=", today)], order="collection_date, id")
        groups = OrderedDict()
        for instalment in todo:
            key = (instalment.company_id.id, instalment.collection_date)
            groups.setdefault(key, self.browse())
            groups[key] |= instalment
        orders = self.env["account.payment.order"]
        for (_company_id, collection), instalments in groups.items():
            orders |= instalments._make_debit_batch(collection)
        return orders

    def _make_debit_batch(self, collection):
        company = self.mapped("company_id")
        mode = company._enercoop_debit_mode()
        order = self.env["account.payment.order"].create({
            "payment_mode_id": mode.id, "company_id": company.id,
            "date_prefered": "fixed", "date_scheduled": collection,
            "description": _("Instalments collected on %s") % collection})
        for instalment in self:
            mandate = instalment.contract_id.enercoop_mandate_id
            if instalment.sequence_type in SEQUENCE_TYPES and mandate.type == "recurrent":
                mandate.recurrent_sequence_type = SEQUENCE_TYPES[instalment.sequence_type]
            lines = instalment.invoice_id.move_id.line_ids.filtered(
                lambda ml: ml.account_id.internal_type == "receivable" and not ml.reconciled)
            if not lines:
                raise UserError(_("%s: its invoice has nothing left to collect.")
                                % instalment.display_label)
            for line in lines:
                line.create_payment_line_from_move_line(order)
        order.draft2open()
        order.open2generated()
        self.write({"state": "in_batch", "payment_order_id": order.id})
        return order

    def _mark_collected(self):
        self.filtered(lambda i: i.state == "in_batch").write({"state": "collected"})

    def _cancel(self, reason):
        """Cancel the instalments; the invoice of one not paid is credited in full."""
        for instalment in self:
            invoice = instalment.invoice_id
            if invoice and invoice.state == "open":
                refund = invoice.refund(description=reason)
                refund.action_invoice_open()
                (invoice.move_id.line_ids | refund.move_id.line_ids).filtered(
                    lambda ml, account=invoice.account_id: ml.account_id == account
                    and not ml.reconciled).reconcile()
            instalment.write({"state": "cancelled"})
