# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Over HTTP, through Odoo's own server: the member's portal page and the public
subscription form."""
from lxml import html as lxml_html

from odoo.tests import common

from .common import SharesHttpCase


def _page(response):
    return lxml_html.fromstring(response.content)


@common.at_install(False)
@common.post_install(True)
class TestPortalHttp(SharesHttpCase):

    def portal_user(self, partner, login):
        return self.env["res.users"].with_context(no_reset_password=True).create({
            "name": partner.name, "login": login, "password": login + "-pw",
            "partner_id": partner.id, "tz": self.env.user.tz,
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})

    def test_portal_member_sees_their_shares_and_not_another_member(self):
        member = self.create_partner("Portal http member", email="ph.member@example.org")
        self.subscribe(member, "A", 2, "consumers")
        other = self.create_partner("Portal http other", email="ph.other@example.org")
        self.subscribe(other, "A", 7, "consumers")
        self.portal_user(member, "ph.member")
        self.portal_user(other, "ph.other")

        self.authenticate("ph.member", "ph.member-pw")
        response = self.url_open("/my/shares")
        self.assertEqual(response.status_code, 200)
        page = _page(response)
        quantities = [td.text_content().strip()
                      for td in page.xpath("//td[contains(@class, 'o_share_quantity')]")]
        self.assertEqual(quantities, ["2"])
        history = page.xpath("//table[contains(@class, 'o_share_history')]/tbody/tr")
        self.assertEqual(len(history), 2, "subscription and release")
        text = page.text_content()
        self.assertIn("Portal http member", text)
        self.assertNotIn("Portal http other", text)
        # the portal home links to the page
        home = self.url_open("/my/home")
        self.assertIn('href="/my/shares"', home.text)

        self.authenticate("ph.other", "ph.other-pw")
        page = _page(self.url_open("/my/shares"))
        quantities = [td.text_content().strip()
                      for td in page.xpath("//td[contains(@class, 'o_share_quantity')]")]
        self.assertEqual(quantities, ["7"])

    def test_portal_page_needs_a_login(self):
        self.authenticate(None, None)
        response = self.url_open("/my/shares")
        self.assertIn("/web/login", response.url)

    def subscribe_form(self):
        """The public form, and its CSRF token."""
        self.authenticate(None, None)
        response = self.url_open("/shares/subscribe")
        self.assertEqual(response.status_code, 200)
        page = _page(response)
        token = page.xpath("//input[@name='csrf_token']/@value")
        self.assertTrue(token)
        return page, token[0]

    def test_public_form_creates_a_draft_request_and_a_contact(self):
        page, token = self.subscribe_form()
        options = {o.text_content().strip(): o.get("value")
                   for o in page.xpath("//select[@name='college_id']/option")}
        self.assertEqual(options["Consumers"], str(self.college["consumers"].id))
        response = self.url_open("/shares/subscribe", data={
            "csrf_token": token, "form_token": self.form_token(),
            "name": "Zoé Web", "email": "zoe.web@example.org",
            "city": "Lyon", "college_id": str(self.college["consumers"].id),
            "share_class_id": str(self.share_class["A"].id), "quantity": "3"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_shares_subscribe_thanks", response.text)
        request = self.Request.search([("partner_id.email", "=", "zoe.web@example.org")])
        self.assertEqual(len(request), 1)
        self.assertIn(request.name, response.text)
        self.assertEqual((request.state, request.origin, request.quantity),
                         ("draft", "web", 3))
        self.assertEqual(request.company_id, self.company)
        self.assertEqual(request.college_id, self.college["consumers"])
        self.assertEqual(request.partner_id.name, "Zoé Web")
        self.assertEqual(request.partner_id.city, "Lyon")
        self.assertFalse(request.partner_id.member_number, "a member only once paid")
        # the back office goes on from there: 3 x 100.00 EUR
        request.action_validate()
        self.assertEqual(request.invoice_id.amount_total, 300.0)

    def test_public_form_shows_errors_and_stores_nothing(self):
        page, token = self.subscribe_form()
        count = self.Request.search_count([])
        response = self.url_open("/shares/subscribe", data={
            "csrf_token": token, "name": "", "email": "not-an-email",
            "college_id": str(self.college["consumers"].id),
            "share_class_id": str(self.share_class["A"].id), "quantity": "0"})
        self.assertEqual(response.status_code, 200)
        page = _page(response)
        errors = {e.get("data-field") for e in page.xpath("//*[contains(@class, 'o_shares_error')]")
                  if e.get("data-field")}
        self.assertEqual(errors, {"name", "email", "quantity"})
        self.assertEqual(page.xpath("//input[@name='email']/@value"), ["not-an-email"])
        self.assertEqual(page.xpath("//input[@name='is_company']/@checked"), [],
                         "an unticked box stays unticked")
        # the core's rule: consumers may not hold class B
        response = self.url_open("/shares/subscribe", data={
            "csrf_token": token, "form_token": self.form_token(),
            "name": "Bob Web", "email": "bob.web@example.org",
            "college_id": str(self.college["consumers"].id),
            "share_class_id": str(self.share_class["B"].id), "quantity": "1"})
        page = _page(response)
        self.assertTrue(page.xpath("//*[contains(@class, 'o_shares_error_message')]"))
        error = page.xpath("//*[@data-field='share_class_id']")
        self.assertIn("Consumers", error[0].text_content())
        self.assertEqual(self.Request.search_count([]), count)
        self.assertFalse(self.env["res.partner"].search([("email", "=", "bob.web@example.org")]))

    def test_public_form_refuses_a_post_without_csrf_token(self):
        self.subscribe_form()
        response = self.url_open("/shares/subscribe", data={
            "name": "No Token", "email": "no.token@example.org",
            "college_id": str(self.college["consumers"].id),
            "share_class_id": str(self.share_class["A"].id), "quantity": "1"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["res.partner"].search([("email", "=", "no.token@example.org")]))

    def test_portal_counter_is_the_number_of_shares_and_history_in_the_member_language(self):
        if not self.env["res.lang"].search([("code", "=", "fr_FR")]):
            self.skipTest("French is not loaded in this database")
        member = self.create_partner("Sociétaire portail", email="fr.member@example.org",
                                     lang="fr_FR")
        self.subscribe(member, "A", 5, "consumers")
        self.portal_user(member, "fr.member").lang = "fr_FR"
        self.authenticate("fr.member", "fr.member-pw")
        home = _page(self.url_open("/my/home"))
        badge = home.xpath("//span[contains(@class, 'o_shares_count')]")
        self.assertEqual(badge[0].text_content().strip(), "5", "5 shares, in 2 entries")
        page = _page(self.url_open("/my/shares"))
        dates = [td.text_content() for td in page.xpath("//td[@class='o_share_history_date']")]
        date_format = self.env["res.lang"].search([("code", "=", "fr_FR")]).date_format
        self.assertEqual(dates, [self.day.strftime(date_format)] * 2)
        self.assertNotIn(self.today, page.text_content(), "no ISO date")
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        labels = dict(fr["enercoop.share.entry"]._fields["operation_type"]
                      ._description_selection(fr))
        operations = [td.text_content() for td in
                      page.xpath("//td[@class='o_share_history_operation']")]
        self.assertEqual(operations, [labels["subscription"], labels["release"]])
        self.assertNotEqual(labels["subscription"], "Subscription")
