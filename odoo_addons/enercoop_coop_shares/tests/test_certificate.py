# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import html as lxml_html

from odoo.tests import common

from .common import SharesCase


@common.at_install(False)
@common.post_install(True)
class TestCertificate(SharesCase):
    """The certificate's content (the e2e test prints the real PDF and looks at it)."""

    def render(self, partner):
        report = self.env.ref("enercoop_coop_shares.report_share_certificate_action")
        body = report.render_qweb_html(partner.ids)[0].decode("utf-8")
        return lxml_html.fromstring(body).text_content()

    def test_certificate_in_english(self):
        member = self.create_partner("Certificate member", lang="en_US")
        self.subscribe(member, "A", 4, "consumers")
        text = " ".join(self.render(member).split())
        self.assertIn("Share certificate", text)
        self.assertIn(self.company.name, text)
        self.assertIn("Certificate member", text)
        self.assertIn("member number %d" % member.member_number, text)
        # 4 shares of class A at the core's nominal value 100.00 EUR: 400.00 EUR
        self.assertIn("A - Ordinary shares 4 100.00 € 400.00 €", text)
        self.assertIn("Total 4 400.00 €", text)
        self.assertIn("The chair of the board", text)
        self.assertIn("The member", text)

    def test_certificate_in_the_partner_language(self):
        if not self.env["res.lang"].search([("code", "=", "fr_FR")]):
            self.skipTest("French is not loaded in this database")
        member = self.create_partner("Sociétaire attestation", lang="fr_FR")
        self.subscribe(member, "B", 3, "producers")
        text = " ".join(self.render(member).split())
        self.assertIn("Attestation de parts sociales", text)
        self.assertIn("La coopérative certifie que", text)
        self.assertIn("Le président du conseil", text)
        # 3 x 500.00 EUR, French number format
        self.assertIn("1 500,00 €", text.replace("\xa0", " "))
        self.assertNotIn("Share certificate", text)

    def test_no_certificate_for_a_contact_without_shares(self):
        text = " ".join(self.render(self.create_partner("Not a member")).split())
        self.assertIn("this contact holds no shares", text)
