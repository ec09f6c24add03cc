# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A member number issued to a contact by one company's register.

Each regional cooperative (company) keeps its own register of members and numbers its
members itself, so one contact may be member no. 12 of one cooperative and no. 3 of
another. A number is issued by the core at admission (the next number never issued by
that ledger) and never reused: a returning member gets a new record with a new number,
the old one stays. Entry and exit dates, college and holdings are derived from the
ledger, never stored here.
"""
from odoo import api, fields, models


class EnercoopMembership(models.Model):
    _name = "enercoop.membership"
    _description = "Member number in a cooperative's register"
    _order = "company_id, member_number desc"
    _rec_name = "name"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Member", required=True,
                                 readonly=True, ondelete="restrict", index=True)
    member_number = fields.Integer(required=True, readonly=True, index=True)
    date = fields.Date(string="Admitted on", readonly=True)
    entry_id = fields.Many2one("enercoop.share.entry", string="Admitting entry",
                               readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.user.company_id)

    _sql_constraints = [
        ("number_company_uniq", "unique(member_number, company_id)",
         "A member number is issued once per company."),
    ]

    @api.depends("member_number", "company_id.name")
    def _compute_name(self):
        for membership in self:
            membership.name = "%s no. %d" % (membership.company_id.name or "",
                                             membership.member_number or 0)

    @api.model
    def _numbers_of(self, company):
        """Every number ``company``'s register has issued to a contact."""
        # sudo: a new number must differ from every number issued, readable or not
        return set(self.sudo().search([("company_id", "=", company.id)]).mapped(
            "member_number"))
