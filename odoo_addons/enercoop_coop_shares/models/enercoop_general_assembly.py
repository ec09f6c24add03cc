# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""General assemblies: convocation list (the core's roll of voters), attendance with
proxies, resolutions counted by the core's ``tally`` with the arithmetic kept as text."""
from odoo import api, fields, models, _
from odoo.exceptions import UserError

from enercoop_core.shares.assembly import (
    Assembly, Proxy, quorum, record_attendance, roll_of_voters)
from enercoop_core.shares.vote import Resolution, tally

from .core_adapter import core_errors, to_date

KINDS = [("ordinary", "Ordinary"), ("extraordinary", "Extraordinary")]
CONVOCATIONS = [("first", "First convocation"), ("second", "Second convocation")]
ATTENDANCE = [("absent", "Absent"), ("present", "Present"), ("postal", "Postal vote"),
              ("proxy", "Represented")]
CHOICES = [("yes", "Yes"), ("no", "No"), ("abstain", "Abstain")]


class EnercoopGeneralAssembly(models.Model):
    _name = "enercoop.general.assembly"
    _inherit = ["mail.thread"]
    _description = "General assembly"
    _order = "date desc, id desc"
    _rec_name = "name"

    name = fields.Char(required=True)
    date = fields.Date(required=True)
    roll_date = fields.Date(help="Day the roll of voters is drawn (the assembly date when "
                                 "empty).")
    kind = fields.Selection(KINDS, required=True, default="ordinary")
    convocation = fields.Selection(CONVOCATIONS, required=True, default="first")
    state = fields.Selection([("draft", "Draft"), ("convened", "Convened"),
                              ("closed", "Closed")], default="draft", required=True)
    voter_ids = fields.One2many("enercoop.assembly.voter", "assembly_id",
                                string="Convocation list")
    resolution_ids = fields.One2many("enercoop.assembly.resolution", "assembly_id",
                                     string="Resolutions")
    quorum_text = fields.Text(string="Quorum", readonly=True)
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.user.company_id)

    def _core_assembly(self):
        return Assembly(date=to_date(self.date), kind=self.kind, convocation=self.convocation,
                        roll_date=to_date(self.roll_date) if self.roll_date else None,
                        title=self.name)

    @api.multi
    def action_convene(self):
        """Draw the convocation list from the register (the core's roll of voters) and
        send the convocations."""
        for assembly in self:
            ledger = assembly.company_id._shares_ledger()
            with core_errors():
                roll = roll_of_voters(ledger, assembly._core_assembly().roll_day)
            colleges = {c.code: c for c in self.env["enercoop.college"].search(
                [("company_id", "=", assembly.company_id.id)])}
            partners = self.env["res.partner"].search(
                [("member_number", "in", [v.number for v in roll.voters])])
            by_number = {p.member_number: p for p in partners}
            assembly.voter_ids.unlink()
            for voter in roll.voters:
                assembly.voter_ids.create({
                    "assembly_id": assembly.id, "member_number": voter.number,
                    "partner_id": by_number[voter.number].id,
                    "college_id": colleges[voter.college].id})
            assembly.state = "convened"
            template = self.env.ref("enercoop_coop_shares.mail_template_convocation",
                                    raise_if_not_found=False)
            if template:
                for voter in assembly.voter_ids.filtered(lambda v: v.partner_id.email):
                    template.send_mail(voter.id)
        return True

    @api.multi
    def action_mark_all_present(self):
        """Mark every convened member present (then correct the absent ones)."""
        self.mapped("voter_ids").write({"attendance": "present", "proxy_holder_id": False})
        return True

    def _core_attendance(self):
        """The checked core attendance (UserError on a proxy over the limit...)."""
        self.ensure_one()
        ledger = self.company_id._shares_ledger()
        with core_errors():
            roll = roll_of_voters(ledger, self._core_assembly().roll_day)
            voters = self.voter_ids
            return record_attendance(
                roll,
                present=voters.filtered(lambda v: v.attendance == "present").mapped(
                    "member_number"),
                postal=voters.filtered(lambda v: v.attendance == "postal").mapped(
                    "member_number"),
                proxies=[Proxy(v.member_number, v.proxy_holder_id.member_number)
                         for v in voters.filtered(lambda v: v.attendance == "proxy")],
                proxy_limit=self.company_id.shares_proxy_limit)

    @api.multi
    def action_compute_results(self):
        for assembly in self:
            attendance = assembly._core_attendance()
            statutes = assembly.company_id._shares_statutes()
            assembly.quorum_text = quorum(
                attendance, statutes.assemblies[assembly.kind], assembly.convocation).explain()
            for resolution in assembly.resolution_ids:
                resolution._compute_result(attendance, statutes)
        return True

    @api.multi
    def action_close(self):
        self.action_compute_results()
        return self.write({"state": "closed"})


class EnercoopAssemblyVoter(models.Model):
    """One member on the convocation list, with their attendance."""

    _name = "enercoop.assembly.voter"
    _description = "Member convened to a general assembly"
    _order = "assembly_id, member_number"
    _rec_name = "partner_id"

    assembly_id = fields.Many2one("enercoop.general.assembly", required=True,
                                  ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Member", required=True)
    member_number = fields.Integer(required=True)
    college_id = fields.Many2one("enercoop.college", string="College")
    attendance = fields.Selection(ATTENDANCE, default="absent", required=True)
    proxy_holder_id = fields.Many2one("enercoop.assembly.voter", string="Proxy holder",
                                      domain="[('assembly_id', '=', assembly_id)]")
    company_id = fields.Many2one(related="assembly_id.company_id", store=True, readonly=True)


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


class EnercoopAssemblyBallot(models.Model):
    _name = "enercoop.assembly.ballot"
    _description = "Ballot on a resolution"
    _order = "resolution_id, id"
    _rec_name = "voter_id"

    resolution_id = fields.Many2one("enercoop.assembly.resolution", required=True,
                                    ondelete="cascade")
    voter_id = fields.Many2one("enercoop.assembly.voter", string="Voter", required=True)
    choice = fields.Selection(CHOICES, required=True)
    company_id = fields.Many2one(related="resolution_id.company_id", store=True,
                                 readonly=True)

    _sql_constraints = [("voter_uniq", "unique(resolution_id, voter_id)",
                         "One ballot per voter and resolution.")]


class EnercoopAssemblyCollegeTotal(models.Model):
    _name = "enercoop.assembly.college.total"
    _description = "Votes of a college on a resolution"
    _order = "resolution_id, college_id"
    _rec_name = "college_id"

    resolution_id = fields.Many2one("enercoop.assembly.resolution", required=True,
                                    ondelete="cascade")
    college_id = fields.Many2one("enercoop.college", required=True)
    yes = fields.Integer()
    no = fields.Integer()
    abstain = fields.Integer()
    company_id = fields.Many2one(related="resolution_id.company_id", store=True,
                                 readonly=True)
