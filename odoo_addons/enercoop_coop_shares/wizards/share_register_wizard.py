# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Print or download the register of members, from the shares menu."""
from odoo import api, fields, models


class EnercoopShareRegisterWizard(models.TransientModel):
    _name = "enercoop.share.register.wizard"
    _description = "Print the register of members"

    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.user.company_id,
                                 domain=lambda self: [("id", "in",
                                                       self.env.user.company_ids.ids)])

    @api.multi
    def action_print_pdf(self):
        """The register PDF of the chosen company (readers checked before anything)."""
        self.ensure_one()
        self.company_id._shares_check_register_access()
        return self.env.ref("enercoop_coop_shares.report_share_register_action") \
            .report_action(self.company_id)

    @api.multi
    def action_download_csv(self):
        """The register as CSV, through the export route (which checks the reader)."""
        self.ensure_one()
        self.company_id._shares_check_register_access()
        return {"type": "ir.actions.act_url", "target": "self",
                "url": "/enercoop_coop_shares/register.csv?company_id=%d" % self.company_id.id}
