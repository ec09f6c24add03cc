# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's energy pages of the portal over HTTP: two customers of the demo (Alice
Martin and Bruno Petit, each with a portal account and issued bills) try each other's ids
on every route; the public visitor is sent to the login page."""
import base64

from odoo.tests import common

from .common import EnergyHttpCase

PASSWORD = "portal-test-password"


@common.at_install(False)
@common.post_install(True)
class TestEnergyPortalHttp(EnergyHttpCase):

    def setUp(self):
        super().setUp()
        self.people = {}
        for key in ("alice", "bruno"):
            partner = self.env.ref("enercoop_energy.user_demo_portal_%s" % key).partner_id
            # an account of the test's own, with a password known here
            user = self.env["res.users"].with_context(no_reset_password=True).create({
                "name": partner.name, "login": "energy.portal.%s" % key,
                "password": PASSWORD, "partner_id": partner.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
            contract = self.env["enercoop.supply.contract"].search(
                [("partner_id", "=", user.partner_id.id)], limit=1)
            invoice = self.env["account.invoice"].search(
                [("energy_contract_id", "=", contract.id), ("state", "=", "open")], limit=1)
            self.assertTrue(contract and invoice, "demo: %s has no issued energy bill" % key)
            document = self.env["ir.attachment"].create({
                "name": "Contract terms %s.txt" % key, "datas_fname": "terms_%s.txt" % key,
                "datas": base64.b64encode(("terms of %s" % key).encode()),
                "res_model": "enercoop.supply.contract", "res_id": contract.id})
            self.people[key] = {"user": user, "contract": contract, "invoice": invoice,
                                "document": document}

    def get(self, url):
        return self.url_open(url)

    def login(self, key):
        self.authenticate(self.people[key]["user"].login, PASSWORD)

    def routes(self, key, other=None):
        """Every route of the addon with ``key``'s ids (the contract of ``other`` and its
        document when given)."""
        mine, theirs = self.people[key], self.people[other or key]
        return {
            "contract": "/my/energy/contract/%d" % theirs["contract"].id,
            "document": "/my/energy/contract/%d/document/%d" % (
                theirs["contract"].id, theirs["document"].id),
            "document_swapped": "/my/energy/contract/%d/document/%d" % (
                mine["contract"].id, theirs["document"].id),
            "pdf": "/my/invoices/pdf/%d" % theirs["invoice"].id,
        }

    def test_own_pages(self):
        self.login("alice")
        alice = self.people["alice"]
        home = self.get("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn('href="/my/energy"', home.text)
        page = self.get("/my/energy")
        self.assertEqual(page.status_code, 200)
        self.assertIn(alice["contract"].delivery_point_id.prm, page.text)
        self.assertNotIn(self.people["bruno"]["contract"].delivery_point_id.prm, page.text)
        self.assertIn("o_energy_chart", page.text)
        self.assertIn("/my/invoices/pdf/%d" % alice["invoice"].id, page.text)
        routes = self.routes("alice")
        contract = self.get(routes["contract"])
        self.assertEqual(contract.status_code, 200)
        self.assertIn('id="enercoop_portal_energy_payment"', contract.text)
        self.assertIn('id="enercoop_portal_energy_origin"', contract.text)
        self.assertIn("Contract terms alice.txt", contract.text)
        document = self.get(routes["document"])
        self.assertEqual((document.status_code, document.content), (200, b"terms of alice"))
        # the portal's invoice download serves the energy bill (HTML on the test cursor)
        pdf = self.get(routes["pdf"])
        self.assertEqual(pdf.status_code, 200)
        self.assertIn("enercoop_bill_payment", pdf.text)
        self.assertIn(alice["contract"].delivery_point_id.prm, pdf.text)

    def test_each_other_s_ids_are_refused(self):
        for key, other in (("alice", "bruno"), ("bruno", "alice")):
            self.login(key)
            routes = self.routes(key, other)
            for name in ("contract", "document", "document_swapped"):
                answer = self.get(routes[name])
                self.assertEqual(answer.status_code, 404, "%s %s" % (key, name))
                self.assertNotIn(self.people[other]["contract"].delivery_point_id.prm,
                                 answer.text)
            # Odoo's portal answer to an invoice of someone else: back to /my
            answer = self.get(routes["pdf"])
            self.assertTrue(answer.history, "%s pdf not redirected" % key)
            self.assertTrue(answer.url.rstrip("/").endswith("/my"), answer.url)
            self.assertNotIn("enercoop_bill_payment", answer.text)
        self.login("alice")
        self.assertEqual(self.get("/my/energy/contract/99999999999").status_code, 404)

    def test_public_visitor_is_sent_to_login(self):
        self.authenticate(None, None)
        for url in list(self.routes("alice").values()) + ["/my/energy"]:
            answer = self.get(url)
            self.assertIn("/web/login", answer.url, url)
            self.assertNotIn(self.people["alice"]["contract"].delivery_point_id.prm,
                             answer.text, url)

    def test_member_who_is_also_a_customer_sees_both(self):
        if "enercoop.share.entry" not in self.env:
            self.skipTest("enercoop_coop_shares is not installed")
        entry = self.env["enercoop.share.entry"].search([("partner_id.is_company", "=", False)],
                                                        limit=1)
        if not entry:
            self.skipTest("no member in the demo data")
        member = entry.partner_id
        company = self.env.ref("base.main_company")
        point = self.env["enercoop.delivery.point"].create({
            "prm": "30001000099901", "partner_id": member.id, "company_id": company.id,
            "segment": "C5", "fta": "BTINFCU4", "subscribed_kva": 6,
            "direction": "withdrawal"})
        self.env["enercoop.supply.contract"].create({
            "name": "PORTAL-MEMBER", "partner_id": member.id, "delivery_point_id": point.id,
            "offer_code": "BASE", "date_start": "2025-01-01", "company_id": company.id})
        self.env["res.users"].with_context(no_reset_password=True).create({
            "name": member.name, "login": "energy.portal.member", "password": PASSWORD,
            "partner_id": member.id, "company_id": company.id,
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        self.authenticate("energy.portal.member", PASSWORD)
        home = self.get("/my")
        self.assertIn('href="/my/energy"', home.text)
        self.assertIn('href="/my/shares"', home.text)
        self.assertIn("30001000099901", self.get("/my/energy").text)

