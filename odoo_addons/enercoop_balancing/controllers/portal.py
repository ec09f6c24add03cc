# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The member's renewable proof on the portal: ``/my/energy-origin`` (their statements)
and ``/my/energy-origin/<id>`` (one of them). Records are read as the user (record rules:
a member reads only the statements of their own delivery points); another member's id
gets 403 Forbidden."""
from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class OriginPortal(CustomerPortal):

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        Statement = request.env["enercoop.origin.statement"]
        values["energy_origin_count"] = (
            Statement.search_count([]) if Statement.check_access_rights(
                "read", raise_exception=False) else 0)
        return values

    @http.route(["/my/energy-origin"], type="http", auth="user", website=True)
    def portal_my_energy_origin(self, **kw):
        values = self._prepare_portal_layout_values()
        Statement = request.env["enercoop.origin.statement"]
        if not Statement.check_access_rights("read", raise_exception=False):
            raise Forbidden()
        values.update({"statements": Statement.search([]), "page_name": "energy_origin"})
        return request.render("enercoop_balancing.portal_my_energy_origin", values)

    @http.route(["/my/energy-origin/<int:statement_id>"], type="http", auth="user",
                website=True)
    def portal_energy_origin(self, statement_id, **kw):
        statement = request.env["enercoop.origin.statement"].browse(statement_id).exists()
        if not statement:
            raise Forbidden()
        try:
            statement.check_access_rights("read")
            statement.check_access_rule("read")
            statement.read(["period"])
        except (AccessError, MissingError) as exc:
            raise Forbidden() from exc
        values = self._prepare_portal_layout_values()
        values.update({"statement": statement, "page_name": "energy_origin"})
        return request.render("enercoop_balancing.portal_energy_origin", values)
