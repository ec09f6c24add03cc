# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""11.0.1.1.0: the views of the addon's own models are named ``view_<model>_<type>``
without the ``enercoop_`` prefix (issue 12). Renaming their XML ids before the update keeps
each view record (same database id): a view of another addon or of the database that
inherits one of them is kept, not deleted with the old XML id."""
import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE ir_model_data
           SET name = 'view_' || substr(name, length('view_enercoop_') + 1)
         WHERE module = 'enercoop_energy' AND model = 'ir.ui.view'
           AND name LIKE 'view\\_enercoop\\_%'
           AND NOT EXISTS (
               SELECT 1 FROM ir_model_data other
                WHERE other.module = 'enercoop_energy'
                  AND other.name = 'view_' || substr(ir_model_data.name,
                                                     length('view_enercoop_') + 1))""")
    _logger.info("enercoop_energy: %d view XML ids renamed view_enercoop_* -> view_*",
                 cr.rowcount)
