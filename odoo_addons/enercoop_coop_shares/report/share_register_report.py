# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Values of the register of members, share certificate and assembly results PDFs.

Every report checks the reader's rights on its records before anything is computed:
``/report/pdf/<report>/<ids>`` is open to any logged-in user (portal members included),
so the check lives here, not only in the report action's groups."""
from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_date, formatLang

from ..core_adapter import to_date, to_float, to_odoo_date


class ReportShareRegister(models.AbstractModel):
    _name = "report.enercoop_coop_shares.report_share_register"
    _description = "Register of members"

    @api.model
    def get_report_values(self, docids, data=None):
        companies = self.env["res.company"].browse(docids)
        companies._shares_check_register_access()
        day = to_date(fields.Date.context_today(self))
        registers = {company.id: company._shares_register(day) for company in companies}
        return {"doc_ids": docids, "doc_model": "res.company", "docs": companies,
                "registers": registers, "day": day}


class ReportShareCertificate(models.AbstractModel):
    """One certificate per contact: the member's row of the register of the current
    company, per class the quantity, the core's nominal value on the day and the amount
    at that value; amounts and dates written in the partner's language."""

    _name = "report.enercoop_coop_shares.report_share_certificate"
    _description = "Share certificate"

    @api.model
    def _check_certificate_access(self, partners, company):
        """A shares user prints the certificates of the contacts they may read; anyone
        else (a portal member) only their own."""
        user = self.env.user
        if user.has_group("enercoop_coop_shares.group_coop_shares_user"):
            partners.check_access_rights("read")
            partners.check_access_rule("read")
            company._shares_check_register_access()
        elif partners - user.partner_id:
            raise AccessError(_("You may print only your own share certificate."))
        return True

    @api.model
    def get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        # in the reader's environment (``env.user`` is browsed as the superuser in Odoo 11)
        company = self.env["res.company"].browse(self.env.user.company_id.id)
        self._check_certificate_access(partners, company)
        today = fields.Date.context_today(self)
        day = to_date(today)
        register = company._shares_register(day)
        statutes = company._shares_statutes()
        classes = {c.code: c for c in self.env["enercoop.share.class"].search(
            [("company_id", "=", company.id)])}
        colleges = {c.code: c for c in self.env["enercoop.college"].search(
            [("company_id", "=", company.id)])}
        certificates, issued_on = {}, {}
        for partner in partners:
            env = self.env(context=dict(self.env.context, lang=partner.lang or "en_US"))

            def money(amount, env=env):
                """A Decimal EUR amount in the partner's language (1 500,00 in French)."""
                return formatLang(env, to_float(amount), currency_obj=company.currency_id)

            issued_on[partner.id] = format_date(env, today)
            number = partner._member_number_in(company)
            row = next((r for r in register.rows if number and r.number == number), None)
            if row is None or not row.holdings:
                certificates[partner.id] = None
                continue
            lines = []
            for code, quantity in sorted(row.holdings.items()):
                nominal = statutes.share_class(code).nominal_on(day)
                share_class = classes.get(code)
                lines.append({
                    "code": code, "quantity": quantity, "nominal": nominal,
                    "label": (share_class.with_context(lang=partner.lang).name
                              if share_class else code),
                    "amount": nominal * quantity})
            college = colleges.get(row.college)
            certificates[partner.id] = {
                "number": row.number, "date": format_date(env, today),
                "entry_date": format_date(env, to_odoo_date(row.entry_date)),
                "college": (college.with_context(lang=partner.lang).name
                            if college else row.college),
                "lines": [dict(line, nominal=money(line["nominal"]),
                               amount=money(line["amount"])) for line in lines],
                "quantity": sum(line["quantity"] for line in lines),
                "total": money(sum(line["amount"] for line in lines)),
                "subscribed": money(row.subscribed_eur),
                "released": money(row.released_eur)}
        return {"doc_ids": docids, "doc_model": "res.partner", "docs": partners,
                "certificates": certificates, "issued_on": issued_on, "company": company}


class ReportGeneralAssemblyResults(models.AbstractModel):
    """Results of a general assembly: for the shares users of its company."""

    _name = "report.enercoop_coop_shares.report_general_assembly_results"
    _description = "Results of the general assembly"

    @api.model
    def get_report_values(self, docids, data=None):
        if not self.env.user.has_group("enercoop_coop_shares.group_coop_shares_user"):
            raise AccessError(_("Only the cooperative's shares users may read the results "
                                "of a general assembly."))
        assemblies = self.env["enercoop.general.assembly"].browse(docids)
        assemblies.check_access_rights("read")
        assemblies.check_access_rule("read")
        return {"doc_ids": docids, "doc_model": "enercoop.general.assembly",
                "docs": assemblies}
