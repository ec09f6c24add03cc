# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import core_adapter as adapter
from .delivery_point import FTA_SELECTION


class SupplyContractVersion(models.Model):
    """The terms of a supply contract (FTA, subscribed power, offer) from a date until its
    next version: the history billing reads (``core_adapter.contract_versions``)."""

    _name = "enercoop.supply.contract.version"
    _description = "Supply contract version"
    _order = "contract_id, date_start, id"
    _rec_name = "date_start"

    contract_id = fields.Many2one("enercoop.supply.contract", string="Supply contract",
                                  required=True, index=True, ondelete="cascade")
    date_start = fields.Date(string="From", required=True, index=True,
                             help="First day of these terms.")
    date_end = fields.Date(string="Until", compute="_compute_date_end",
                           help="Last day of these terms (the day before the next version, "
                                "or the contract's end date); empty while they run.")
    fta = fields.Selection(FTA_SELECTION, string="FTA",
                           help="Formule tarifaire d'acheminement: the network tariff option.")
    subscribed_kva = fields.Integer(string="Subscribed power (kVA)")
    offer_code = fields.Selection("_selection_offer_code", string="Offer", required=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True, readonly=True,
                                 string="Company", index=True)

    _sql_constraints = [
        ("contract_date_uniq", "unique(contract_id, date_start)",
         "A contract has one version per start date."),
    ]

    @api.model
    def _selection_offer_code(self):
        return self.env["enercoop.supply.contract"]._selection_offer_code()

    @api.depends("date_start", "contract_id.date_start", "contract_id.date_end",
                 "contract_id.version_ids.date_start")
    def _compute_date_end(self):
        for contract in self.mapped("contract_id"):
            ends = {v.ref: v.end for v in adapter.lifecycle_versions(contract)}
            for version in self.filtered(lambda v, c=contract: v.contract_id == c):
                version.date_end = adapter.inclusive_end(ends.get(version.id))

    @api.model
    def create(self, values):
        version = super().create(values)
        version.contract_id._sync_offer()
        return version

    @api.multi
    def write(self, values):
        result = super().write(values)
        self.mapped("contract_id")._sync_offer()
        return result

    @api.multi
    def unlink(self):
        contracts = self.mapped("contract_id")
        for contract in contracts:
            if not contract.version_ids - self:
                raise UserError(_("Contract %s needs at least one version: change its terms "
                                  "instead of deleting them.") % contract.name)
        result = super().unlink()
        contracts.exists()._sync_offer()
        return result
