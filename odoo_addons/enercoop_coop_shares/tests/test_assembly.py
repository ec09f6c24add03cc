# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from fractions import Fraction

from odoo.exceptions import UserError
from odoo.tests import common

from enercoop_core.shares.assembly import (
    attendance_by_college, record_attendance, roll_of_voters)
from enercoop_core.shares.vote import CollegeVotes, Resolution, tally, tally_totals

from .common import SharesCase


@common.at_install(False)
@common.post_install(True)
class TestAssembly(SharesCase):

    def setUp(self):
        super().setUp()
        self.members = {}
        for name, college in [("Consumer one", "consumers"), ("Consumer two", "consumers"),
                              ("Producer one", "producers"), ("Employee one", "employees")]:
            partner = self.create_partner(name)
            self.subscribe(partner, "A", 1, college)
            self.members[name] = partner
        self.assembly = self.env["enercoop.general.assembly"].create({
            "name": "Test assembly", "date": self.today, "kind": "ordinary"})
        self.assembly.action_convene()

    def voter(self, partner):
        return self.assembly.voter_ids.filtered(lambda v: v.partner_id == partner)

    def test_convocation_list_is_the_core_roll(self):
        roll = roll_of_voters(self.ledger(), self.day)
        self.assertEqual(sorted(self.assembly.voter_ids.mapped("member_number")),
                         [v.number for v in roll.voters])

    def test_weighted_vote_equals_the_core(self):
        self.assembly.action_mark_all_present()
        ballots = {"Consumer one": "yes", "Consumer two": "no", "Producer one": "no",
                   "Employee one": "yes"}
        resolution = self.env["enercoop.assembly.resolution"].create({
            "assembly_id": self.assembly.id, "code": "1", "title": "Budget",
            "ballot_ids": [(0, 0, {"voter_id": self.voter(self.members[n]).id, "choice": c})
                           for n, c in ballots.items()]})
        self.assembly.action_compute_results()
        # the core on the same roll and ballots
        ledger = self.ledger()
        roll = roll_of_voters(ledger, self.day)
        attendance = record_attendance(roll, [v.number for v in roll.voters])
        core = tally(Resolution("1", "Budget"), attendance,
                     {self.members[n].member_number: c for n, c in ballots.items()},
                     self.company._shares_statutes())
        self.assertEqual(resolution.outcome, core.outcome)
        self.assertEqual(resolution.explanation, core.explain())
        self.assertAlmostEqual(resolution.weighted_yes_pct, float(core.weighted_yes * 100), 2)
        # by hand: consumers (30 %) 1 yes 1 no, producers (20 %) no, employees (10 %) yes,
        # founders (10 %) the test founder present without ballot: empty; partners and
        # local authorities empty unless demo members vote, and they do not: only
        # consumers, producers, employees count (60 %): yes = (30 x 1/2 + 10) / 60
        self.assertEqual(core.weighted_yes, Fraction(25, 60))
        self.assertEqual(resolution.outcome, "rejected")

    def test_proxy_limit(self):
        self.company.shares_proxy_limit = 1
        holder = self.voter(self.members["Consumer one"])
        holder.attendance = "present"
        for name in ("Consumer two", "Producer one"):
            self.voter(self.members[name]).write({"attendance": "proxy",
                                                  "proxy_holder_id": holder.id})
        with self.assertRaisesRegex(UserError, "limit of 1"):
            self.assembly.action_compute_results()

    def test_totals_per_college_are_counted_by_the_core(self):
        """Totals per college go to the core as totals: no ballot is made up."""
        self.assembly.action_mark_all_present()
        resolution = self.env["enercoop.assembly.resolution"].create({
            "assembly_id": self.assembly.id, "code": "2", "title": "Accounts",
            "vote_mode": "college",
            "college_total_ids": [
                (0, 0, {"college_id": self.college["consumers"].id, "yes": 1, "no": 1}),
                (0, 0, {"college_id": self.college["employees"].id, "yes": 1})]})
        self.assembly.action_compute_results()
        self.assertFalse(resolution.ballot_ids)
        roll = roll_of_voters(self.ledger(), self.day)
        counts = attendance_by_college(record_attendance(roll, [v.number for v in roll.voters]))
        totals = {"consumers": (1, 1), "employees": (1, 0)}
        core = tally_totals(Resolution("2", "Accounts"),
                            [CollegeVotes(code, *row, yes=totals.get(code, (0, 0))[0],
                                          no=totals.get(code, (0, 0))[1])
                             for code, row in counts.items()],
                            self.company._shares_statutes())
        self.assertEqual(resolution.explanation, core.explain())
        self.assertEqual(resolution.outcome, core.outcome)
        # consumers (30 %) 1/2 yes, employees (10 %) yes: (15 + 10) / 40 = 62.5 % yes
        self.assertEqual(core.weighted_yes, Fraction(25, 40))
        self.assertEqual(resolution.outcome, "adopted")

    def test_more_totals_than_members_counted_are_refused(self):
        self.voter(self.members["Producer one"]).attendance = "present"
        self.env["enercoop.assembly.resolution"].create({
            "assembly_id": self.assembly.id, "code": "3", "title": "Too many",
            "vote_mode": "college",
            "college_total_ids": [(0, 0, {"college_id": self.college["producers"].id,
                                          "yes": 2})]})
        with self.assertRaisesRegex(UserError, "2 ballots but only 1 members present"):
            self.assembly.action_compute_results()
