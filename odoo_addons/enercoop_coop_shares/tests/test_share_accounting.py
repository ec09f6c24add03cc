# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The journal items of share operations are the core's moves (``moves_for``), each
account role on the company's account: subscription (capital call), its payment
(capital release), a transfer, a redemption and its refund."""
from decimal import Decimal

from odoo.tests import common

from enercoop_core.shares.accounting import moves_for, refund_payment_move

from .common import SharesCase


@common.at_install(False)
@common.post_install(True)
class TestShareAccounting(SharesCase):

    def items(self, moves):
        """(account code, partner id, debit, credit) of the journal items, sorted."""
        return sorted((line.account_id.code, line.partner_id.id,
                       Decimal("%.2f" % line.debit), Decimal("%.2f" % line.credit))
                      for line in moves.mapped("line_ids"))

    def core_items(self, moves, partners, bank=None):
        """The same of core moves: role -> the company's account (``bank``: the payment
        journal's), member number -> contact through ``partners``."""
        def code(role):
            return bank.code if role == "bank" else \
                self.company._shares_role_account(role).code
        return sorted((code(line.role), partners[line.member].id, line.debit, line.credit)
                      for move in moves for line in move.lines)

    def bank_account(self, payment):
        journal = payment.journal_id
        return (journal.default_debit_account_id if payment.payment_type == "inbound"
                else journal.default_credit_account_id)

    def test_subscription_and_its_payment_post_the_core_moves(self):
        partner = self.create_partner("Accounted subscriber", email="acc@example.org")
        request = self.Request.create({
            "partner_id": partner.id, "share_class_id": self.share_class["A"].id,
            "quantity": 3, "college_id": self.college["consumers"].id})
        ledger = self.ledger()
        core = moves_for(ledger.check(request._core_subscription(ledger, self.day)))
        number = core[0].lines[0].member
        partners = {number: partner}
        request.action_validate()
        invoice = request.invoice_id
        self.assertEqual(self.items(invoice.move_id), self.core_items(core, partners))
        # by hand: 3 x 100.00 EUR called: debit 4562 (member), credit 1012 (not paid up)
        self.assertEqual([(code[:4], debit, credit) for code, _p, debit, credit
                          in self.items(invoice.move_id)],
                         [("1012", Decimal("0.00"), Decimal("300.00")),
                          ("4562", Decimal("300.00"), Decimal("0.00"))])

        payment = self.pay(invoice)
        self.assertEqual(request.state, "done")
        release = request.entry_ids.filtered(lambda e: e.operation_type == "release")
        core = moves_for(release._core_effect())
        posted = payment.move_line_ids.mapped("move_id") | release.move_id
        self.assertEqual(self.items(posted),
                         self.core_items(core, partners, self.bank_account(payment)))
        # the capital is paid up: 1012 back to zero, 1013 credited, the bank debited
        by_code = {}
        for code, _p, debit, credit in self.items(invoice.move_id | posted):
            by_code[code[:4]] = by_code.get(code[:4], Decimal(0)) + debit - credit
        self.assertEqual(by_code["1012"], Decimal("0.00"))
        self.assertEqual(by_code["4562"], Decimal("0.00"))
        self.assertEqual(by_code["1013"], Decimal("-300.00"))
        self.assertEqual(sum(v for c, v in by_code.items() if c.startswith("512")),
                         Decimal("300.00"))

    def test_transfer_posts_the_core_move_between_the_members(self):
        giver = self.create_partner("Accounted giver")
        receiver = self.create_partner("Accounted receiver")
        self.subscribe(giver, "A", 4, "consumers")
        self.subscribe(receiver, "A", 2, "consumers")
        self.wizard(operation_type="transfer", partner_id=giver.id,
                    share_class_id=self.share_class["A"].id, quantity=3,
                    to_partner_id=receiver.id).action_confirm()
        entry = giver.share_entry_ids.filtered(lambda e: e.operation_type == "transfer")
        self.assertEqual(entry.move_id.state, "posted")
        partners = {giver.member_number: giver, receiver.member_number: receiver}
        self.assertEqual(self.items(entry.move_id),
                         self.core_items(moves_for(entry._core_effect()), partners))
        # 3 x 100.00 EUR of paid-up capital from one member's account to the other's
        capital = self.company._shares_role_account("capital_paid").code
        self.assertEqual(self.items(entry.move_id), sorted([
            (capital, giver.id, Decimal("300.00"), Decimal("0.00")),
            (capital, receiver.id, Decimal("0.00"), Decimal("300.00"))]))

    def test_redemption_bill_and_refund_are_the_core_moves(self):
        member = self.create_partner("Accounted leaver", email="leaver@example.org")
        self.subscribe(member, "A", 5, "consumers")
        self.wizard(operation_type="redemption", partner_id=member.id,
                    share_class_id=self.share_class["A"].id, quantity=2,
                    deduction=15.5).action_confirm()
        entry = member.share_entry_ids.filtered(lambda e: e.operation_type == "redemption")
        partners = {member.member_number: member}
        bill = entry.invoice_id
        self.assertEqual(self.items(bill.move_id),
                         self.core_items(moves_for(entry._core_effect()), partners))
        # by hand: debit 1013 200.00, credit 4567 184.50 and 119 15.50
        self.assertEqual(sorted((code[:4] if not code.startswith("119") else "119",
                                 debit, credit)
                                for code, _p, debit, credit in self.items(bill.move_id)),
                         [("1013", Decimal("200.00"), Decimal("0.00")),
                          ("119", Decimal("0.00"), Decimal("15.50")),
                          ("4567", Decimal("0.00"), Decimal("184.50"))])
        payment = self.pay(bill, inbound=False)
        core = refund_payment_move(entry._refund(), self.day)
        self.assertEqual(self.items(payment.move_line_ids.mapped("move_id")),
                         self.core_items([core], partners, self.bank_account(payment)))
