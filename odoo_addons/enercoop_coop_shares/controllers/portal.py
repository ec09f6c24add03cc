# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The member's portal page ``/my/shares`` and the register CSV export."""
from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class SharesPortal(CustomerPortal):

    def _prepare_portal_layout_values(self):
        values = super(SharesPortal, self)._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        values["share_entry_count"] = request.env["enercoop.share.entry"].search_count(
            ["|", ("partner_id", "=", partner.id), ("counterpart_id", "=", partner.id)])
        return values

    @http.route(["/my/shares"], type="http", auth="user", website=True)
    def portal_my_shares(self, **kw):
        """The current user's own shares and history (record rules apply: read as the
        user, never sudo)."""
        values = self._prepare_portal_layout_values()
        values.update(request.env.user.partner_id._shares_portal_data())
        values["page_name"] = "shares"
        return request.render("enercoop_coop_shares.portal_my_shares", values)


class SharesRegisterExport(http.Controller):

    @http.route(["/enercoop_coop_shares/register.csv"], type="http", auth="user")
    def register_csv(self, company_id=None, **kw):
        """The register of members of the user's company (or ``company_id``) as CSV."""
        user = request.env.user
        if not user.has_group("enercoop_coop_shares.group_coop_shares_user"):
            return request.not_found()
        company = user.company_id
        if company_id:
            company = request.env["res.company"].browse(int(company_id))
            if company not in user.company_ids:
                return request.not_found()
        body = company._shares_register_csv()
        return request.make_response(body.encode("utf-8"), headers=[
            ("Content-Type", "text/csv; charset=utf-8"),
            ("Content-Disposition", "attachment; filename=register_of_members.csv")])
