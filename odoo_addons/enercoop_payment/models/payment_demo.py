# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data of the payments (start.sh installs with demo): the national cooperative set up
to collect, mandates for the demo customers, a schedule each for the national ones; one
month collected, one debit returned (insufficient funds), the dunning policy and, for the
first customer's previous year, a returned debit reminded by a credit control run (see
_demo_history). Every date is relative to the day the demo is installed."""
import datetime as dt
import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

DEMO_IBANS = {
    "enercoop_energy.supply_contract_demo_01": "FR7620041010050001234560172",
    "enercoop_energy.supply_contract_demo_02": "FR7620041010050001234560269",
    "enercoop_energy.supply_contract_demo_03": "FR7610107001011234567890129",
    "enercoop_energy.supply_contract_demo_04": "FR7611315000011234567890138",
}
DEMO_CREDITORS = {"base.main_company": "FR19ZZZ654321",
                  "enercoop_energy.company_demo_regional": "FR65ZZZ112233"}
# the previous year's instalment that the bank returns and the demo's run reminds
HISTORY_RETURNED = 4
# OCA account_credit_control's own tests make runs back to six months before their day and
# OCA refuses a run dated before an existing one (run or line): the demo's run is older
RUN_AGE_MONTHS = 7


class PaymentDemo(models.AbstractModel):
    _name = "enercoop.payment.demo"
    _description = "Demo data of the energy payments"

    @api.model
    def _demo_company(self, company, creditor_id):
        company.sepa_creditor_identifier = creditor_id
        if company.enercoop_debit_mode_id or not company.chart_template_id:
            return company
        account = self.env["res.partner.bank"].create({
            "acc_number": "FR7620041010050001234560366", "partner_id": company.partner_id.id,
            "company_id": company.id})
        journal = self.env["account.journal"].create({
            "name": "Prélèvements SEPA", "type": "bank", "code": "PSEPA",
            "company_id": company.id, "bank_account_id": account.id})
        company.enercoop_debit_mode_id = self.env["account.payment.mode"].create({
            "name": "Prélèvement SEPA des échéances", "company_id": company.id,
            "payment_method_id": self.env.ref(
                "account_banking_sepa_direct_debit.sepa_direct_debit").id,
            "bank_account_link": "fixed", "fixed_journal_id": journal.id,
            "payment_order_ok": True, "default_date_prefered": "fixed",
            "generate_move": True, "offsetting_account": "bank_account",
            "move_option": "date"})
        return company

    @api.model
    def _demo_start(self):
        """The first day of next month: the demo schedules' year starts then."""
        today = fields.Date.from_string(fields.Date.context_today(self))
        return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)

    @api.model
    def _demo_mandate(self, contract, iban):
        bank = self.env["res.partner.bank"].create({
            "acc_number": iban, "partner_id": contract.partner_id.id,
            "company_id": contract.company_id.id})
        mandate = self.env["account.banking.mandate"].create({
            "partner_bank_id": bank.id, "company_id": contract.company_id.id,
            "format": "sepa", "type": "recurrent", "recurrent_sequence_type": "first",
            "scheme": "CORE",
            # signed before the previous year's schedule (_demo_history)
            "signature_date": str(self._demo_start() - relativedelta(months=13))})
        mandate.validate()
        contract.write({"enercoop_mandate_id": mandate.id,
                        "enercoop_payment_mode": "direct_debit",
                        "enercoop_annual_kwh": contract.enercoop_annual_kwh or 3500})
        return mandate

    @api.model
    def _demo_payments(self):
        for xmlid, creditor in DEMO_CREDITORS.items():
            self._demo_company(self.env.ref(xmlid), creditor)
        contracts = self.env["enercoop.supply.contract"]
        for xmlid, iban in DEMO_IBANS.items():
            contract = self.env.ref(xmlid, raise_if_not_found=False)
            if contract and not contract.enercoop_mandate_id:
                self._demo_mandate(contract, iban)
                contracts |= contract
        national = contracts.filtered(
            lambda c: c.company_id == self.env.ref("base.main_company"))
        if not national or not national[0].company_id.enercoop_debit_mode_id:
            return False
        # a schedule of 10 from next month
        today = fields.Date.context_today(self)
        start = self._demo_start()
        for contract in national:
            self._demo_schedule(contract, start)
        Instalment = self.env["enercoop.payment.instalment"]
        first = national.mapped("enercoop_schedule_ids.instalment_ids").filtered(
            lambda i: i.number == 1)
        Instalment._prenotify(max(first.mapped("notify_by")))
        orders = Instalment._prepare_debit_batches(today)
        orders.generated2uploaded()  # the first month is collected
        returned = first.sorted("id")[-1]
        self._demo_return(returned)
        policies = self.env["credit.control.policy"]._enercoop_sync_terms(
            national.mapped("company_id"))
        self._demo_history(national[0], start - relativedelta(years=1), policies[:1])
        return True

    @api.model
    def _demo_schedule(self, contract, start):
        """A running schedule of 10 from ``start`` (a date), priced on the last day the
        demo grids cover."""
        schedule = self.env["enercoop.payment.schedule"].create({
            "contract_id": contract.id, "date_start": str(start),
            "first_due": str(start.replace(day=10)), "priced_on": "2026-07-31", "count": 10})
        schedule.action_confirm()
        return schedule

    @api.model
    def _demo_history(self, contract, start, policy):
        """The contract's previous year, from ``start`` (a date). Its debits were collected
        before this database existed (OCA's debit batches refuse a past collection date):
        each instalment is invoiced on its pre-notification day and paid by a bank entry
        on its collection day. The bank returned one (insufficient funds); the demo's
        credit control run, the day after the e-mail reminder's delay, reminds it (level
        1, a draft line to send: Invoicing > Credit Control > Credit Control Lines)."""
        schedule = self._demo_schedule(contract, start)
        journal = contract.company_id.enercoop_debit_mode_id.fixed_journal_id
        planned = schedule.instalment_ids.filtered(lambda i: i.state == "planned")
        for instalment in planned.sorted("due_date"):
            instalment._create_invoice(instalment.notify_by)
            instalment.invoice_id.pay_and_reconcile(journal, date=instalment.collection_date)
            instalment.write({"state": "collected", "notified_on": instalment.notify_by})
        returned = schedule.instalment_ids.filtered(lambda i: i.number == HISTORY_RETURNED)
        self._demo_return(returned, journal, days_after=2)
        level = policy.level_ids.sorted("level")[:1]
        day = fields.Date.from_string(returned.invoice_id.date_due) + dt.timedelta(
            days=level.delay_days + 1)
        today = fields.Date.from_string(fields.Date.context_today(self))
        if not level or day > today - relativedelta(months=RUN_AGE_MONTHS):
            _logger.warning("demo: no credit control run (policy %s, day %s)", policy.name, day)
            return False
        run = self.env["credit.control.run"].create({
            "date": str(day), "policy_ids": [(6, 0, policy.ids)],
            "company_id": contract.company_id.id})
        run.generate_credit_lines()
        return run

    @api.model
    def _demo_return(self, instalment, journal=None, days_after=0):
        """A manual return (AM04, insufficient funds) of the instalment's debit, dated
        ``days_after`` days after its collection."""
        invoice = instalment.invoice_id
        day = fields.Date.from_string(instalment.collection_date) + dt.timedelta(
            days=days_after)
        payment_return = self.env["payment.return"].create({
            "journal_id": (journal or instalment.payment_order_id.journal_id).id,
            "company_id": invoice.company_id.id, "date": str(day),
            "line_ids": [(0, 0, {
                "move_line_ids": [(6, 0, invoice.payment_move_line_ids.ids)],
                "reason_id": self.env.ref(
                    "account_payment_return_import_sepa_pain.unpaid_reason_AM04").id,
                "partner_id": invoice.partner_id.id, "amount": invoice.amount_total,
                "reference": invoice.number})]})
        payment_return.action_confirm()
        return payment_return
