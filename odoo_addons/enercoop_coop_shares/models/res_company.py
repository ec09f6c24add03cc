# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each company (regional cooperative) has its own statutes, capital, register and
assemblies. The statutes are built for the core from the company's colleges, share
classes and the parameters below; defaults come from ``enercoop_core``'s example
statutes (never literals here)."""
import csv
import io

from odoo import SUPERUSER_ID, api, fields, models, _
from odoo.exceptions import AccessError, UserError

from enercoop_core.shares.accounting import account_roles
from enercoop_core.shares.ledger import Ledger
from enercoop_core.shares.register import register_at
from enercoop_core.shares.statutes import default_statutes, load_statutes

from ..core_adapter import (
    core_errors, move_line_values, to_date, to_decimal, to_float, to_odoo_date)


SHARES_USER = "enercoop_coop_shares.group_coop_shares_user"
# Colleges of the example statutes a visitor may choose on the public form; founders and
# employees are admitted by the board, never by a web form. Edit per college (Colleges).
PUBLIC_COLLEGES = frozenset(["consumers", "producers", "partners", "local_authorities"])


def _default(attribute):
    return lambda self: getattr(default_statutes(), attribute)


class ResCompany(models.Model):
    _inherit = "res.company"

    shares_statutes_adopted_on = fields.Date(
        string="Statutes adopted on",
        default=lambda self: fields.Date.to_string(default_statutes().adopted_on))
    shares_weighted_votes = fields.Boolean(
        string="Weighted colleges", default=True,
        help="The statutes weight the votes of each college.")
    shares_capital_floor = fields.Monetary(
        string="Capital floor", currency_field="currency_id",
        default=lambda self: to_float(default_statutes().capital_floor_eur),
        help="The subscribed capital may not be reduced below this amount (EUR).")
    shares_capital_floor_fraction = fields.Float(
        string="Floor fraction of the highest capital", digits=(3, 4),
        default=lambda self: to_float(default_statutes().capital_floor_fraction_of_highest))
    shares_refund_delay_months = fields.Integer(
        string="Refund delay (months)", default=_default("refund_delay_months"))
    shares_proxy_limit = fields.Integer(
        string="Proxies per holder", default=_default("proxy_limit"))
    shares_web_max_amount = fields.Monetary(
        string="Public form: largest request", currency_field="currency_id",
        default=5000.0,
        help="Largest amount (EUR) one request of the public subscription form may ask "
             "for; a larger subscription goes through the back office.")
    shares_receivable_account_id = fields.Many2one(
        "account.account", string="Capital called, not paid (member account)")
    shares_unpaid_account_id = fields.Many2one(
        "account.account", string="Capital subscribed, not paid up account")
    shares_capital_account_id = fields.Many2one(
        "account.account", string="Capital paid up account")
    shares_refund_account_id = fields.Many2one(
        "account.account", string="Capital to refund account")
    shares_deduction_account_id = fields.Many2one(
        "account.account", string="Refund deduction account")

    @api.model
    def create(self, vals):
        """A new company (a regional cooperative, an independent SCIC) starts with its own
        colleges and share classes, copied from the core's example statutes."""
        company = super().create(vals)
        # sudo: whoever may create a company (Settings) sets up its statutes with it,
        # even without the shares manager group
        company.sudo()._shares_load_default_statutes()
        return company

    def _shares_check_register_access(self):
        """Refuse (AccessError) the register of members of these companies to a user who
        may not read it: shares users only, and only companies whose register entries
        the record rules let the user read in full."""
        if self.env.uid == SUPERUSER_ID:
            return True  # the superuser reads every company's register, as the ORM lets it
        user = self.env.user
        if not user.has_group(SHARES_USER):
            raise AccessError(_("Only the cooperative's shares users may read the register "
                                "of members."))
        Entry = self.env["enercoop.share.entry"]
        Entry.check_access_rights("read")
        readable = self.search([("id", "child_of", user.company_id.ids)])
        for company in self:
            domain = [("company_id", "=", company.id)]
            # the user's own count (record rules applied) against the whole register
            if company not in readable \
                    or Entry.search_count(domain) != Entry.sudo().search_count(domain):
                raise AccessError(_("You may not read the register of members of this "
                                    "company (id %d).") % company.id)
        return True

    # --- core objects -------------------------------------------------------------------

    def _shares_statutes_dict(self):
        """The statutes in the core's JSON shape, from this company's records."""
        self.ensure_one()
        # sudo: the statutes are the company's own rules, read whoever applies them (a
        # visitor's subscription, the accountant's payment); nothing of them is returned
        colleges = self.env["enercoop.college"].sudo().search(
            [("company_id", "=", self.id)])
        classes = self.env["enercoop.share.class"].sudo().search(
            [("company_id", "=", self.id)])
        defaults = default_statutes()
        assemblies = {kind: {"quorum_first": str(rules.quorum_first),
                             "quorum_second": str(rules.quorum_second),
                             "majority": str(rules.majority),
                             "majority_strict": rules.majority_strict}
                      for kind, rules in defaults.assemblies.items()}
        return {
            "name": self.name,
            "adopted_on": self.shares_statutes_adopted_on
            or str(defaults.adopted_on),
            "colleges": [{"code": c.code, "label": c.name,
                          "weight_pct": (str(to_decimal(c.weight_pct))
                                         if self.shares_weighted_votes else None)}
                         for c in colleges],
            "share_classes": [{
                "code": s.code, "label": s.name, "min_per_member": s.min_per_member,
                "max_per_member": s.max_per_member or None,
                "colleges": s.college_ids.mapped("code"),
                "nominal_values": [{"valid_from": v.valid_from, "valid_to": v.valid_to or None,
                                    "value_eur": str(to_decimal(v.value)),
                                    "source": v.source or ""} for v in s.value_ids]}
                for s in classes],
            "capital_floor_eur": str(to_decimal(self.shares_capital_floor)),
            "capital_floor_fraction_of_highest": "%.4f" % self.shares_capital_floor_fraction,
            "refund_delay_months": self.shares_refund_delay_months,
            "proxy_limit": self.shares_proxy_limit,
            "assemblies": assemblies,
        }

    def _shares_statutes(self):
        """The core :class:`Statutes` of this company (UserError when incomplete)."""
        self.ensure_one()
        data = self._shares_statutes_dict()
        if not data["colleges"] or not data["share_classes"]:
            raise UserError(_("Company %s has no colleges or no share classes yet.")
                            % self.name)
        with core_errors():
            return load_statutes(data)

    def _shares_entries(self):
        """Every entry of this company's register, as superuser: the core replays the whole
        ledger to check an operation or derive a member's figures. What is shown from it
        is guarded by the caller (``_shares_check_register_access`` for the register, the
        portal rule for a member's own entries)."""
        self.ensure_one()
        return self.env["enercoop.share.entry"].sudo().search(
            [("company_id", "=", self.id)], order="seq, id")

    def _shares_ledger(self):
        """The core :class:`Ledger` replaying this company's stored register entries."""
        self.ensure_one()
        statutes = self._shares_statutes()
        with core_errors():
            return Ledger(statutes, [e._to_core_operation()
                                     for e in self._shares_entries()])

    def _shares_register(self, on=None):
        """The core register of members of this company on ``on`` (today by default)."""
        self.ensure_one()
        day = to_date(on or fields.Date.context_today(self))
        with core_errors():
            return register_at(self._shares_ledger(), day)

    def _shares_register_csv(self, on=None):
        """The register of members as CSV text (one row per member, numbered)."""
        register = self._shares_register(on)
        out = io.StringIO()
        writer = csv.writer(out)
        classes = list(register.share_classes)
        writer.writerow(["number", "name", "kind", "representative", "college",
                         "entry_date", "exit_date"] + ["shares_%s" % c for c in classes]
                        + ["subscribed_eur", "unpaid_eur", "released_eur"])
        for row in register.rows:
            writer.writerow([row.number, row.name, row.kind, row.representative, row.college,
                             row.entry_date, row.exit_date or ""]
                            + [row.holdings.get(c, 0) for c in classes]
                            + [row.subscribed_eur, row.unpaid_eur, row.released_eur])
        return out.getvalue()

    # --- accounts and set-up --------------------------------------------------------------

    def _shares_role_account(self, role):
        """The company's account for a core account role (``data/account_roles.csv``):
        the configured one, else the first account whose code starts with the PCG
        number of the role."""
        self.ensure_one()
        field = {"member_capital_receivable": "shares_receivable_account_id",
                 "capital_unpaid": "shares_unpaid_account_id",
                 "capital_paid": "shares_capital_account_id",
                 "member_refund_payable": "shares_refund_account_id",
                 "refund_deduction": "shares_deduction_account_id"}.get(role)
        if field and self[field]:
            return self[field]
        prefix = account_roles()[role].pcg_account
        # sudo: the shares manager need not read the chart of accounts to use it
        account = self.env["account.account"].sudo().search(
            [("company_id", "=", self.id), ("code", "=like", prefix + "%")],
            order="code", limit=1)
        if not account:
            raise UserError(_("No account %s (%s) in the chart of accounts of %s.")
                            % (prefix, account_roles()[role].label, self.name))
        return account

    def _shares_partner_of(self, number):
        """The contact issued member ``number`` by this company's register (empty record
        for None)."""
        self.ensure_one()
        # sudo: a journal item names the member whoever posts it
        return self.env["enercoop.membership"].sudo().search(
            [("company_id", "=", self.id), ("member_number", "=", number or 0)],
            limit=1).partner_id

    def _shares_post_moves(self, moves, settled_roles=()):
        """Post the core's accounting ``moves`` (``enercoop_core.shares.accounting``) in
        this company's miscellaneous journal, each role on its account; the lines of
        ``settled_roles`` are left to the Odoo document that posts them (a payment).
        Returns the posted ``account.move`` records."""
        self.ensure_one()
        # sudo: the register posts the core's moves of the operations it records; the
        # shares manager (or the accountant paying a capital call) need not be allowed
        # to write any journal entry
        Move = self.env["account.move"].sudo()
        journal = self.env["account.journal"].sudo().search(
            [("type", "=", "general"), ("company_id", "=", self.id)], limit=1)
        if not journal:
            raise UserError(_("No miscellaneous journal in company %s.") % self.name)
        posted = Move.browse()
        for move in moves:
            lines = move_line_values(move, self._shares_role_account,
                                     self._shares_partner_of, settled_roles)
            if not lines:
                continue
            record = Move.create({"journal_id": journal.id, "company_id": self.id,
                                  "date": to_odoo_date(move.date), "ref": move.ref,
                                  "line_ids": lines})
            record.post()
            posted |= record
        return posted

    @api.multi
    def _shares_load_default_statutes(self, xmlids=False):
        """Create the colleges and share classes of the core's example statutes for the
        companies that have none (``xmlids``: name them enercoop_coop_shares.college_<code>
        and share_class_<code>, for the main company's demo data)."""
        statutes = default_statutes()
        product = self.env.ref("enercoop_coop_shares.product_share_capital",
                               raise_if_not_found=False)
        for company in self:
            # sudo: set-up of a company's statutes (install, company creation)
            College = self.env["enercoop.college"].sudo()
            if College.search([("company_id", "=", company.id)], limit=1):
                continue
            colleges = {}
            for index, college in enumerate(statutes.colleges):
                colleges[college.code] = College.create({
                    "code": college.code, "name": college.label, "sequence": index + 1,
                    "public_subscription": college.code in PUBLIC_COLLEGES,
                    "weight_pct": to_float(college.weight_pct or 0),
                    "company_id": company.id})
                if xmlids:
                    company._shares_xmlid("college_%s" % college.code, colleges[college.code])
                else:
                    company._shares_copy_translations(
                        "enercoop_coop_shares.college_%s" % college.code, colleges[college.code])
            for share_class in statutes.share_classes:
                record = self.env["enercoop.share.class"].sudo().create({
                    "code": share_class.code, "name": share_class.label,
                    "min_per_member": share_class.min_per_member,
                    "max_per_member": share_class.max_per_member or 0,
                    "college_ids": [(6, 0, [colleges[c].id for c in share_class.colleges])],
                    "product_id": product.id if product else False,
                    "company_id": company.id,
                    "value_ids": [(0, 0, {"valid_from": str(v.valid_from),
                                          "valid_to": str(v.valid_to) if v.valid_to else False,
                                          "value": to_float(v.value_eur),
                                          "source": v.source})
                                  for v in share_class.nominal_values]})
                if xmlids:
                    company._shares_xmlid("share_class_%s" % share_class.code.lower(), record)
                else:
                    company._shares_copy_translations(
                        "enercoop_coop_shares.share_class_%s" % share_class.code.lower(), record)
        return True

    @api.model
    def _shares_load_default_statutes_everywhere(self):
        """At install: every existing company without statutes (a regional cooperative
        created before this addon) gets the example ones, as a new company does."""
        self.search([])._shares_load_default_statutes()
        return True

    def _shares_copy_translations(self, xmlid, record):
        """Give ``record`` the translated names of the addon's record ``xmlid`` (the main
        company's college or share class of the same code): the other companies' copies
        have no xml id of their own, so the addon's .po does not reach them."""
        template = self.env.ref(xmlid, raise_if_not_found=False)
        if not template or template == record:
            return
        # sudo: translations of set-up records (install, company creation)
        Translation = self.env["ir.translation"].sudo()
        name = "%s,name" % record._name
        for entry in Translation.search([("name", "=", name), ("type", "=", "model"),
                                         ("res_id", "=", template.id)]):
            Translation.create({"name": name, "type": "model", "res_id": record.id,
                                "lang": entry.lang, "src": entry.src, "value": entry.value,
                                "module": entry.module, "state": entry.state})

    def _shares_xmlid(self, name, record):
        self.env["ir.model.data"].sudo().create({
            "module": "enercoop_coop_shares", "name": name, "model": record._name,
            "res_id": record.id, "noupdate": True})
