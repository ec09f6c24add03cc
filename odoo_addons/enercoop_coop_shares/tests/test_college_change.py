# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import common

from .common import SharesCase


@common.at_install(False)
@common.post_install(True)
class TestCollegeChange(SharesCase):

    def change(self, partner, college, day):
        return self.env["enercoop.college.change.wizard"].create({
            "partner_id": partner.id, "college_id": self.college[college].id,
            "date": fields.Date.to_string(day), "ref": "Board 12"}).action_confirm()

    def test_change_is_a_register_entry_and_the_history_is_on_the_form(self):
        member = self.create_partner("Changing member")
        self.subscribe(member, "A", 1, "consumers")
        later = self.day + dt.timedelta(days=10)
        self.change(member, "employees", later)
        entry = member.share_entry_ids.filtered(lambda e: e.operation_type == "college_change")
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.college_id, self.college["employees"])
        self.assertEqual(entry.ref, "Board 12")
        self.assertEqual(member.member_college_id, self.college["employees"])
        self.assertEqual(member.member_college_history,
                         "%s to %s: Consumers\nsince %s: Employees" % (self.day, later, later))
        periods = self.ledger().membership(member.member_number).colleges.periods
        self.assertEqual([(p.college, p.valid_from, p.valid_to) for p in periods],
                         [("consumers", self.day, later), ("employees", later, None)])
        # the form shows the history and offers the wizard
        arch = self.env["res.partner"].fields_view_get(
            view_id=self.env.ref("base.view_partner_form").id, view_type="form")["arch"]
        self.assertIn('name="member_college_history"', arch)
        self.assertIn("%d" % self.env.ref(
            "enercoop_coop_shares.action_college_change_wizard").id, arch)

    def test_core_refuses_a_college_that_may_not_hold_the_member_classes(self):
        member = self.create_partner("Producer with B")
        self.subscribe(member, "B", 1, "producers")
        with self.assertRaisesRegex(UserError, "may not hold"):
            self.change(member, "consumers", self.day + dt.timedelta(days=1))
        with self.assertRaisesRegex(UserError, "already in college"):
            self.change(member, "producers", self.day + dt.timedelta(days=1))
        with self.assertRaisesRegex(UserError, "after the previous"):
            self.change(member, "partners", self.day)
        self.assertFalse(member.share_entry_ids.filtered(
            lambda e: e.operation_type == "college_change"))
