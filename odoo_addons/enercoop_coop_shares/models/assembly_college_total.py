# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EnercoopAssemblyCollegeTotal(models.Model):
    _name = "enercoop.assembly.college.total"
    _description = "Votes of a college on a resolution"
    _order = "resolution_id, college_id"
    _rec_name = "college_id"

    resolution_id = fields.Many2one("enercoop.assembly.resolution", required=True,
                                    ondelete="cascade")
    college_id = fields.Many2one("enercoop.college", required=True)
    yes = fields.Integer()
    no = fields.Integer()
    abstain = fields.Integer()
    company_id = fields.Many2one(related="resolution_id.company_id", store=True,
                                 readonly=True)
