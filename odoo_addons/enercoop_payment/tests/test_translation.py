# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import SAME_IN_FRENCH, addon_po_path, read_po

# and the texts of this addon French spells the same (a French name, a code, a word)
SAME = SAME_IN_FRENCH | {"Chèque énergie", "IBAN", "Total"}


@common.at_install(False)
@common.post_install(True)
class TestTranslation(common.TransactionCase):

    def test_every_string_has_a_french_translation(self):
        entries = read_po(addon_po_path(__file__))
        self.assertGreater(len(entries), 50)
        untranslated = [msgid for msgid, msgstr in entries
                        if not msgstr.strip() or (msgstr == msgid and msgid not in SAME)]
        self.assertEqual(untranslated, [])

    def test_template_is_fresh_and_fully_translated(self):
        po_path = addon_po_path(__file__)
        pot = dict(read_po(os.path.join(os.path.dirname(po_path), "enercoop_payment.pot")))
        self.assertEqual(set(pot), set(dict(read_po(po_path))))
        data = self.env["ir.model.data"].search([("module", "=", "enercoop_payment"),
                                                 ("model", "=", "ir.model.fields")])
        labels = set(self.env["ir.model.fields"].browse(data.mapped("res_id")).mapped(
            "field_description"))
        self.assertGreater(len(labels), 30)
        self.assertFalse(labels - set(pot), "labels missing from the .pot")

    def test_menus_and_fields_read_in_french(self):
        if not self.env["res.lang"].search([("code", "=", "fr_FR")]):
            self.skipTest("French is not loaded in this database")
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        self.assertEqual(fr.ref("enercoop_payment.menu_payment").name, "Paiements")
        labels = fr["enercoop.supply.contract"].fields_get(["enercoop_payment_mode"])
        self.assertEqual(labels["enercoop_payment_mode"]["string"], "Mode de paiement")
        self.assertIn(("cheque_energie", "Chèque énergie"),
                      labels["enercoop_payment_mode"]["selection"])
