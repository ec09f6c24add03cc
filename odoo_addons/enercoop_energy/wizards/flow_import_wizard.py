# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FlowImportWizard(models.TransientModel):
    """Upload one or several Enedis flow files (XML, zip, AES-encrypted zip) and import them."""

    _name = "enercoop.flow.import.wizard"
    _description = "Import Enedis flow files"

    upload_file = fields.Binary(string="Flow file", attachment=False,
                                help="An XML flow or a zip archive of flows.")
    upload_filename = fields.Char(string="File name")
    attachment_ids = fields.Many2many(
        "ir.attachment", "enercoop_flow_import_wizard_attachment_rel", "wizard_id",
        "attachment_id", string="More files")
    key = fields.Char(string="AES key (hex)",
                      help="Key of encrypted archives, in hexadecimal; empty when not "
                           "encrypted.")
    iv = fields.Char(string="AES IV (hex)")
    company_id = fields.Many2one("res.company", string="Company", required=True,
                                 default=lambda self: self.env.user.company_id)
    flow_file_ids = fields.Many2many("enercoop.flow.file", string="Imported files",
                                     readonly=True)

    @api.multi
    def _files(self):
        self.ensure_one()
        files = []
        if self.upload_file:
            files.append((self.upload_filename or "flow.xml",
                          base64.b64decode(self.upload_file)))
        for attachment in self.attachment_ids:
            files.append((attachment.datas_fname or attachment.name,
                          base64.b64decode(attachment.datas or b"")))
        return files

    @api.multi
    def action_import(self):
        self.ensure_one()
        # a wizard is anyone's (no access rights on transient models): the flow files'
        # rights decide, before anything is read
        self.env["enercoop.flow.file"].check_access_rights("create")
        files = self._files()
        if not files:
            raise UserError(_("Choose at least one flow file."))
        flow_files = self.env["enercoop.flow.file"]._import_files(
            files, key=(self.key or "").strip() or None, iv=(self.iv or "").strip() or None,
            company=self.company_id, source="upload")
        self.attachment_ids.unlink()  # the flow files keep their own copy
        action = self.env.ref("enercoop_energy.action_enercoop_flow_file").read()[0]
        if len(flow_files) == 1:
            action.update({"res_id": flow_files.id, "view_mode": "form",
                           "views": [(False, "form")]})
        else:
            action["domain"] = [("id", "in", flow_files.ids)]
        return action
