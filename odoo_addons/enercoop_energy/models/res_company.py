# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    enercoop_code = fields.Char(
        string="Cooperative code",
        help="Code of the cooperative in the offers grid of enercoop_core "
             "(the 'company' column, e.g. coop-idf).")
    enercoop_flow_folder = fields.Char(
        string="Flow import folder",
        groups="base.group_system",
        help="Folder of the server where Enedis flow files are dropped, inside the root "
             "folder of the system parameter enercoop_energy.flow_folder (a folder "
             "outside it is refused); the scheduled import reads it and moves each "
             "processed file to its 'processed' (or 'rejected') sub-folder.")
