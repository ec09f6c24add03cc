# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import EnercoopCase

ENERGY_USER = "enercoop_energy.group_enercoop_user"
SHARES_USER = "enercoop_coop_shares.group_coop_shares_user"
SHARES_MANAGER = "enercoop_coop_shares.group_coop_shares_manager"
ROOT = "enercoop_energy.menu_root"
MEMBER_MENUS = ["enercoop_coop_shares.menu_coop_shares", "enercoop_coop_shares.menu_partner_member"]


@common.at_install(False)
@common.post_install(True)
class TestMember(EnercoopCase):

    def setUp(self):
        super().setUp()
        self.member = self.create_partner("Member test member", role_member=True)
        self.consumer_member = self.create_partner(
            "Member test consumer member", role_member=True, role_consumer=True)
        self.consumer = self.create_partner("Member test consumer", role_consumer=True)
        self.mine = self.member | self.consumer_member | self.consumer

    def test_members_action_lists_members_and_creates_members(self):
        context = self.action_context("enercoop_coop_shares.action_partner_member")
        self.assertEqual(context.get("search_default_filter_role_member"), 1)
        domain = self.search_filter_domain("filter_role_member")
        found = self.Partner.search(domain + [("id", "in", self.mine.ids)])
        self.assertEqual(found, self.member | self.consumer_member)
        created = self.Partner.with_context(context).create({"name": "New member"})
        self.assertTrue(created.role_member)
        self.assertFalse(created.role_consumer)

    def test_members_menu_is_a_section_of_the_energy_top_menu(self):
        section = self.env.ref("enercoop_coop_shares.menu_coop_shares")
        self.assertEqual(section.parent_id, self.env.ref(ROOT))
        member_menu = self.env.ref("enercoop_coop_shares.menu_partner_member")
        self.assertEqual(member_menu.parent_id, section)
        self.assertEqual(member_menu.action,
                         self.env.ref("enercoop_coop_shares.action_partner_member"))

    def test_group_chain_manager_user_energy_user(self):
        manager = self.create_user("shares.manager", [SHARES_MANAGER])
        for group in (SHARES_USER, ENERGY_USER, "base.group_user"):
            self.assertTrue(manager.has_group(group), group)
        self.assertFalse(manager.has_group("enercoop_energy.group_enercoop_manager"))
        self.assertIn(self.env.ref("base.user_root"), self.env.ref(SHARES_MANAGER).users)

    def test_members_menu_needs_the_shares_group(self):
        energy_only = self.create_user("energy.only", [ENERGY_USER])
        shares_user = self.create_user("shares.user", [SHARES_USER])
        wanted = [ROOT] + MEMBER_MENUS
        self.assertEqual(self.visible_menus(energy_only, wanted), {ROOT})
        self.assertEqual(self.visible_menus(shares_user, wanted), set(wanted))

    def test_demo_register_keeper_is_shares_manager(self):
        user = self.env.ref("enercoop_coop_shares.user_demo_lea_dubois",
                            raise_if_not_found=False)
        if not user:
            self.skipTest("no demo data in this database")
        self.assertTrue(user.has_group(SHARES_MANAGER))
        self.assertTrue(user.partner_id.role_member)
        self.assertTrue(user.partner_id.role_employee)
