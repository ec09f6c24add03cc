# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

CHOICES = [("yes", "Yes"), ("no", "No"), ("abstain", "Abstain")]


class EnercoopAssemblyBallot(models.Model):
    _name = "enercoop.assembly.ballot"
    _description = "Ballot on a resolution"
    _order = "resolution_id, id"
    _rec_name = "voter_id"

    resolution_id = fields.Many2one("enercoop.assembly.resolution", required=True,
                                    ondelete="cascade")
    assembly_id = fields.Many2one(related="resolution_id.assembly_id", readonly=True)
    voter_id = fields.Many2one("enercoop.assembly.voter", string="Voter", required=True,
                               domain="[('assembly_id', '=', assembly_id)]")
    choice = fields.Selection(CHOICES, required=True)
    company_id = fields.Many2one(related="resolution_id.company_id", store=True,
                                 readonly=True)

    _sql_constraints = [("voter_uniq", "unique(resolution_id, voter_id)",
                         "One ballot per voter and resolution.")]

    @api.constrains("voter_id", "resolution_id")
    def _check_voter_of_the_assembly(self):
        for ballot in self:
            if ballot.voter_id.assembly_id != ballot.resolution_id.assembly_id:
                raise ValidationError(_("%s is not on the convocation list of this "
                                        "assembly.") % ballot.voter_id.partner_id.name)
