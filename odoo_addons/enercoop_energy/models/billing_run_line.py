# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .billing_run import check_workflow

STATES = [("pending", "To bill"), ("billed", "Billed"), ("error", "Not billed")]


class BillingRunLine(models.Model):
    """One contract of a billing run: its invoice, or why the core could not bill it."""

    _name = "enercoop.billing.run.line"
    _description = "Contract of a billing run"
    _order = "run_id, id"
    _rec_name = "contract_id"

    run_id = fields.Many2one("enercoop.billing.run", string="Billing run", required=True,
                             ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True, readonly=True)
    contract_id = fields.Many2one("enercoop.supply.contract", string="Supply contract",
                                  required=True, ondelete="cascade", index=True)
    prm = fields.Char(related="contract_id.delivery_point_id.prm", string="PRM", readonly=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", readonly=True)
    state = fields.Selection(STATES, string="Status", required=True, default="pending",
                             index=True)
    invoice_id = fields.Many2one("account.invoice", string="Invoice", ondelete="set null")
    amount_total = fields.Float(string="Total", digits=(16, 2))
    message = fields.Text(string="Reason not billed",
                          help="The core's message, e.g. a missing rate or index.")

    @api.model
    def create(self, values):
        # the lines of a run are listed by action_start only (its company's contracts,
        # not billed yet for the period)
        check_workflow(self, ["line_ids"])
        return super().create(values)

    @api.multi
    def write(self, values):
        check_workflow(self, set(values) & {"run_id", "contract_id", "state", "invoice_id",
                                            "amount_total", "message"})
        return super().write(values)

    _sql_constraints = [
        ("run_contract_uniq", "unique(run_id, contract_id)",
         "A contract is billed once per run."),
    ]
