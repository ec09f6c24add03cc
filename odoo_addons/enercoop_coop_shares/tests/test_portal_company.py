# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import common

from .common import SHARES_MANAGER, SharesCase


@common.at_install(False)
@common.post_install(True)
class TestPortalCompany(SharesCase):

    def test_portal_member_sees_only_their_own_shares(self):
        member = self.create_partner("Portal member", email="portal.member@example.org")
        self.subscribe(member, "A", 2, "consumers")
        other = self.create_partner("Other member")
        self.subscribe(other, "A", 7, "consumers")
        user = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Portal member", "login": "portal.member", "partner_id": member.id,
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        data = member.sudo(user)._shares_portal_data()
        entries = data["entries"]
        self.assertEqual(len(entries), 2)
        self.assertEqual(entries.mapped("partner_id"), member)
        self.assertEqual(data["companies"][0]["holdings"], [("A", 2)])
        self.assertEqual([line["kind"] for line in data["companies"][0]["history"]],
                         ["subscription", "release"])
        visible = self.env["enercoop.share.entry"].sudo(user).search([])
        self.assertEqual(visible, entries)
        self.assertNotIn(other, visible.mapped("partner_id"))

    def test_each_company_keeps_its_own_register(self):
        other_company = self.env["res.company"].create({"name": "Enercoop Test Région"})
        other_company._shares_load_default_statutes()
        user = self.create_user("shares.region", [SHARES_MANAGER])
        user.write({"company_ids": [(6, 0, other_company.ids)],
                    "company_id": other_company.id})
        Entry = self.env["enercoop.share.entry"].sudo(user)
        self.assertFalse(Entry.search([]), "no entry of the main company")
        self.assertFalse(self.env["enercoop.college"].sudo(user).search(
            [("company_id", "=", self.company.id)]))
        college = self.env["enercoop.college"].sudo(user).search([("code", "=", "consumers")])
        share_class = self.env["enercoop.share.class"].sudo(user).search([("code", "=", "A")])
        self.assertEqual(college.company_id, other_company)
        member = self.create_partner("Regional member", company_id=other_company.id)
        entry = Entry.create({
            "date": self.today, "operation_type": "subscription", "partner_id": member.id,
            "share_class_id": share_class.id, "quantity": 1, "admission": True,
            "college_id": college.id})
        self.assertEqual(entry.company_id, other_company)
        self.assertEqual(entry.seq, 1)
        self.assertEqual(entry.member_number, 1, "numbering is per company")
        self.assertEqual(Entry.search([]), entry)
        self.assertEqual(len(self.ledger(other_company)), 1)
