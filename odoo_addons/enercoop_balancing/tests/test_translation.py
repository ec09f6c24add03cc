# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import (
    SAME_IN_FRENCH,
    EnercoopCase,
    addon_po_path,
    read_po,
)

# words French spells the same here (a date pattern of the form's placeholder, a plant)
SAME_HERE = SAME_IN_FRENCH | {"2025-11", "Installation", "Production (kWh)", "Total"}


@common.at_install(False)
@common.post_install(True)
class TestTranslation(EnercoopCase):

    def test_every_string_has_a_french_translation(self):
        entries = read_po(addon_po_path(__file__))
        self.assertGreater(len(entries), 100)
        untranslated = [msgid for msgid, msgstr in entries
                        if not msgstr.strip() or (msgstr == msgid and msgid not in SAME_HERE)]
        self.assertEqual(untranslated, [])

    def test_template_is_fresh(self):
        po_path = addon_po_path(__file__)
        pot = dict(read_po(os.path.join(os.path.dirname(po_path), "enercoop_balancing.pot")))
        self.assertEqual(set(pot), set(dict(read_po(po_path))))
        data = self.env["ir.model.data"].search([("module", "=", "enercoop_balancing"),
                                                 ("model", "=", "ir.model.fields")])
        labels = set(self.env["ir.model.fields"].browse(data.mapped("res_id")).mapped(
            "field_description"))
        self.assertFalse(labels - set(pot), "labels missing from the .pot")

    def test_menus_read_in_french(self):
        if not self.env["res.lang"].search([("code", "=", "fr_FR")]):
            self.skipTest("French is not loaded in this database")
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        self.assertEqual(fr.ref("enercoop_balancing.menu_balancing").name, "Équilibre")
        self.assertEqual(fr.ref("enercoop_balancing.action_balance_run").name,
                         "Bilans énergétiques")
