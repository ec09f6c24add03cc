# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Where the jobs are (menus, buttons) and what the forms show."""
from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import common

from .common import SHARES_MANAGER, SHARES_USER, SharesCase


@common.at_install(False)
@common.post_install(True)
class TestSharesUi(SharesCase):

    def test_register_tab_total_counts_a_subscription_once(self):
        member = self.create_partner("Tab member")
        self.subscribe(member, "A", 2, "consumers")  # 2 x 100.00 EUR, paid up
        entries = member.share_entry_ids
        self.assertEqual(sorted(entries.mapped("operation_type")), ["release", "subscription"])
        self.assertEqual(sum(entries.mapped("amount")), 400.0, "the old, double total")
        self.assertEqual(sum(entries.mapped("capital_change")), 200.0)
        self.assertEqual(entries.filtered(lambda e: e.operation_type == "release")
                         .capital_change, 0.0)
        arch = etree.fromstring(self.Entry.fields_view_get(
            view_id=self.env.ref("enercoop_coop_shares.view_share_entry_tree").id,
            view_type="tree")["arch"])
        self.assertEqual(arch.xpath("//field[@sum]/@name"), ["capital_change"])
        # a redemption lowers it
        self.Entry.create({
            "date": self.today, "operation_type": "redemption", "partner_id": member.id,
            "share_class_id": self.share_class["A"].id, "quantity": 1,
            "company_id": self.company.id})
        self.assertEqual(sum(member.share_entry_ids.mapped("capital_change")), 100.0)

    def test_voters_are_named_with_their_number_and_limited_to_the_assembly(self):
        member = self.create_partner("Voter twin")
        self.subscribe(member, "A", 1, "consumers")
        Assembly = self.env["enercoop.general.assembly"]
        first = Assembly.create({"name": "AG one", "date": self.today})
        second = Assembly.create({"name": "AG two", "date": self.today})
        (first | second).action_convene()
        voter = first.voter_ids.filtered(lambda v: v.partner_id == member)
        self.assertEqual(voter.display_name, "%d - Voter twin" % member.member_number)
        arch = self.env.ref("enercoop_coop_shares.view_general_assembly_form").arch
        self.assertIn("[('assembly_id', '=', parent.assembly_id)]", arch)
        self.assertIn("o_shares_explanation", arch)
        resolution = self.env["enercoop.assembly.resolution"].create({
            "assembly_id": second.id, "code": "1", "title": "Budget"})
        with self.assertRaises(ValidationError):
            self.env["enercoop.assembly.ballot"].create({
                "resolution_id": resolution.id, "voter_id": voter.id, "choice": "yes"})
        # the explanation keeps its columns: a monospace, unwrapped block in the backend
        assets = self.env.ref("enercoop_coop_shares.assets_backend")
        self.assertEqual(assets.inherit_id, self.env.ref("web.assets_backend"))
        self.assertIn("coop_shares.css", assets.arch)

    def test_register_pdf_and_csv_from_the_shares_menu(self):
        user = self.create_user("shares.menu.user", [SHARES_USER])
        menus = ["enercoop_coop_shares.menu_share_register_wizard"]
        self.assertEqual(self.visible_menus(user, menus), set(menus))
        energy_only = self.create_user("shares.menu.energy",
                                       ["enercoop_energy.group_enercoop_user"])
        self.assertEqual(self.visible_menus(energy_only, menus), set())
        wizard = self.env["enercoop.share.register.wizard"].sudo(user).create({})
        self.assertEqual(wizard.company_id, user.company_id)
        action = wizard.action_print_pdf()
        self.assertEqual(action["report_name"], "enercoop_coop_shares.report_share_register")
        self.assertEqual(action["context"]["active_ids"], user.company_id.ids)
        self.assertEqual(wizard.action_download_csv()["url"],
                         "/enercoop_coop_shares/register.csv?company_id=%d"
                         % user.company_id.id)

    def test_register_keeper_grants_portal_access(self):
        member = self.create_partner("Portal newcomer", email="portal.newcomer@example.org")
        self.subscribe(member, "A", 1, "consumers")
        manager = self.create_user("shares.portal.keeper", [SHARES_MANAGER])
        action = self.env.ref("enercoop_coop_shares.action_partner_portal_access")
        bindings = self.env["ir.actions.actions"].sudo(manager).get_bindings("res.partner")
        self.assertIn(action.id, [a["id"] for a in bindings["action"]])
        admin = self.env.ref("base.user_root")
        self.assertTrue(admin.has_group(SHARES_MANAGER))
        form = self.env["res.partner"].fields_view_get(
            view_id=self.env.ref("base.view_partner_form").id, view_type="form")["arch"]
        self.assertIn('name="%d"' % action.id, form)
        wizard = self.env["portal.wizard"].sudo(manager).with_context(
            active_ids=member.ids).create({})
        wizard.onchange_portal_id()  # what the form does when it opens
        self.assertEqual(wizard.user_ids.partner_id, member)
        wizard.user_ids.write({"in_portal": True})
        wizard.action_apply()
        user = self.env["res.users"].search([("partner_id", "=", member.id)])
        self.assertTrue(user.has_group("base.group_portal"))
