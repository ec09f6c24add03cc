# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

CHOICES = [("yes", "Yes"), ("no", "No"), ("abstain", "Abstain")]


class EnercoopAssemblyBallot(models.Model):
    _name = "enercoop.assembly.ballot"
    _description = "Ballot on a resolution"
    _order = "resolution_id, id"
    _rec_name = "voter_id"

    resolution_id = fields.Many2one("enercoop.assembly.resolution", required=True,
                                    ondelete="cascade")
    voter_id = fields.Many2one("enercoop.assembly.voter", string="Voter", required=True)
    choice = fields.Selection(CHOICES, required=True)
    company_id = fields.Many2one(related="resolution_id.company_id", store=True,
                                 readonly=True)

    _sql_constraints = [("voter_uniq", "unique(resolution_id, voter_id)",
                         "One ballot per voter and resolution.")]
