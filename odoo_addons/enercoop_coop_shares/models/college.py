# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EnercoopCollege(models.Model):
    """A college of the SCIC (consumers, producers...): its code and its share of the
    votes set by the statutes (percent; the core checks the legal bounds and the sum)."""

    _name = "enercoop.college"
    _description = "College of members"
    _order = "company_id, sequence, id"
    _rec_name = "name"

    code = fields.Char(required=True, help="Stable code, lower snake_case (e.g. consumers).")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    weight_pct = fields.Float(
        string="Weight (%)", digits=(5, 2),
        help="Share of the votes of this college in general assemblies, set by the "
             "statutes (each between 10 % and 50 %, summing to 100 %).")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.user.company_id)
    active = fields.Boolean(default=True)
    public_subscription = fields.Boolean(
        string="Open on the public form",
        help="Visitors of the public subscription form may choose this college (not the "
             "founders or employees, whom the board admits).")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)",
         "A college code is unique per company."),
    ]
