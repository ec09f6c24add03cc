# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SEPA mandates (OCA ``account.banking.mandate``) checked by the core's rules: mandate
reference, the company's creditor identifier, the debtor's IBAN and BIC."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from enercoop_core.errors import InputError
from enercoop_core.payments.mandates import mask_iban, validate_bic, validate_iban

from .. import core_adapter as adapter


class AccountBankingMandate(models.Model):
    _inherit = "account.banking.mandate"

    enercoop_revoked_on = fields.Date(
        string="Revoked on", readonly=True, copy=False,
        help="Day from which the mandate may no longer be used (replaced bank details, a "
             "return that ends it, the customer's revocation).")
    enercoop_masked_iban = fields.Char(
        string="IBAN (masked)", compute="_compute_masked_iban",
        help="The IBAN as shown to the customer: country, check digits, last 4 characters.")
    enercoop_contract_ids = fields.One2many(
        "enercoop.supply.contract", "enercoop_mandate_id", string="Supply contracts")

    @api.depends("partner_bank_id.acc_number")
    def _compute_masked_iban(self):
        for mandate in self:
            try:
                mandate.enercoop_masked_iban = mask_iban(mandate.partner_bank_id.acc_number)
            except InputError:
                mandate.enercoop_masked_iban = False

    @api.constrains("unique_mandate_reference", "partner_bank_id", "signature_date", "state",
                    "company_id")
    def _check_core_mandate(self):
        """A mandate in use (valid) passes every check of the core; a draft one its IBAN
        and BIC checks."""
        for mandate in self:
            try:
                bank = mandate.partner_bank_id
                if bank.acc_number:
                    validate_iban(bank.acc_number)
                if bank.bank_id.bic:
                    validate_bic(bank.bank_id.bic)
                if mandate.state == "valid" and mandate.format == "sepa":
                    adapter.mandate(mandate)
            except InputError as error:
                raise ValidationError(_("Mandate %s: %s") % (
                    mandate.unique_mandate_reference, error)) from error

    @api.multi
    def _enercoop_revoke(self, day=None, reason=""):
        """Revoke the mandates from ``day`` (default today): they are cancelled and no
        longer collected."""
        day = day or fields.Date.context_today(self)
        for mandate in self.filtered(lambda m: m.state in ("draft", "valid")):
            mandate.write({"state": "cancel", "enercoop_revoked_on": day})
            mandate.message_post(body=_("Mandate revoked on %s. %s") % (day, reason))
        return True
