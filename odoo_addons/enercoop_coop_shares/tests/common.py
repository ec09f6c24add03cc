# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared set-up of the share tests: a manager user, members and payments."""
import datetime as dt

import odoo
from odoo import fields
from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import EnercoopCase

SHARES_MANAGER = "enercoop_coop_shares.group_coop_shares_manager"


class SharesCase(EnercoopCase):
    """The main company with its colleges and classes; a founder holding the maximum of
    class B so that the capital stays above the statutory floor whatever the demo data."""

    def setUp(self):
        super(SharesCase, self).setUp()
        self.company = self.env.ref("base.main_company")
        self.company._shares_load_default_statutes()
        self.Entry = self.env["enercoop.share.entry"]
        self.Request = self.env["enercoop.subscription.request"]
        self.today = fields.Date.context_today(self.Entry)
        self.day = fields.Date.from_string(self.today)
        self.college = {c.code: c for c in self.env["enercoop.college"].search(
            [("company_id", "=", self.company.id)])}
        self.share_class = {c.code: c for c in self.env["enercoop.share.class"].search(
            [("company_id", "=", self.company.id)])}
        self.founder = self.create_partner("Test founder", email="founder@example.org")
        self.subscribe(self.founder, "B", 200, "founders")

    def subscribe(self, partner, code, quantity, college=None, paid=True):
        """Direct register entries (as the demo data does): subscription and release."""
        admission = college is not None
        entry = self.Entry.create({
            "date": self.today, "operation_type": "subscription", "partner_id": partner.id,
            "share_class_id": self.share_class[code].id, "quantity": quantity,
            "admission": admission,
            "college_id": self.college[college].id if admission else False,
            "company_id": self.company.id})
        if paid:
            self.Entry.create({
                "date": self.today, "operation_type": "release", "partner_id": partner.id,
                "share_class_id": self.share_class[code].id, "amount": entry.amount,
                "company_id": self.company.id})
        return entry

    def pay(self, invoice, inbound=True):
        """Register the full payment of ``invoice`` through the bank journal."""
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", invoice.company_id.id)], limit=1)
        method = self.env.ref("account.account_payment_method_manual_%s"
                              % ("in" if inbound else "out"))
        payment = self.env["account.payment"].create({
            "payment_type": "inbound" if inbound else "outbound",
            "partner_type": "customer" if inbound else "supplier",
            "partner_id": invoice.partner_id.id, "amount": invoice.residual,
            "journal_id": bank.id, "payment_method_id": method.id,
            "payment_date": self.today, "invoice_ids": [(6, 0, invoice.ids)]})
        payment.post()
        return payment

    def ledger(self, company=None):
        return (company or self.company)._shares_ledger()

    def add_years(self, day, years):
        return dt.date(day.year + years, day.month, min(day.day, 28 if day.month == 2 else 31))


class SharesHttpCase(SharesCase, common.HttpCase):
    """SharesCase served over HTTP by Odoo's own server (``url_open``, ``authenticate``).

    Odoo 11's HttpCase serves requests with a test cursor of its own, opened after the
    test's cursor: what the test creates is not seen by the server (and a row it locks
    blocks the server). Here test mode is entered first, so that the test's cursor IS
    the server's test cursor; its lock is released while the test runs (the test waits
    for each answer, so the two never use the cursor at the same time). Everything is
    rolled back at the end, as in any TransactionCase."""

    registry_test_mode = False

    def setUp(self):
        registry = odoo.registry(common.get_db_name())
        registry.enter_test_mode()
        self.addCleanup(registry.leave_test_mode)
        super(SharesHttpCase, self).setUp()
        self.cr.release()
        # TransactionCase's clean-up closes the cursor, which releases the lock again
        self.addCleanup(self.cr.acquire)
