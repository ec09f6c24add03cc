# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A supply contract's payment schedule (mensualisation): the core's schedule of the year
(``enercoop_core.billing.schedule``) stored with its instalments; revised by the core when
prices or terms change mid-year; settled by the yearly true-up invoice, which deducts the
instalments collected."""
import dataclasses
import datetime as dt

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from enercoop_core.billing.schedule import make_schedule, revise_schedule, true_up
from enercoop_core.errors import EnercoopError
from enercoop_core.payments.collection import debit_instructions

from .. import core_adapter as adapter

STATES = [("draft", "Draft"), ("active", "Running"), ("closed", "Settled")]
SEQUENCE_TYPES = {"FRST": "first", "RCUR": "recurring", "FNAL": "final"}


def user_error(error):
    """The core's error as a message for the user."""
    return UserError("%s: %s" % (type(error).__name__, error))


class PaymentSchedule(models.Model):
    _name = "enercoop.payment.schedule"
    _description = "Payment schedule"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="Reference", compute="_compute_name", store=True)
    contract_id = fields.Many2one("enercoop.supply.contract", string="Supply contract",
                                  required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True, readonly=True,
                                 string="Customer")
    company_id = fields.Many2one(related="contract_id.company_id", store=True, readonly=True,
                                 string="Company")
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    date_start = fields.Date(string="Start of the year", required=True)
    date_end = fields.Date(string="End of the year (excluded)", readonly=True)
    count = fields.Integer(string="Instalments", required=True, default=10,
                           help="10, 11 or 12 monthly instalments.")
    first_due = fields.Date(string="First due date", required=True,
                            help="The others follow monthly on the same day of the month.")
    priced_on = fields.Date(string="Priced on", help="Pricing date (default: the start).")
    amount_total = fields.Monetary(string="Estimated bill of the year", readonly=True)
    basis = fields.Char(string="Basis of the estimate", readonly=True)
    state = fields.Selection(STATES, string="Status", default="draft", required=True,
                             readonly=True, track_visibility="onchange")
    instalment_ids = fields.One2many("enercoop.payment.instalment", "schedule_id",
                                     string="Instalments", readonly=True)
    revision_note = fields.Text(string="Revisions", readonly=True)
    true_up_invoice_id = fields.Many2one("account.invoice", string="True-up invoice",
                                         readonly=True, copy=False)
    next_instalment_id = fields.Many2one("enercoop.payment.instalment",
                                         string="Next debit", compute="_compute_next")

    _sql_constraints = [
        ("count_range", "CHECK(count BETWEEN 10 AND 12)",
         "A schedule has 10, 11 or 12 instalments."),
    ]

    @api.depends("contract_id.name", "date_start")
    def _compute_name(self):
        for schedule in self:
            schedule.name = "%s %s" % (schedule.contract_id.name or "", schedule.date_start or "")

    @api.depends("instalment_ids.state", "instalment_ids.due_date")
    def _compute_next(self):
        for schedule in self:
            coming = schedule.instalment_ids.filtered(
                lambda i: i.state in ("planned", "notified", "in_batch")).sorted("due_date")
            schedule.next_instalment_id = coming[:1]

    def _check_writable(self):
        """The buttons change the schedule: the caller's write rights first."""
        self.check_access_rights("write")
        self.check_access_rule("write")

    # ------------------------------------------------------------------ core calls
    def _core_inputs(self):
        self.ensure_one()
        contract = self.contract_id
        return (adapter.schedule_versions(contract), adapter.readings(self.env, contract),
                adapter.load_rates(self.env))

    def _core_schedule(self):
        """The core's schedule of the stored inputs, with the stored instalments."""
        self.ensure_one()
        versions, readings, rates = self._core_inputs()
        try:
            core = make_schedule(versions, readings, adapter.to_date(self.date_start), rates,
                                 self.count, first_due=adapter.to_date(self.first_due),
                                 priced_on=adapter.to_date(self.priced_on))
        except EnercoopError as error:
            raise user_error(error) from error
        stored = adapter.instalments(self)
        if stored:
            core = dataclasses.replace(core, instalments=tuple(stored))
        return core

    @api.multi
    def action_compute(self):
        """Button "Compute": the core's schedule of the year, instalments replaced."""
        self._check_writable()
        for schedule in self:
            if schedule.state != "draft":
                raise UserError(_("Schedule %s is running: revise it instead.")
                                % schedule.name)
            schedule.instalment_ids.unlink()
            core = schedule._core_schedule()
            schedule.write({
                "date_end": adapter.to_odoo_date(core.end),
                "amount_total": float(core.estimate.bill.total),
                "basis": core.estimate.basis,
                "instalment_ids": [(0, 0, {
                    "number": i.number, "due_date": adapter.to_odoo_date(i.due_date),
                    "amount": float(i.amount), "note": i.note}) for i in core.instalments]})
        return True

    @api.multi
    def action_confirm(self):
        """Button "Confirm": the schedule runs; its debits are planned (dates from the
        core's collection rules)."""
        self._check_writable()
        for schedule in self:
            if not schedule.instalment_ids:
                schedule.action_compute()
            schedule.write({"state": "active"})
            schedule._plan_debits()
        return True

    def _plan_debits(self):
        """Collection, pre-notification and submission dates and sequence type of the
        planned instalments, from the core (TARGET2 days, the company's terms, the
        contract's mandate)."""
        for schedule in self:
            planned = schedule.instalment_ids.filtered(lambda i: i.state == "planned")
            contract = schedule.contract_id
            mandate = contract.enercoop_mandate_id
            if contract.enercoop_payment_mode != "direct_debit" or not planned:
                continue
            if not mandate or mandate.state != "valid":
                raise UserError(_("Contract %s is paid by direct debit but has no valid "
                                  "mandate.") % contract.name)
            # presented or about to be: the planned ones come after them
            collected = schedule.instalment_ids.filtered(
                lambda i: i.state in ("notified", "in_batch", "collected")).mapped(
                "collection_date")
            dates = [adapter.to_date(d) for d in collected if d]
            last = max(dates) if dates else None  # else the mandate's last debit date
            try:
                core_mandate = adapter.mandate(mandate, last_collection=last)
                plan = debit_instructions(
                    adapter.instalments(schedule, states=("planned",)), core_mandate,
                    adapter.terms(schedule.company_id))
            except EnercoopError as error:
                raise user_error(error) from error
            by_number = {i.number: i for i in plan}
            for instalment in planned:
                instruction = by_number.get(instalment.number)
                if instruction is None:  # nothing to collect (0.00 EUR)
                    instalment.write({"state": "cancelled"})
                    continue
                instalment.write({
                    "collection_date": adapter.to_odoo_date(instruction.collection_date),
                    "notify_by": adapter.to_odoo_date(instruction.notify_by),
                    "submit_by": adapter.to_odoo_date(instruction.submit_by),
                    "sequence_type": instruction.sequence_type,
                    "end_to_end_id": instruction.end_to_end_id})

    @api.multi
    def _revise(self, day, reason):
        """Revise the running schedules for a change on ``day`` (ISO day): the core
        re-prices the rest of the year; the instalments not yet notified get the new
        amounts."""
        for schedule in self:
            core = schedule._core_schedule()
            versions, readings, rates = schedule._core_inputs()
            try:
                revised = revise_schedule(core, versions, adapter.to_date(day), rates, reason)
            except EnercoopError as error:
                raise user_error(error) from error
            by_number = {i.number: i for i in revised.instalments}
            for instalment in schedule.instalment_ids.filtered(lambda i: i.state == "planned"):
                new = by_number[instalment.number]
                instalment.write({"amount": float(new.amount), "note": new.note,
                                  "revised_on": adapter.to_odoo_date(new.revised_on)})
            revision = revised.revisions[-1]
            note = _("%s on %s: year %s -> %s EUR, %s EUR already due, %s EUR over the "
                     "remaining instalments, %s EUR to the true-up.") % (
                revision.reason, revision.day, adapter.decimal(schedule.amount_total),
                revision.total_after,
                revision.already_due, revision.remaining, revision.carried_to_true_up)
            schedule.write({"amount_total": float(revised.estimate.bill.total),
                            "revision_note": "\n".join(filter(None, [schedule.revision_note,
                                                                     note]))})
            schedule.message_post(body=note)
            schedule._plan_debits()
        return True

    # ------------------------------------------------------------------ true-up
    @api.multi
    def action_true_up(self):
        """Button "True-up": the yearly true-up invoice of the schedule (the core bills the
        year on the real readings and deducts the instalments collected); the instalments
        not collected are cancelled (their invoices credited), so that what they owed is
        in the true-up balance."""
        self._check_writable()
        for schedule in self:
            if schedule.state != "active":
                raise UserError(_("Only a running schedule is settled."))
            schedule._true_up_invoice()
        return True

    def _true_up_invoice(self):
        self.ensure_one()
        core = self._core_schedule()
        versions, readings, rates = self._core_inputs()
        collected = self.instalment_ids.filtered(lambda i: i.state == "collected")
        paid = [i for i in core.instalments if i.number in set(collected.mapped("number"))]
        try:
            settlement = true_up(core, versions, readings, rates, paid=paid,
                                 propose_next=False)
        except EnercoopError as error:
            raise user_error(error) from error
        Invoice = self.env["account.invoice"]
        values = Invoice._energy_values_from_bill(self.contract_id, settlement.bill)
        advance = self.company_id._enercoop_account("enercoop_advance_account_id", "4191")
        sign = -1 if settlement.bill.total < 0 else 1
        for line in settlement.lines:
            if line.kind != "instalment":
                continue
            values["invoice_line_ids"].append((0, 0, {
                "name": line.label, "account_id": advance.id, "quantity": 1,
                "price_unit": float(line.amount) * sign}))
        values["name"] = _("True-up %s..%s, PRM %s") % (
            settlement.bill.period_start, settlement.bill.period_end - dt.timedelta(days=1),
            settlement.bill.prm)
        values["enercoop_schedule_id"] = self.id
        invoice = Invoice.create(values)
        unpaid = self.instalment_ids.filtered(lambda i: i.state not in ("collected",
                                                                         "cancelled"))
        unpaid._cancel(_("Settled by the true-up invoice."))
        self.write({"true_up_invoice_id": invoice.id, "state": "closed"})
        return invoice
