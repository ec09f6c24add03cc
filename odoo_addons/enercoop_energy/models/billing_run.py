# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A billing run: one month, one company, every active supply contract -> draft invoices.

``action_start`` lists the contracts to bill (one ``enercoop.billing.run.line`` each); the
work then goes batch by batch (``_process_batch``), each batch committed on its own by the
scheduled action, so thousands of contracts never hit a request timeout and the progress
shows as it goes. A contract the core cannot bill (``MissingRateError``, a missing index ...)
is logged on its line with the core's message; the others go on.

Rights: the ORM's. A run bills with the rights of whoever runs it: energy users who
also hold invoicing rights (``account.group_account_invoice``); the contracts, readings and
invoices read or written are those the user's access rights and record rules allow.
"""
import datetime as dt
import logging
import time

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from enercoop_core.billing.engine import bill_contract
from enercoop_core.errors import EnercoopError

from .. import core_adapter as adapter

_logger = logging.getLogger(__name__)
STATES = [("draft", "Draft"), ("running", "Running"), ("done", "Done"),
          ("cancel", "Cancelled")]
DEFAULT_BATCH = 100

# A run's progress and its lines change only through the workflow below (action_start...,
# the batches): it writes with this object in its context, which no RPC call can pass
# (XML-RPC and JSON-RPC carry plain values only). Otherwise a user without invoicing
# rights could create a "running" run holding lines of their choice (a contract billed
# already, another company's) for the scheduled action, as superuser, to bill.
_WORKFLOW = object()
WORKFLOW_KEY = "enercoop_billing_workflow"
PROGRESS_FIELDS = frozenset(["state", "line_ids", "date_started", "date_done", "duration"])


def workflow(records):
    """``records`` allowed to change the progress fields (the workflow's own writes)."""
    return records.with_context(**{WORKFLOW_KEY: _WORKFLOW})


def check_workflow(records, names):
    """AccessError when ``names`` (fields being written) hold progress fields and the
    write does not come from the workflow."""
    if names and records.env.context.get(WORKFLOW_KEY) is not _WORKFLOW:
        raise AccessError(_("The progress of a billing run (%s) changes only through its "
                            "buttons (Start billing, Process next batch, Cancel).")
                          % ", ".join(sorted(names)))


class BillingRun(models.Model):
    _name = "enercoop.billing.run"
    _description = "Billing run"
    _inherit = ["mail.thread"]
    _order = "period desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="Name", compute="_compute_name", store=True)
    period = fields.Char(string="Period", required=True, size=7,
                         readonly=True, states={"draft": [("readonly", False)]},
                         help="Month billed, YYYY-MM.")
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 readonly=True, states={"draft": [("readonly", False)]},
                                 default=lambda self: self.env.user.company_id)
    state = fields.Selection(STATES, string="Status", required=True, default="draft",
                             index=True, copy=False, track_visibility="onchange")
    batch_size = fields.Integer(string="Batch size", default=DEFAULT_BATCH,
                                help="Contracts billed per batch (one transaction each).")
    line_ids = fields.One2many("enercoop.billing.run.line", "run_id", string="Contracts",
                               readonly=True)
    invoice_ids = fields.One2many("account.invoice", "billing_run_id", string="Invoices",
                                  readonly=True)
    contract_count = fields.Integer(string="Contracts", compute="_compute_counts")
    pending_count = fields.Integer(string="To bill", compute="_compute_counts")
    billed_count = fields.Integer(string="Billed", compute="_compute_counts")
    error_count = fields.Integer(string="Not billed", compute="_compute_counts")
    progress = fields.Float(string="Progress (%)", compute="_compute_counts")
    amount_total = fields.Float(string="Total billed", compute="_compute_counts",
                                digits=(16, 2))
    date_started = fields.Datetime(string="Started", readonly=True)
    date_done = fields.Datetime(string="Finished", readonly=True)
    duration = fields.Float(string="Billing time (s)", readonly=True,
                            help="Time spent in batches, seconds.")

    _sql_constraints = [
        ("period_format", "CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')",
         "The period is a month written YYYY-MM."),
    ]

    @api.depends("period", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = "%s %s" % (run.period or "", run.company_id.name or "")

    def _compute_counts(self):
        """Counts by line state in one grouped query (runs hold thousands of lines)."""
        counts = {}
        if self.ids:
            for group in self.env["enercoop.billing.run.line"].read_group(
                    [("run_id", "in", self.ids)], ["run_id", "state", "amount_total"],
                    ["run_id", "state"], lazy=False):
                counts[(group["run_id"][0], group["state"])] = (
                    group["__count"], group["amount_total"] or 0.0)
        for run in self:
            pending, billed, error = (counts.get((run.id, s), (0, 0.0))
                                      for s in ("pending", "billed", "error"))
            run.pending_count, run.billed_count, run.error_count = (
                pending[0], billed[0], error[0])
            run.contract_count = pending[0] + billed[0] + error[0]
            run.amount_total = billed[1]
            run.progress = (100.0 * (billed[0] + error[0]) / run.contract_count
                            if run.contract_count else 0.0)

    # ------------------------------------------------------------------ workflow
    @api.multi
    def _contracts_to_bill(self):
        """Supply contracts of the run's company active for at least a day of the month."""
        self.ensure_one()
        start, end = adapter.period_bounds(self.period)
        last_day = fields.Date.to_string(end - dt.timedelta(days=1))
        return self.env["enercoop.supply.contract"].search([
            ("company_id", "=", self.company_id.id),
            ("state", "in", ("active", "terminated")),
            ("date_start", "<=", last_day),
            "|", ("date_end", "=", False), ("date_end", ">=", fields.Date.to_string(start)),
        ], order="id")

    @api.model
    def create(self, values):
        # a new run is a draft without lines (the form sends state "draft", no lines)
        check_workflow(self, [name for name in PROGRESS_FIELDS if values.get(name)
                              and not (name == "state" and values[name] == "draft")])
        return super().create(values)

    @api.multi
    def write(self, values):
        check_workflow(self, PROGRESS_FIELDS & set(values))
        return super().write(values)

    @api.model
    def _check_invoicing_rights(self):
        """Billing creates customer invoices: only for users with invoicing rights (the
        scheduled batches then bill as the superuser what such a user started)."""
        if not self.env["account.invoice"].check_access_rights("create",
                                                                raise_exception=False):
            raise AccessError(_("Billing runs create invoices: they need the invoicing "
                                "rights (Accounting: Billing)."))

    @api.multi
    def action_start(self):
        """List the contracts to bill and hand the run to the scheduled batches."""
        self._check_invoicing_rights()
        for run in self:
            if run.state != "draft":
                continue
            try:
                adapter.period_bounds(run.period)
            except EnercoopError as error:
                raise UserError(str(error)) from error
            contracts = run._contracts_to_bill()
            already = self.env["account.invoice"].search([
                ("energy_contract_id", "in", contracts.ids),
                ("state", "!=", "cancel"),
                ("energy_period_start", ">=", fields.Date.to_string(
                    adapter.period_bounds(run.period)[0])),
                ("energy_period_start", "<", fields.Date.to_string(
                    adapter.period_bounds(run.period)[1]))]).mapped("energy_contract_id")
            lines = [(0, 0, {"contract_id": c.id}) for c in contracts if c not in already]
            workflow(run).write({"state": "running", "line_ids": lines,
                       "date_started": fields.Datetime.now()})
            if not lines:
                run._finish()
        return True

    @api.multi
    def action_process_batch(self):
        """Bill the next batch of contracts of each run (the button of the form)."""
        self._check_invoicing_rights()
        for run in self:
            run._process_batch()
        return True

    @api.multi
    def action_run_all(self):
        """Bill every remaining contract now, in batches, within this transaction."""
        self._check_invoicing_rights()
        for run in self:
            if run.state == "draft":
                run.action_start()
            while run.state == "running":
                run._process_batch()
        return True

    @api.multi
    def action_cancel(self):
        self._check_invoicing_rights()
        for run in self:
            if run.invoice_ids.filtered(lambda inv: inv.state not in ("draft", "cancel")):
                raise UserError(_("Run %s has validated invoices: cancel them first.")
                                % run.name)
            run.invoice_ids.filtered(lambda inv: inv.state == "draft").unlink()
            run.line_ids.filtered(lambda l: l.state == "pending").unlink()
            workflow(run).write({"state": "cancel"})
        return True

    @api.multi
    def _finish(self):
        workflow(self).write({"state": "done", "date_done": fields.Datetime.now()})

    @api.multi
    def _process_batch(self, size=None):
        """Bill the next ``size`` (default ``batch_size``) pending contracts of the run."""
        self.ensure_one()
        if self.state != "running":
            return 0
        began = time.time()
        # lines locked for this transaction: the scheduled action and a person pressing
        # "Process next batch" at the same time never bill a contract twice
        self.env.cr.execute(
            "SELECT id FROM enercoop_billing_run_line WHERE run_id = %s AND state = 'pending'"
            " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            (self.id, size or self.batch_size or DEFAULT_BATCH))
        lines = self.env["enercoop.billing.run.line"].browse(
            [row[0] for row in self.env.cr.fetchall()])
        if lines:
            self._bill_lines(lines)
        if not self.env["enercoop.billing.run.line"].search_count(
                [("run_id", "=", self.id), ("state", "=", "pending")]):
            self._finish()
        workflow(self).write({"duration": self.duration + time.time() - began})
        return len(lines)

    @api.multi
    def _bill_lines(self, lines):
        """Bill the contracts of ``lines`` through the core and write draft invoices."""
        self.ensure_one()
        start, end = adapter.period_bounds(self.period)
        rates = adapter.load_rates(self.env)
        contracts = lines.mapped("contract_id")
        points = contracts.mapped("delivery_point_id")
        readings = adapter.readings_by_point(self.env, points, direction="withdrawal")
        priors = {}
        for invoice in self.env["account.invoice"].search([
                ("energy_contract_id", "in", contracts.ids), ("state", "!=", "cancel"),
                ("energy_period_end", "<", fields.Date.to_string(start))],
                order="energy_period_start"):
            priors.setdefault(invoice.energy_contract_id.id, []).append(
                adapter.bill_from_invoice(invoice))
        Invoice = self.env["account.invoice"].with_context(
            energy_tax_cache={}, energy_product_cache={}, mail_notrack=True,
            tracking_disable=True, mail_create_nolog=True)
        for line in lines:
            contract = line.contract_id
            try:
                with self.env.cr.savepoint():
                    bill = bill_contract(
                        adapter.contract_versions(contract),
                        readings.get(contract.delivery_point_id.id, []), start, end, rates,
                        prior_bills=priors.get(contract.id, ()))
                    values = Invoice._energy_values_from_bill(contract, bill, self)
                    invoice = Invoice.create(values)
                    workflow(line).write({"state": "billed", "invoice_id": invoice.id,
                                "amount_total": float(bill.total), "message": False})
            except (EnercoopError, UserError) as error:
                message = (error.name if isinstance(error, UserError) else
                           "%s: %s" % (type(error).__name__, error))
                workflow(line).write({"state": "error", "message": message})

    # ------------------------------------------------------------------ set-up
    @api.model
    def _ensure_accounting(self, company_ids):
        """Install the French chart of accounts (taxes, journals) in each company that has
        none yet, so that it can invoice (a regional cooperative created after l10n_fr).
        Not public: the demo data call it; in production the administrator installs the
        chart (Settings > Accounting)."""
        template = self.env.ref("l10n_fr.l10n_fr_pcg_chart_template", raise_if_not_found=False)
        if not template:
            return False
        for company in self.env["res.company"].browse(company_ids):
            if company.chart_template_id:
                continue
            wizard = self.env["wizard.multi.charts.accounts"].create({
                "company_id": company.id, "chart_template_id": template.id,
                "code_digits": template.code_digits,
                "transfer_account_id": template.transfer_account_id.id,
                "currency_id": (company.currency_id or template.currency_id).id,
                "bank_account_code_prefix": template.bank_account_code_prefix,
                "cash_account_code_prefix": template.cash_account_code_prefix})
            wizard.onchange_chart_template_id()
            wizard.execute()
        return True

    @api.model
    def _demo_bill(self, periods):
        """Demo data: bill ``periods`` in order for the companies with supply contracts."""
        companies = self.env["enercoop.supply.contract"].search([]).mapped("company_id")
        self._ensure_accounting(companies.ids)
        for period in periods:
            for company in companies:
                self.create({"period": period, "company_id": company.id}).action_run_all()
        return True

    # ------------------------------------------------------------------ scheduled action
    @api.model
    def _cron_process_runs(self, time_budget=50.0):
        """Process batches of every running run for about ``time_budget`` seconds,
        committing after each batch (the progress is visible meanwhile)."""
        deadline = time.time() + time_budget
        for run in self.search([("state", "=", "running")], order="id"):
            while run.state == "running" and time.time() < deadline:
                run._process_batch()
                if not tools.config["test_enable"]:
                    self.env.cr.commit()
            if time.time() >= deadline:
                break
        return True

    @api.multi
    def action_view_invoices(self):
        self.ensure_one()
        # an action built from the id only: say no to a record the user may not read
        self.check_access_rights("read")
        self.check_access_rule("read")
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        action["domain"] = [("billing_run_id", "=", self.id)]
        action["context"] = {"type": "out_invoice"}
        return action
