# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Member fields of a contact. Numbers are issued per company (each regional cooperative
keeps its own register: ``enercoop.membership``); the fields below show the member in the
current company (the user's, or ``force_company`` in the context). Entry and exit dates,
college history and holdings are derived from that company's ledger."""
from odoo import _, api, fields, models
from odoo.tools.misc import format_date

from enercoop_core.errors import EnercoopError
from enercoop_core.shares.register import member_history

from ..core_adapter import to_float, to_odoo_date


class ResPartner(models.Model):
    _inherit = "res.partner"

    membership_ids = fields.One2many("enercoop.membership", "partner_id",
                                     string="Member numbers", readonly=True)
    # the register's keepers only: an energy user or accountant reads every contact,
    # not who is a member of the cooperative under which number
    member_number = fields.Integer(
        compute="_compute_member_number", search="_search_member_number",
        groups="enercoop_coop_shares.group_coop_shares_user",
        help="Number in the register of the current company: issued at admission, never "
             "reused (a returning member gets a new one).")
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
    member_college_history = fields.Text(
        string="College history", compute="_compute_member_ledger",
        help="Periods in each college, from the register (the end date is excluded).")
    share_entry_ids = fields.One2many("enercoop.share.entry", "partner_id",
                                      string="Register entries")

    def _shares_company(self):
        """The company whose register the member fields show."""
        company_id = self.env.context.get("force_company")
        if company_id:
            return self.env["res.company"].browse(company_id)
        return self.env.user.company_id

    @api.model
    def _shares_partners_by_email(self, email, company):
        """The contacts of ``company`` (or shared) whose email is ``email``, any case."""
        email = (email or "").strip()
        if not email:
            return self.browse()
        pattern = email.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self.search([("email", "=ilike", pattern),
                            ("company_id", "in", [company.id, False])])

    @api.multi
    def _member_number_in(self, company):
        """This contact's current number in ``company``'s register (0 if never admitted):
        the latest issued, numbers only grow."""
        self.ensure_one()
        # sudo: the number is derived for the member fields and the ledger checks
        numbers = self.sudo().membership_ids.filtered(
            lambda m: m.company_id == company).mapped("member_number")
        return max(numbers) if numbers else 0

    @api.depends("membership_ids.member_number", "membership_ids.company_id")
    def _compute_member_number(self):
        company = self._shares_company()
        for partner in self:
            partner.member_number = partner._member_number_in(company)

    def _search_member_number(self, operator, value):
        # sudo: searching contacts by number (the contacts' own rules still apply)
        Membership = self.env["enercoop.membership"].sudo()
        company_domain = [("company_id", "=", self._shares_company().id)]
        if operator == "=" and not value:
            # no number: never admitted in this company
            return [("id", "not in", Membership.search(company_domain).mapped(
                "partner_id").ids)]
        memberships = Membership.search(company_domain + [("member_number", operator, value)])
        return [("id", "in", memberships.mapped("partner_id").ids)]

    def _compute_member_ledger(self):
        company = self._shares_company()
        ledger = None
        try:
            ledger = company._shares_ledger()
            register = company._shares_register()
        except Exception:  # no statutes yet in this company
            ledger = None
        colleges = {c.code: c for c in self.env["enercoop.college"].search(
            [("company_id", "=", company.id)])}

        def college_name(code):
            return colleges[code].name if code in colleges else code

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
                (_("%s to %s: %s") % (p.valid_from, p.valid_to, college_name(p.college))
                 if p.valid_to else
                 _("since %s: %s") % (p.valid_from, college_name(p.college)))
                for p in membership.colleges.periods)
            holdings = ledger.member_holdings(partner.member_number)
            partner.member_share_count = sum(holdings.values())
            partner.member_holdings = ", ".join("%d %s" % (q, c)
                                                for c, q in sorted(holdings.items()))
            for row in register.rows:
                if row.number == partner.member_number:
                    partner.member_capital = to_float(row.subscribed_eur)

    @api.multi
    def _demo_set_language(self, lang):
        """Demo data: these contacts speak ``lang`` when the database has it active (a
        database created with only English keeps its default)."""
        if self.env["res.lang"].search_count([("code", "=", lang)]):
            self.write({"lang": lang})

    @api.multi
    def _shares_portal_data(self):
        """What a member sees on their portal page: holdings and history, read with the
        current user's rights (record rules keep other members' entries out). History
        lines are dicts with the date in the member's language (its date format), the
        operation's translated label, the change and the balance per class."""
        self.ensure_one()
        lang = self.lang or self.env.lang or "en_US"
        env = self.env(context=dict(self.env.context, lang=lang))
        Entry = env["enercoop.share.entry"]
        labels = dict(Entry._fields["operation_type"]._description_selection(env))
        entries = Entry.search(
            ["|", ("partner_id", "=", self.id), ("counterpart_id", "=", self.id)],
            order="company_id, seq")
        companies = []
        for company in entries.mapped("company_id"):
            mine = entries.filtered(lambda e, company=company: e.company_id == company)
            by_seq = {e.seq: e for e in mine}
            # sudo: the ledger replays the company's whole register; only this member's
            # own numbers (from the entries the rules let them read) are shown
            ledger = company.sudo()._shares_ledger()
            numbers = set(mine.filtered(lambda e: e.partner_id == self).mapped("member_number"))
            numbers |= set(mine.filtered(lambda e: e.counterpart_id == self).mapped(
                "counterpart_number"))
            holdings, history = {}, []
            for number in sorted(n for n in numbers if n):
                try:
                    for code, qty in ledger.member_holdings(number).items():
                        holdings[code] = holdings.get(code, 0) + qty
                    lines = member_history(ledger, number)
                except EnercoopError:
                    continue
                for line in lines:
                    entry = by_seq.get(line.seq)
                    history.append({
                        "seq": line.seq, "kind": line.kind,
                        "date": format_date(env, to_odoo_date(line.date)),
                        "operation": labels.get(line.kind, line.kind),
                        "change": ", ".join("%+d %s" % (qty, code) for code, qty
                                            in sorted(line.quantity.items()) if qty),
                        "balance": ", ".join("%d %s" % (qty, code) for code, qty
                                             in sorted(line.balance.items())),
                        "ref": (entry.ref or "") if entry else ""})
            companies.append({"company": company, "entries": mine,
                              "holdings": sorted(holdings.items()), "history": history,
                              "share_count": sum(holdings.values())})
        return {"partner": self, "companies": companies, "entries": entries,
                "share_count": sum(block["share_count"] for block in companies)}
