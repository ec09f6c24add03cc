# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models


class PurchaseBillingWizard(models.TransientModel):
    """Monthly self-billing: one draft vendor bill per active purchase contract."""

    _name = "enercoop.purchase.billing.wizard"
    _description = "Producers' self-billing"

    period = fields.Char(string="Period", required=True, size=7, help="Month, YYYY-MM.")
    company_id = fields.Many2one("res.company", string="Company", required=True,
                                 default=lambda self: self.env.user.company_id)
    result = fields.Text(string="Result", readonly=True)

    @api.model
    def _default_contracts(self):
        """The purchase contracts ticked in the list (the Action menu passes them as
        ``active_ids``); none when opened from the menu: then every contract is billed."""
        if self.env.context.get("active_model") == "enercoop.purchase.contract":
            return self.env["enercoop.purchase.contract"].browse(
                self.env.context.get("active_ids") or [])
        return self.env["enercoop.purchase.contract"]

    contract_ids = fields.Many2many(
        "enercoop.purchase.contract", string="Contracts", default=_default_contracts,
        help="Contracts to bill; empty: every active or terminated contract of the company.")

    @api.multi
    def action_bill(self):
        self.ensure_one()
        # a wizard is anyone's (no access rights on transient models): billing needs the
        # purchase contracts' rights and the invoicing rights, checked before anything
        self.env["enercoop.purchase.contract"].check_access_rights("read")
        self.env["account.invoice"].check_access_rights("create")
        contracts = self.contract_ids.filtered(
            lambda c: c.state in ("active", "terminated")) if self.contract_ids else \
            self.env["enercoop.purchase.contract"].search([
                ("company_id", "=", self.company_id.id),
                ("state", "in", ("active", "terminated"))])
        invoices, problems = contracts._create_self_billing(self.period)
        if problems:
            self.result = "\n".join(
                _("%s: not billed: %s") % (contract.name, message)
                for contract, message in problems)
            return {"type": "ir.actions.act_window", "res_model": self._name,
                    "res_id": self.id, "view_mode": "form", "target": "new"}
        action = self.env.ref("account.action_invoice_tree2").read()[0]
        action["domain"] = [("id", "in", invoices.ids)]
        return action
