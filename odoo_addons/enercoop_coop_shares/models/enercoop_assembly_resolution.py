# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, _
from odoo.exceptions import UserError

from enercoop_core.shares.vote import Resolution, tally

from .core_adapter import core_errors
from .enercoop_general_assembly import KINDS


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

    def _core_ballots(self, attendance):
        """Ballots as (member number, choice) pairs. Totals per college are spread over
        the counted members of that college (only the counts matter to the count)."""
        if self.vote_mode == "voter":
            return [(b.voter_id.member_number, b.choice) for b in self.ballot_ids]
        ballots = []
        counted = attendance.counted
        for total in self.college_total_ids:
            numbers = [v.number for v in attendance.roll.voters
                       if v.college == total.college_id.code and v.number in counted]
            wanted = ["yes"] * total.yes + ["no"] * total.no + ["abstain"] * total.abstain
            if len(wanted) > len(numbers):
                raise UserError(_("College %s: %d ballots but only %d members present, "
                                  "represented or voting by post.")
                                % (total.college_id.name, len(wanted), len(numbers)))
            ballots.extend(zip(numbers, wanted))
        return ballots

    def _compute_result(self, attendance, statutes):
        self.ensure_one()
        with core_errors():
            result = tally(Resolution(self.code, self.title, self.kind), attendance,
                           self._core_ballots(attendance), statutes,
                           self.assembly_id.convocation)
        self.write({"outcome": result.outcome,
                    "weighted_yes_pct": float(result.weighted_yes * 100),
                    "weighted_no_pct": float(result.weighted_no * 100),
                    "explanation": result.explain()})
        return result
