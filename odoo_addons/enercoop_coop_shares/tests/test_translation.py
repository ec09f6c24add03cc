# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import (
    SAME_IN_FRENCH, EnercoopCase, addon_po_path, read_po)

# the words of this addon that French spells the same
SAME_HERE = SAME_IN_FRENCH | frozenset([
    "Absent", "Admission", "Capital (EUR)", "Code", "Conversion", "Convocation", "Date",
    "Description", "EUR", "EUR.", "ID", "Note", "Quorum", "Source", "Total",
    "<strong>Total</strong>"])


@common.at_install(False)
@common.post_install(True)
class TestTranslation(EnercoopCase):

    def test_every_string_has_a_french_translation(self):
        entries = read_po(addon_po_path(__file__))
        self.assertGreater(len(entries), 5)
        # an English text left as its own translation is untranslated, but for the
        # few words French spells the same
        untranslated = [msgid for msgid, msgstr in entries
                        if not msgstr.strip() or (msgstr == msgid and msgid not in SAME_HERE)]
        self.assertEqual(untranslated, [])

    def test_members_menu_reads_in_french(self):
        if not self.env["res.lang"].search([("code", "=", "fr_FR")]):
            self.skipTest("French is not loaded in this database")
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        self.assertEqual(fr.ref("enercoop_coop_shares.menu_partner_member").name, "Sociétaires")
        self.assertEqual(fr.ref("enercoop_coop_shares.menu_coop_shares").name, "Sociétariat")
