# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ReportOverdue(models.AbstractModel):
    """Odoo's customer statement (``/report/pdf/account.report_overdue/<partner ids>``)
    reads the journal items in SQL, with no rights checked: any user who may read the
    contacts (the energy users) got their amounts due. It is for the readers of journal
    items (invoicing rights), on contacts they may read."""

    _inherit = "report.account.report_overdue"

    @api.model
    def get_report_values(self, docids, data=None):
        self.env["account.move.line"].check_access_rights("read")
        partners = self.env["res.partner"].browse(docids)
        partners.check_access_rights("read")
        partners.check_access_rule("read")
        return super().get_report_values(docids, data=data)
