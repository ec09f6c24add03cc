# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""11.0.1.1.0: supply contracts keep their terms as dated versions
(``enercoop.supply.contract.version``, issue 12). Each contract of a database from before
gets its first version: from its start, the delivery point's FTA and subscribed power and
the contract's offer (what billing used until then)."""
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    count = env["enercoop.supply.contract"]._create_missing_versions()
    _logger.info("enercoop_energy: %d supply contracts got their first version", count)
