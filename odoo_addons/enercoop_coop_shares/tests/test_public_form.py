# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public subscription form against hostile or careless posts, over HTTP."""
from lxml import html as lxml_html

from odoo.exceptions import UserError
from odoo.tests import common

from .common import SharesHttpCase


def _page(response):
    return lxml_html.fromstring(response.content)


@common.at_install(False)
@common.post_install(True)
class TestPublicForm(SharesHttpCase):

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)
        page = _page(self.url_open("/shares/subscribe"))
        self.page = page
        self.token = page.xpath("//input[@name='csrf_token']/@value")[0]
        self.posts = 0

    def post(self, **values):
        data = {"csrf_token": self.token, "form_token": self.form_token(),
                "name": "Visitor", "email": "visitor@example.org",
                "college_id": str(self.college["consumers"].id),
                "share_class_id": str(self.share_class["A"].id), "quantity": "1"}
        data.update(values)
        self.posts += 1
        return self.url_open("/shares/subscribe", data=data, timeout=60)

    def field_errors(self, response):
        return {e.get("data-field"): e.text_content()
                for e in _page(response).xpath("//*[contains(@class, 'o_shares_error')]")
                if e.get("data-field")}

    def message(self, response):
        found = _page(response).xpath("//*[contains(@class, 'o_shares_error_message')]")
        return found[0].text_content() if found else ""

    def requests(self, email):
        return self.Request.search([("create_date", "!=", False), "|",
                                    ("partner_id.email", "=ilike", email),
                                    ("new_email", "=ilike", email)])

    def test_quantities_are_bounded_by_the_statutes_and_the_form(self):
        cases = [("99999999999999999999", "at least 1"), ("-3", "at least 1"),
                 ("1e3", "at least 1"), ("²", "at least 1"),
                 # 100,000 shares of 100 EUR: 10 MEUR, above the form's 5,000.00 EUR
                 ("100000", "5000.00"), ("51", "5000.00")]
        for quantity, expected in cases:
            response = self.post(quantity=quantity)
            self.assertEqual(response.status_code, 200, quantity)
            self.assertIn(expected, self.field_errors(response).get("quantity", ""), quantity)
        # class B: at most 200 per member (core statutes), whatever the form's amount
        self.company.shares_web_max_amount = 1000000
        response = self.post(quantity="201", share_class_id=str(self.share_class["B"].id),
                             college_id=str(self.college["producers"].id))
        self.assertIn("At most 200", self.field_errors(response).get("quantity", ""))
        self.assertFalse(self.requests("visitor@example.org"))
        response = self.post(quantity="50")
        self.assertIn("o_shares_subscribe_thanks", response.text)
        self.assertEqual(self.requests("visitor@example.org").quantity, 50)

    def test_text_fields_are_bounded(self):
        response = self.post(name="N" * 5000, city="C" * 65, zip="1" * 17,
                             phone="+33 <script>", email="a" * 250 + "@example.org")
        errors = self.field_errors(response)
        self.assertEqual(set(errors), {"name", "city", "zip", "phone", "email"})
        self.assertIn("128", errors["name"])
        self.assertNotIn("N" * 301, response.text, "a long value is not echoed whole")
        response = self.post(name="Buy now http://spam.example")
        self.assertIn("web address", self.field_errors(response)["name"])
        response = self.post(share_class_id="99999999999999999999",
                             college_id="1 OR 1=1")
        self.assertEqual(set(self.field_errors(response)), {"share_class_id", "college_id"})
        self.assertFalse(self.requests("visitor@example.org"))

    def test_only_colleges_open_to_the_public(self):
        offered = set(self.page.xpath("//select[@name='college_id']/option/@value")) - {""}
        public = {c for c, rec in self.college.items() if rec.public_subscription}
        self.assertEqual(offered, {str(self.college[c].id) for c in public})
        self.assertEqual(public, {"consumers", "producers", "partners", "local_authorities"})
        for code in ("founders", "employees"):
            response = self.post(college_id=str(self.college[code].id))
            self.assertIn("college_id", self.field_errors(response), code)
        self.assertFalse(self.requests("visitor@example.org"))

    def test_a_known_email_matches_the_contact_never_a_second_member(self):
        known = self.create_partner("Known Member", email="Known@Example.org",
                                    company_id=self.company.id)
        self.subscribe(known, "A", 1, "consumers")
        partners = self.env["res.partner"].search_count([])
        response = self.post(name="Someone Else", email="known@example.org",
                             city="Nowhere", quantity="2")
        self.assertIn("o_shares_subscribe_thanks", response.text)
        request = self.requests("known@example.org")
        self.assertEqual(request.partner_id, known,
                         (request.partner_id.read(["name", "email", "company_id"]),
                          known.read(["name", "email", "company_id"])))
        self.assertEqual(self.env["res.partner"].search_count([]), partners,
                         "no new contact")
        self.assertEqual((known.name, known.city), ("Known Member", False),
                         "the visitor does not overwrite the contact")
        notes = request.message_ids.filtered(lambda m: "Someone Else" in (m.body or ""))
        self.assertEqual(len(notes), 1, "what was typed goes to the chatter")
        # a wildcard in the address matches nothing else
        self.assertFalse(self.env["res.partner"]._shares_partners_by_email(
            "k_own@example.org", self.company))
        # two contacts share an address: the request waits for the back office
        for name in ("Twin one", "Twin two"):
            self.create_partner(name, email="twins@example.org", company_id=self.company.id)
        self.post(name="Twin", email="twins@example.org")
        held = self.requests("twins@example.org")
        self.assertEqual((len(held), held.partner_id.id, held.new_email),
                         (1, False, "twins@example.org"))
        with self.assertRaisesRegex(UserError, "choose the subscriber"):
            held.action_validate()

    def test_robots_are_refused(self):
        response = self.post(website="http://spam.example")
        self.assertIn("could not be accepted", self.message(response))
        response = self.post(form_token=self.form_token(age=0))
        self.assertIn("too quickly", self.message(response))
        response = self.post(form_token="1.forged")
        self.assertIn("expired", self.message(response))
        response = self.post(form_token=self.form_token(age=3 * 86400))
        self.assertIn("expired", self.message(response))
        self.assertFalse(self.requests("visitor@example.org"))
        # the served form carries a token and the hidden field
        self.assertTrue(self.page.xpath("//input[@name='form_token']/@value")[0])
        self.assertEqual(self.page.xpath("//input[@name='website']/@value"), [""])

    def test_throttle_per_address_and_per_email_and_a_single_mail(self):
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param("enercoop_coop_shares.form_ip_limit", "3")
        Mail = self.env["mail.mail"]
        self.assertIn("o_shares_subscribe_thanks", self.post(email="one@example.org").text)
        self.assertIn("o_shares_subscribe_thanks", self.post(email="one@example.org").text)
        third = self.post(email="one@example.org")
        self.assertEqual(third.status_code, 429)
        self.assertIn("already have requests", self.message(third))
        self.assertEqual(len(self.requests("one@example.org")), 2)
        partner = self.requests("one@example.org")[0].partner_id
        self.assertEqual(Mail.search_count([("recipient_ids", "in", partner.ids)]), 1,
                         "one acknowledgement per address and window")
        # the fourth post from this address (limit 3) is refused before anything is read
        fourth = self.post(email="two@example.org")
        self.assertEqual(fourth.status_code, 429)
        self.assertIn("Too many requests", self.message(fourth))
        self.assertFalse(self.requests("two@example.org"))
        # the counters are stored server-side
        keys = self.env["enercoop.web.throttle"].search([]).mapped("key")
        self.assertEqual(keys.count("ip:127.0.0.1"), 3)
        self.assertEqual(keys.count("email:one@example.org"), 2)
