# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Values of the register of members and share certificate PDFs, from the core."""
from odoo import api, fields, models

from ..models.core_adapter import to_date


class ReportShareRegister(models.AbstractModel):
    _name = "report.enercoop_coop_shares.report_share_register"
    _description = "Register of members"

    @api.model
    def get_report_values(self, docids, data=None):
        companies = self.env["res.company"].browse(docids)
        day = to_date(fields.Date.context_today(self))
        registers = {company.id: company._shares_register(day) for company in companies}
        return {"doc_ids": docids, "doc_model": "res.company", "docs": companies,
                "registers": registers, "day": day}


class ReportShareCertificate(models.AbstractModel):
    _name = "report.enercoop_coop_shares.report_share_certificate"
    _description = "Share certificate"

    @api.model
    def get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        day = to_date(fields.Date.context_today(self))
        rows = {}
        for partner in partners:
            company = self.env.user.company_id
            register = company._shares_register(day)
            rows[partner.id] = next((row for row in register.rows
                                     if row.number == partner.member_number), None)
        classes = {c.code: c for c in self.env["enercoop.share.class"].search(
            [("company_id", "=", self.env.user.company_id.id)])}
        holdings = {pid: sorted(row.holdings.items()) if row else []
                    for pid, row in rows.items()}
        return {"doc_ids": docids, "doc_model": "res.partner", "docs": partners,
                "rows": rows, "holdings": holdings, "day": day, "classes": classes,
                "company": self.env.user.company_id}
