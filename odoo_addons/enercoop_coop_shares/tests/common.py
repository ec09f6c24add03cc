# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared set-up of the share tests: a manager user, members and payments."""
import datetime as dt
import hashlib
import hmac
import time

import odoo
from odoo import fields
from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import EnercoopCase

SHARES_MANAGER = "enercoop_coop_shares.group_coop_shares_manager"
SHARES_USER = "enercoop_coop_shares.group_coop_shares_user"
ENERGY_USER = "enercoop_energy.group_enercoop_user"
ACCOUNTANT = "account.group_account_invoice"
# every kind of user the access tests run as
KINDS = ("energy", "shares_user", "manager", "regional", "accountant", "portal", "public")


class SharesCase(EnercoopCase):
    """The main company with its colleges and classes; a founder holding the maximum of
    class B so that the capital stays above the statutory floor whatever the demo data."""

    def setUp(self):
        super().setUp()
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

    def wizard(self, **values):
        """A transfer, conversion or redemption wizard of the main company, today."""
        return self.env["enercoop.share.operation.wizard"].create(dict(
            {"date": self.today, "company_id": self.company.id}, **values))

    def portal_user(self, partner, login):
        """A portal user for ``partner`` (password: ``<login>-pw``)."""
        return self.env["res.users"].with_context(no_reset_password=True).create({
            "name": partner.name, "login": login, "password": login + "-pw",
            "email": partner.email or "%s@example.org" % login, "partner_id": partner.id,
            "tz": self.env.user.tz,  # the same "today" as the test's (see create_user)
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})

    def make_users(self):
        """One user of each kind (``KINDS``), password ``<login>-pw``; the regional user is a
        shares manager of another company (a regional cooperative); the portal member
        holds 2 shares A, the second portal member 3."""
        self.region = self.env["res.company"].create({"name": "Enercoop Test Région Accès"})
        users = {}
        for kind, groups in (("energy", [ENERGY_USER]), ("shares_user", [SHARES_USER]),
                             ("manager", [SHARES_MANAGER]), ("regional", [SHARES_MANAGER]),
                             ("accountant", ["base.group_user", ACCOUNTANT])):
            users[kind] = self.create_user("access.%s" % kind, groups)
            users[kind].password = "access.%s-pw" % kind
        users["regional"].write({"company_ids": [(6, 0, self.region.ids)],
                                 "company_id": self.region.id})
        self.portal_member = self.create_partner("Access portal member",
                                                 email="access.portal@example.org")
        self.subscribe(self.portal_member, "A", 2, "consumers")
        users["portal"] = self.portal_user(self.portal_member, "access.portal")
        self.other_member = self.create_partner("Access other member",
                                                email="access.other@example.org")
        self.subscribe(self.other_member, "A", 3, "consumers")
        self.other_portal = self.portal_user(self.other_member, "access.other")
        users["public"] = self.env.ref("base.public_user")
        self.users = users
        return users

    def make_records(self):
        """One record of each model of the addon, in the main company."""
        Resolution = self.env["enercoop.assembly.resolution"]
        assembly = self.env["enercoop.general.assembly"].create({
            "name": "Access assembly", "date": self.today})
        assembly.action_convene()
        resolution = Resolution.create({
            "assembly_id": assembly.id, "code": "1", "title": "Accounts",
            "ballot_ids": [(0, 0, {"voter_id": assembly.voter_ids[0].id,
                                   "choice": "yes"})]})
        by_college = Resolution.create({
            "assembly_id": assembly.id, "code": "2", "title": "Budget",
            "vote_mode": "college",
            "college_total_ids": [(0, 0, {"college_id": self.college["consumers"].id,
                                          "yes": 1})]})
        request = self.Request.create({
            "partner_id": self.create_partner("Access requester").id,
            "share_class_id": self.share_class["A"].id, "quantity": 1,
            "college_id": self.college["consumers"].id})
        self.records = {
            "enercoop.college": self.college["consumers"],
            "enercoop.share.class": self.share_class["A"],
            "enercoop.share.class.value": self.share_class["A"].value_ids[:1],
            "enercoop.membership": self.founder.membership_ids[:1],
            "enercoop.share.entry": self.founder.share_entry_ids[:1],
            "enercoop.subscription.request": request,
            "enercoop.general.assembly": assembly,
            "enercoop.assembly.voter": assembly.voter_ids[:1],
            "enercoop.assembly.resolution": resolution,
            "enercoop.assembly.ballot": resolution.ballot_ids[:1],
            "enercoop.assembly.college.total": by_college.college_total_ids[:1],
            "enercoop.web.throttle": self.env["enercoop.web.throttle"].create(
                {"key": "ip:192.0.2.1"}),
        }
        return self.records

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
        super().setUp()
        self.cr.release()
        # TransactionCase's clean-up closes the cursor, which releases the lock again
        self.addCleanup(self.cr.acquire)

    def url_open(self, url, data=None, timeout=60):
        """Odoo 11's test cursor rolls back to its last "commit" when a request starts its
        endpoint: what the test wrote since the previous request would be lost. Move
        that savepoint first (the whole transaction is still rolled back at the end).
        ``timeout`` 60 s, not Odoo's 10: on a loaded 2-core machine a first page in a
        new language (QWeb compiled again) took 10.4 s and failed the test."""
        self.cr.commit()
        return super().url_open(url, data=data, timeout=timeout)

    def form_token(self, age=60):
        """The public form's signed time, as if the form was served ``age`` seconds ago."""
        stamp = int(time.time()) - age
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        return "%d.%s" % (stamp, hmac.new(secret.encode("utf-8"),
                                          ("enercoop_shares_form:%d" % stamp).encode(),
                                          hashlib.sha256).hexdigest())
