# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

from odoo import _, api, fields, models
from odoo.exceptions import UserError

import enercoop_core
from enercoop_core.contracts import lifecycle
from enercoop_core.tariffs.offers import Offers

from .. import core_adapter as adapter
from .delivery_point import check_partner_readable, check_same_company

OFFERS_PARAM = "enercoop_energy.offers_file"
# The example grid shipped with the core, used until a real one is configured.
DEFAULT_OFFERS_FILE = os.path.join(os.path.dirname(enercoop_core.__file__),
                                   "billing", "data", "demo", "offers.csv")
STATES = [("draft", "Draft"), ("active", "Active"), ("terminated", "Terminated")]

_OFFERS_CACHE = {}


def load_offers(path):
    """The core's Offers grid of ``path``, loaded once per file version."""
    stamp = (path, os.path.getmtime(path))
    if stamp not in _OFFERS_CACHE:
        _OFFERS_CACHE.clear()
        _OFFERS_CACHE[stamp] = Offers.from_csv(path)
    return _OFFERS_CACHE[stamp]


class SupplyContract(models.Model):
    _name = "enercoop.supply.contract"
    _description = "Supply contract"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="Reference", required=True, copy=False, index=True,
                       default=lambda self: _("New"))
    partner_id = fields.Many2one("res.partner", string="Consumer", required=True, index=True,
                                 track_visibility="onchange")
    delivery_point_id = fields.Many2one(
        "enercoop.delivery.point", string="Delivery point", required=True, index=True,
        ondelete="restrict", track_visibility="onchange")
    prm = fields.Char(related="delivery_point_id.prm", store=True, string="PRM", readonly=True)
    offer_code = fields.Selection(
        "_selection_offer_code", string="Offer", required=True, track_visibility="onchange",
        help="Offer of the cooperative's price grid (enercoop_core offers file).")
    date_start = fields.Date(string="Start date", required=True, index=True,
                             default=fields.Date.context_today, track_visibility="onchange")
    date_end = fields.Date(string="End date", index=True, track_visibility="onchange",
                           help="Last day supplied; empty while the contract runs.")
    state = fields.Selection(STATES, string="Status", required=True, default="draft",
                             index=True, copy=False, track_visibility="onchange")
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    event_ids = fields.One2many("enercoop.contract.event", "contract_id",
                                string="Contract events")
    version_ids = fields.One2many(
        "enercoop.supply.contract.version", "contract_id", string="Versions", copy=True,
        help="The terms (FTA, subscribed power, offer) from each date: billing prices each "
             "day on the version in force that day.")
    fta = fields.Selection(related="current_version_id.fta", string="FTA", readonly=True)
    subscribed_kva = fields.Integer(related="current_version_id.subscribed_kva",
                                    string="Subscribed power (kVA)", readonly=True)
    current_version_id = fields.Many2one(
        "enercoop.supply.contract.version", string="Version in force",
        compute="_compute_current_version", help="The version in force today.")

    @api.constrains("delivery_point_id", "company_id")
    def _check_delivery_point_company(self):
        check_same_company(self, "delivery_point_id")

    @api.constrains("partner_id")
    def _check_partner_readable(self):
        check_partner_readable(self)

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)",
         "A contract reference is used once per company."),
    ]

    @api.model
    def _offers_path(self):
        """Path of the offers grid (system parameter enercoop_energy.offers_file)."""
        # sudo: system parameters are readable by administrators only; a file name
        return (self.env["ir.config_parameter"].sudo().get_param(OFFERS_PARAM)
                or DEFAULT_OFFERS_FILE)

    @api.model
    def _offers(self):
        return load_offers(self._offers_path())

    @api.model
    def _selection_offer_code(self):
        try:
            keys = self._offers().table.keys()
        except Exception:  # a misconfigured path must not break every view
            return []
        codes = sorted({key[1] for key in keys})
        return [(code, code) for code in codes]

    @api.depends("version_ids.date_start", "date_start", "date_end")
    def _compute_current_version(self):
        today = adapter.to_date(fields.Date.context_today(self))
        for contract in self:
            versions = adapter.lifecycle_versions(contract)
            contract.current_version_id = (
                lifecycle.version_on(versions, today).ref if versions else False)

    @api.model
    def create(self, values):
        if values.get("name", _("New")) == _("New"):
            values["name"] = self.env["ir.sequence"].next_by_code(
                "enercoop.supply.contract") or _("New")
        contract = super().create(values)
        if not contract.version_ids:
            contract._create_first_version()
        return contract

    @api.multi
    def write(self, values):
        """An offer changed on the contract is a version: of the contract's start while it
        is a draft, else from today."""
        result = super().write(values)
        if values.get("offer_code") and not self.env.context.get("enercoop_version_sync"):
            today = fields.Date.context_today(self)
            for contract in self:
                day = (contract.date_start if contract.state == "draft"
                       else max(today, contract.date_start))
                contract._change_terms(day, offer=values["offer_code"])
        return result

    # ------------------------------------------------------------------ versions
    @api.multi
    def _create_first_version(self):
        """The contract's first version: from its start, the point's FTA and power and the
        contract's offer."""
        for contract in self:
            point = contract.delivery_point_id
            self.env["enercoop.supply.contract.version"].create({
                "contract_id": contract.id, "date_start": contract.date_start,
                "fta": point.fta, "subscribed_kva": point.subscribed_kva,
                "offer_code": contract.offer_code})

    @api.model
    def _create_missing_versions(self):
        """A first version for every contract without any (databases from before the
        versions, rows copied in SQL): from the contract's start, with the point's FTA and
        power and the contract's offer, as ``_create_first_version``; one INSERT. Returns
        the number of versions created."""
        self.env.cr.execute("""
            INSERT INTO enercoop_supply_contract_version
                   (contract_id, date_start, fta, subscribed_kva, offer_code, company_id,
                    create_uid, write_uid, create_date, write_date)
            SELECT c.id, c.date_start, p.fta, p.subscribed_kva, c.offer_code, c.company_id,
                   %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM enercoop_supply_contract c
              JOIN enercoop_delivery_point p ON p.id = c.delivery_point_id
             WHERE NOT EXISTS (SELECT 1 FROM enercoop_supply_contract_version v
                                WHERE v.contract_id = c.id)""", {"uid": self.env.uid})
        count = self.env.cr.rowcount
        self.invalidate_cache()  # rows written behind the ORM's back
        return count

    @api.multi
    def _change_terms(self, day, fta="", kva=None, offer=""):
        """New terms from ``day`` (ISO day), as the core's lifecycle says them."""
        for contract in self:
            changes = lifecycle.change_terms(adapter.lifecycle_versions(contract),
                                             adapter.to_date(day), fta, kva, offer)
            self._write_lifecycle(changes)

    @api.multi
    def _sync_offer(self):
        """The contract's offer: the one of its version in force today."""
        for contract in self:
            version = contract.current_version_id
            if version and version.offer_code != contract.offer_code:
                contract.with_context(enercoop_version_sync=True).write(
                    {"offer_code": version.offer_code})

    @api.model
    def _write_lifecycle(self, changes, point=None):
        """Write the core lifecycle's ``changes`` (contract and version ids as references)
        on the contracts and on ``point``, the delivery point of the event."""
        Version = self.env["enercoop.supply.contract.version"]
        for change in changes:
            contract = self.browse(getattr(change, "contract", None) or [])
            if isinstance(change, lifecycle.StartContract):
                contract._activate(adapter.to_odoo_date(change.start))
            elif isinstance(change, lifecycle.EndContract):
                contract._terminate(adapter.to_odoo_date(change.last_day))
            elif isinstance(change, lifecycle.NewVersion):
                values = {"fta": change.fta or False, "subscribed_kva": change.kva,
                          "offer_code": change.offer}
                day = adapter.to_odoo_date(change.start)
                same_day = contract.version_ids.filtered(lambda v, d=day: v.date_start == d)
                if same_day:
                    same_day.write(values)
                else:
                    Version.create(dict(values, contract_id=contract.id, date_start=day))
            elif isinstance(change, lifecycle.DropVersion):
                Version.browse(change.version.ref).unlink()
            elif isinstance(change, lifecycle.UpdatePoint) and point:
                values = {}
                if change.fta and change.fta != point.fta:
                    values["fta"] = change.fta
                if change.kva and change.kva != point.subscribed_kva:
                    values["subscribed_kva"] = change.kva
                if values:
                    point.write(values)

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if contract.date_end and contract.date_end < contract.date_start:
                raise UserError(_("The end date of %s is before its start date.")
                                % contract.name)

    # Buttons: the web client calls them with the record ids and its context only (in
    # Odoo 11 the context comes as a positional argument), so they take no argument; the
    # dates are the contract's own (start date on the form, end date or today).
    @api.multi
    def action_activate(self):
        """Button "Activate": the contract runs from its start date."""
        return self._activate()

    @api.multi
    def action_terminate(self):
        """Button "Terminate": the contract ends on its end date, else today."""
        return self._terminate()

    @api.multi
    def _activate(self, date=None):
        """Activate from ``date`` (ISO day; default: the contract's start date), as a C15
        event does."""
        for contract in self:
            if contract.state == "active":
                continue
            values = {"state": "active", "date_end": False}
            if date:
                values["date_start"] = date
            contract.write(values)
        return True

    @api.multi
    def _terminate(self, date=None):
        """Terminate on ``date`` (ISO day, the last day supplied; default: the end date
        already set, else today)."""
        for contract in self:
            if contract.state == "terminated":
                continue
            contract.write({"state": "terminated",
                            "date_end": date or contract.date_end
                            or fields.Date.context_today(self)})
        return True

    @api.multi
    def action_draft(self):
        self.write({"state": "draft"})
        return True
