# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from enercoop_core.billing.readings import from_record
from enercoop_core.errors import EnercoopError
from enercoop_core.tariffs.turpe import FTA_CLASSES

from .delivery_point import DIRECTIONS, check_same_company

NATURES = [("real", "Real"), ("estimated", "Estimated"), ("self_read", "Self-read"),
           ("corrected", "Corrected")]
OWNERS = [("distributor", "Distributor"), ("supplier", "Supplier")]
#: C15 ``Code_Qualification``: indexes read before or after a technical operation (a meter
#: change): the core orders a day's readings by it
QUALIFICATIONS = [("before", "Before the operation"), ("after", "After the operation")]


def durations_text(durations_s):
    """``(("HPH", 3600), ...)`` (the core's ``Reading.durations_s``) -> ``"HPH=3600 ..."``."""
    return " ".join("%s=%d" % (time_class, seconds) for time_class, seconds in durations_s)


def duration_measures(text):
    """The R171 ``DD`` measures (withdrawal, seconds) of a :func:`durations_text`."""
    measures = []
    for item in (text or "").split():
        time_class, _sep, seconds = item.partition("=")
        measures.append({"quantity": "DD", "unit": "S", "direction": "withdrawal",
                         "time_class": time_class, "value": int(seconds)})
    return measures


class MeterReading(models.Model):
    """One register of one index reading (R15, R151, R171 or C15), in Wh.

    ``key`` = the flow record's key plus the register (owner, class, direction, measure):
    importing a flow twice finds every key already there and creates nothing.
    """

    _name = "enercoop.meter.reading"
    _inherit = ["enercoop.flow.record.mixin"]
    _description = "Meter reading (index)"
    _order = "date desc, prm, time_class"
    _rec_name = "key"
    _flow_record_field = "record_key"  # one row per register of a flow record

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
    qualification = fields.Selection(
        QUALIFICATIONS, string="Side of the operation", readonly=True,
        help="C15: an index read just before or just after a technical operation (meter "
             "change) of the same day; the bill takes the readings of a day in that order.")
    overrun_durations = fields.Char(
        string="Overrun durations (s)", readonly=True,
        help="R171 (BT > 36 kVA): cumulative time above the subscribed power per time "
             "class, in seconds (the bill's overrun component, CMDPS).")
    flow = fields.Char(string="Flow", readonly=True)

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
                    "meter_serial": row.meter_serial or None,
                    "qualification": row.qualification or None,
                    "measures": duration_measures(row.overrun_durations), "registers": []}
            record["registers"].append({
                "owner": row.owner, "time_class": row.time_class,
                "measure_class": row.measure_class, "direction": row.direction,
                "value": int(round(row.value_wh)), "unit": "Wh",
                "digits": row.digits or None, "rollover": row.rollover,
                "meter_serial": row.meter_serial or None})
        return list(records.values())

    # ------------------------------------------------------------------ from a flow file
    @api.model
    def _prepare_from_flow_record(self, record, flow_file, points):
        """The register rows of one ``index_reading`` record (see the mixin): one row per
        active-energy index register, read by the core's reading adapter; an energy over a
        period (R15 classes 2 to 6, R17 consumptions: quantity ``energy``) is never stored
        as an index and is left out before the adapter."""
        point = points.get(record["prm"])
        if not point:
            return [], flow_file._unknown_point(record), []
        registers = record.get("registers") or []
        indexes = [r for r in registers if (r.get("quantity") or "index") == "index"]
        if registers and not indexes:
            return [], None, [{"record": record["prm"], "reason": _(
                "reading of energies over a period only (no index): not stored")}]
        fta = record.get("fta")
        if fta and fta not in FTA_CLASSES:
            return [], flow_file._rejection(record, flow_file._field_reason(
                record, "fta", _("tariff option %s is not one the supply contracts "
                                 "handle (%s)") % (fta, ", ".join(sorted(FTA_CLASSES))))), []
        try:
            reading = from_record(dict(record, registers=indexes))
        except EnercoopError as error:
            return [], flow_file._core_rejection(record, error), []
        if not reading.registers:
            return [], flow_file._rejection(record, _("no active-energy index register")), []
        skipped = [{"record": record["prm"], "reason": _(
            "register of an energy over a period (quantity energy): not stored as an "
            "index")} for _register in range(len(registers) - len(indexes))]
        measure = {(r.get("owner"), r.get("time_class"), r.get("direction")):
                   r.get("measure_class") for r in indexes}
        common = self._prepare_reading_values(record, reading, point, flow_file)
        rows = []
        for register in reading.registers:
            if register.quantity != "index":
                continue  # the core's adapter keeps energies apart: never an index
            ident = (register.owner, register.time_class, register.direction)
            rows.append(dict(
                common, key="%s|%s|%s|%s" % ((record["key"],) + ident),
                owner=register.owner, time_class=register.time_class,
                measure_class=measure.get(ident), direction=register.direction,
                value_wh=register.wh, value_kwh=register.wh / 1000.0,
                digits=register.digits or 0, rollover=bool(register.rollover)))
        return rows, None, skipped

    @api.model
    def _prepare_reading_values(self, record, reading, point, flow_file):
        """The values every register row of one reading shares (the core ``reading`` of
        the flow ``record``, on ``point``)."""
        nature = record.get("nature")
        return {
            "record_key": record["key"], "prm": record["prm"],
            "delivery_point_id": point.id, "company_id": point.company_id.id,
            "date": reading.day.isoformat(), "instant": record.get("date"),
            "reading_id": record.get("reading_id"),
            "nature": nature if nature in dict(NATURES) else False,
            "nature_code": record.get("nature_code"), "reason": record.get("reason"),
            "status": record.get("status"),
            "meter_serial": reading.meter_serial or record.get("meter_serial"),
            "fta": record.get("fta"),
            "subscribed_kva": float(record.get("subscribed_kva") or 0.0),
            "qualification": reading.qualification if reading.qualification in dict(
                QUALIFICATIONS) else False,
            "overrun_durations": durations_text(reading.durations_s) or False,
            "flow": record.get("flow"), "flow_file_id": flow_file.id}
