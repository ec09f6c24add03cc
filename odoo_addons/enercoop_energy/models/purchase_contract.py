# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Purchase contracts with producers and their monthly self-billing vendor bills.

The bill is the core's ``purchase_invoice`` (injection readings x purchase grid x index,
VAT by the producer's regime) written as an ``in_invoice`` by ``account.invoice``'s
``_energy_values_from_purchase``.
"""
import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import UserError

from enercoop_core.billing.purchase import PurchaseContract as CorePurchaseContract
from enercoop_core.billing.purchase import purchase_invoice
from enercoop_core.errors import EnercoopError

from .. import core_adapter as adapter
from .delivery_point import check_same_company

STATES = [("draft", "Draft"), ("active", "Active"), ("terminated", "Terminated")]
VAT_REGIMES = [("liable", "VAT-liable"), ("franchise", "Franchise en base (no VAT)")]


class PurchaseContract(models.Model):
    _name = "enercoop.purchase.contract"
    _description = "Purchase contract"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="Reference", required=True, copy=False, index=True)
    installation_id = fields.Many2one("enercoop.production.installation",
                                      string="Installation", required=True, index=True,
                                      ondelete="restrict", track_visibility="onchange")
    partner_id = fields.Many2one(related="installation_id.partner_id", store=True,
                                 string="Producer", readonly=True)
    delivery_point_id = fields.Many2one(related="installation_id.delivery_point_id",
                                        store=True, string="Injection point", readonly=True)
    tariff_code = fields.Selection("_selection_tariff", string="Purchase tariff",
                                   required=True, track_visibility="onchange",
                                   help="Key of the core's purchase price grid.")
    index_code = fields.Selection("_selection_index", string="Index",
                                  track_visibility="onchange",
                                  help="Index of the price; empty: not indexed.")
    vat_regime = fields.Selection(VAT_REGIMES, string="VAT regime", required=True,
                                  default="liable", track_visibility="onchange")
    date_start = fields.Date(string="Start date", required=True,
                             default=fields.Date.context_today, track_visibility="onchange")
    date_end = fields.Date(string="End date", track_visibility="onchange",
                           help="Last day bought; empty while the contract runs.")
    state = fields.Selection(STATES, string="Status", required=True, default="draft",
                             index=True, copy=False, track_visibility="onchange")
    invoice_ids = fields.One2many("account.invoice", "purchase_contract_id",
                                  string="Self-billing invoices", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)

    @api.constrains("installation_id", "company_id")
    def _check_installation_company(self):
        check_same_company(self, "installation_id")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)",
         "A purchase contract reference is used once per company."),
    ]

    @api.model
    def _selection_tariff(self):
        try:
            keys = adapter.load_purchase_tariffs(self.env).prices.keys()
        except Exception:  # a misconfigured path must not break every view
            return []
        return [(code, code) for code in sorted({key[0] for key in keys})]

    @api.model
    def _selection_index(self):
        try:
            table = adapter.load_purchase_tariffs(self.env).index_table
        except Exception:
            return []
        if table is None:
            return []
        return [(code, code) for code in sorted({key[0] for key in table.keys()})]

    @api.multi
    def action_activate(self):
        self.write({"state": "active"})
        return True

    @api.multi
    def action_terminate(self):
        for contract in self:
            contract.write({"state": "terminated",
                            "date_end": contract.date_end or fields.Date.context_today(self)})
        return True

    @api.multi
    def _core_contract(self):
        """The core's ``PurchaseContract`` (its ``end`` is exclusive: the day after)."""
        self.ensure_one()
        end = adapter.to_date(self.date_end)
        return CorePurchaseContract(
            contract_id=self.name, prm=self.delivery_point_id.prm,
            producer=self.partner_id.name or "", tariff=self.tariff_code,
            start=adapter.to_date(self.date_start),
            end=end + dt.timedelta(days=1) if end else None, index=self.index_code or None,
            vat_regime=self.vat_regime, producer_vat_number=self.partner_id.vat or "")

    @api.multi
    def _create_self_billing(self, period):
        """Draft vendor bills (self-billing) of ``period`` (YYYY-MM) for these contracts.

        Returns (invoices, problems [(contract, message)]): a contract the core cannot bill
        (missing injection index, missing price) is reported, the others go on."""
        start, end = adapter.period_bounds(period)
        tariffs = adapter.load_purchase_tariffs(self.env)
        readings = adapter.readings_by_point(self.env, self.mapped("delivery_point_id"),
                                             direction="injection")
        Invoice = self.env["account.invoice"].with_context(energy_tax_cache={},
                                                           energy_product_cache={})
        invoices, problems = Invoice.browse(), []
        for contract in self:
            done = contract.invoice_ids.filtered(
                lambda inv: inv.state != "cancel"
                and inv.energy_period_start == fields.Date.to_string(start))
            if done:
                invoices |= done
                continue
            try:
                with self.env.cr.savepoint():
                    core = purchase_invoice(contract._core_contract(),
                                            readings.get(contract.delivery_point_id.id, []),
                                            start, end, tariffs)
                    invoices |= Invoice.create(
                        Invoice._energy_values_from_purchase(contract, core))
            except (EnercoopError, UserError) as error:
                problems.append((contract, error.name if isinstance(error, UserError)
                                 else str(error)))
        return invoices, problems

    @api.model
    def _demo_self_billing(self, period):
        """Demo data: the self-billing of ``period`` for every active purchase contract."""
        contracts = self.search([("state", "=", "active")])
        for company in contracts.mapped("company_id"):
            of_company = contracts.filtered(lambda c, company=company: c.company_id == company)
            of_company._create_self_billing(period)
        return True
