# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    enercoop_debit_mode_id = fields.Many2one(
        "account.payment.mode", string="Direct-debit payment mode",
        domain=[("payment_method_id.code", "=", "sepa_direct_debit")],
        help="Payment mode (SEPA direct debit, with its bank journal) of the monthly "
             "instalments of the supply contracts.")
    enercoop_advance_account_id = fields.Many2one(
        "account.account", string="Instalments account",
        help="Account of the instalments invoiced before the yearly true-up (customer "
             "advances, 4191 in the French chart); the true-up invoice deducts them there.")
    enercoop_fee_account_id = fields.Many2one(
        "account.account", string="Return fees account",
        help="Income account of the fee charged for a returned direct debit, when the "
             "cooperative's terms charge one.")

    def _enercoop_account(self, field, code_prefix):
        """The account set in ``field``, else the first of the company whose code starts
        with ``code_prefix`` (French chart)."""
        self.ensure_one()
        account = self[field]
        if not account:
            account = self.env["account.account"].search([
                ("company_id", "=", self.id), ("code", "=like", code_prefix + "%")], limit=1)
        if not account:
            raise UserError(_("Company %s: no account %s set (Settings of the energy "
                              "payments) and none of code %s.") % (
                self.name, self._fields[field].string, code_prefix))
        return account

    def _enercoop_debit_mode(self):
        self.ensure_one()
        if not self.enercoop_debit_mode_id:
            raise UserError(_("Company %s has no direct-debit payment mode for the "
                              "instalments.") % self.name)
        return self.enercoop_debit_mode_id
