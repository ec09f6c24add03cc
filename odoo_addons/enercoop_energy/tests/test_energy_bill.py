# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's bill (``enercoop_energy.report_energy_invoice``) of the demo invoices:
what it prints in the customer's language, the core's figures, the hooks other addons
inherit, and nothing a household should not read (codes, rate references, 8-decimal
prices)."""
import base64
import re
from decimal import Decimal

from lxml import html as lxml_html

from odoo.tests import common
from odoo.tools.misc import formatLang

from enercoop_core import timeclasses
from enercoop_core.billing.statement import emergency_number

from .. import core_adapter as adapter
from .common import EnercoopCase

REPORT = "enercoop_energy.action_report_energy_invoice"
BILL = "report.enercoop_energy.report_energy_invoice"


@common.at_install(False)
@common.post_install(True)
class TestEnergyBill(EnercoopCase):

    def setUp(self):
        super().setUp()
        self.invoice = self.env["account.invoice"].search([
            ("energy_contract_id", "!=", False), ("type", "=", "out_invoice"),
            ("company_id", "=", self.env.ref("base.main_company").id)],
            order="energy_period_start desc, id", limit=1)
        self.assertTrue(self.invoice, "no demo energy invoice")
        self.partner = self.invoice.partner_id
        self.partner.write({"zip": "44000", "city": "Nantes", "street": "1 rue Test"})

    def html(self, lang, reader_lang=None):
        """The bill in the customer's ``lang``, rendered by a user reading ``reader_lang``."""
        if lang not in self.env["res.lang"].search([]).mapped("code"):
            self.skipTest("%s is not loaded in this database" % lang)
        self.partner.lang = lang
        report = self.env.ref(REPORT).with_context(lang=reader_lang)
        html, _kind = report.render_qweb_html(self.invoice.ids)
        return html.decode("utf-8")

    def test_french_bill_reads_as_a_household_reads_it(self):
        # labels of the template and labels made in Python, rendered by a user reading
        # English (the customer's language counts, not the reader's)
        html = self.html("fr_FR", reader_lang="en_US")
        for text in ("Facture d'électricité", "Montant à payer", "Votre contrat",
                     "Médiateur national de l'énergie", "SCIC SA à capital variable",
                     "Votre consommation", "Fourniture d'électricité", "Siège social"):
            self.assertIn(text, html)
        for english in ("Your consumption", "Supply of electricity", "Registered office"):
            self.assertNotIn(english, html)
        # time classes by their names, never their codes
        for tc in self.invoice.energy_detail_ids.mapped("time_class"):
            self.assertIn(timeclasses.label(tc, "fr_FR"), html)
            self.assertNotRegex(html, r">\s*%s\s*<" % tc)
        # no FTA code, no rate reference, no price with 5 decimals or more
        text = re.sub(r"<[^>]+>|data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", " ", html)
        point = self.invoice.delivery_point_id
        if point.fta:
            self.assertNotIn(point.fta, text)
        self.assertNotIn(".csv:", text)
        self.assertNotRegex(text, r"\d[.,]\d{5,}")
        # the distributor's emergency number of the delivery point's département (44)
        self.assertIn(emergency_number("44000"), html)

    def test_english_bill(self):
        html = self.html("en_US", reader_lang="fr_FR")  # rendered by a French reader
        self.assertIn("Amount due", html)
        self.assertIn("Useful contacts", html)
        self.assertIn("Your consumption", html)
        self.assertIn("Supply of electricity", html)
        self.assertNotIn("Votre consommation", html)
        for tc in self.invoice.energy_detail_ids.mapped("time_class"):
            self.assertIn(timeclasses.label(tc, "en_US"), html)

    def test_hooks_for_the_payment_and_origin_addons(self):
        # parsed, not matched: once another addon inherits the template, Odoo adds its
        # data-oe-* attributes to the hooks, and the payment addon puts its block after it
        def hook(html, hook_id):
            found = lxml_html.fromstring(html).xpath("//div[@id=$id]", id=hook_id)
            self.assertEqual(len(found), 1, hook_id)
            return found[0]

        html = self.html("en_US")
        hook(html, "enercoop_bill_payment")
        self.env.ref("base.main_company").enercoop_energy_mix = "Hydro 70 %, wind 30 %"
        html, _kind = self.env.ref(REPORT).render_qweb_html(self.invoice.ids)
        origin = hook(html.decode("utf-8"), "enercoop_bill_origin")
        self.assertIn("Hydro 70 %, wind 30 %", origin.text_content())

    def test_prices_shown_from_the_core_unit_prices(self):
        self.partner.lang = "en_US"
        bill = self.env[BILL]._bill_values(self.invoice)
        rows = [row for section in bill["sections"] for row in section["rows"]]
        env = self.invoice.with_context(lang="en_US").env
        for line in self.invoice.invoice_line_ids.filtered(
                lambda l: l.energy_unit == "kWh" and not l.energy_true_up):
            cents = Decimal(str(line.energy_unit_price)) * 100
            digits = 2
            while digits < 4 and cents != round(cents, digits):
                digits += 1
            shown = "%s c€/kWh" % formatLang(env, float(cents), digits=digits)
            self.assertIn(shown, [row["unit_price"] for row in rows], line.energy_code)
        subscription = [row for row in rows if row["label"] == "Subscription"]
        self.assertTrue(subscription)
        self.assertTrue(subscription[0]["unit_price"].endswith("/ month"))

    def test_amounts_are_the_invoice_s(self):
        bill = adapter.bill_of_invoice(self.invoice)
        self.assertEqual(bill.total, Decimal(str(self.invoice.amount_total)).quantize(
            Decimal("0.01")))
        self.assertEqual(bill.total_excl_vat, Decimal(str(self.invoice.amount_untaxed))
                         .quantize(Decimal("0.01")))
        # the sections add up to the amount excluding VAT
        values = self.env[BILL]._bill_values(self.invoice)
        self.assertEqual([s["key"] for s in values["sections"]],
                         ["supply", "network", "taxes"])

    def test_history_chart_has_a_bar_per_billed_period(self):
        values = self.env[BILL]._bill_values(self.invoice)
        svg = base64.b64decode(values["chart"].split(",", 1)[1]).decode("utf-8")
        earlier = self.env["account.invoice"].search_count([
            ("energy_contract_id", "=", self.invoice.energy_contract_id.id),
            ("type", "=", "out_invoice"), ("state", "!=", "cancel"),
            ("energy_period_end", "<", self.invoice.energy_period_start)])
        self.assertEqual(svg.count("<rect"), earlier + 1)

    def test_postcode_outside_enedis_still_makes_a_bill(self):
        holder = self.invoice.delivery_point_id.partner_id or self.partner
        holder.zip = "97400"  # La Réunion: EDF SEI, no Enedis number
        values = self.env[BILL]._bill_values(self.invoice)
        self.assertFalse(values["emergency_known"])

    def test_offer_names_of_the_company(self):
        company = self.env.ref("base.main_company")
        company.enercoop_offer_names = "BASE: Offre Base\nbad line\nHPHC : Heures creuses "
        self.assertEqual(adapter.offer_names(company),
                         {"BASE": "Offre Base", "HPHC": "Heures creuses"})
