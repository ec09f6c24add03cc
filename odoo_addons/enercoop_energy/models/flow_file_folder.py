# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The scheduled import of the flow files dropped in each company's flow folder."""
import logging
import os
import shutil
import threading

from odoo import api, models

_logger = logging.getLogger(__name__)

FOLDER_PARAM = "enercoop_energy.flow_folder"  # root of the companies' flow folders


def _inside(path, folder):
    """Whether the resolved ``path`` is ``folder`` or lies under it (both resolved)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class FlowFile(models.Model):
    _inherit = "enercoop.flow.file"

    # None of these is public (RPC): a method that reads a server path must never be
    # callable with a caller's path.
    @api.model
    def _flow_root(self):
        """The resolved folder under which every flow folder lies (system parameter
        ``enercoop_energy.flow_folder``, which only administrators may write); None when
        not configured."""
        # sudo: ir.config_parameter is readable by administrators only; this value is a
        # folder name, not a secret, read by the scheduled action
        root = self.env["ir.config_parameter"].sudo().get_param(FOLDER_PARAM)
        return os.path.realpath(root) if root else None

    @api.model
    def _company_folder(self, company, root):
        """The resolved flow folder of ``company`` (its ``enercoop_flow_folder``, relative
        to ``root`` or absolute), or None when it lies outside ``root``."""
        folder = os.path.realpath(os.path.join(root, company.enercoop_flow_folder))
        return folder if _inside(folder, root) else None

    @api.model
    def _cron_import_folder(self):
        """Scheduled action: import the files dropped in each company's flow folder and
        move each one to ``processed/`` (or ``rejected/`` when nothing could be used).

        Only files inside the configured root folder are read: every path is resolved
        (``realpath``) and a folder or file outside the root (through ``..`` or a symbolic
        link) is refused and logged."""
        root = self._flow_root()
        if not root or not os.path.isdir(root):
            if root:
                _logger.warning("flow root folder %s does not exist", root)
            return self.browse()
        # sudo: the scheduled action runs for every company (it runs as the superuser
        # anyway; this keeps it right when started by hand by an administrator)
        companies = self.env["res.company"].sudo().search([("enercoop_flow_folder", "!=", False)])
        done = self.browse()
        for company in companies:
            folder = self._company_folder(company, root)
            if not folder:
                _logger.warning("flow folder %s of %s is outside %s: refused",
                                company.enercoop_flow_folder, company.name, root)
                continue
            if not os.path.isdir(folder):
                _logger.warning("flow folder %s of %s does not exist", folder, company.name)
                continue
            for entry in sorted(os.listdir(folder)):
                path = os.path.join(folder, entry)
                if entry.startswith(".") or os.path.islink(path) or not os.path.isfile(path):
                    if os.path.islink(path):
                        _logger.warning("flow folder %s: symbolic link %s refused", folder,
                                        entry)
                    continue
                if not _inside(os.path.realpath(path), folder):
                    continue
                # sudo: same as above, the scheduled action imports for each company
                flow_file = self.sudo()._import_paths([path], company=company,
                                                      source="folder")
                done |= flow_file
                target = os.path.join(
                    folder, "rejected" if flow_file.state == "rejected" else "processed")
                os.makedirs(target, exist_ok=True)
                shutil.move(path, os.path.join(target, entry))
                if not getattr(threading.currentThread(), "testing", False):
                    self.env.cr.commit()  # a file moved is a file whose import is kept
        return done

