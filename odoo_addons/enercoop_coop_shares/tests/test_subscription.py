# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import common

from enercoop_core.shares.register import register_at

from .common import SharesCase


@common.at_install(False)
@common.post_install(True)
class TestSubscription(SharesCase):

    def test_request_invoice_payment_shares_and_register_to_the_cent(self):
        before = self.ledger()
        capital_before = before.capital().subscribed_eur
        expected_number = before.next_member_number()
        request = self.Request.create({
            "new_name": "Inès Garnier", "new_email": "ines@example.org",
            "share_class_id": self.share_class["A"].id, "quantity": 3,
            "college_id": self.college["consumers"].id})
        request.action_validate()
        self.assertEqual(request.state, "invoiced")
        invoice = request.invoice_id
        # the core's nominal value of class A today x 3 shares: 3 x 100.00 EUR
        nominal = self.share_class["A"]._nominal_on(self.today)
        self.assertEqual(nominal, Decimal("100.00"))
        self.assertEqual(Decimal("%.2f" % invoice.amount_total), nominal * 3)
        self.assertEqual(Decimal("%.2f" % invoice.amount_total), Decimal("300.00"))
        self.assertEqual(invoice.state, "open")
        self.assertTrue(invoice.account_id.code.startswith("4562"))
        # capital subscribed, called, not yet paid up (the core's subscription move)
        self.assertTrue(invoice.invoice_line_ids.account_id.code.startswith("1012"))
        self.assertFalse(invoice.tax_line_ids)
        self.assertFalse(request.entry_ids, "no shares before payment")

        self.pay(invoice)
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(request.state, "done")
        partner = request.partner_id
        self.assertEqual(partner.member_number, expected_number)
        self.assertEqual(sorted(request.entry_ids.mapped("operation_type")),
                         ["release", "subscription"])
        after = self.ledger()
        self.assertEqual(after.capital().subscribed_eur - capital_before, Decimal("300.00"))
        row = [r for r in register_at(after, self.day).rows if r.number == expected_number][0]
        self.assertEqual(row.holdings, {"A": 3})
        self.assertEqual(row.subscribed_eur, Decimal("300.00"))
        self.assertEqual(row.unpaid_eur, Decimal("0.00"))
        self.assertEqual(row.college, "consumers")
        self.assertEqual(partner.member_holdings, "3 A")
        self.assertEqual(partner.member_college_id, self.college["consumers"])
        csv_text = self.company._shares_register_csv()
        self.assertIn("%d,Inès Garnier,person,,consumers" % expected_number, csv_text)
        self.assertIn(",300.00,0.00,300.00", csv_text)

    def test_core_rule_refuses_a_class_the_college_may_not_hold(self):
        partner = self.create_partner("Consumer wanting B")
        request = self.Request.create({
            "partner_id": partner.id, "share_class_id": self.share_class["B"].id,
            "quantity": 1, "college_id": self.college["consumers"].id})
        with self.assertRaisesRegex(UserError, "consumers"):
            request.action_validate()
        self.assertEqual(request.state, "draft")

    def test_register_entries_are_immutable(self):
        entry = self.founder.share_entry_ids[:1]
        with self.assertRaises(UserError):
            entry.write({"quantity": 1})
        with self.assertRaises(UserError):
            entry.unlink()

    def test_member_numbers_are_never_reused(self):
        member = self.create_partner("Leaving member")
        self.subscribe(member, "A", 2, "consumers")
        first = member.member_number
        self.Entry.create({
            "date": self.today, "operation_type": "redemption", "partner_id": member.id,
            "share_class_id": self.share_class["A"].id, "quantity": 2, "leaving": True,
            "company_id": self.company.id})
        self.assertFalse(member.member_active)
        self.subscribe(member, "A", 1, "consumers")
        self.assertGreater(member.member_number, first)
        self.assertIn(first, self.ledger().issued_numbers)
        self.assertEqual(member.member_number, max(self.ledger().issued_numbers))

    def test_register_pdf_lists_the_members(self):
        member = self.create_partner("Register member")
        self.subscribe(member, "A", 4, "consumers")
        report = self.env.ref("enercoop_coop_shares.report_share_register_action")
        html = report.render_qweb_html(self.company.ids)[0].decode("utf-8")
        self.assertIn("Register member", html)
        self.assertIn("Register of members", html)
        total = self.ledger().capital().subscribed_eur
        self.assertIn(str(total), html)
        certificate = self.env.ref("enercoop_coop_shares.report_share_certificate_action")
        html = certificate.render_qweb_html(member.ids)[0].decode("utf-8")
        self.assertIn("400.00", html)
