# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .delivery_point import DIRECTIONS, check_same_company

NATURES = [("real", "Real"), ("estimated", "Estimated"), ("self_read", "Self-read"),
           ("corrected", "Corrected")]
OWNERS = [("distributor", "Distributor"), ("supplier", "Supplier")]


class MeterReading(models.Model):
    """One register of one index reading (R15, R151, R171 or C15), in Wh.

    ``key`` = the flow record's key plus the register (owner, class, direction, measure):
    importing a flow twice finds every key already there and creates nothing.
    """

    _name = "enercoop.meter.reading"
    _description = "Meter reading (index)"
    _order = "date desc, prm, time_class"
    _rec_name = "key"

    key = fields.Char(required=True, index=True, readonly=True)
    record_key = fields.Char(string="Flow record key", required=True, index=True,
                             readonly=True)
    prm = fields.Char(string="PRM", required=True, index=True, readonly=True)
    delivery_point_id = fields.Many2one("enercoop.delivery.point", string="Delivery point",
                                        index=True, ondelete="cascade", readonly=True)
    date = fields.Date(string="Date", required=True, index=True, readonly=True,
                       help="Local (Europe/Paris) day of the reading.")
    instant = fields.Char(string="Instant", readonly=True,
                          help="ISO 8601 instant of the reading, with its UTC offset.")
    reading_id = fields.Char(string="Reading id", index=True, readonly=True)
    nature = fields.Selection(NATURES, string="Nature", readonly=True)
    nature_code = fields.Char(string="Nature code", readonly=True)
    reason = fields.Char(string="Reason", readonly=True)
    status = fields.Char(string="Status", readonly=True,
                         help="R15 Statut_Releve: INITIAL, RECTIFICATIF, ANNULE.")
    owner = fields.Selection(OWNERS, string="Calendar", readonly=True)
    time_class = fields.Char(string="Time class", index=True, readonly=True)
    measure_class = fields.Char(string="Measure class", readonly=True)
    direction = fields.Selection(DIRECTIONS, string="Direction", readonly=True)
    value_wh = fields.Float(string="Index (Wh)", digits=(18, 0), readonly=True,
                            group_operator="max")
    value_kwh = fields.Float(string="Index (kWh)", digits=(16, 3), readonly=True,
                             group_operator="max")
    digits = fields.Integer(string="Dial digits", readonly=True)
    rollover = fields.Boolean(string="Rollover", readonly=True)
    meter_serial = fields.Char(string="Meter serial number", readonly=True)
    fta = fields.Char(string="FTA", readonly=True)
    subscribed_kva = fields.Float(string="Subscribed power (kVA)", readonly=True)
    flow = fields.Char(string="Flow", readonly=True)
    flow_file_id = fields.Many2one("enercoop.flow.file", string="Flow file", index=True,
                                   ondelete="set null", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)

    @api.constrains("delivery_point_id", "company_id")
    def _check_delivery_point_company(self):
        check_same_company(self, "delivery_point_id")

    _sql_constraints = [
        ("key_company_uniq", "unique(key, company_id)",
         "This register reading is already recorded."),
    ]

    @api.multi
    def _issued_invoices(self):
        """The validated (open or paid) energy invoices of these readings' delivery points
        whose billed period holds a reading's day: from the period's first day to the day
        after its last (the end index is read on that day)."""
        # sudo: the freeze holds for everyone, also for a user who may not read the
        # invoices (what decides is the invoice's state, not the reader's rights)
        Invoice = self.env["account.invoice"].sudo()
        found = Invoice.browse()
        for reading in self.filtered("delivery_point_id"):
            day_before = fields.Date.to_string(
                fields.Date.from_string(reading.date) - dt.timedelta(days=1))
            found |= Invoice.search([
                ("delivery_point_id", "=", reading.delivery_point_id.id),
                ("state", "in", ("open", "paid")),
                ("energy_period_start", "<=", reading.date),
                ("energy_period_end", ">=", day_before)])
        return found

    @api.multi
    def _check_not_invoiced(self):
        issued = self._issued_invoices()
        if issued:
            raise UserError(_("These readings are shown on validated invoices (%s): they "
                              "can no longer change. Import a corrected reading instead: "
                              "the next bill trues it up.")
                            % ", ".join(issued.mapped(lambda inv: inv.number or str(inv.id))))

    @api.multi
    def write(self, values):
        self._check_not_invoiced()
        result = super().write(values)
        if {"date", "delivery_point_id"} & set(values):
            self._check_not_invoiced()
        return result

    @api.multi
    def unlink(self):
        self._check_not_invoiced()
        return super().unlink()

    @api.multi
    def _to_core_records(self):
        """The flow ``index_reading`` records these rows came from, as the flows engine
        gave them (registers regrouped), ready for ``billing.readings.from_records``."""
        records = {}
        for row in self.sorted(lambda r: (r.date, r.record_key, r.id)):
            record = records.get(row.record_key)
            if record is None:
                record = records[row.record_key] = {
                    "family": "index_reading", "flow": row.flow, "key": row.record_key,
                    "prm": row.prm, "date": row.instant, "reading_id": row.reading_id or None,
                    "reason": row.reason or None, "nature": row.nature or None,
                    "nature_code": row.nature_code or None, "status": row.status or None,
                    "fta": row.fta or None,
                    "subscribed_kva": row.subscribed_kva or None,
                    "meter_serial": row.meter_serial or None, "registers": []}
            record["registers"].append({
                "owner": row.owner, "time_class": row.time_class,
                "measure_class": row.measure_class, "direction": row.direction,
                "value": int(round(row.value_wh)), "unit": "Wh",
                "digits": row.digits or None, "rollover": row.rollover,
                "meter_serial": row.meter_serial or None})
        return list(records.values())
