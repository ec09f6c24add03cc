# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
import json
import logging
import math
import os
from xml.sax.saxutils import escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.queue_job.job import job

from enercoop_core.errors import InputError
from enercoop_core.period import month

from .. import core_adapter

_logger = logging.getLogger(__name__)

STATES = [("draft", "Draft"), ("queued", "Queued"), ("running", "Running"),
          ("done", "Done"), ("failed", "Failed")]


def _kwh(wh):
    return (wh or 0) / 1000.0


def _percent(ratio):
    return 100.0 * ratio if ratio is not None else 0.0


class BalanceRun(models.Model):
    """The half-hourly balance of a company's supply against its producers' injection for
    one month, computed by the core in a background job (queue_job)."""

    _name = "enercoop.balance.run"
    _inherit = ["mail.thread"]
    _description = "Energy balance"
    _order = "period desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="Name", compute="_compute_name", store=True)
    period = fields.Char(string="Month", required=True, index=True,
                         states={"done": [("readonly", True)]}, help="YYYY-MM")
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id,
                                 states={"done": [("readonly", True)]})
    state = fields.Selection(STATES, string="Status", default="draft", required=True,
                             readonly=True, index=True, track_visibility="onchange")
    error = fields.Text(string="Error", readonly=True)
    problems = fields.Text(string="Problems", readonly=True,
                           help="Points left out or incomplete, each with its reason.")
    job_uuid = fields.Char(string="Job", readonly=True, copy=False)
    job_state = fields.Char(string="Job status", compute="_compute_job_state",
                            help="The background job's own status (pending, enqueued, "
                                 "started, done, failed), committed as it runs.")
    date_done = fields.Datetime(string="Computed on", readonly=True)
    consumer_count = fields.Integer(string="Supplied points", readonly=True)
    producer_count = fields.Integer(string="Producers", readonly=True)
    consumption_kwh = fields.Float(string="Supply (kWh)", digits=(16, 3), readonly=True)
    production_kwh = fields.Float(string="Production (kWh)", digits=(16, 3), readonly=True)
    balance_kwh = fields.Float(string="Balance (kWh)", digits=(16, 3), readonly=True,
                               help="Production minus supply over the month.")
    deficit_kwh = fields.Float(string="Deficit (kWh)", digits=(16, 3), readonly=True)
    surplus_kwh = fields.Float(string="Surplus (kWh)", digits=(16, 3), readonly=True)
    deficit_hours = fields.Float(string="Deficit hours", digits=(16, 1), readonly=True)
    surplus_hours = fields.Float(string="Surplus hours", digits=(16, 1), readonly=True)
    coverage_rate = fields.Float(string="Coverage, half-hourly (%)", digits=(5, 1),
                                 readonly=True,
                                 help="Share of the supply covered half-hour by half-hour.")
    volume_rate = fields.Float(string="Production / supply (%)", digits=(5, 1),
                               readonly=True, help="As the registry counts a month.")
    forecast_mae_kwh = fields.Float(
        string="Forecast error (kWh per half-hour)", digits=(16, 3), readonly=True,
        help="Mean absolute error of the day-ahead forecast (same weekday and time over "
             "the four previous weeks) against the supply.")
    persistence_mae_kwh = fields.Float(
        string="Naive forecast error (kWh per half-hour)", digits=(16, 3), readonly=True,
        help="The same error for 'tomorrow like today', the baseline.")
    line_ids = fields.One2many("enercoop.balance.line", "run_id", string="Half-hours")
    day_ids = fields.One2many("enercoop.balance.day", "run_id", string="Days")
    issue_ids = fields.One2many("enercoop.origin.issue", "run_id", string="Issued")
    allocation_ids = fields.One2many("enercoop.origin.allocation", "run_id",
                                     string="Allocated")
    statement_ids = fields.One2many("enercoop.origin.statement", "run_id",
                                    string="Statements")
    mix_html = fields.Html(string="Energy mix", compute="_compute_mix", sanitize=True)
    plot_html = fields.Html(string="Chart", compute="_compute_plot", sanitize=False,
                            help="Supply and production per half-hour (mean kW).")

    _sql_constraints = [
        ("period_company_uniq", "unique(period, company_id)",
         "A company has one balance per month."),
    ]

    @api.depends("period", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = "%s %s" % (run.period or "", run.company_id.name or "")

    @api.constrains("period")
    def _check_period(self):
        for run in self:
            try:
                month(run.period or "", field=_("Month"))
            except InputError as error:
                raise ValidationError(_("Month: %s") % (error,)) from error

    def _compute_job_state(self):
        # sudo: the job queue is readable by its managers only; a run's user may see the
        # status of the job that computes this run (found by the uuid stored on it)
        jobs = self.env["queue.job"].sudo().search([("uuid", "in", [
            uuid for uuid in self.mapped("job_uuid") if uuid])])
        labels = dict(jobs._fields["state"]._description_selection(self.env))
        states = {job.uuid: labels.get(job.state, job.state) for job in jobs}
        for run in self:
            run.job_state = states.get(run.job_uuid, False)

    @api.depends("allocation_ids")
    def _compute_mix(self):
        labels = dict(self.env["enercoop.production.installation"].fields_get(
            ["technology"])["technology"]["selection"])
        for run in self:
            by_tech = {}
            for row in run.allocation_ids.filtered(lambda a: a.method == "hourly"):
                by_tech[row.technology] = by_tech.get(row.technology, 0.0) + row.allocated_kwh
            total = sum(by_tech.values())
            cells = "".join("<tr><td>%s</td><td>%.1f kWh</td><td>%.1f %%</td></tr>" % (
                labels.get(tech, tech or "-"), kwh, 100.0 * kwh / total)
                for tech, kwh in sorted(by_tech.items(), key=lambda kv: -kv[1]))
            run.mix_html = "<table class='table table-condensed'>%s</table>" % cells \
                if total else False

    @api.depends("line_ids")
    def _compute_plot(self):
        for run in self:
            run.plot_html = _svg_chart(run.line_ids.sorted("instant"), (
                _("Supply (mean kW)"), _("Production (mean kW)"))) if run.line_ids else False

    # ------------------------------------------------------------------ actions
    @api.multi
    def action_queue(self):
        """Queue the computation in the background (queue_job): never in the HTTP worker."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        for run in self:
            if run.state in ("queued", "running"):
                raise UserError(_("The balance %s is already queued.") % run.name)
            delayed = run.with_delay(description=_("Energy balance %s") % run.name)
            job = delayed._run_balance()
            run.write({"state": "queued", "error": False, "job_uuid": job.uuid})
        return True

    @api.model
    def _cron_queue_previous_month(self):
        """Scheduled action: queue last month's balance of every company with points."""
        today = fields.Date.from_string(fields.Date.context_today(self))
        previous = today.replace(day=1) - dt.timedelta(days=1)
        period = "%04d-%02d" % (previous.year, previous.month)
        points = self.env["enercoop.delivery.point"].search([])
        for company in points.mapped("company_id"):
            run = self.search([("period", "=", period), ("company_id", "=", company.id)])
            run = run or self.create({"period": period, "company_id": company.id})
            if run.state in ("draft", "failed"):
                run.action_queue()

    @api.model
    def _demo_import_production(self):
        """Demo data: import this addon's demo production curves (``demo/flows/``)."""
        folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                              "demo", "flows")
        paths = sorted(os.path.join(folder, name) for name in os.listdir(folder)
                       if name.endswith(".xml"))
        return self.env["enercoop.flow.file"]._import_paths(paths, source="demo")

    # ------------------------------------------------------------------ the job
    @job(default_channel="root")
    def _run_balance(self):
        """The job: compute and store; a failure is written on the run (state failed)."""
        self.ensure_one()
        self.check_access_rule("write")
        self.write({"state": "running", "error": False})
        try:
            with self.env.cr.savepoint():
                self._compute_and_store()
        except Exception as error:  # noqa: BLE001 - any failure must reach the run's user
            # a warning: the failure is the run's outcome, shown to its user on the form
            _logger.warning("energy balance %s failed", self.name, exc_info=True)
            self.write({"state": "failed", "error": "%s: %s" % (type(error).__name__,
                                                                error)})
            return False
        return True

    def _consumer_points(self):
        """{PRM: delivery point id} of the company's withdrawal points under a supply
        contract during the month. In SQL, as :meth:`_company_points`."""
        first, end = core_adapter.month_bounds(self.period)
        self.env.cr.execute("""
            SELECT DISTINCT p.prm, p.id FROM enercoop_supply_contract c
            JOIN enercoop_delivery_point p ON p.id = c.delivery_point_id
            WHERE c.company_id = %s AND c.date_start < %s
              AND (c.date_end IS NULL OR c.date_end >= %s) AND p.direction = 'withdrawal'
        """, (self.company_id.id, end.isoformat(), first.isoformat()))
        return dict(self.env.cr.fetchall())

    def _history(self):
        """(ends, Wh) of the previous month's stored half-hours, for the forecast."""
        first, _end = core_adapter.month_bounds(self.period)
        previous = "%04d-%02d" % ((first.year, first.month - 1) if first.month > 1
                                  else (first.year - 1, 12))
        before = self.search([("period", "=", previous), ("company_id", "=", self.company_id.id),
                              ("state", "=", "done")], limit=1)
        return core_adapter.history(before.line_ids)

    def _compute_and_store(self):
        installations = self.env["enercoop.production.installation"].search([
            ("company_id", "=", self.company_id.id)])
        with core_adapter.MonthBalance(self.env, self.company_id, self.period, installations,
                                       self._consumer_points(), self._history()) as month:
            data = month.data
            # sudo: the job's user may write this run (checked above); its half-hours and
            # the ledger are written by the run only, nobody edits them
            self.sudo().line_ids.unlink()
            self._store_lines(data)
            points = self._company_points()
            if self._ledger_written():
                data["problems"].append(
                    "The ledger of %s is already written: kept as it is, with its "
                    "statements (guarantees are never allocated twice)" % self.period)
            else:
                producers = self._store_ledger(data, points)
                for rows in month.statements():
                    self._store_statements(rows, points, producers)
        self._write_totals(data)

    def _write_totals(self, data):
        summary = data["summary"]
        self.write({
            "state": "done", "date_done": fields.Datetime.now(),
            "problems": "\n".join(data["problems"]) or False,
            "consumer_count": summary["consumers"], "producer_count": summary["producers"],
            "consumption_kwh": _kwh(summary["consumption_wh"]),
            "production_kwh": _kwh(summary["production_wh"]),
            "balance_kwh": _kwh(summary["balance_wh"]),
            "deficit_kwh": _kwh(summary["deficit_wh"]),
            "surplus_kwh": _kwh(summary["surplus_wh"]),
            "deficit_hours": summary["deficit_hours"],
            "surplus_hours": summary["surplus_hours"],
            "coverage_rate": _percent(summary["coverage_ratio"]),
            "volume_rate": _percent(summary["volume_ratio"]),
            "forecast_mae_kwh": _kwh(data["forecast_mae_wh"]),
            "persistence_mae_kwh": _kwh(data["persistence_mae_wh"]),
        })

    def _store_lines(self, data):
        grid = data["grid"]
        rows = []
        for end, start, cons, prod, pred in zip(
                grid.ends.tolist(), grid.starts.tolist(), data["consumption_wh"].tolist(),
                data["production_wh"].tolist(), data["forecast_wh"].tolist()):
            known = not math.isnan(pred)
            rows.append({
                "run_id": self.id, "company_id": self.company_id.id,
                "instant": core_adapter.utc_datetime(end),
                "date": core_adapter.local_day(start),
                "consumption_kwh": cons / 1000.0, "production_kwh": prod / 1000.0,
                "imbalance_kwh": (prod - cons) / 1000.0,
                "forecast_kwh": pred / 1000.0 if known else 0.0,
                "forecast_error_kwh": (pred - cons) / 1000.0 if known else 0.0,
                "has_forecast": known})
        self.env["enercoop.balance.line"].sudo()._bulk_insert(rows)

    def _company_points(self):
        """{PRM: (delivery point id, member id)} of the company's points, the member being
        the commercial partner. In SQL: at 100,000 points the ORM's records and their cache
        would cost minutes and grow the job's memory; the job's user may read its
        company's points (record rules: own company and its children)."""
        self.env.cr.execute("""
            SELECT p.prm, p.id, COALESCE(r.commercial_partner_id, r.id)
            FROM enercoop_delivery_point p LEFT JOIN res_partner r ON r.id = p.partner_id
            WHERE p.company_id = %s""", (self.company_id.id,))
        return {prm: (point_id, partner_id) for prm, point_id, partner_id
                in self.env.cr.fetchall()}

    def _ledger_written(self):
        # sudo: reading whether the company's month already has ledger rows (the run's
        # own company, which its user may write)
        return bool(self.env["enercoop.origin.allocation"].sudo().search_count([
            ("company_id", "=", self.company_id.id), ("period", "=", self.period)]))

    def _producer_values(self, prm, points):
        point = self.env["enercoop.delivery.point"].browse(points[prm][0])
        installation = self.env["enercoop.production.installation"].search([
            ("delivery_point_id", "=", point.id)], limit=1)
        return {"company_id": self.company_id.id, "run_id": self.id, "period": self.period,
                "producer_point_id": point.id, "installation_id": installation.id or False,
                "producer_id": (installation.partner_id or point.partner_id).id or False,
                "technology": installation.technology or False}

    def _store_ledger(self, data, points):
        """Issued and allocated guarantees, one row per producer (and method): allocated
        against the portfolio's supply. Returns {producer PRM: injection point id}."""
        producers = {prm: self._producer_values(prm, points)
                     for prm in {row["producer_prm"] for row in data["issued"]}
                     if prm in points}
        issues = [dict(producers[row["producer_prm"]], issued_kwh=_kwh(row["issued_wh"]),
                       go_mwh=row["go_mwh"])
                  for row in data["issued"] if row["producer_prm"] in producers]
        # sudo: the ledger is written by the balance run only (see _compute_and_store)
        self.env["enercoop.origin.issue"].sudo()._bulk_insert(issues)
        allocations = [dict(producers[row["producer_prm"]], method=method,
                            allocated_kwh=_kwh(row["allocated_wh"]), go_mwh=row["go_mwh"])
                       for method in ("monthly", "hourly") for row in data[method]
                       if row["producer_prm"] in producers]
        self.env["enercoop.origin.allocation"].sudo()._bulk_insert(allocations)
        return {prm: values["producer_point_id"] for prm, values in producers.items()}

    def _store_statements(self, rows, points, producers):
        """One partition's statements (``MonthBalance.statements``), SQL-inserted: each
        member's share of the producers' half-hourly guarantees in ``origin_shares``."""
        values = []
        for row in rows:
            point = points.get(row["consumer_prm"])
            if not point:
                continue
            shares = {str(producers[prm]): wh for prm, wh in sorted(row["parts"].items())
                      if prm in producers}
            values.append({
                "company_id": self.company_id.id, "run_id": self.id, "period": self.period,
                "delivery_point_id": point[0], "prm": row["consumer_prm"],
                "partner_id": point[1] or False,
                "consumed_kwh": _kwh(row["consumed_wh"]),
                "covered_kwh": _kwh(row["covered_wh"]),
                "coverage_rate": _percent(row["share"]),
                "origin_shares": json.dumps(shares, separators=(",", ":"))})
        # sudo: statements are written by the balance run only (see _compute_and_store)
        self.env["enercoop.origin.statement"].sudo()._bulk_insert(values)


