# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A returned direct debit (R-transaction), imported from the bank's file or entered by
hand: OCA's payment return reopens the invoice; here, what the core says the reason code
implies: the code written on the invoice, the return fee of the company's terms, the
instalment returned, the mandate revoked when the code ends it. The reopened invoice is
then followed by dunning (credit control) like any overdue one."""
from odoo import _, api, models
from odoo.exceptions import UserError

from enercoop_core.errors import EnercoopError
from enercoop_core.payments.returns import return_outcome

from .. import core_adapter as adapter


class PaymentReturn(models.Model):
    _inherit = "payment.return"

    @api.multi
    def action_confirm(self):
        returned = []
        for payment_return in self:
            for line in payment_return.line_ids:
                invoices = line.move_line_ids.mapped(
                    "matched_debit_ids.debit_move_id.invoice_id")
                returned.append((line, invoices))
        result = super().action_confirm()
        for line, invoices in returned:
            line._enercoop_apply_reason(invoices)
        return result


class PaymentReturnLine(models.Model):
    _inherit = "payment.return.line"

    def _enercoop_apply_reason(self, invoices):
        """What the core's reason code implies, on the reopened ``invoices``."""
        self.ensure_one()
        if not self.reason_id.code:
            raise UserError(_("Return %s: a reason code is needed on each line.")
                            % self.return_id.name)
        company = self.return_id.company_id
        instalments = invoices.mapped("enercoop_instalment_ids")
        collected = (instalments[:1].collection_date or self.date or self.return_id.date)
        try:
            outcome = return_outcome(self.reason_id.code, adapter.decimal(self.amount),
                                     adapter.to_date(collected), adapter.terms(company))
        except EnercoopError as error:
            raise UserError(_("Return %s: %s") % (self.return_id.name, error)) from error
        label = outcome.reason.label(self.partner_id.lang)
        invoices.write({"enercoop_return_reason_id": self.reason_id.id})
        for invoice in invoices:
            invoice.message_post(body=_("Direct debit returned (%s %s): the invoice is due "
                                        "again.") % (outcome.reason.code, label))
        instalments.write({"state": "returned", "return_reason_code": outcome.reason.code})
        if outcome.fee:
            self._enercoop_fee_invoice(outcome, invoices[:1])
        if outcome.revoke_mandate:
            mandates = invoices.mapped("mandate_id") | instalments.mapped(
                "contract_id.enercoop_mandate_id")
            mandates._enercoop_revoke(reason=_("Return %s: %s") % (outcome.reason.code, label))
        return outcome

    def _enercoop_fee_invoice(self, outcome, invoice):
        """The return fee of the terms, as a customer invoice due at once."""
        company = self.return_id.company_id
        partner = (invoice.partner_id or self.partner_id).with_context(force_company=company.id)
        account = company._enercoop_account("enercoop_fee_account_id", "7088")
        journal = self.env["account.journal"].search([
            ("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        fee = self.env["account.invoice"].create({
            "type": "out_invoice", "partner_id": partner.id, "company_id": company.id,
            "journal_id": journal.id, "account_id": partner.property_account_receivable_id.id,
            "origin": invoice.number or self.return_id.name,
            "invoice_line_ids": [(0, 0, {
                "name": _("Fee for the returned direct debit of %s (%s)") % (
                    invoice.number or "", outcome.reason.code),
                "account_id": account.id, "quantity": 1, "price_unit": float(outcome.fee)})]})
        fee.action_invoice_open()
        return fee
