# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The payment page of the portal, as two customers who try each other's ids on every
route (each a 404), and the replacement of the IBAN (a new mandate, the old one revoked)."""
import re

from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import EnergyHttpCase

from .common import IBANS, PaymentWorld

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@common.at_install(False)
@common.post_install(True)
class TestPortal(PaymentWorld, EnergyHttpCase):

    def setUp(self):
        super().setUp()
        type(self).env = self.env  # the class-level factories use it
        company = self.setup_company()
        self.mine = self.create_customer("Alice Portal", company, IBANS[0], "30009300000021")
        self.theirs = self.create_customer("Bob Portal", company, IBANS[2], "30009300000022")
        self.create_schedule(self.mine)
        for contract, login in ((self.mine, "alice.portal"), (self.theirs, "bob.portal")):
            self.env["res.users"].with_context(no_reset_password=True).create({
                "name": contract.partner_id.name, "login": login, "password": login + "-pw",
                "partner_id": contract.partner_id.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})

    def get(self, url):
        return self.url_open(url)

    def post_iban(self, contract, iban, token):
        return self.url_open("/my/payment/%d/iban" % contract.id, data={
            "csrf_token": token, "iban": iban, "bic": "", "accept": "1"})

    def test_each_customer_sees_only_their_own_records(self):
        self.authenticate("alice.portal", "alice.portal-pw")
        page = self.get("/my/payment")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.mine.name, page.text)
        self.assertNotIn(self.theirs.name, page.text)
        own = self.get("/my/payment/%d" % self.mine.id)
        self.assertEqual(own.status_code, 200)
        self.assertIn("FR76 **** **** **** **** ***0 560", own.text)
        self.assertNotIn(IBANS[0], own.text)  # never the whole IBAN
        self.assertIn("o_enercoop_next_debit", own.text)
        token = TOKEN.search(own.text).group(1)
        # the energy contract page links to it
        energy = self.get("/my/energy/contract/%d" % self.mine.id)
        self.assertIn('href="/my/payment/%d"' % self.mine.id, energy.text)
        # Bob's ids, on every route
        self.assertEqual(self.get("/my/payment/%d" % self.theirs.id).status_code, 404)
        before = self.theirs.enercoop_mandate_id
        response = self.post_iban(self.theirs, IBANS[1], token)
        self.assertEqual(response.status_code, 404)
        self.theirs.invalidate_cache()
        self.assertEqual(self.theirs.enercoop_mandate_id, before)
        self.assertEqual(self.get("/my/payment/999999999").status_code, 404)
        # and Bob, the other way round
        self.authenticate("bob.portal", "bob.portal-pw")
        self.assertEqual(self.get("/my/payment/%d" % self.mine.id).status_code, 404)
        page = self.get("/my/payment")
        self.assertIn(self.theirs.name, page.text)
        self.assertNotIn(self.mine.name, page.text)

    def test_replacing_the_iban_makes_a_new_mandate(self):
        self.authenticate("alice.portal", "alice.portal-pw")
        old = self.mine.enercoop_mandate_id
        token = TOKEN.search(self.get("/my/payment/%d" % self.mine.id).text).group(1)
        bad = self.post_iban(self.mine, "FR7620041010050001234560561", token)  # check digits
        self.assertIn("alert-danger", bad.text)
        self.mine.invalidate_cache()
        self.assertEqual(self.mine.enercoop_mandate_id, old)
        done = self.post_iban(self.mine, IBANS[1], token)
        self.assertIn("alert-success", done.text)
        self.mine.invalidate_cache()
        old.invalidate_cache()
        new = self.mine.enercoop_mandate_id
        self.assertNotEqual(new, old)
        self.assertEqual((new.state, new.partner_bank_id.acc_number), ("valid", IBANS[1]))
        self.assertEqual(old.state, "cancel")
        self.assertTrue(old.enercoop_revoked_on)
