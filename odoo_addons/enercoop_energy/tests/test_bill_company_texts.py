# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The company's translatable texts on the customer's bill (legal form, customer service,
offer names, yearly mix, self-reading terms) read in the customer's language: the
English source for an English-speaking customer, the French translation for a French one,
whoever renders the bill (here an ordinary billing user, not the superuser). The data
are the test's own (the core's sample flows, re-addressed); no demo record is needed."""
import html as html_lib

from odoo.tests import common

from .common import PRMS, BillingCase

REPORT = "enercoop_energy.action_report_energy_invoice"
BILLER_GROUPS = ["enercoop_energy.group_enercoop_user", "account.group_account_invoice"]

ENGLISH = {
    "enercoop_legal_form": "Cooperative company with variable capital (test)",
    "enercoop_customer_service": "Call us Monday to Friday (test)",
    "enercoop_offer_names": "BASE: Households Base (test)\nHPHC: Households Off-peak (test)",
    "enercoop_energy_mix": "Hydro 60 %, wind 40 % in 2024 (test)",
    "enercoop_self_reading": "Send your index before the 25th (test)",
}
FRENCH = {
    "enercoop_legal_form": "Société coopérative à capital variable (essai)",
    "enercoop_customer_service": "Appelez-nous du lundi au vendredi (essai)",
    "enercoop_offer_names": "BASE: Particuliers Base (essai)\n"
                            "HPHC: Particuliers Heures creuses (essai)",
    "enercoop_energy_mix": "Hydraulique 60 %, éolien 40 % en 2024 (essai)",
    "enercoop_self_reading": "Envoyez votre index avant le 25 (essai)",
}


def printed(text):
    """What the bill prints of a company text (the offer: its name, not its code)."""
    return [line.partition(":")[2].strip() if ":" in line else line
            for line in text.splitlines()]


@common.at_install(False)
@common.post_install(True)
class TestBillCompanyTexts(BillingCase):

    def setUp(self):
        super().setUp()
        if "fr_FR" not in self.env["res.lang"].search([]).mapped("code"):
            self.skipTest("French is not loaded in this database")
        # the company's texts: English source, French translation
        self.company.with_context(lang="en_US").write(ENGLISH)
        self.company.with_context(lang="fr_FR").write(FRENCH)
        partners = {}
        for lang, prm, fta, kva, offpeak, offer in (
                ("fr_FR", PRMS["30001000000001"], "BTINFCU4", 6, "", "BASE"),
                ("en_US", PRMS["30001000000002"], "BTINFMU4", 9, "01:00-07:00;12:30-14:30",
                 "HPHC")):
            partner = self.create_partner("Customer %s" % lang, lang=lang, zip="75011",
                                          city="Paris", street="1 rue Test",
                                          role_consumer=True)
            partners[lang] = partner
            point = self.create_point(prm, fta, kva, offpeak, partner=partner)
            self.create_contract(point, offer)
        self.import_flows()
        run = self.run_billing("2025-10")
        self.invoices = {}
        for lang, partner in partners.items():
            invoice = run.invoice_ids.filtered(lambda inv, p=partner: inv.partner_id == p)
            self.assertEqual(len(invoice), 1, lang)
            self.invoices[lang] = invoice
        self.biller = self.create_user("bill.texts.biller", BILLER_GROUPS)

    def render(self, lang, reader_lang):
        """The bill of the ``lang`` customer as the billing user reading ``reader_lang``
        renders it (the text, HTML entities decoded)."""
        self.biller.lang = reader_lang
        report = self.env.ref(REPORT).sudo(self.biller).with_context(lang=reader_lang)
        html, _kind = report.render_qweb_html(self.invoices[lang].ids)
        return html_lib.unescape(html.decode("utf-8"))

    def assert_texts(self, page, wanted, unwanted):
        for field, text in wanted.items():
            for line in printed(text):
                self.assertIn(line, page, field)
        for field, text in unwanted.items():
            for line in printed(text):
                self.assertNotIn(line, page, field)

    def test_french_customer_reads_the_french_texts(self):
        page = self.render("fr_FR", reader_lang="en_US")
        self.assertIn("Facture d'électricité", page)
        wanted = dict(FRENCH, enercoop_offer_names="BASE: Particuliers Base (essai)")
        self.assert_texts(page, wanted, ENGLISH)

    def test_english_customer_reads_the_english_texts(self):
        page = self.render("en_US", reader_lang="fr_FR")
        self.assertIn("Electricity bill", page)
        wanted = dict(ENGLISH, enercoop_offer_names="HPHC: Households Off-peak (test)")
        self.assert_texts(page, wanted, FRENCH)


@common.at_install(False)
@common.post_install(True)
class TestDemoCompanyTexts(common.TransactionCase):
    """The demo's company texts: English in the record, French as its translations; its
    English-speaking customer (Bruno Petit) and French-speaking one (Alice Martin)."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("enercoop_energy.partner_demo_consumer_02",
                            raise_if_not_found=False):
            self.skipTest("no demo data")
        if "fr_FR" not in self.env["res.lang"].search([]).mapped("code"):
            self.skipTest("French is not loaded in this database")

    def test_english_source_and_french_translation(self):
        main = self.env.ref("base.main_company")
        english, french = main.with_context(lang="en_US"), main.with_context(lang="fr_FR")
        # the legal form: the French legal designation in both
        self.assertEqual(english.enercoop_legal_form, "SCIC SA à capital variable")
        self.assertEqual(french.enercoop_legal_form, "SCIC SA à capital variable")
        self.assertIn("Monday to Friday", english.enercoop_customer_service)
        self.assertIn("du lundi au vendredi", french.enercoop_customer_service)
        self.assertIn("renewable electricity", english.enercoop_energy_mix)
        self.assertIn("Électricité 100 % renouvelable", french.enercoop_energy_mix)
        self.assertIn("Send your index", english.enercoop_self_reading)
        self.assertIn("Envoyez votre index", french.enercoop_self_reading)
        self.assertIn("HPHC: Households Off-peak hours", english.enercoop_offer_names)
        self.assertIn("HPHC: Particuliers Heures creuses", french.enercoop_offer_names)

    def test_demo_customers_languages(self):
        self.assertEqual(self.env.ref("enercoop_energy.partner_demo_consumer_02").lang,
                         "en_US")
        self.assertEqual(self.env.ref("enercoop_energy.partner_demo_consumer_01").lang,
                         "fr_FR")
