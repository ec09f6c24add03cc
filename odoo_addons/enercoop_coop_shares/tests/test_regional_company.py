# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import common

from enercoop_core.shares.statutes import default_statutes

from .common import SHARES_MANAGER, SharesCase


@common.at_install(False)
@common.post_install(True)
class TestRegionalCompany(SharesCase):
    """A regional cooperative (a new company) is an SCIC of its own."""

    def test_a_new_company_gets_its_own_statutes_and_can_issue_shares(self):
        region = self.env["res.company"].create({"name": "Enercoop Test Région Neuve"})
        statutes = default_statutes()
        colleges = self.env["enercoop.college"].search([("company_id", "=", region.id)])
        classes = self.env["enercoop.share.class"].search([("company_id", "=", region.id)])
        self.assertEqual(sorted(colleges.mapped("code")),
                         sorted(c.code for c in statutes.colleges))
        self.assertEqual(sorted(classes.mapped("code")),
                         sorted(c.code for c in statutes.share_classes))
        self.assertFalse(colleges & self.env["enercoop.college"].search(
            [("company_id", "=", self.company.id)]), "its own records, not shared ones")
        self.assertEqual(
            sorted(colleges.filtered("public_subscription").mapped("code")),
            ["consumers", "local_authorities", "partners", "producers"])
        self.assertEqual(region._shares_statutes().share_class("A").nominal_on(self.day),
                         statutes.share_class("A").nominal_on(self.day))
        # a regional shares manager issues shares there: member no. 1 of its register
        user = self.create_user("shares.new.region", [SHARES_MANAGER])
        user.write({"company_ids": [(6, 0, region.ids)], "company_id": region.id})
        member = self.create_partner("Membre régional", company_id=region.id)
        entry = self.env["enercoop.share.entry"].sudo(user).create({
            "date": self.today, "operation_type": "subscription", "partner_id": member.id,
            "share_class_id": classes.filtered(lambda c: c.code == "A").id,
            "quantity": 2, "admission": True,
            "college_id": colleges.filtered(lambda c: c.code == "consumers").id})
        self.assertEqual((entry.company_id, entry.member_number), (region, 1))
        self.assertEqual(self.ledger(region).member_holdings(1), {"A": 2})
        # loading the defaults again changes nothing
        region._shares_load_default_statutes()
        self.assertEqual(self.env["enercoop.college"].search_count(
            [("company_id", "=", region.id)]), len(statutes.colleges))

    def test_a_regional_cooperatives_colleges_read_in_french(self):
        # the addon's French names reach the copies made for other companies, at company
        # creation and, for companies already there, at install (post_init_hook)
        if not self.env["res.lang"].search([("code", "=", "fr_FR")]):
            self.skipTest("French is not loaded in this database")
        region = self.env["res.company"].create({"name": "Enercoop Test Région Traduite"})
        french = self.env["enercoop.college"].with_context(lang="fr_FR")
        main = french.search([("company_id", "=", self.company.id)])
        copies = french.search([("company_id", "=", region.id)])
        by_code = {c.code: c.name for c in main}
        self.assertTrue(by_code)
        self.assertNotEqual(by_code, {c.code: c.name for c in main.with_context(lang="en_US")},
                            "the addon's French names are loaded")
        self.assertEqual({c.code: c.name for c in copies}, by_code)
        demo_region = self.env.ref("enercoop_energy.company_demo_regional",
                                   raise_if_not_found=False)
        if demo_region:
            self.assertEqual({c.code: c.name for c in french.search(
                [("company_id", "=", demo_region.id)])}, by_code)
