# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models

from .delivery_point import check_same_company

ACTIVE_POWER = "active_power"  # the only curve quantity stored as energy (R50, R4x EA)


class LoadCurve(models.Model):
    """An R50 load-curve block of one PRM, summed by the core (Curve.energy_wh)."""

    _name = "enercoop.load.curve"
    _inherit = ["enercoop.flow.record.mixin"]
    _description = "Load curve (R50)"
    _order = "date_start desc, prm"
    _rec_name = "prm"

    prm = fields.Char(string="PRM", required=True, index=True, readonly=True)
    delivery_point_id = fields.Many2one("enercoop.delivery.point", string="Delivery point",
                                        index=True, ondelete="cascade", readonly=True)
    date_start = fields.Date(string="First day", readonly=True)
    date_end = fields.Date(string="Last day", readonly=True)
    step_minutes = fields.Integer(string="Step (min)", readonly=True)
    point_count = fields.Integer(string="Points", readonly=True)
    missing_count = fields.Integer(string="Missing points", readonly=True)
    energy_kwh = fields.Float(string="Energy (kWh)", digits=(16, 3), readonly=True,
                              help="Energy of the valid points (mean W x step).")
    direction = fields.Char(string="Direction", readonly=True)

    @api.constrains("delivery_point_id", "company_id")
    def _check_delivery_point_company(self):
        check_same_company(self, "delivery_point_id")

    _sql_constraints = [
        ("key_company_uniq", "unique(key, company_id)", "This curve is already recorded."),
    ]

    @api.model
    def _prepare_from_flow_record(self, curve, flow_file, points):
        """The row of one flow ``curve`` (see the mixin): an active-power curve (R50, R4x
        ``EA``) with its energy; a curve of another quantity (R4x reactive power, voltage)
        is read but not stored, counted with its reason on the flow file."""
        quantity = getattr(curve, "quantity", None) or ACTIVE_POWER
        if quantity != ACTIVE_POWER:
            return [], None, [{"record": curve.prm, "reason": _(
                "%s curve of quantity %s (%s): not stored, only active-power curves are "
                "stored as energy") % (curve.flow, quantity, curve.unit)}]
        point = points.get(curve.prm)
        if not point:
            return [], flow_file._unknown_point(curve), []
        return [{
            "key": curve.key, "prm": curve.prm, "delivery_point_id": point.id,
            "company_id": point.company_id.id,
            "date_start": curve.dates[0] if curve.dates else False,
            "date_end": curve.dates[-1] if curve.dates else False,
            "step_minutes": curve.step_minutes, "point_count": len(curve.instants),
            "missing_count": int((curve.quality == -1).sum()),
            "energy_kwh": curve.energy_wh() / 1000.0,
            "direction": curve.direction, "flow_file_id": flow_file.id}], None, []
