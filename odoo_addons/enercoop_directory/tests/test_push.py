# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The push: a change of a contact, a user or the register flags the company's directory
(the save itself never talks to LDAP); the push cron syncs what is flagged, the nightly
cron everything."""
from odoo.tests import common

from odoo.addons.enercoop_coop_shares.tests.common import SharesCase

from .common import DirectoryMixin


@common.at_install(False)
@common.post_install(True)
class TestPush(DirectoryMixin, SharesCase):

    def setUp(self):
        super().setUp()
        self.config.auto_sync = True
        self.person = self.create_person("Marie Curie", role_consumer=True)
        self.config._cron_full_sync()
        self.assertFalse(self.config.dirty)

    def last_run(self):
        return self.env["enercoop.directory.run"].search([("config_id", "=", self.config.id)],
                                                         limit=1)

    def test_a_contact_change_is_pushed_by_the_cron_not_by_the_save(self):
        self.person.email = "marie@example.org"
        self.assertTrue(self.config.dirty)
        # the save did not touch the directory
        self.assertNotIn("mail", self.entry_of(self.person)[1])
        self.config._cron_push()
        self.assertFalse(self.config.dirty)
        run = self.last_run()
        self.assertEqual((run.trigger, run.state, run.modified_count), ("push", "done", 1),
                         run.plan_text)
        self.assertEqual(self.entry_of(self.person)[1]["mail"], ["marie@example.org"])
        # nothing flagged: the push cron does not run
        self.config._cron_push()
        self.assertEqual(self.last_run(), run)

    def test_fields_the_directory_ignores_flag_nothing(self):
        self.person.comment = "called on Monday"
        self.assertFalse(self.config.dirty)

    def test_a_new_member_and_a_new_user_flag_the_directory(self):
        self.subscribe(self.person, "A", 1, "consumers")
        self.assertTrue(self.config.dirty)
        self.config._cron_push()
        self.assertIn("member", self.entry_of(self.person)[1]["employeeType"])
        user = self.create_user("dir.newcomer")
        self.assertTrue(self.config.dirty)
        self.config._cron_push()
        self.assertEqual(self.entry_of(user.partner_id)[1]["employeeType"], ["employee"])

    def test_another_company_is_not_flagged(self):
        other = self.env["res.company"].create({"name": "Push test other coop",
                                                "currency_id": self.env.ref("base.EUR").id})
        self.config.dirty = False  # the new company's own contact has no company at first
        self.create_person("Elsewhere", company_id=other.id, role_consumer=True)
        self.assertFalse(self.config.dirty)

    def test_the_nightly_sync_puts_hand_edits_back(self):
        import ldap
        dn = self.entry_of(self.person)[0]
        self.conn.modify_s(dn, [(ldap.MOD_REPLACE, "employeeType", [b"employee"])])
        self.config._cron_full_sync()
        run = self.last_run()
        self.assertEqual((run.trigger, run.modified_count), ("scheduled", 1))
        self.assertEqual(self.entry_of(self.person)[1]["employeeType"], ["consumer"])

    def test_a_configuration_without_automatic_sync_is_left_alone(self):
        self.config.auto_sync = False
        self.person.email = "marie@example.org"
        self.assertFalse(self.config.dirty)
        count = len(self.config.run_ids)
        self.config._cron_full_sync()
        self.assertEqual(len(self.config.run_ids), count)
