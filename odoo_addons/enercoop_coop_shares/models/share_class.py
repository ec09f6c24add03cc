# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..core_adapter import core_errors, to_date, to_float


class EnercoopShareClass(models.Model):
    """A class of shares (A, B...): dated nominal values, holding limits per member and
    the colleges allowed to hold it. The rules live in ``enercoop_core.shares.classes``."""

    _name = "enercoop.share.class"
    _description = "Share class"
    _order = "company_id, code"
    _rec_name = "name"

    code = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)
    min_per_member = fields.Integer(string="Minimum per member", default=1)
    max_per_member = fields.Integer(string="Maximum per member",
                                    help="0 means no maximum.")
    college_ids = fields.Many2many(
        "enercoop.college", string="Allowed colleges",
        help="Colleges whose members may hold this class; empty means every college.")
    value_ids = fields.One2many("enercoop.share.class.value", "share_class_id",
                                string="Nominal values")
    nominal_value = fields.Monetary(compute="_compute_nominal_value",
                                    string="Nominal value today")
    product_id = fields.Many2one(
        "product.product", string="Invoiced product",
        help="Product of the capital-release invoice lines (share capital).")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)",
         "A share class code is unique per company."),
    ]

    @api.depends("value_ids.value", "value_ids.valid_from", "value_ids.valid_to")
    def _compute_nominal_value(self):
        today = to_date(fields.Date.context_today(self))
        for share_class in self:
            try:
                statutes = share_class.company_id._shares_statutes()
                share_class.nominal_value = to_float(
                    statutes.share_class(share_class.code).nominal_on(today))
            except Exception:  # not yet complete (no value today): show nothing
                share_class.nominal_value = 0.0

    def _nominal_on(self, day):
        """Nominal value (Decimal EUR) of one share on ``day``, from the core."""
        self.ensure_one()
        with core_errors():
            return self.company_id._shares_statutes().share_class(self.code).nominal_on(
                to_date(day))
