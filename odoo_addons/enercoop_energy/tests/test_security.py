# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import common

from .common import EnercoopCase

USER = "enercoop_energy.group_enercoop_user"
MANAGER = "enercoop_energy.group_enercoop_manager"
MENUS = [
    "enercoop_energy.menu_root",
    "enercoop_energy.menu_partner_consumer",
    "enercoop_energy.menu_partner_producer",
    "enercoop_energy.menu_partner_partner",
    "enercoop_energy.menu_partner_employee",
]


@common.at_install(False)
@common.post_install(True)
class TestSecurity(EnercoopCase):

    def setUp(self):
        super().setUp()
        self.coop_user = self.create_user("coop.user", [USER])
        self.coop_manager = self.create_user("coop.manager", [MANAGER])
        self.plain_user = self.create_user("plain.user", ["base.group_user"])

    def test_groups_are_in_the_energy_category(self):
        category = self.env.ref("enercoop_energy.module_category_enercoop")
        self.assertEqual(self.env.ref(USER).category_id, category)
        self.assertEqual(self.env.ref(MANAGER).category_id, category)

    def test_manager_implies_user_and_user_is_internal(self):
        self.assertTrue(self.coop_manager.has_group(USER))
        self.assertTrue(self.coop_manager.has_group("base.group_user"))
        self.assertTrue(self.coop_user.has_group("base.group_user"))
        self.assertFalse(self.coop_user.has_group(MANAGER))
        self.assertFalse(self.plain_user.has_group(USER))

    def test_superuser_is_manager(self):
        self.assertIn(self.env.ref("base.user_root"), self.env.ref(MANAGER).users)

    def test_user_creates_and_edits_role_holders_but_cannot_delete(self):
        partner = self.Partner.sudo(self.coop_user).create(
            {"name": "Created by a cooperative user", "role_consumer": True})
        partner.write({"role_member": True})
        self.assertTrue(partner.role_member)
        with self.assertRaises(AccessError):
            partner.unlink()
        partner.sudo(self.coop_manager).unlink()
        self.assertFalse(partner.exists())

    def test_plain_internal_user_cannot_create_contacts(self):
        with self.assertRaises(AccessError):
            self.Partner.sudo(self.plain_user).create({"name": "Not allowed"})

    def test_menus_shown_to_cooperative_users_only(self):
        self.assertEqual(self.visible_menus(self.coop_user, MENUS), set(MENUS))
        self.assertEqual(self.visible_menus(self.coop_manager, MENUS), set(MENUS))
        self.assertEqual(self.visible_menus(self.plain_user, MENUS), set())
