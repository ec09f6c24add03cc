# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Transfers, conversions and redemptions of shares, entered from a member's form.

Each wizard writes one register entry (which the core checks) and posts the core's
accounting move of it; a redemption's move is the refund vendor bill, due on the core's
refund due date (statutory delay)."""
from odoo import api, fields, models, _
from odoo.exceptions import UserError


class EnercoopShareOperationWizard(models.TransientModel):
    _name = "enercoop.share.operation.wizard"
    _description = "Transfer, conversion or redemption of shares"

    operation_type = fields.Selection([("transfer", "Transfer"), ("conversion", "Conversion"),
                                       ("redemption", "Redemption")], required=True,
                                      default="transfer")
    date = fields.Date(required=True, default=fields.Date.context_today)
    partner_id = fields.Many2one("res.partner", string="Member", required=True,
                                 domain=[("member_number", "!=", 0)])
    share_class_id = fields.Many2one("enercoop.share.class", string="Share class",
                                     required=True)
    quantity = fields.Integer(required=True, default=1)
    leaving = fields.Boolean(help="These are the member's last shares: they leave.")
    to_partner_id = fields.Many2one("res.partner", string="Transfer to")
    college_id = fields.Many2one("enercoop.college", string="College of the new member")
    to_share_class_id = fields.Many2one("enercoop.share.class", string="Convert into")
    deduction = fields.Monetary(help="Deduction from the refund (member's share of losses).")
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        Entry = self.env["enercoop.share.entry"]
        values = {"date": self.date, "operation_type": self.operation_type,
                  "partner_id": self.partner_id.id, "share_class_id": self.share_class_id.id,
                  "quantity": self.quantity, "company_id": self.company_id.id}
        if self.operation_type == "transfer":
            if not self.to_partner_id:
                raise UserError(_("Choose who receives the shares."))
            ledger = self.company_id._shares_ledger()
            active = {m.number for m in ledger.memberships(active_only=True)}
            number = self.to_partner_id._member_number_in(self.company_id)
            admitting = not number or number not in active
            values.update(counterpart_id=self.to_partner_id.id, leaving=self.leaving,
                          admission=admitting,
                          college_id=self.college_id.id if admitting else False)
        elif self.operation_type == "conversion":
            values["to_share_class_id"] = self.to_share_class_id.id
        else:
            values.update(leaving=self.leaving, deduction=self.deduction)
        entry = Entry.create(values)
        if self.operation_type == "redemption":
            # the bill is the core's redemption move; its payment, the refund payment
            entry._create_refund_bill()
        else:
            entry._post_core_moves()
        return {"type": "ir.actions.act_window", "res_model": "enercoop.share.entry",
                "res_id": entry.id, "view_mode": "form", "target": "current"}

