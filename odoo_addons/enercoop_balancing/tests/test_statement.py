# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The member's renewable proof: the statement's text in the member's language, its
figures from the ledger, on the bill and on the portal (each member their own only)."""
from odoo.tests import common

from .common import BalancingCase, BalancingHttpCase

TIMEOUT_S = 60
PASSWORD = "portal-origin-password"


@common.at_install(False)
@common.post_install(True)
class TestStatement(BalancingCase):

    def test_statement_shares_come_from_the_half_hourly_ledger(self):
        run = self.done_run()
        point = self.consumers["30009500000001"]
        statement = run.statement_ids.filtered(lambda s: s.delivery_point_id == point)
        self.assertEqual(statement.partner_id, point.partner_id)
        # its shares of the producers' guarantees: what the proof covered (whole Wh, each
        # share rounded down)
        shares = statement._shares()
        self.assertEqual(len(shares), len(run.allocation_ids.filtered(
            lambda r: r.method == "hourly")))
        self.assertAlmostEqual(statement.covered_kwh, sum(shares.values()) / 1000.0,
                               delta=0.002)
        self.assertGreater(statement.consumed_kwh, statement.covered_kwh)
        parts = statement._origin_parts()
        self.assertEqual([p[1] for p in parts], ["hydro", "solar"])  # more hydro than sun
        text = statement.with_context(lang="en_US").text
        hydro = round(100.0 * parts[0][0] / statement.consumed_kwh)
        self.assertIn("In June 2025: %d %% hydro from Plant 1" % hydro, text)
        self.assertIn("solar from Plant 2", text)
        self.assertIn("bought on the market", text)

    def test_statement_in_french(self):
        if "fr_FR" not in self.env["res.lang"].search([]).mapped("code"):
            self.skipTest("French is not loaded in this database")
        run = self.done_run()
        text = run.statement_ids[0].with_context(lang="fr_FR").text
        self.assertTrue(text.startswith("En juin 2025 : "), text)
        self.assertIn("acheté", text)
        self.assertIn("hydraulique de Plant 1", text)

    def test_bill_prints_the_statement_of_its_point_and_month(self):
        run = self.done_run()
        point = self.consumers["30009500000001"]
        invoice = self.env["account.invoice"].new({
            "partner_id": point.partner_id.id, "delivery_point_id": point.id,
            "energy_period_start": "2025-06-01", "energy_period_end": "2025-06-30"})
        statements = invoice._energy_origin_statements()
        self.assertEqual(statements, run.statement_ids.filtered(
            lambda s: s.delivery_point_id == point))
        invoice.energy_period_start = invoice.energy_period_end = "2025-05-31"
        self.assertFalse(invoice._energy_origin_statements())


@common.at_install(False)
@common.post_install(True)
class TestStatementPortal(BalancingHttpCase):
    """Alice and Bruno (demo portal members of enercoop_energy) each get a statement;
    each reads their own, never the other's."""

    def setUp(self):
        super().setUp()
        self.people = {}
        for key in ("alice", "bruno"):
            demo = self.env.ref("enercoop_energy.user_demo_portal_%s" % key)
            # a portal account of our own for the demo member (created with its password)
            user = self.env["res.users"].with_context(no_reset_password=True).create({
                "name": demo.name, "login": "origin.%s" % key, "password": PASSWORD,
                "partner_id": demo.partner_id.id, "company_id": demo.company_id.id,
                "company_ids": [(6, 0, demo.company_ids.ids)],
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
            contract = self.env["enercoop.supply.contract"].search(
                [("partner_id", "=", user.partner_id.id)], limit=1)
            point = contract.delivery_point_id
            statement = self.env["enercoop.origin.statement"].create({
                "company_id": point.company_id.id, "period": "2024-03",
                "delivery_point_id": point.id, "prm": point.prm,
                "partner_id": user.partner_id.commercial_partner_id.id,
                "consumed_kwh": 100.0, "covered_kwh": 80.0, "coverage_rate": 80.0})
            self.people[key] = {"user": user, "contract": contract, "statement": statement}

    def get(self, url):
        return self.url_open(url, timeout=TIMEOUT_S)

    def test_each_member_reads_their_own_statement_only(self):
        alice, bruno = self.people["alice"], self.people["bruno"]
        self.authenticate(alice["user"].login, PASSWORD)
        home = self.get("/my")
        self.assertIn('href="/my/energy-origin"', home.text)
        listing = self.get("/my/energy-origin")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("/my/energy-origin/%d" % alice["statement"].id, listing.text)
        self.assertNotIn("/my/energy-origin/%d" % bruno["statement"].id, listing.text)
        own = self.get("/my/energy-origin/%d" % alice["statement"].id)
        self.assertEqual(own.status_code, 200)
        self.assertIn("o_energy_origin_text", own.text)
        # 80 of 100 kWh covered, no ledger row: 20 % bought on the market (their language)
        self.assertIn("20 %", own.text)
        contract = self.get("/my/energy/contract/%d" % alice["contract"].id)
        self.assertIn("/my/energy-origin/%d" % alice["statement"].id, contract.text)
        # Bruno's id: refused; a record that does not exist: refused the same way
        self.assertEqual(self.get("/my/energy-origin/%d" % bruno["statement"].id)
                         .status_code, 403)
        self.assertEqual(self.get("/my/energy-origin/999999999").status_code, 403)
        self.authenticate(bruno["user"].login, PASSWORD)
        self.assertEqual(self.get("/my/energy-origin/%d" % alice["statement"].id)
                         .status_code, 403)
        self.assertEqual(self.get("/my/energy-origin/%d" % bruno["statement"].id)
                         .status_code, 200)

    def test_public_visitor_is_sent_to_login(self):
        self.authenticate(None, None)
        page = self.get("/my/energy-origin/%d" % self.people["alice"]["statement"].id)
        self.assertIn("/web/login", page.url)
