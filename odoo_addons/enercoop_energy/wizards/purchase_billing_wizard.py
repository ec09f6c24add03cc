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

    @api.multi
    def action_bill(self):
        self.ensure_one()
        contracts = self.env["enercoop.purchase.contract"].search([
            ("company_id", "=", self.company_id.id), ("state", "in", ("active", "terminated"))])
        invoices, problems = contracts.create_self_billing(self.period)
        if problems:
            self.result = "\n".join(
                _("%s: not billed: %s") % (contract.name, message)
                for contract, message in problems)
            return {"type": "ir.actions.act_window", "res_model": self._name,
                    "res_id": self.id, "view_mode": "form", "target": "new"}
        action = self.env.ref("account.action_invoice_tree2").read()[0]
        action["domain"] = [("id", "in", invoices.ids)]
        return action
