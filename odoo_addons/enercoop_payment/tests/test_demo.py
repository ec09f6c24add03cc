# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo data's reminder (issue 13: mandates, one month collected, one return, one
reminder): a returned debit of the previous year, reminded by e-mail by the demo's credit
control run, dated before the runs of OCA's own tests. Skipped without the demo data."""
import datetime as dt

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import common


@common.at_install(False)
@common.post_install(True)
class TestDemoReminder(common.TransactionCase):

    def setUp(self):
        super().setUp()
        module = self.env["ir.module.module"].search([("name", "=", "enercoop_payment")])
        contract = self.env.ref("enercoop_energy.supply_contract_demo_01",
                                raise_if_not_found=False)
        if not module.demo or not contract:
            self.skipTest("the database has no demo data")
        self.contract = contract

    def test_the_returned_debit_is_reminded_by_email(self):
        returned = self.env["enercoop.payment.instalment"].search([
            ("contract_id", "=", self.contract.id), ("state", "=", "returned"),
            ("return_reason_code", "=", "AM04")])
        lines = self.env["credit.control.line"].search([
            ("invoice_id", "in", returned.mapped("invoice_id").ids)])
        self.assertEqual(len(lines), 1, "the demo's returned debit has no reminder")
        line = lines
        self.assertEqual(line.invoice_id.state, "open")
        self.assertEqual(line.policy_level_id.level, 1)
        self.assertEqual(line.channel, "email")
        self.assertEqual(line.state, "draft")  # to send, from the menu
        self.assertEqual(line.policy_id, self.contract.company_id.credit_policy_id)
        self.assertEqual(line.run_id.state, "done")
        # due past the level's delay on the run's day
        due = fields.Date.from_string(line.date_due)
        self.assertGreaterEqual(fields.Date.from_string(line.date),
                                due + dt.timedelta(days=line.policy_level_id.delay_days))
        # OCA refuses a run dated before an existing run or line, and its own tests make
        # runs back to six months before their day: the demo's is older
        today = fields.Date.from_string(fields.Date.context_today(self.env.user))
        limit = fields.Date.to_string(today - relativedelta(months=6))
        self.assertLessEqual(line.run_id.date, limit)
        self.assertLessEqual(line.date, limit)
        # admin finds it from the menu (a search of menus keeps the visible ones)
        menu = self.env.ref("account_credit_control.credit_control_line_action_menu")
        self.assertEqual(self.env["ir.ui.menu"].search([("id", "=", menu.id)]), menu)
