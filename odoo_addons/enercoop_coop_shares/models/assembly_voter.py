# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

ATTENDANCE = [("absent", "Absent"), ("present", "Present"), ("postal", "Postal vote"),
              ("proxy", "Represented")]


class EnercoopAssemblyVoter(models.Model):
    """One member on the convocation list, with their attendance."""

    _name = "enercoop.assembly.voter"
    _description = "Member convened to a general assembly"
    _order = "assembly_id, member_number"
    _rec_name = "partner_id"

    assembly_id = fields.Many2one("enercoop.general.assembly", required=True,
                                  ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Member", required=True)
    member_number = fields.Integer(required=True)
    college_id = fields.Many2one("enercoop.college", string="College")
    attendance = fields.Selection(ATTENDANCE, default="absent", required=True)
    proxy_holder_id = fields.Many2one("enercoop.assembly.voter", string="Proxy holder",
                                      domain="[('assembly_id', '=', assembly_id)]")
    company_id = fields.Many2one(related="assembly_id.company_id", store=True, readonly=True)

    @api.multi
    def name_get(self):
        """"12 - Name": the member number tells apart two members of the same name."""
        return [(voter.id, "%d - %s" % (voter.member_number, voter.partner_id.name or ""))
                for voter in self]
