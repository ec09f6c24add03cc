# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Colleges open to the public form (new field): those of the example statutes a visitor
may choose; companies created without colleges get the default statutes."""
from odoo import SUPERUSER_ID, api

from odoo.addons.enercoop_coop_shares.models.res_company import PUBLIC_COLLEGES


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE enercoop_college SET public_subscription = code IN %s",
               (tuple(sorted(PUBLIC_COLLEGES)),))
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].search([])._shares_load_default_statutes()
