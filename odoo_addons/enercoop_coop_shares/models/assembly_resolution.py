# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from enercoop_core.shares.assembly import attendance_by_college
from enercoop_core.shares.vote import CollegeVotes, Resolution, tally, tally_totals

from ..core_adapter import core_errors
from .general_assembly import KINDS


class EnercoopAssemblyResolution(models.Model):
    """A resolution, voted per voter (ballots) or entered as totals per college."""

    _name = "enercoop.assembly.resolution"
    _description = "Resolution of a general assembly"
    _order = "assembly_id, code"
    _rec_name = "title"

    assembly_id = fields.Many2one("enercoop.general.assembly", required=True,
                                  ondelete="cascade")
    code = fields.Char(required=True, default="1")
    title = fields.Char(required=True)
    kind = fields.Selection(KINDS, required=True, default="ordinary")
    vote_mode = fields.Selection([("voter", "Ballot per voter"),
                                  ("college", "Totals per college")],
                                 default="voter", required=True)
    ballot_ids = fields.One2many("enercoop.assembly.ballot", "resolution_id",
                                 string="Ballots")
    college_total_ids = fields.One2many("enercoop.assembly.college.total", "resolution_id",
                                        string="Totals per college")
    outcome = fields.Selection([("adopted", "Adopted"), ("rejected", "Rejected"),
                                ("tie", "Tie (rejected)"), ("no_quorum", "No quorum"),
                                ("no_votes", "No vote cast")], readonly=True)
    weighted_yes_pct = fields.Float(string="Weighted yes (%)", digits=(5, 2), readonly=True)
    weighted_no_pct = fields.Float(string="Weighted no (%)", digits=(5, 2), readonly=True)
    explanation = fields.Text(readonly=True, help="The arithmetic of the count (core).")
    company_id = fields.Many2one(related="assembly_id.company_id", store=True, readonly=True)

    def _core_ballots(self):
        """The per-voter ballots as (member number, choice) pairs."""
        return [(b.voter_id.member_number, b.choice) for b in self.ballot_ids]

    def _core_college_votes(self, attendance):
        """The totals per college as the core's :class:`CollegeVotes`, with each college's
        head counts from the checked attendance (the convocation list)."""
        entered = {t.college_id.code: t for t in self.college_total_ids}
        votes = []
        for code, counts in sorted(attendance_by_college(attendance).items()):
            total = entered.get(code)
            votes.append(CollegeVotes(code, *counts, yes=total.yes if total else 0,
                                      no=total.no if total else 0,
                                      abstain=total.abstain if total else 0))
        missing = set(entered) - {v.college for v in votes}
        for code in sorted(missing):  # a college with nobody on the roll
            total = entered[code]
            votes.append(CollegeVotes(code, 0, 0, yes=total.yes, no=total.no,
                                      abstain=total.abstain))
        return votes

    def _compute_result(self, attendance, statutes):
        self.ensure_one()
        resolution = Resolution(self.code, self.title, self.kind)
        convocation = self.assembly_id.convocation
        with core_errors():
            if self.vote_mode == "voter":
                result = tally(resolution, attendance, self._core_ballots(), statutes,
                               convocation)
            else:
                result = tally_totals(resolution, self._core_college_votes(attendance),
                                      statutes, convocation)
        self.write({"outcome": result.outcome,
                    "weighted_yes_pct": float(result.weighted_yes * 100),
                    "weighted_no_pct": float(result.weighted_no * 100),
                    "explanation": result.explain()})
        return result
