# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reports of this addon over ``/report/<converter>/<report>/<ids>``: a reader without
the rights gets 403 Forbidden (the report itself raises AccessError), not a server
error."""
from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.exceptions import AccessError

from odoo.addons.web.controllers.main import ReportController

PREFIX = "enercoop_coop_shares."


class SharesReportController(ReportController):

    @http.route()
    def report_routes(self, reportname, docids=None, converter=None, **data):
        if not reportname.startswith(PREFIX):
            return super().report_routes(
                reportname, docids=docids, converter=converter, **data)
        try:
            return super().report_routes(
                reportname, docids=docids, converter=converter, **data)
        except AccessError as exc:
            raise Forbidden(exc.name) from exc