SVG_WIDTH, SVG_HEIGHT, SVG_MARGIN = 960.0, 300.0, 40.0


def _svg_chart(lines, labels):
    """An inline SVG of the month: production (green) and supply (grey) in mean kW per
    half-hour (kWh x 2), with the axes' kW and the two translated ``labels``. matplotlib
    (the core's plot module) is not in the Odoo environment."""
    supply = [2.0 * line.consumption_kwh for line in lines]
    production = [2.0 * line.production_kwh for line in lines]
    top = max(supply + production + [1e-9])
    width, height = SVG_WIDTH - 2 * SVG_MARGIN, SVG_HEIGHT - 2 * SVG_MARGIN
    step = width / max(len(lines) - 1, 1)

    def points(values):
        return " ".join("%.1f,%.1f" % (SVG_MARGIN + k * step,
                                       SVG_MARGIN + height * (1 - value / top))
                        for k, value in enumerate(values))

    ticks = "".join(
        '<text x="%.1f" y="%.1f" font-size="11" text-anchor="end">%.1f kW</text>' % (
            SVG_MARGIN - 4, SVG_MARGIN + height * (1 - f) + 4, top * f)
        for f in (0.0, 0.5, 1.0))
    ticks += ('<text x="%.1f" y="20" font-size="12" fill="#37474f">%s</text>'
              '<text x="%.1f" y="20" font-size="12" fill="#2e7d32">%s</text>') % (
        SVG_MARGIN, escape(labels[0]), SVG_MARGIN + 160, escape(labels[1]))
    return (
        '<svg class="o_balance_chart" xmlns="http://www.w3.org/2000/svg" width="100%%" '
        'viewBox="0 0 %d %d"><rect x="%d" y="%d" width="%d" height="%d" fill="none" '
        'stroke="#ccc"/>%s<polyline fill="none" stroke="#37474f" stroke-width="1" '
        'points="%s"/><polyline fill="none" stroke="#2e7d32" stroke-width="1.5" '
        'points="%s"/></svg>' % (SVG_WIDTH, SVG_HEIGHT, SVG_MARGIN, SVG_MARGIN, width,
                                 height, ticks, points(supply), points(production)))
