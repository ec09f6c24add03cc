# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data of the payments (start.sh installs with demo): the national cooperative set up
to collect, mandates for the demo customers, a schedule each for the national ones; one
month collected, one debit returned (insufficient funds) and the dunning policy that
will remind it (the first credit control run is the user's: see _demo_payments)."""
import datetime as dt

from odoo import api, fields, models

DEMO_IBANS = {
    "enercoop_energy.supply_contract_demo_01": "FR7620041010050001234560172",
    "enercoop_energy.supply_contract_demo_02": "FR7620041010050001234560269",
    "enercoop_energy.supply_contract_demo_03": "FR7610107001011234567890129",
    "enercoop_energy.supply_contract_demo_04": "FR7611315000011234567890138",
}
DEMO_CREDITORS = {"base.main_company": "FR19ZZZ654321",
                  "enercoop_energy.company_demo_regional": "FR65ZZZ112233"}


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
    def _demo_mandate(self, contract, iban):
        bank = self.env["res.partner.bank"].create({
            "acc_number": iban, "partner_id": contract.partner_id.id,
            "company_id": contract.company_id.id})
        mandate = self.env["account.banking.mandate"].create({
            "partner_bank_id": bank.id, "company_id": contract.company_id.id,
            "format": "sepa", "type": "recurrent", "recurrent_sequence_type": "first",
            "scheme": "CORE", "signature_date": "2026-06-01"})
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
        # a schedule of 10 from next month, priced on the last day the demo grids cover
        today = fields.Date.from_string(fields.Date.context_today(self))
        start = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        Schedule = self.env["enercoop.payment.schedule"]
        for contract in national:
            Schedule.create({"contract_id": contract.id, "date_start": str(start),
                             "first_due": str(start.replace(day=10)),
                             "priced_on": "2026-07-31", "count": 10}).action_confirm()
        Instalment = self.env["enercoop.payment.instalment"]
        first = national.mapped("enercoop_schedule_ids.instalment_ids").filtered(
            lambda i: i.number == 1)
        Instalment._prenotify(max(first.mapped("notify_by")))
        orders = Instalment._prepare_debit_batches(str(today))
        orders.generated2uploaded()  # the first month is collected
        returned = first.sorted("id")[-1]
        self._demo_return(returned)
        # the dunning policy is there; no credit control run in the demo: OCA refuses any
        # run dated before an earlier one (and its own tests run on dates months back), so
        # the first run is the user's (Accounting > Credit control > Run)
        self.env["credit.control.policy"]._enercoop_sync_terms(national.mapped("company_id"))
        return True

    @api.model
    def _demo_return(self, instalment):
        invoice = instalment.invoice_id
        payment_return = self.env["payment.return"].create({
            "journal_id": instalment.payment_order_id.journal_id.id,
            "company_id": invoice.company_id.id, "date": instalment.collection_date,
            "line_ids": [(0, 0, {
                "move_line_ids": [(6, 0, invoice.payment_move_line_ids.ids)],
                "reason_id": self.env.ref(
                    "account_payment_return_import_sepa_pain.unpaid_reason_AM04").id,
                "partner_id": invoice.partner_id.id, "amount": invoice.amount_total,
                "reference": invoice.number})]})
        payment_return.action_confirm()
        return payment_return
