# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Member fields of a contact. The number is issued by the core at admission and never
reused; entry and exit dates, college history and holdings are derived from the ledger."""
from odoo import api, fields, models

from enercoop_core.errors import EnercoopError
from enercoop_core.shares.register import member_history

from .core_adapter import to_float, to_odoo_date


class ResPartner(models.Model):
    _inherit = "res.partner"

    member_number = fields.Integer(
        readonly=True, copy=False, index=True,
        help="Issued at admission, never reused (a returning member gets a new one).")
    member_representative_id = fields.Many2one(
        "res.partner", string="Representative",
        help="Natural person acting for a legal-entity member.")
    member_college_id = fields.Many2one(
        "enercoop.college", string="College", compute="_compute_member_ledger")
    member_entry_date = fields.Date(string="Member since", compute="_compute_member_ledger")
    member_exit_date = fields.Date(string="Left on", compute="_compute_member_ledger")
    member_active = fields.Boolean(string="Current member", compute="_compute_member_ledger")
    member_share_count = fields.Integer(string="Shares", compute="_compute_member_ledger")
    member_capital = fields.Monetary(string="Capital held", compute="_compute_member_ledger",
                                     currency_field="member_currency_id")
    member_currency_id = fields.Many2one("res.currency", compute="_compute_member_ledger")
    member_holdings = fields.Char(string="Holdings", compute="_compute_member_ledger")
    member_college_history = fields.Text(string="College history",
                                         compute="_compute_member_ledger")
    share_entry_ids = fields.One2many("enercoop.share.entry", "partner_id",
                                      string="Register entries")

    def _compute_member_ledger(self):
        company = self.env.user.company_id
        ledger = None
        try:
            ledger = company._shares_ledger()
            register = company._shares_register()
        except Exception:  # no statutes yet in this company
            ledger = None
        colleges = {c.code: c for c in self.env["enercoop.college"].search(
            [("company_id", "=", company.id)])}
        for partner in self:
            partner.member_currency_id = company.currency_id
            if not ledger or not partner.member_number \
                    or partner.member_number not in ledger.issued_numbers:
                continue
            membership = ledger.membership(partner.member_number)
            partner.member_entry_date = to_odoo_date(membership.entry_date)
            partner.member_exit_date = (to_odoo_date(membership.exit_date)
                                        if membership.exit_date else False)
            partner.member_active = membership.exit_date is None
            partner.member_college_id = colleges.get(membership.colleges.current)
            partner.member_college_history = "\n".join(
                "%s: %s%s" % (p.valid_from, colleges[p.college].name if p.college in colleges
                              else p.college, " - %s" % p.valid_to if p.valid_to else "")
                for p in membership.colleges.periods)
            holdings = ledger.member_holdings(partner.member_number)
            partner.member_share_count = sum(holdings.values())
            partner.member_holdings = ", ".join("%d %s" % (q, c)
                                                for c, q in sorted(holdings.items()))
            for row in register.rows:
                if row.number == partner.member_number:
                    partner.member_capital = to_float(row.subscribed_eur)

    @api.multi
    def _shares_portal_data(self):
        """What a member sees on their portal page: holdings and history, read with the
        current user's rights (record rules keep other members' entries out)."""
        self.ensure_one()
        entries = self.env["enercoop.share.entry"].search(
            ["|", ("partner_id", "=", self.id), ("counterpart_id", "=", self.id)],
            order="company_id, seq")
        companies = []
        for company in entries.mapped("company_id"):
            mine = entries.filtered(lambda e: e.company_id == company)
            ledger = company.sudo()._shares_ledger()
            numbers = set(mine.filtered(lambda e: e.partner_id == self).mapped("member_number"))
            numbers |= set(mine.filtered(lambda e: e.counterpart_id == self).mapped(
                "counterpart_number"))
            holdings, history = {}, []
            for number in sorted(n for n in numbers if n):
                try:
                    for code, qty in ledger.member_holdings(number).items():
                        holdings[code] = holdings.get(code, 0) + qty
                    history.extend(member_history(ledger, number))
                except EnercoopError:
                    continue
            companies.append({"company": company, "entries": mine,
                              "holdings": sorted(holdings.items()), "history": history})
        return {"partner": self, "companies": companies, "entries": entries}
