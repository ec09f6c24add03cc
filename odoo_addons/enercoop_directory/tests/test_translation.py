# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import EnercoopCase, addon_po_path, read_po

# English words French spells the same
SAME_IN_FRENCH = frozenset(["Contact", "ID", "LDAPS", "StartTLS", "Plan", "Synchronisation",
                            "res.company.ldap"])


@common.at_install(False)
@common.post_install(True)
class TestTranslation(EnercoopCase):

    def test_every_string_has_a_french_translation(self):
        entries = read_po(addon_po_path(__file__))
        self.assertGreater(len(entries), 80)
        untranslated = [msgid for msgid, msgstr in entries
                        if not msgstr.strip() or (msgstr == msgid and msgid not in SAME_IN_FRENCH)]
        self.assertEqual(untranslated, [])

    def test_template_is_fresh(self):
        # every field label of the addon is in the .pot, and fr.po holds exactly its texts
        po_path = addon_po_path(__file__)
        pot = dict(read_po(os.path.join(os.path.dirname(po_path), "enercoop_directory.pot")))
        self.assertEqual(set(pot), set(dict(read_po(po_path))))
        data = self.env["ir.model.data"].search([("module", "=", "enercoop_directory"),
                                                 ("model", "=", "ir.model.fields")])
        labels = set(self.env["ir.model.fields"].browse(data.mapped("res_id")).mapped(
            "field_description"))
        self.assertGreater(len(labels), 30)
        self.assertFalse(labels - set(pot), "labels missing from the .pot")

    def test_menus_and_fields_read_in_french(self):
        if not self.env["res.lang"].search([("code", "=", "fr_FR")]):
            self.skipTest("French is not loaded in this database")
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        self.assertEqual(fr.ref("enercoop_directory.menu_directory").name, "Annuaire")
        self.assertEqual(fr.ref("enercoop_directory.action_directory_plan_wizard").name,
                         "Simulation de l'annuaire")
        labels = fr["enercoop.directory.config"].fields_get(["base_dn", "removal_policy"])
        self.assertEqual(labels["base_dn"]["string"], "DN de base")
        self.assertEqual(dict(labels["removal_policy"]["selection"])["delete"],
                         "Supprimer après un délai")
