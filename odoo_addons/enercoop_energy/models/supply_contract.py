# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

from odoo import _, api, fields, models
from odoo.exceptions import UserError

import enercoop_core
from enercoop_core.tariffs.offers import Offers

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

    @api.model
    def create(self, values):
        if values.get("name", _("New")) == _("New"):
            values["name"] = self.env["ir.sequence"].next_by_code(
                "enercoop.supply.contract") or _("New")
        return super().create(values)

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
