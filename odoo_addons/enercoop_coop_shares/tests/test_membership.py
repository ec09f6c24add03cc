# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import psycopg2

from odoo.exceptions import UserError
from odoo.tests import common
from odoo.tools import mute_logger

from .common import SHARES_MANAGER, SharesCase


@common.at_install(False)
@common.post_install(True)
class TestMembership(SharesCase):
    """One contact, member of two regional cooperatives: a number in each register."""

    def setUp(self):
        super().setUp()
        self.region = self.env["res.company"].create({"name": "Enercoop Test Région"})
        self.region._shares_load_default_statutes()
        self.region_user = self.create_user("shares.region.member", [SHARES_MANAGER])
        self.region_user.write({"company_ids": [(6, 0, self.region.ids)],
                                "company_id": self.region.id})
        self.region_college = self.env["enercoop.college"].sudo().search(
            [("company_id", "=", self.region.id), ("code", "=", "consumers")])
        self.region_class = self.env["enercoop.share.class"].sudo().search(
            [("company_id", "=", self.region.id), ("code", "=", "A")])

    def subscribe_in_region(self, partner, quantity, admission=True):
        return self.env["enercoop.share.entry"].sudo(self.region_user).create({
            "date": self.today, "operation_type": "subscription", "partner_id": partner.id,
            "share_class_id": self.region_class.id, "quantity": quantity,
            "admission": admission,
            "college_id": self.region_college.id if admission else False})

    def test_a_contact_is_member_of_two_cooperatives_with_a_number_in_each(self):
        # the region admits someone first, so its number 1 is taken by another contact
        self.subscribe_in_region(
            self.create_partner("First regional member", company_id=self.region.id), 1)
        # a contact shared on purpose by both cooperatives (no company)
        both = self.create_partner("Member of both", company_id=False)
        self.subscribe(both, "A", 2, "consumers")
        main_number = both.member_number
        expected_main = max(self.ledger().issued_numbers)
        self.assertEqual(main_number, expected_main)
        entry = self.subscribe_in_region(both, 3)
        self.assertEqual(entry.member_number, 2, "the region numbers its own members")
        self.assertEqual(both._member_number_in(self.region), 2)
        self.assertEqual(both._member_number_in(self.company), main_number,
                         "the main register keeps its number")
        self.assertEqual(sorted(both.membership_ids.mapped("company_id").ids),
                         sorted((self.company | self.region).ids))
        # the member fields follow the current company
        self.assertEqual(both.member_holdings, "2 A")
        in_region = both.sudo(self.region_user)
        self.assertEqual(in_region.member_number, 2)
        self.assertEqual(in_region.member_holdings, "3 A")
        # both registers still accept the member as a current member
        self.subscribe(both, "A", 1)
        self.subscribe_in_region(both, 1, admission=False)
        self.assertEqual(self.ledger().member_holdings(main_number), {"A": 3})
        self.assertEqual(self.ledger(self.region).member_holdings(2), {"A": 4})
        # searching by number is per company
        Partner = self.env["res.partner"]
        self.assertIn(both, Partner.search([("member_number", "=", main_number)]))
        self.assertIn(both, Partner.sudo(self.region_user).search([("member_number", "=", 2)]))
        self.assertNotIn(both, Partner.search([("member_number", "=", 0)]))

    def test_numbers_are_unique_per_company_and_admission_twice_is_refused(self):
        member = self.create_partner("Regional once", company_id=self.region.id)
        self.subscribe_in_region(member, 1)
        with self.assertRaisesRegex(UserError, "already a member"):
            self.subscribe_in_region(member, 1)
        self.assertEqual(len(member.membership_ids), 1)
        self.assertEqual(member.membership_ids.name, "Enercoop Test Région no. 1")
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), \
                self.cr.savepoint():
            self.env["enercoop.membership"].create({
                "partner_id": self.founder.id, "member_number": 1,
                "company_id": self.region.id})
