# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
import json

from babel.dates import format_date

from odoo import _, api, fields, models


class OriginStatement(models.Model):
    """A member's renewable proof for a month: which producers and technologies covered
    the supply of one delivery point, its share of each producer's half-hourly matched
    guarantees (``enercoop.origin.allocation``, method ``hourly``).

    The shares are kept on the statement itself (``origin_shares``: one row per member and
    month, whatever the number of producers), not as a ledger row per member and producer:
    at 100,000 members that would be millions of rows a month."""

    _name = "enercoop.origin.statement"
    _inherit = ["enercoop.bulk.insert.mixin"]
    _description = "Renewable origin statement"
    _order = "period desc, delivery_point_id"
    _rec_name = "period"

    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 readonly=True)
    run_id = fields.Many2one("enercoop.balance.run", string="Balance", readonly=True,
                             ondelete="set null")
    period = fields.Char(string="Month", required=True, index=True, readonly=True)
    delivery_point_id = fields.Many2one("enercoop.delivery.point", string="Supplied point",
                                        required=True, index=True, readonly=True,
                                        ondelete="cascade")
    prm = fields.Char(string="PRM", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", index=True, readonly=True)
    consumed_kwh = fields.Float(string="Supply (kWh)", digits=(16, 3), readonly=True)
    covered_kwh = fields.Float(string="Covered (kWh)", digits=(16, 3), readonly=True,
                               help="Supply covered half-hour by half-hour by the "
                                    "cooperative's producers.")
    coverage_rate = fields.Float(string="Coverage (%)", digits=(5, 1), readonly=True)
    origin_shares = fields.Text(
        string="Shares per injection point", readonly=True,
        help="Wh of each producer's half-hourly matched guarantees of origin allocated to "
             "this supply (whole Wh rounded down), as JSON: {injection point id: Wh}.")
    text = fields.Text(string="Statement", compute="_compute_text")

    _sql_constraints = [
        ("point_period_uniq", "unique(delivery_point_id, period)",
         "A delivery point has one origin statement per month."),
    ]

    def _shares(self):
        """{injection point id: Wh} of ``origin_shares``."""
        self.ensure_one()
        return {int(point_id): int(wh) for point_id, wh in
                json.loads(self.origin_shares or "{}").items()}

    def _origin_parts(self):
        """[(kWh, technology, producer name)] of this statement, largest first."""
        self.ensure_one()
        self.check_access_rule("read")
        shares = self._shares()
        # sudo: whoever may read this statement may read the ledger rows its shares are
        # taken from (the producers of its company and month), not the members' statements
        rows = self.env["enercoop.origin.allocation"].sudo().search([
            ("company_id", "=", self.company_id.id), ("period", "=", self.period),
            ("method", "=", "hourly"), ("producer_point_id", "in", sorted(shares))])
        parts = {}
        for row in rows:
            key = (row.technology or "", row.installation_id.name or row.producer_id.name
                   or row.producer_point_id.prm)
            parts[key] = parts.get(key, 0.0) + shares[row.producer_point_id.id] / 1000.0
        return sorted(((kwh, tech, name) for (tech, name), kwh in parts.items()),
                      key=lambda part: (-part[0], part[2]))

    def _month_label(self):
        year, month = (int(x) for x in self.period.split("-"))
        lang = self.env.context.get("lang") or "en_US"
        return format_date(dt.date(year, month, 1), "LLLL yyyy", locale=lang)

    @api.depends("period", "consumed_kwh", "covered_kwh")
    def _compute_text(self):
        # sudo: the technologies' labels, not data (a member may read no installation)
        labels = dict(self.env["enercoop.production.installation"].sudo().fields_get(
            ["technology"])["technology"]["selection"])
        for statement in self:
            if not statement.consumed_kwh:
                statement.text = _("In %s, no supply was measured.") % (
                    statement._month_label(),)
                continue
            pieces = []
            for kwh, tech, name in statement._origin_parts():
                pieces.append(_("%(share)d %% %(technology)s from %(producer)s") % {
                    "share": round(100.0 * kwh / statement.consumed_kwh),
                    "technology": labels.get(tech, tech).lower(), "producer": name})
            rest = round(100.0 * (statement.consumed_kwh - statement.covered_kwh)
                         / statement.consumed_kwh)
            if rest > 0:
                pieces.append(_("%d %% bought on the market, without our producers' "
                                "guarantees of origin") % rest)
            statement.text = _("In %(month)s: %(parts)s.") % {
                "month": statement._month_label(), "parts": ", ".join(pieces)}
