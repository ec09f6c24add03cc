# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""General assemblies: convocation list (the core's roll of voters), attendance with
proxies, resolutions counted by the core's ``tally`` with the arithmetic kept as text."""
from odoo import api, fields, models

from enercoop_core.shares.assembly import (
    Assembly, Proxy, quorum, record_attendance, roll_of_voters)

from ..core_adapter import core_errors, to_date

KINDS = [("ordinary", "Ordinary"), ("extraordinary", "Extraordinary")]
CONVOCATIONS = [("first", "First convocation"), ("second", "Second convocation")]


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
            # sudo: the manager convening may not read every member number's record
            memberships = self.env["enercoop.membership"].sudo().search(
                [("company_id", "=", assembly.company_id.id),
                 ("member_number", "in", [v.number for v in roll.voters])])
            by_number = {m.member_number: m.partner_id for m in memberships}
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
