# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

from odoo.tests import common

from .common import SAME_IN_FRENCH, EnercoopCase, addon_po_path, read_po


@common.at_install(False)
@common.post_install(True)
class TestTranslation(EnercoopCase):

    def test_every_string_has_a_french_translation(self):
        entries = read_po(addon_po_path(__file__))
        self.assertGreater(len(entries), 20)
        # an English text left as its own translation is untranslated, but for the
        # few words French spells the same
        untranslated = [msgid for msgid, msgstr in entries
                        if not msgstr.strip() or (msgstr == msgid and msgid not in SAME_IN_FRENCH)]
        self.assertEqual(untranslated, [])

    def test_menus_and_fields_read_in_french(self):
        if not self.env["res.lang"].search([("code", "=", "fr_FR")]):
            self.skipTest("French is not loaded in this database")
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        self.assertEqual(fr.ref("enercoop_energy.menu_root").name, "Coopérative d'énergie")
        self.assertEqual(fr.ref("enercoop_energy.action_partner_producer").name, "Producteurs")
        # a text other modules translate otherwise ("Employés"): the addon's own wins
        self.assertEqual(fr.ref("enercoop_energy.menu_partner_employee").name, "Salariés")
        labels = fr["res.partner"].fields_get(["role_consumer", "role_member"])
        self.assertEqual(labels["role_consumer"]["string"], "Consommateur")
        self.assertEqual(labels["role_member"]["string"], "Sociétaire")

    def test_template_is_fresh_and_fully_translated(self):
        # the .pot is regenerated from the code (scripts/i18n_export.sh): every field label
        # of the addon is in it, and fr.po holds exactly its texts
        po_path = addon_po_path(__file__)
        pot = dict(read_po(os.path.join(os.path.dirname(po_path), "enercoop_energy.pot")))
        self.assertEqual(set(pot), set(dict(read_po(po_path))))
        data = self.env["ir.model.data"].search([("module", "=", "enercoop_energy"),
                                                 ("model", "=", "ir.model.fields")])
        labels = set(self.env["ir.model.fields"].browse(data.mapped("res_id")).mapped(
            "field_description"))
        self.assertGreater(len(labels), 100)
        self.assertFalse(labels - set(pot), "labels missing from the .pot")
