# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A supply contract's payment: its mode (direct debit, transfer, cheque, chèque énergie),
its SEPA mandate, its yearly estimate and day of debit, its schedules."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

PAYMENT_MODES = [
    ("direct_debit", "SEPA direct debit"),
    ("transfer", "Bank transfer"),
    ("cheque", "Cheque"),
    ("cheque_energie", "Chèque énergie"),
]


class SupplyContract(models.Model):
    _inherit = "enercoop.supply.contract"

    enercoop_payment_mode = fields.Selection(
        PAYMENT_MODES, string="Payment mode", default="direct_debit", required=True,
        track_visibility="onchange")
    enercoop_mandate_id = fields.Many2one(
        "account.banking.mandate", string="SEPA mandate", track_visibility="onchange",
        ondelete="restrict", domain="[('partner_id', '=', partner_id)]",
        help="The customer's mandate debited for this contract's instalments and bills.")
    enercoop_annual_kwh = fields.Float(
        string="Yearly consumption estimate (kWh)", digits=(16, 0),
        help="Used by the schedule when the point has less than a year of readings.")
    enercoop_schedule_ids = fields.One2many(
        "enercoop.payment.schedule", "contract_id", string="Payment schedules")

    @api.constrains("enercoop_payment_mode", "enercoop_mandate_id", "partner_id")
    def _check_mandate(self):
        for contract in self:
            mandate = contract.enercoop_mandate_id
            if mandate and mandate.partner_id.commercial_partner_id != \
                    contract.partner_id.commercial_partner_id:
                raise ValidationError(_("Contract %s: the mandate %s is not the customer's.")
                                      % (contract.name, mandate.unique_mandate_reference))
            if mandate and mandate.company_id != contract.company_id:
                raise ValidationError(_("Contract %s: the mandate %s belongs to another "
                                        "company.") % (contract.name,
                                                       mandate.unique_mandate_reference))

    @api.multi
    def _change_terms(self, day, fta="", kva=None, offer=""):
        """New terms from ``day``: the running schedules over that day are revised (the
        core re-prices the rest of the year); one that cannot be says why on its form."""
        result = super()._change_terms(day, fta=fta, kva=kva, offer=offer)
        running = self.mapped("enercoop_schedule_ids").filtered(
            lambda s: s.state == "active" and s.date_start < day < (s.date_end or day))
        for schedule in running:
            try:
                with self.env.cr.savepoint():
                    schedule._revise(day, _("terms changed"))
            except UserError as error:
                schedule.message_post(body=_("Not revised for the change of %s: %s")
                                      % (day, error.name))
        return result

    @api.multi
    def _enercoop_replace_iban(self, iban, bic=False):
        """New bank details for the contracts' direct debits: a new bank account and a new
        valid mandate signed today (reference from the sequence), the old mandate revoked.
        Returns the new mandate."""
        Mandate = self.env["account.banking.mandate"]
        new = Mandate
        for contract in self:
            partner = contract.partner_id.commercial_partner_id
            bank_values = {"acc_number": iban, "partner_id": partner.id,
                           "company_id": contract.company_id.id}
            if bic:
                bank = self.env["res.bank"].search([("bic", "=", bic)], limit=1) or \
                    self.env["res.bank"].create({"name": bic, "bic": bic})
                bank_values["bank_id"] = bank.id
            account = self.env["res.partner.bank"].search([
                ("acc_number", "=", iban), ("partner_id", "=", partner.id)], limit=1) or \
                self.env["res.partner.bank"].create(bank_values)
            old = contract.enercoop_mandate_id
            new = Mandate.create({
                "partner_bank_id": account.id, "company_id": contract.company_id.id,
                "signature_date": fields.Date.context_today(self), "format": "sepa",
                "type": old.type or "recurrent", "recurrent_sequence_type": "first",
                "scheme": "CORE"})
            new.validate()
            same = self.search([("enercoop_mandate_id", "=", old.id)]) if old else contract
            same.write({"enercoop_mandate_id": new.id, "enercoop_payment_mode": "direct_debit"})
            if old:
                old._enercoop_revoke(reason=_("Replaced by the mandate %s (new bank details).")
                                     % new.unique_mandate_reference)
        return new
