# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models

from enercoop_core.contracts import lifecycle

from .. import core_adapter as adapter
from .delivery_point import check_same_company
from .flow_record_mixin import utc_naive

EFFECTS = [("activate", "Activate"), ("terminate", "Terminate"), ("update", "Update point"),
           ("none", "No effect")]


class ContractEvent(models.Model):
    """A C15 contract event of a PRM, kept once (its flow key) with what it changed."""

    _name = "enercoop.contract.event"
    _inherit = ["enercoop.flow.record.mixin"]
    _description = "Contract event (C15)"
    _order = "date desc, id desc"
    _rec_name = "event_code"

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

    @api.constrains("delivery_point_id", "company_id")
    def _check_delivery_point_company(self):
        check_same_company(self, "delivery_point_id")

    _sql_constraints = [
        ("key_company_uniq", "unique(key, company_id)", "This event is already recorded."),
    ]

    # ------------------------------------------------------------------ from a flow file
    @api.model
    def _import_flow_records(self, records, flow_file):
        """Apply the ``contract_event`` records of ``flow_file`` (C15, C12) in date order,
        each once (its key); return (created, known, refused, skipped) like the other
        record families."""
        points = flow_file._points({r["prm"] for r in records})
        refused = []
        created = known = 0
        existing = self._existing_keys({r["key"] for r in records})
        for record in sorted(records, key=lambda r: r.get("date") or ""):
            point = points.get(record["prm"])
            if not point:
                refused.append(flow_file._unknown_point(record))
                continue
            if (record["key"], point.company_id.id) in existing:
                known += 1
                continue
            reason = self._apply_event(record, point, flow_file)
            if reason:
                refused.append(flow_file._rejection(record, reason))
                continue
            existing.add((record["key"], point.company_id.id))
            created += 1
        return created, known, refused, []

    @api.model
    def _apply_event(self, record, point, flow_file):
        """Apply one C15 or C12 event to the point and its contracts as the core's lifecycle
        decides (``enercoop_core.contracts.lifecycle.apply_event``), and keep it; a reason
        (naming the PRM, and the field when one is at fault) when the core refuses it."""
        outcome = lifecycle.apply_event(
            adapter.lifecycle_versions(point.contract_ids), record)
        if outcome.refusal:
            return self._refusal_reason(outcome.refusal, record, flow_file)
        self.env["enercoop.supply.contract"]._write_lifecycle(outcome.changes, point)
        kva = record.get("subscribed_kva")
        powers = record.get("subscribed_powers") or []
        self.env["enercoop.contract.event"].create({
            "key": record["key"], "prm": record["prm"], "date": utc_naive(record.get("date")),
            "event_code": record.get("event"), "event_type": record.get("event_type"),
            "effect": outcome.effect or "none", "fta": record.get("fta"),
            "subscribed_kva": float(kva or 0.0),
            "subscribed_powers": ", ".join(
                " ".join(str(part) for part in (p.get("time_class"), p.get("value"),
                                                record.get("subscribed_power_unit")) if part)
                for p in powers) or False,
            "contract_state": record.get("contract_state"),
            "contract_id": outcome.contract or False, "delivery_point_id": point.id,
            "flow_file_id": flow_file.id, "company_id": point.company_id.id})
        return None

    @api.model
    def _refusal_reason(self, refusal, record, flow_file):
        """The translated reason of the core's ``refusal`` (the same text as the core's
        message), naming the PRM and the field at fault."""
        messages = {
            lifecycle.FTA_NOT_HANDLED: _(
                "tariff option %s of event %s is not one the supply contracts handle (%s)"),
            lifecycle.CLASSES_NOT_HANDLED: _(
                "time classes %s of event %s are not ones the supply contracts handle (%s)"),
            lifecycle.NO_DATE: _("event %s has no readable date (%s)"),
            lifecycle.BAD_POWER: _("subscribed power %s of event %s is not a number"),
            lifecycle.NO_CONTRACT: _("event %s: no supply contract to activate on PRM %s"),
            lifecycle.NO_ACTIVE_CONTRACT: _("event %s: no active supply contract on PRM %s"),
        }
        message = messages.get(refusal.reason, refusal.message) % refusal.values
        if refusal.field:
            return flow_file._field_reason(record, refusal.field, message)
        return message
