# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Network invoice check: the imported F15/F12 lines against the TURPE the core computes
(``enercoop_core.billing.network_check.check_network``), differences per PRM and component."""
import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import UserError

from enercoop_core.billing.network_check import check_network
from enercoop_core.errors import EnercoopError

from .. import core_adapter as adapter


class NetworkCheck(models.Model):
    _name = "enercoop.network.check"
    _description = "Network invoice check"
    _order = "date_from desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="Name", compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    date_from = fields.Date(string="From", required=True,
                            help="Lines whose first day is on or after this day.")
    date_to = fields.Date(string="To", required=True,
                          help="Lines whose first day is on or before this day.")
    state = fields.Selection([("draft", "Draft"), ("done", "Checked")], string="Status",
                             default="draft", required=True)
    line_ids = fields.One2many("enercoop.network.check.line", "check_id", string="Results",
                               readonly=True)
    difference_count = fields.Integer(string="Differences", compute="_compute_counts",
                                      store=True)
    unchecked_count = fields.Integer(string="Unchecked", compute="_compute_counts",
                                     store=True)
    checked_line_count = fields.Integer(string="Network lines checked", readonly=True)

    @api.depends("date_from", "date_to", "company_id")
    def _compute_name(self):
        for check in self:
            check.name = "%s %s..%s" % (check.company_id.name or "", check.date_from or "",
                                        check.date_to or "")

    @api.depends("line_ids.status")
    def _compute_counts(self):
        for check in self:
            statuses = check.line_ids.mapped("status")
            check.difference_count = statuses.count("difference")
            check.unchecked_count = statuses.count("unchecked")

    @api.multi
    def action_check(self):
        for check in self:
            check._run_check()
        return True

    @api.multi
    def _run_check(self):
        self.ensure_one()
        start = adapter.to_date(self.date_from)
        end = adapter.to_date(self.date_to) + dt.timedelta(days=1)
        lines = self.env["enercoop.network.invoice.line"].search([
            ("company_id", "child_of", self.company_id.id),
            ("date_start", ">=", fields.Date.to_string(start)),
            ("date_start", "<", fields.Date.to_string(end))])
        prms = set(lines.mapped("prm"))
        contracts = self.env["enercoop.supply.contract"].search([
            ("company_id", "child_of", self.company_id.id), ("prm", "in", list(prms)),
            ("state", "!=", "draft")])
        versions = {}
        for contract in contracts:
            versions[contract.name] = adapter.contract_versions(contract)
        points = contracts.mapped("delivery_point_id")
        readings = [r for found in adapter.readings_by_point(
            self.env, points, direction="withdrawal").values() for r in found]
        try:
            report = check_network(versions, lines._to_core_records(),
                                   adapter.load_rates(self.env), start, end, readings)
        except EnercoopError as error:
            raise UserError(str(error)) from error
        point_of = {p.prm: p.id for p in points}
        values = [(5, 0, 0)]
        for comp in report.components:
            values.append((0, 0, {
                "prm": comp.prm, "delivery_point_id": point_of.get(comp.prm, False),
                "component": comp.component, "billed": float(comp.billed),
                "expected": float(comp.expected), "difference": float(comp.difference),
                "line_count": comp.lines, "status": "ok" if comp.ok else "difference",
                "note": "; ".join(comp.notes)}))
        for record, reason in report.unchecked:
            values.append((0, 0, {
                "prm": record.get("prm") or "", "delivery_point_id":
                    point_of.get(record.get("prm"), False),
                "component": record.get("item_id") or "", "billed": float(
                    record.get("amount") or 0), "line_count": 1, "status": "unchecked",
                "note": reason}))
        self.write({"line_ids": values, "state": "done",
                    "checked_line_count": len(report.lines)})
