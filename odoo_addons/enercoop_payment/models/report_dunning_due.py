# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The report of what is due by dunning level, per company, computed by the core."""
from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from enercoop_core.payments.dunning import due_by_level, dunning_states

from .. import core_adapter as adapter


class ReportDunningDue(models.AbstractModel):
    _name = "report.enercoop_payment.report_dunning_due"
    _description = "What is due by dunning level"

    @api.model
    def _company_rows(self, company, on):
        """{"levels": [(label, amount)], "states": [(invoice, state)]} for ``company``."""
        invoices = self.env["account.invoice"].search([
            ("company_id", "=", company.id), ("type", "=", "out_invoice"),
            ("state", "=", "open"), ("date_due", "<", on)])
        terms = adapter.terms(company)
        by_id = {str(inv.id): inv for inv in invoices}
        states = dunning_states(adapter.open_items(invoices), adapter.to_date(on),
                                {adapter.company_code(company): terms})
        labels = {lvl.key: lvl.label(self.env.lang) for lvl in terms.dunning}
        totals = due_by_level(states)
        levels = [(labels.get(key) or "", amount) for key, amount in totals.items()]
        return {"levels": levels,
                "states": [(by_id[s.item.invoice], s, labels.get(s.level.key, "")
                            if s.level else "") for s in states]}

    @api.model
    def get_report_values(self, docids, data=None):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("The dunning report is for the invoicing staff."))
        companies = self.env["res.company"].browse(docids)
        companies.check_access_rule("read")
        on = (data or {}).get("date") or fields.Date.context_today(self)
        return {"doc_ids": docids, "doc_model": "res.company", "docs": companies, "on": on,
                "rows": {company.id: self._company_rows(company, on) for company in companies}}
