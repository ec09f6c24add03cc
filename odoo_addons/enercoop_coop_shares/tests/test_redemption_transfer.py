# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from decimal import Decimal

from odoo import fields
from odoo.tests import common

from .common import SharesCase


@common.at_install(False)
@common.post_install(True)
class TestRedemptionTransfer(SharesCase):

    def test_redemption_issues_a_refund_bill_due_after_the_statutory_delay(self):
        member = self.create_partner("Redeeming member", email="r@example.org")
        self.subscribe(member, "A", 5, "consumers")
        self.wizard(operation_type="redemption", partner_id=member.id,
                    share_class_id=self.share_class["A"].id, quantity=2,
                    deduction=15.5).action_confirm()
        entry = member.share_entry_ids.filtered(lambda e: e.operation_type == "redemption")
        refund = entry._refund()
        # 2 x 100.00 EUR less 15.50 EUR = 184.50 EUR, due 60 months (5 years) later
        self.assertEqual(refund.amount_eur, Decimal("184.50"))
        due = fields.Date.from_string(entry.refund_due_date)
        self.assertEqual(due, self.company._shares_statutes().refund_due_date(self.day))
        self.assertEqual((due.year - self.day.year, due.month), (5, self.day.month))
        bill = entry.invoice_id
        self.assertEqual(bill.type, "in_invoice")
        self.assertEqual(bill.state, "open")
        self.assertEqual(Decimal("%.2f" % bill.amount_total), refund.amount_eur)
        self.assertEqual(bill.date_due, entry.refund_due_date)
        self.assertTrue(bill.account_id.code.startswith("4567"))
        self.assertEqual(member.member_holdings, "3 A")
        self.pay(bill, inbound=False)
        self.assertEqual(bill.state, "paid")
        self.assertEqual(entry.refund_state, "paid")

    def test_transfer_to_a_new_member(self):
        giver = self.create_partner("Giving member")
        self.subscribe(giver, "A", 4, "consumers")
        receiver = self.create_partner("Receiving newcomer")
        expected = self.ledger().next_member_number()
        self.wizard(operation_type="transfer", partner_id=giver.id,
                    share_class_id=self.share_class["A"].id, quantity=3,
                    to_partner_id=receiver.id,
                    college_id=self.college["employees"].id).action_confirm()
        self.assertEqual(receiver.member_number, expected)
        self.assertTrue(receiver.member_active)
        self.assertEqual(receiver.member_holdings, "3 A")
        self.assertEqual(receiver.member_college_id, self.college["employees"])
        self.assertEqual(giver.member_holdings, "1 A")
        holdings = self.ledger().holdings()
        self.assertEqual(holdings[(expected, "A")], 3)

    def test_partial_conversion(self):
        member = self.create_partner("Converting member")
        self.subscribe(member, "B", 3, "producers")
        self.wizard(operation_type="conversion", partner_id=member.id,
                    share_class_id=self.share_class["B"].id, quantity=1,
                    to_share_class_id=self.share_class["A"].id).action_confirm()
        # 1 B of 500.00 EUR = 5 A of 100.00 EUR
        self.assertEqual(member.member_holdings, "5 A, 2 B")
