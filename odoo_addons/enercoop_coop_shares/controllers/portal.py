# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The member's portal pages ``/my/shares`` (and their certificate) and the register CSV
export."""
from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class SharesPortal(CustomerPortal):

    def _prepare_portal_layout_values(self):
        """The portal home's counter: the member's number of shares (all cooperatives)."""
        values = super()._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        entries = request.env["enercoop.share.entry"].search_count(
            ["|", ("partner_id", "=", partner.id), ("counterpart_id", "=", partner.id)])
        values["share_entry_count"] = entries
        values["share_count"] = (partner._shares_portal_data()["share_count"]
                                 if entries else 0)
        return values

    @http.route(["/my/shares"], type="http", auth="user", website=True)
    def portal_my_shares(self, **kw):
        """The current user's own shares and history (record rules apply: read as the
        user, never sudo)."""
        values = self._prepare_portal_layout_values()
        values.update(request.env.user.partner_id._shares_portal_data())
        values["page_name"] = "shares"
        return request.render("enercoop_coop_shares.portal_my_shares", values)

    @http.route(["/my/shares/certificate"], type="http", auth="user", website=True)
    def portal_my_certificate(self, **kw):
        """The current user's own share certificate (PDF); no id is taken from the URL."""
        partner = request.env.user.partner_id
        report = request.env.ref("enercoop_coop_shares.report_share_certificate_action")
        try:
            result = report.render_qweb_pdf(partner.ids)
        except AccessError:
            return request.not_found()
        # (pdf, "pdf"); on Odoo 11's test cursor, the HTML alone
        pdf, kind = result if isinstance(result, tuple) else (result, "html")
        return request.make_response(pdf, headers=[
            ("Content-Type", "application/pdf" if kind == "pdf" else "text/html"),
            ("Content-Length", len(pdf)),
            ("Content-Disposition", "inline; filename=share_certificate.pdf")])


class SharesRegisterExport(http.Controller):

    @http.route(["/enercoop_coop_shares/register.csv"], type="http", auth="user")
    def register_csv(self, company_id=None, **kw):
        """The register of members of the user's company (or ``company_id``) as CSV, for
        the readers the register PDF allows (``_shares_check_register_access``)."""
        # the company in the user's own environment: ``env.user`` is browsed as the
        # superuser in Odoo 11, and the register check would then let anyone through
        company = request.env["res.company"].browse(request.env.user.company_id.id)
        if company_id:
            if not str(company_id).isdigit() or len(str(company_id)) > 9:
                return request.not_found()
            company = request.env["res.company"].browse(int(company_id))
        try:
            company._shares_check_register_access()
        except AccessError:
            return request.not_found()
        body = company._shares_register_csv()
        return request.make_response(body.encode("utf-8"), headers=[
            ("Content-Type", "text/csv; charset=utf-8"),
            ("Content-Disposition", "attachment; filename=register_of_members.csv")])
