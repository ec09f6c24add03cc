# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A request to subscribe shares, from an existing contact or a new person.

draft --validate--> invoiced (capital-release invoice open) --paid--> paid --> done
(the subscription and its capital release are entered in the register); cancelled.
The core checks the subscription when the request is validated and again when it is
entered in the register. The accounting is the core's (``shares.accounting.moves_for``):
the invoice is the subscription's move (debit the member's capital receivable, credit
capital subscribed not paid up); its payment posts the release's cash lines (debit bank,
credit the receivable) and the register posts the rest of the release's move (capital
not paid up -> capital paid up) when the shares are issued.
"""
from odoo import api, fields, models, _
from odoo.exceptions import UserError

from enercoop_core.shares.accounting import BANK, MEMBER_CAPITAL_RECEIVABLE, moves_for
from enercoop_core.shares.operations import Subscription

from ..core_adapter import core_errors, invoice_parts, to_date, to_float

STATES = [("draft", "Draft"), ("invoiced", "Invoiced"), ("paid", "Paid"),
          ("done", "Shares issued"), ("cancelled", "Cancelled")]


class EnercoopSubscriptionRequest(models.Model):
    _name = "enercoop.subscription.request"
    _inherit = ["mail.thread"]
    _description = "Share subscription request"
    _order = "date desc, id desc"
    _rec_name = "name"

    name = fields.Char(required=True, copy=False, readonly=True, default="/")
    date = fields.Date(required=True, default=fields.Date.context_today,
                       readonly=True, states={"draft": [("readonly", False)]})
    partner_id = fields.Many2one("res.partner", string="Subscriber", readonly=True,
                                 states={"draft": [("readonly", False)]},
                                 track_visibility="onchange")
    new_name = fields.Char(string="New person's name", readonly=True,
                           states={"draft": [("readonly", False)]},
                           help="For a subscriber not yet in the contacts.")
    new_email = fields.Char(string="New person's email", readonly=True,
                            states={"draft": [("readonly", False)]})
    lang = fields.Selection(related="partner_id.lang", readonly=True)
    share_class_id = fields.Many2one("enercoop.share.class", string="Share class",
                                     required=True, readonly=True,
                                     states={"draft": [("readonly", False)]})
    quantity = fields.Integer(required=True, default=1, readonly=True,
                              states={"draft": [("readonly", False)]})
    college_id = fields.Many2one("enercoop.college", string="College", readonly=True,
                                 states={"draft": [("readonly", False)]},
                                 help="College of a new member.")
    unit_price = fields.Monetary(string="Nominal value", compute="_compute_amount")
    amount = fields.Monetary(compute="_compute_amount")
    state = fields.Selection(STATES, default="draft", required=True, readonly=True,
                             track_visibility="onchange", copy=False)
    invoice_id = fields.Many2one("account.invoice", readonly=True, copy=False)
    invoice_state = fields.Selection(related="invoice_id.state", readonly=True)
    entry_ids = fields.One2many("enercoop.share.entry", "request_id", readonly=True,
                                string="Register entries")
    note = fields.Text(readonly=True, help="Why the shares could not be issued yet.")
    origin = fields.Selection([("back_office", "Back office"), ("web", "Web form")],
                              default="back_office", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.user.company_id,
                                 states={"draft": [("readonly", False)]})
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    member_number = fields.Integer(compute="_compute_member_number",
                                   help="The subscriber's number in the register of the "
                                        "request's company (0 before admission).")

    @api.model
    def create(self, vals):
        if vals.get("name", "/") == "/":
            vals["name"] = self.env["ir.sequence"].with_context(
                force_company=vals.get("company_id") or self.env.user.company_id.id
            ).next_by_code("enercoop.subscription.request") or "/"
        request = super().create(vals)
        if not self.env.context.get("shares_no_ack_mail"):
            # the public form sends it itself, under its throttle
            request._send("enercoop_coop_shares.mail_template_request_received")
        return request

    @api.depends("share_class_id", "quantity", "date")
    def _compute_amount(self):
        for request in self:
            if not request.share_class_id or not request.date:
                continue
            try:
                nominal = request.share_class_id._nominal_on(request.date)
            except UserError:
                continue
            request.unit_price = to_float(nominal)
            request.amount = to_float(nominal * request.quantity)

    @api.depends("partner_id.membership_ids", "company_id")
    def _compute_member_number(self):
        for request in self:
            request.member_number = request._member_number()

    # --- helpers -----------------------------------------------------------------------

    def _send(self, xmlid):
        template = self.env.ref(xmlid, raise_if_not_found=False)
        for record in self:
            if template and record.partner_id.email:
                template.send_mail(record.id)

    def _member_number(self):
        """The subscriber's current number in the register of the request's company."""
        return self.partner_id._member_number_in(self.company_id) if self.partner_id else 0

    def _is_current_member(self, ledger):
        number = self._member_number()
        return bool(number) and number in {m.number for m in
                                           ledger.memberships(active_only=True)}

    def _core_subscription(self, ledger, day):
        """The core operation this request asks for, on ``day``."""
        self.ensure_one()
        partner = self.partner_id
        if self._is_current_member(ledger):
            return Subscription(day, self._member_number(), self.share_class_id.code,
                                self.quantity, ref=self.name)
        if not self.college_id:
            raise UserError(_("Choose the college of the new member %s.") % partner.name)
        number = ledger.member_number_for(
            self._member_number(), True,
            also_issued=self.env["enercoop.membership"]._numbers_of(self.company_id))
        entry = self.env["enercoop.share.entry"]
        member = entry._core_member(partner, number)
        return Subscription(day, number, self.share_class_id.code, self.quantity,
                            new_member=member, college=self.college_id.code, ref=self.name)

    # --- workflow ----------------------------------------------------------------------

    @api.multi
    def action_check(self):
        """Check the subscription against the statutes with the core, without invoicing
        (a broken rule raises a UserError with the core's message)."""
        for request in self:
            ledger = request.company_id._shares_ledger()
            with core_errors():
                ledger.check(request._core_subscription(ledger, to_date(request.date)))
        return True

    def _ensure_partner(self):
        """A request for a new person: create the contact (never a second one for an
        email the company's contacts already use)."""
        if self.partner_id:
            return
        if not self.new_name:
            raise UserError(_("Give the subscriber: a contact or a new person's name."))
        # sudo: a contact with this address may be one the user cannot read;
        # only its name is shown, to stop a duplicate
        known = self.new_email and self.env["res.partner"].sudo() \
            ._shares_partners_by_email(self.new_email, self.company_id)
        if known:
            # never a second contact (and, once paid, a second member)
            raise UserError(_("Contacts with the email %s exist already (%s): choose "
                              "the subscriber among them.")
                            % (self.new_email, ", ".join(known.mapped("name"))))
        self.partner_id = self.env["res.partner"].create({
            "name": self.new_name, "email": self.new_email,
            "role_member": True, "company_id": self.company_id.id})

    def _prepare_invoice(self, move):
        """The capital-call invoice of the core's subscription ``move``: its member
        capital receivable line is the invoice's account, its other line (capital
        subscribed, not paid up) the invoice line, at the core's amount."""
        company = self.company_id
        counterpart, parts = invoice_parts(move, MEMBER_CAPITAL_RECEIVABLE)
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        lines = [(0, 0, {
            "product_id": self.share_class_id.product_id.id,
            "name": _("%d share(s) of class %s (%s)") % (
                self.quantity, self.share_class_id.code, self.share_class_id.name),
            "account_id": company._shares_role_account(line.role).id,
            "quantity": self.quantity,
            "price_unit": to_float(amount / self.quantity),
            "invoice_line_tax_ids": [(6, 0, [])],
        }) for line, amount in parts]
        return {
            "type": "out_invoice",
            "partner_id": self.partner_id.id,
            "account_id": company._shares_role_account(counterpart.role).id,
            "journal_id": journal.id,
            "company_id": company.id,
            "date_invoice": self.date,
            "origin": self.name,
            "name": _("Share capital"),
            "invoice_line_ids": lines,
        }

    @api.multi
    def action_validate(self):
        """Check the subscription with the core and issue the capital-call invoice: the
        core's subscription move."""
        for request in self.filtered(lambda r: r.state == "draft"):
            request._ensure_partner()
            ledger = request.company_id._shares_ledger()
            with core_errors():
                effect = ledger.check(request._core_subscription(ledger, to_date(request.date)))
            (move,) = moves_for(effect)
            invoice = self.env["account.invoice"].create(request._prepare_invoice(move))
            invoice.action_invoice_open()
            request.write({"invoice_id": invoice.id, "state": "invoiced"})
            request._send("enercoop_coop_shares.mail_template_subscription_invoice")
        return True

    @api.multi
    def action_cancel(self):
        for request in self:
            if request.state in ("paid", "done"):
                raise UserError(_("Request %s is paid: redeem the shares instead.")
                                % request.name)
            if request.invoice_id.state == "open":
                request.invoice_id.action_invoice_cancel()
        return self.write({"state": "cancelled"})

    @api.multi
    def _on_invoice_paid(self):
        """The capital-release invoice is paid: enter the shares in the register."""
        for request in self.filtered(lambda r: r.state == "invoiced"):
            request.state = "paid"
            request.action_issue_shares()

    @api.multi
    def action_issue_shares(self):
        """Enter the subscription and its capital release (the invoice total) in the
        register, dated on the payment; the core checks both. Callable by who may change
        the request (the shares managers, or the payment of its invoice)."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        # sudo: the accountant who registers the payment enters the shares it pays for
        Entry = self.env["enercoop.share.entry"].sudo()
        for request in self.filtered(lambda r: r.state == "paid"):
            invoice = request.invoice_id
            payments = invoice.payment_move_line_ids.mapped("date")
            day = max(payments) if payments else fields.Date.context_today(self)
            ledger = request.company_id._shares_ledger()
            admitting = not request._is_current_member(ledger)
            common = {"date": day, "partner_id": request.partner_id.id,
                      "share_class_id": request.share_class_id.id,
                      "company_id": request.company_id.id, "request_id": request.id,
                      "invoice_id": invoice.id, "ref": request.name}
            savepoint = self.env.cr.savepoint()
            try:
                with savepoint:
                    Entry.create(dict(common, operation_type="subscription",
                                      quantity=request.quantity, admission=admitting,
                                      college_id=request.college_id.id if admitting else False))
                    release = Entry.create(dict(common, operation_type="release",
                                                amount=invoice.amount_total))
                    # the invoice's payment posted the cash lines of the release
                    release._post_core_moves(settled_roles=(BANK, MEMBER_CAPITAL_RECEIVABLE))
            except UserError as exc:
                request.note = str(exc.name)
                request.message_post(body=_("Shares not issued: %s") % exc.name)
                continue
            request.write({"state": "done", "note": False})
            request._send("enercoop_coop_shares.mail_template_shares_issued")
        return True
