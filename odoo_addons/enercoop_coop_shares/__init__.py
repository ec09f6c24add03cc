# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import models
from . import wizards
from . import report
from . import controllers


def post_init_hook(cr, registry):
    """The companies already there (regional cooperatives created before this addon) get
    the example statutes too; run after the addon's translations are loaded, so that their
    colleges and share classes take the translated names of the main company's."""
    from odoo import SUPERUSER_ID, api
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"]._shares_load_default_statutes_everywhere()
