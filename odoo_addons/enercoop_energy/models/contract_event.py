# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .delivery_point import check_same_company

EFFECTS = [("activate", "Activate"), ("terminate", "Terminate"), ("update", "Update point"),
           ("none", "No effect")]


class ContractEvent(models.Model):
    """A C15 contract event of a PRM, kept once (its flow key) with what it changed."""

    _name = "enercoop.contract.event"
    _description = "Contract event (C15)"
    _order = "date desc, id desc"
    _rec_name = "event_code"

    key = fields.Char(required=True, index=True, readonly=True,
                      help="Stable identity given by the flows engine.")
    prm = fields.Char(string="PRM", required=True, index=True, readonly=True)
    date = fields.Datetime(string="Event date", readonly=True)
    event_code = fields.Char(string="Event", readonly=True,
                             help="C15 Nature_Evenement code (MES, CFNE, CFNS, RES, MCT...).")
    event_type = fields.Char(string="Event type", readonly=True)
    effect = fields.Selection(EFFECTS, string="Effect", readonly=True)
    fta = fields.Char(string="FTA", readonly=True)
    subscribed_kva = fields.Float(string="Subscribed power (kVA)", readonly=True)
    subscribed_powers = fields.Char(string="Subscribed powers per class", readonly=True,
                                    help="C12: the power subscribed in each time class.")
    contract_state = fields.Char(string="Contract state (Enedis)", readonly=True)
    contract_id = fields.Many2one("enercoop.supply.contract", string="Supply contract",
                                  index=True, ondelete="set null", readonly=True)
    delivery_point_id = fields.Many2one("enercoop.delivery.point", string="Delivery point",
                                        index=True, ondelete="set null", readonly=True)
    flow_file_id = fields.Many2one("enercoop.flow.file", string="Flow file", index=True,
                                   ondelete="set null", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)

    @api.constrains("delivery_point_id", "company_id")
    def _check_delivery_point_company(self):
        check_same_company(self, "delivery_point_id")

    _sql_constraints = [
        ("key_company_uniq", "unique(key, company_id)", "This event is already recorded."),
    ]
