# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from enercoop_core.errors import InputError
from enercoop_core.identifiers import prm as prm_number
from enercoop_core.tariffs.calendar import parse_offpeak
from enercoop_core.tariffs.turpe import FTA_CLASSES

SEGMENTS = [
    ("C5", "C5 (LV <= 36 kVA)"),
    ("C4", "C4 (LV > 36 kVA)"),
    ("C2-3", "C2/C3 (HV-A)"),
    ("P4", "P4 (small producer)"),
]
DIRECTIONS = [("withdrawal", "Withdrawal"), ("injection", "Injection")]


def check_same_company(records, field="delivery_point_id"):
    """ValidationError when one of ``records`` refers (``field``: a delivery point, an
    installation) to a record of another company: a regional cooperative's user could
    otherwise add readings or contracts to the national cooperative's delivery points
    (its bills would use them).

    One SQL query for the whole recordset (a flow import checks thousands of rows at
    once; reading them through the ORM read every field of every row): the fields are
    plain stored columns, already written when constraints run. It reads the referred
    record's company also for a user who may not read that record (precisely the case
    refused: another cooperative's record)."""
    ids = [id_ for id_ in records._ids if id_]  # saved records only (a NewId is false)
    if not ids:
        return
    target_model = records.env[records._fields[field].comodel_name]
    query = ('SELECT r.id FROM "%s" r JOIN "%s" t ON t.id = r."%s" WHERE r.id IN %%s '
             'AND t.company_id IS DISTINCT FROM r.company_id LIMIT 1'
             % (records._table, target_model._table, field))
    for chunk in records.env.cr.split_for_in_conditions(ids):
        records.env.cr.execute(query, (chunk,))
        row = records.env.cr.fetchone()
        if row:
            # sudo: the message names the referred record, which the user may not read
            record = records.browse(row[0]).sudo()
            target = record[field]
            raise ValidationError(_("%s %s belongs to another company than this %s.")
                                  % (target._description, target.display_name,
                                     record._description))


def check_partner_readable(records):
    """AccessError unless the writer may read the contacts ``records`` are linked to: a
    regional cooperative's user linking a national customer by its id would then read
    its name (Odoo shows a many-to-one's name to anyone) and bill it."""
    records.mapped("partner_id").check_access_rule("read")


FTA_SELECTION = [(code, code) for code in sorted(FTA_CLASSES)]


class DeliveryPoint(models.Model):
    _name = "enercoop.delivery.point"
    _description = "Delivery point (PRM)"
    _inherit = ["mail.thread"]
    _order = "prm"
    _rec_name = "prm"

    prm = fields.Char(
        string="PRM", required=True, index=True, track_visibility="onchange",
        help="Enedis delivery point identifier (PRM / PDL), 14 digits.")
    partner_id = fields.Many2one(
        "res.partner", string="Holder", index=True, track_visibility="onchange",
        help="Consumer supplied at this point, or producer injecting at it.")
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    segment = fields.Selection(SEGMENTS, string="Segment", required=True, default="C5",
                               track_visibility="onchange")
    fta = fields.Selection(
        FTA_SELECTION, string="FTA", track_visibility="onchange",
        help="Formule tarifaire d'acheminement: the network tariff option.")
    subscribed_kva = fields.Integer(string="Subscribed power (kVA)",
                                    track_visibility="onchange")
    offpeak_hours = fields.Char(
        string="Off-peak hours", track_visibility="onchange",
        help="Local off-peak ranges, e.g. 22:00-06:00 or 01:00-07:00;12:30-14:30.")
    meter_serial = fields.Char(string="Meter serial number", track_visibility="onchange")
    direction = fields.Selection(DIRECTIONS, string="Direction", required=True,
                                 default="withdrawal")
    active = fields.Boolean(default=True)
    contract_ids = fields.One2many("enercoop.supply.contract", "delivery_point_id",
                                   string="Supply contracts")
    reading_ids = fields.One2many("enercoop.meter.reading", "delivery_point_id",
                                  string="Readings")
    reading_count = fields.Integer(compute="_compute_reading_count", string="Readings")

    _sql_constraints = [
        ("prm_company_uniq", "unique(prm, company_id)",
         "A PRM is recorded once per company."),
    ]

    @api.depends("reading_ids")
    def _compute_reading_count(self):
        counts = {}
        if self.ids:
            groups = self.env["enercoop.meter.reading"].read_group(
                [("delivery_point_id", "in", self.ids)], ["delivery_point_id"],
                ["delivery_point_id"])
            counts = {g["delivery_point_id"][0]: g["delivery_point_id_count"] for g in groups}
        for point in self:
            point.reading_count = counts.get(point.id, 0)

    @api.constrains("partner_id")
    def _check_partner_readable(self):
        check_partner_readable(self)

    @api.constrains("prm")
    def _check_prm(self):
        for point in self:
            # the PRM as stored: valid and compact (no surrounding space)
            valid = prm_number.is_valid(point.prm)
            if not (valid and prm_number.compact(point.prm) == point.prm):
                raise ValidationError(_("The PRM must have exactly 14 digits (got %r).")
                                      % (point.prm,))

    @api.constrains("offpeak_hours")
    def _check_offpeak_hours(self):
        for point in self:
            try:
                parse_offpeak(point.offpeak_hours or "")
            except InputError as error:
                raise ValidationError(_("Off-peak hours: %s") % (error,)) from error

    @api.multi
    def action_view_readings(self):
        self.ensure_one()
        # an action built from the id only: say no to a record the user may not read
        self.check_access_rights("read")
        self.check_access_rule("read")
        action = self.env.ref("enercoop_energy.action_enercoop_meter_reading").read()[0]
        action["domain"] = [("delivery_point_id", "=", self.id)]
        action["context"] = {"default_delivery_point_id": self.id}
        return action
