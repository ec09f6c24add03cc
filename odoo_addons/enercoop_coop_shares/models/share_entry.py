# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The share ledger of a company: one immutable, dated entry per operation.

Creating an entry is the only way to change the capital: ``create`` builds the core
ledger from the company's stored entries and appends the new operation, which the core
checks against the statutes (a broken rule raises a UserError with the core's message).
Member numbers are issued by the core at admission, per company
(``enercoop.membership``). Once stored, an entry can be neither
changed nor deleted: a mistake is corrected by another operation.
"""
from odoo import api, fields, models, _
from odoo.exceptions import UserError

from enercoop_core.shares.accounting import MEMBER_REFUND_PAYABLE, moves_for
from enercoop_core.shares.errors import AlreadyMemberError, InactiveMemberError
from enercoop_core.shares.members import LEGAL_ENTITY, PERSON, Member
from enercoop_core.shares.operations import (
    CapitalRelease, CollegeChange, Conversion, Redemption, Subscription, Transfer)

from ..core_adapter import (
    core_errors, invoice_parts, to_date, to_decimal, to_float, to_odoo_date)

OPERATION_TYPES = [
    ("subscription", "Subscription"),
    ("release", "Capital release"),
    ("transfer", "Transfer"),
    ("redemption", "Redemption"),
    ("conversion", "Conversion"),
    ("college_change", "College change"),
]
# fields the ledger itself fills in when an entry is stored
_INTERNAL = "enercoop_share_entry_internal"
# the value of that context key that lets create() store an entry: an object no RPC call
# can pass (XML-RPC and JSON-RPC carry plain values; ``True`` was forged that way to
# rewrite entries of the register)
_INTERNAL_TOKEN = object()


class EnercoopShareEntry(models.Model):
    _name = "enercoop.share.entry"
    _description = "Share register entry"
    _order = "company_id, seq desc, id desc"
    _rec_name = "name"

    name = fields.Char(compute="_compute_name", store=True)
    seq = fields.Integer(string="No.", readonly=True, copy=False,
                         help="Position in the company's ledger (1 = first entry).")
    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    operation_type = fields.Selection(OPERATION_TYPES, required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", required=True,
                                 readonly=True, ondelete="restrict", index=True)
    member_number = fields.Integer(readonly=True, copy=False)
    counterpart_id = fields.Many2one("res.partner", string="Counterpart", readonly=True,
                                     ondelete="restrict", index=True,
                                     help="Receiver of a transfer.")
    counterpart_number = fields.Integer(readonly=True, copy=False)
    share_class_id = fields.Many2one("enercoop.share.class", string="Share class",
                                     readonly=True, ondelete="restrict")
    to_share_class_id = fields.Many2one("enercoop.share.class", string="Into class",
                                        readonly=True, ondelete="restrict")
    quantity = fields.Integer(readonly=True)
    to_quantity = fields.Integer(string="Shares received", readonly=True,
                                 help="Shares of the target class of a conversion.")
    amount = fields.Monetary(readonly=True,
                             help="Nominal value of the shares (EUR), or the amount paid "
                                  "up for a capital release.")
    deduction = fields.Monetary(readonly=True, help="Deduction from a refund (EUR).")
    refund_amount = fields.Monetary(readonly=True)
    refund_due_date = fields.Date(readonly=True)
    leaving = fields.Boolean(readonly=True, help="The member leaves with this operation.")
    admission = fields.Boolean(readonly=True,
                               help="This operation admits a new member (the member of a "
                                    "subscription, the receiver of a transfer).")
    college_id = fields.Many2one("enercoop.college", readonly=True,
                                 help="College of an admitted member, or the new college.")
    capital_after = fields.Monetary(string="Capital after", readonly=True)
    capital_change = fields.Monetary(
        string="Capital change", compute="_compute_capital_change", store=True,
        help="Change of the subscribed capital this entry made (EUR): the nominal value "
             "of a subscription, minus that of a redemption; nothing for a capital "
             "release (it pays up capital already subscribed), a transfer or a college "
             "change. Summing it never counts a subscription twice.")
    description = fields.Char(readonly=True)
    ref = fields.Char(string="Reference", readonly=True)
    invoice_id = fields.Many2one("account.invoice", readonly=True, copy=False,
                                 help="Capital-release invoice or refund vendor bill.")
    request_id = fields.Many2one("enercoop.subscription.request", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal entry", readonly=True,
                              copy=False,
                              help="The core's accounting move of this operation, when no "
                                   "invoice or bill carries it.")
    refund_state = fields.Selection(related="invoice_id.state", string="Refund state",
                                    readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)

    _sql_constraints = [
        ("seq_company_uniq", "unique(seq, company_id)",
         "Ledger positions are unique per company."),
    ]

    @api.depends("seq", "operation_type")
    def _compute_name(self):
        labels = dict(OPERATION_TYPES)
        for entry in self:
            entry.name = "%s #%d" % (labels.get(entry.operation_type, ""), entry.seq or 0)

    @api.depends("capital_after", "seq", "company_id")
    def _compute_capital_change(self):
        for entry in self:
            # sudo: the entry before it in the same register (the reader's own company)
            previous = self.sudo().search([("company_id", "=", entry.company_id.id),
                                    ("seq", "=", entry.seq - 1)], limit=1) \
                if entry.seq > 1 else self.browse()
            entry.capital_change = entry.capital_after - (previous.capital_after
                                                          if previous else 0.0)

    # --- immutability ---------------------------------------------------------------------

    @api.multi
    def write(self, vals):
        if self.env.context.get(_INTERNAL) is not _INTERNAL_TOKEN:
            raise UserError(_("Register entries are immutable: record a new operation "
                              "to correct one."))
        return super().write(vals)

    @api.multi
    def unlink(self):
        raise UserError(_("Register entries cannot be deleted."))

    # --- core mapping ---------------------------------------------------------------------

    def _core_member(self, partner, number):
        """The core identity of ``partner`` admitted as member ``number``."""
        kind = LEGAL_ENTITY if partner.is_company else PERSON
        return Member(number=number, name=partner.name, kind=kind,
                      representative=(partner.member_representative_id.name or ""
                                      if kind == LEGAL_ENTITY else ""))

    def _to_core_operation(self):
        """This entry as a core ledger operation."""
        self.ensure_one()
        day = to_date(self.date)
        ref = self.ref or self.name or ""
        kind = self.operation_type
        code = self.share_class_id.code
        with core_errors():
            if kind == "subscription":
                return Subscription(
                    day, self.member_number, code, self.quantity,
                    new_member=(self._core_member(self.partner_id, self.member_number)
                                if self.admission else None),
                    college=self.college_id.code if self.admission else None, ref=ref)
            if kind == "release":
                return CapitalRelease(day, self.member_number, code,
                                      to_decimal(self.amount), ref=ref)
            if kind == "transfer":
                return Transfer(
                    day, self.member_number, self.counterpart_number, code, self.quantity,
                    leaving=self.leaving,
                    new_member=(self._core_member(self.counterpart_id,
                                                  self.counterpart_number)
                                if self.admission else None),
                    college=self.college_id.code if self.admission else None, ref=ref)
            if kind == "redemption":
                return Redemption(day, self.member_number, code, self.quantity,
                                  leaving=self.leaving, deduction_eur=to_decimal(self.deduction),
                                  ref=ref)
            if kind == "conversion":
                return Conversion(day, self.member_number, code, self.to_share_class_id.code,
                                  self.quantity, ref=ref)
            return CollegeChange(day, self.member_number, self.college_id.code, ref=ref)

    @api.model
    def _member_number(self, company, ledger, person, admitting):
        """The number ``person`` acts under in ``company``'s ``ledger``, decided by the
        core: their current one, or at admission one never issued (the numbers the
        contacts hold count as issued too)."""
        current = person._member_number_in(company)
        try:
            return ledger.member_number_for(
                current, admitting,
                also_issued=self.env["enercoop.membership"]._numbers_of(company))
        except InactiveMemberError:
            raise UserError(_("%s is not a current member.") % person.name) from None
        except AlreadyMemberError:
            raise UserError(_("%s is already a member (no. %d).")
                            % (person.name, current)) from None

    def _prepare_core_figures(self, vals, effect):
        """The core's figures of a checked operation, as entry values."""
        vals.update(capital_after=to_float(effect.capital_after_eur),
                    description=effect.describe())
        kind = vals["operation_type"]
        if kind in ("subscription", "transfer", "redemption", "conversion"):
            change = effect.changes[-1]
            vals["amount"] = to_float(abs(change.value_eur))
            if kind == "conversion":
                vals["to_quantity"] = change.quantity
        if effect.refund:
            vals.update(refund_amount=to_float(effect.refund.amount_eur),
                        refund_due_date=to_odoo_date(effect.refund.due_date))
        return vals

    @api.model
    def create(self, vals):
        """Store an operation after the core has checked it against the company's ledger;
        issues member numbers at admission and records the core's figures."""
        # the rights first: the checks below read the whole ledger as superuser
        self.check_access_rights("create")
        company = self.env["res.company"].browse(
            vals.get("company_id") or self.env.user.company_id.id)
        vals["company_id"] = company.id
        # one writer at a time per company ledger
        self.env.cr.execute("SELECT id FROM res_company WHERE id = %s FOR UPDATE",
                            (company.id,))
        ledger = company._shares_ledger()
        partner = self.env["res.partner"].browse(vals["partner_id"])
        counterpart = self.env["res.partner"].browse(vals.get("counterpart_id") or [])
        kind = vals["operation_type"]
        admitting = bool(vals.get("admission"))
        if kind == "transfer":
            vals["member_number"] = self._member_number(company, ledger, partner, False)
            vals["counterpart_number"] = self._member_number(company, ledger, counterpart,
                                                             admitting)
        else:
            vals["member_number"] = self._member_number(
                company, ledger, partner, admitting and kind == "subscription")
        vals["seq"] = len(ledger) + 1
        # the core checks the operation before anything is stored
        with core_errors():
            effect = ledger.check(self.new(vals)._to_core_operation())
        self._prepare_core_figures(vals, effect)
        entry = super(EnercoopShareEntry, self.with_context(
            **{_INTERNAL: _INTERNAL_TOKEN})).create(vals)
        admitted = counterpart if kind == "transfer" else partner
        if effect.admitted:
            # sudo: member numbers are issued by the ledger only (nobody may create one)
            self.env["enercoop.membership"].sudo().create({
                "partner_id": admitted.id, "member_number": effect.admitted[0],
                "company_id": company.id, "date": vals["date"], "entry_id": entry.id})
            admitted.sudo().write({"role_member": True})
        return entry

    def _core_effect(self):
        """The core's effect of this stored entry (its place in the company's ledger)."""
        self.ensure_one()
        effects = self.company_id._shares_ledger().effects
        if not 0 < self.seq <= len(effects) or effects[self.seq - 1].seq != self.seq:
            raise UserError(_("Entry %s is not in the register of %s.")
                            % (self.name, self.company_id.name))
        return effects[self.seq - 1]

    def _post_core_moves(self, settled_roles=()):
        """Post the core's accounting moves of this entry (``moves_for``) and link the
        journal entry; ``settled_roles``: lines an Odoo payment posted already."""
        self.ensure_one()
        moves = self.company_id._shares_post_moves(moves_for(self._core_effect()),
                                                   settled_roles)
        if moves:
            self.with_context(**{_INTERNAL: _INTERNAL_TOKEN}).write(
                {"move_id": moves[:1].id})
        return moves

    def _refund(self):
        """The core refund of this redemption entry (amount, due date)."""
        self.ensure_one()
        for refund in self.company_id._shares_ledger().refunds():
            if refund.seq == self.seq:
                return refund
        raise UserError(_("Entry %s is not a redemption.") % self.name)

    def _prepare_refund_bill(self, refund):
        """The vendor bill values of the core's redemption move: its member refund
        payable line is the bill's account (credit, due on the core's due date); each
        other line an invoice line on its role's account (capital paid up debited, a
        deduction credited)."""
        company = self.company_id
        (move,) = moves_for(self._core_effect())
        counterpart, parts = invoice_parts(move, MEMBER_REFUND_PAYABLE)
        journal = self.env["account.journal"].search(
            [("type", "=", "purchase"), ("company_id", "=", company.id)], limit=1)
        lines = []
        for line, amount in parts:
            by_share = line.role != "refund_deduction"
            quantity = refund.quantity if by_share else 1
            lines.append((0, 0, {
                "name": (_("Redemption of %d share(s) of class %s")
                         % (self.quantity, self.share_class_id.code) if by_share
                         else _("Deduction from the refund")),
                "account_id": company._shares_role_account(line.role).id,
                "product_id": self.share_class_id.product_id.id if by_share else False,
                "quantity": quantity, "price_unit": to_float(amount / quantity),
                "invoice_line_tax_ids": [(6, 0, [])]}))
        return {
            "type": "in_invoice", "partner_id": self.partner_id.id,
            "account_id": company._shares_role_account(counterpart.role).id,
            "journal_id": journal.id, "company_id": company.id,
            "date_invoice": self.date, "date_due": self.refund_due_date,
            "origin": self.name, "reference": self.name,
            "invoice_line_ids": lines}

    def _create_refund_bill(self):
        """The vendor bill refunding this redemption: the core's redemption move (its
        amounts and accounts by role), due on the core's due date; paying it posts the
        core's refund payment (debit member refund payable, credit bank)."""
        self.ensure_one()
        bill = self.env["account.invoice"].create(self._prepare_refund_bill(self._refund()))
        bill.action_invoice_open()
        if bill.date_due != self.refund_due_date:
            bill.date_due = self.refund_due_date
        self.with_context(**{_INTERNAL: _INTERNAL_TOKEN}).write({"invoice_id": bill.id})
        template = self.env.ref("enercoop_coop_shares.mail_template_redemption",
                                raise_if_not_found=False)
        if template and self.partner_id.email:
            template.send_mail(self.id)
        return bill
