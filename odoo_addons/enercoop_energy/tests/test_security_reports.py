# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's customer statement (``account.report_overdue``) as each kind of user.

Found on a served database: an energy user without any accounting rights read the
amounts due of the cooperative's customers at
``/report/html/account.report_overdue/<partner ids>`` (Odoo's report reads the journal
items in SQL, no rights checked)."""
from odoo.exceptions import AccessError
from odoo.tests import common

from .common import EnercoopAccessMixin


@common.at_install(False)
@common.post_install(True)
class TestCustomerStatementRights(EnercoopAccessMixin, common.SavepointCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_access_world()
        env = cls.env
        cls.clerk = env["res.users"].with_context(no_reset_password=True).create({
            "name": "Statement clerk", "login": "access.statement.clerk",
            "email": "access.statement.clerk@example.org",
            "groups_id": [(6, 0, [env.ref("enercoop_energy.group_enercoop_user").id])],
            "company_id": cls.national.id, "company_ids": [(6, 0, [cls.national.id])]})
        cls.partner = cls.records["account.invoice"].partner_id

    def render(self, user):
        report = self.env.ref("account.action_report_print_overdue")
        return report.sudo(user).render_qweb_html(self.partner.ids)[0].decode("utf-8")

    def test_statement_needs_journal_item_rights_and_the_contact(self):
        self.assertTrue(self.partner)
        # readers of journal items who may read the contact
        for role in ("user", "accountant"):
            self.assertIn(self.partner.name, self.render(self.users[role]), role)
        # an energy user without invoicing rights reads the contact, not its account
        self.assertTrue(self.partner.sudo(self.clerk).read(["name"]))
        for user in (self.clerk, self.users["regional"], self.users["portal"]):
            with self.assertRaises(Exception, msg=user.login) as caught:
                self.render(user)
            error = getattr(caught.exception, "error", caught.exception)
            self.assertIsInstance(error, AccessError, user.login)
