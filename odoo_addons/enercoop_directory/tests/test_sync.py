# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The sync against the real slapd of scripts/test.sh: what the ERP's contacts become,
hand edits put back, people who leave disabled then removed, nothing outside the
configured subtree touched, names with DN specials and accents kept as they are."""
import datetime as dt
from unittest import mock

import ldap

from odoo.tests import common

from enercoop_core.directory import sync as core_sync
from enercoop_core.directory.dn import first_rdn, parent_dn, same_dn
from enercoop_core.directory.mapping import slug

from odoo.addons.enercoop_coop_shares.tests.common import SharesCase

from .common import DirectoryMixin


@common.at_install(False)
@common.post_install(True)
class TestSync(DirectoryMixin, SharesCase):

    def setUp(self):
        super().setUp()
        self.employee = self.create_user("dir.employee").partner_id
        self.member = self.create_person("Ondine Brocard", email="ondine@example.org",
                                         role_consumer=True)
        self.subscribe(self.member, "A", 2, "consumers")
        self.organisation = self.create_person("Mairie de Die", is_company=True,
                                               role_partner=True)
        self.contact = self.create_person("Louis Roux", parent_id=self.organisation.id)
        self.consumer = self.create_person("Hélène Le Quéméner", role_consumer=True)

    def dn(self, partner):
        found = self.entry_of(partner)
        self.assertTrue(found, "no entry for %s" % partner.name)
        return found[0]

    def test_contacts_become_entries_and_groups(self):
        run = self.sync()
        self.assertGreaterEqual(run.added_count, 3 + 5)
        dn, camille = self.entry_of(self.member)
        self.assertEqual(dn, "uid=ondine.brocard,ou=people,%s" % self.base_dn)
        self.assertEqual(camille["cn"], ["Ondine Brocard"])
        self.assertEqual(camille["mail"], ["ondine@example.org"])
        self.assertEqual(sorted(camille["employeeType"]), ["consumer", "member"])
        self.assertEqual(camille["o"], [self.company.name])
        number = self.member.with_context(force_company=self.company.id).sudo().member_number
        self.assertEqual(camille["departmentNumber"], [str(number)])
        self.assertNotIn("userPassword", camille)
        # employees, members by college, the people of a partner organisation
        self.assertIn(self.dn(self.employee), self.group_members("employees"))
        self.assertIn(dn, self.group_members("members"))
        college = self.college["consumers"].name
        self.assertIn(dn, self.group_members("college-" + slug(college)))
        self.assertNotIn(dn, self.group_members("college-" + slug(
            self.college["founders"].name)))
        self.assertIn(self.dn(self.contact), self.group_members("partners"))
        self.assertIsNone(self.entry_of(self.organisation), "an organisation logs in as nobody")
        self.assertIn(self.dn(self.consumer), self.group_members("consumers"))
        self.assertIn(dn, self.group_members("coop-" + slug(self.company.name)))
        # a second run finds nothing to do
        again = self.config._run("manual", apply=False)
        self.assertEqual((again.state, again.trigger), ("done", "dry_run"))
        self.assertTrue(again.plan_text.startswith("0 change(s)"), again.plan_text)
        self.assertEqual(again.added_count + again.modified_count + again.moved_count
                         + again.disabled_count + again.removed_count, 0)

    def test_hand_edits_are_put_back_and_the_users_own_attributes_stay(self):
        self.sync()
        dn = self.dn(self.member)
        self.conn.modify_s(dn, [(ldap.MOD_REPLACE, "cn", [b"Someone Else"]),
                                (ldap.MOD_DELETE, "mail", None),
                                (ldap.MOD_ADD, "telephoneNumber", [b"+33 4 75 00 00 00"])])
        run = self.sync()
        self.assertEqual(run.modified_count, 1, run.plan_text)
        attrs = self.entry_of(self.member)[1]
        self.assertEqual(attrs["cn"], ["Ondine Brocard"])
        self.assertEqual(attrs["mail"], ["ondine@example.org"])
        self.assertEqual(attrs["telephoneNumber"], ["+33 4 75 00 00 00"])
        # a change in Odoo reaches the entry (a new name renames it, the old uid kept)
        self.member.write({"name": "Ondine Durand", "email": "cd@example.org"})
        run = self.sync()
        self.assertEqual(run.moved_count, 1, run.plan_text)
        dn, attrs = self.entry_of(self.member)
        self.assertEqual(dn, "uid=ondine.durand,ou=people,%s" % self.base_dn)
        self.assertEqual(sorted(attrs["uid"]), ["ondine.brocard", "ondine.durand"])
        self.assertEqual(attrs["mail"], ["cd@example.org"])

    def test_people_who_leave_are_disabled_then_removed_per_policy(self):
        self.sync()
        self.consumer.active = False
        self.employee.user_ids.active = False
        run = self.sync()
        self.assertEqual(run.disabled_count, 2, run.plan_text)
        former = "ou=former,%s" % self.base_dn
        self.assertTrue(self.dn(self.consumer).endswith(former))
        self.assertTrue(self.dn(self.employee).endswith(former))
        self.assertNotIn(self.dn(self.employee), self.group_members("employees") or [])
        # policy "keep": they stay in ou=former
        self.assertEqual(self.sync().removed_count, 0)
        # policy "remove after 30 days": not yet
        self.config.write({"removal_policy": "delete", "removal_days": 30})
        self.assertEqual(self.sync().removed_count, 0)
        self.assertTrue(self.entry_of(self.consumer))
        # a consumer coming back is moved back, never removed
        self.consumer.active = True
        self.config.removal_days = 0
        run = self.sync()
        self.assertEqual((run.moved_count, run.removed_count), (1, 1), run.plan_text)
        self.assertTrue(self.dn(self.consumer).endswith("ou=people,%s" % self.base_dn))
        self.assertIsNone(self.entry_of(self.employee))

    def test_the_core_decides_the_removals_with_the_companys_policy(self):
        self.sync()
        self.consumer.active = False
        self.sync()
        calls = []

        def due(stamp, policy):  # the core's decision, replaced: every leaver is due
            calls.append((stamp, policy))
            return True

        with mock.patch.object(core_sync, "removal_due", due):
            self.assertEqual(self.sync().removed_count, 0, "policy keep: never asked")
            self.assertEqual(calls, [])
            self.config.write({"removal_policy": "delete", "removal_days": 3650})
            run = self.sync()
        self.assertEqual(run.removed_count, 1, run.plan_text)
        self.assertIn("remove   uid=helene.le.quemener,ou=former,", run.plan_text)
        self.assertIsNone(self.entry_of(self.consumer))
        ((stamp, policy),) = calls
        self.assertEqual(policy.days, 3650)
        self.assertLess(abs(policy.now - dt.datetime.now(dt.timezone.utc)),
                        dt.timedelta(minutes=5))
        self.assertRegex(stamp, r"^\d{14}Z$")  # the server's modifyTimestamp, as it is

    def test_nothing_outside_the_configured_subtree_is_touched(self):
        outside = "uid=ondine.brocard,%s" % self.test_dn
        self.conn.add_s(outside, [
            ("objectClass", [b"inetOrgPerson"]), ("uid", [b"ondine.brocard"]),
            ("cn", [b"Not the ERP's"]), ("sn", [b"Martin"]),
            ("employeeNumber", [str(self.consumer.id).encode()]),
            ("businessCategory", [b"enercoop-erp"])])
        foreign_group = "cn=employees,%s" % self.test_dn
        self.conn.add_s(foreign_group, [
            ("objectClass", [b"groupOfNames"]), ("cn", [b"employees"]),
            ("member", [outside.encode()]), ("businessCategory", [b"enercoop-erp"])])
        # an entry inside the subtree that the ERP does not own is not overwritten
        unowned = "uid=helene.le.quemener,ou=people,%s" % self.base_dn
        self.conn.add_s("ou=people,%s" % self.base_dn, [
            ("objectClass", [b"organizationalUnit"]), ("ou", [b"people"])])
        self.conn.add_s(unowned, [("objectClass", [b"inetOrgPerson"]),
                                  ("uid", [b"helene.le.quemener"]), ("cn", [b"Hand made"]),
                                  ("sn", [b"Le Quemener"])])
        before = {dn: self.entries(dn, scope=ldap.SCOPE_BASE)[dn]
                  for dn in (outside, foreign_group, unowned)}
        self.sync()
        self.consumer.active = False
        self.sync()
        self.config.write({"removal_policy": "delete", "removal_days": 0})
        self.sync()
        for dn, attrs in before.items():
            self.assertEqual(self.entries(dn, scope=ldap.SCOPE_BASE)[dn], attrs, dn)
        # the consumer got another uid than the one taken by the hand-made entry
        self.consumer.active = True
        self.sync()
        self.assertEqual(self.dn(self.consumer),
                         "uid=helene.le.quemener2,ou=people,%s" % self.base_dn)

    def test_a_contact_the_core_refuses_stops_the_run_and_is_named(self):
        bad = self.create_person("Bad Mail", email="not an address", role_consumer=True)
        run = self.config._run("manual")
        self.assertEqual(run.state, "failed")
        self.assertIn("record %d" % bad.id, run.error_text)
        self.assertIn("email", run.error_text)
        # nothing was written
        self.assertEqual(list(self.entries()), [self.base_dn])

    def test_starttls_on_a_server_without_tls_fails_clearly(self):
        self.config.tls_mode = "starttls"
        run = self.config._run("manual")
        self.assertEqual(run.state, "failed")
        self.assertIn(self.ldap_settings["uri"], run.error_text)
        self.assertEqual(list(self.entries()), [self.base_dn])

    def test_dry_run_wizard_shows_the_plan_and_apply_syncs(self):
        wizard = self.env["enercoop.directory.plan.wizard"].create({"config_id": self.config.id})
        wizard.action_compute()
        self.assertIn("add      uid=ondine.brocard,ou=people,%s" % self.base_dn,
                      wizard.plan_text)
        self.assertGreater(wizard.added_count, 0)
        self.assertEqual(list(self.entries()), [self.base_dn], "a dry run changes nothing")
        action = wizard.action_apply()
        run = self.env["enercoop.directory.run"].browse(action["res_id"])
        self.assertEqual((run.trigger, run.state), ("manual", "done"))
        self.assertEqual(run.added_count, wizard.added_count)
        self.assertTrue(self.entry_of(self.member))


@common.at_install(False)
@common.post_install(True)
class TestSpecialNames(DirectoryMixin, SharesCase):
    """DN specials and accents in the configured base, a person's name, the company's."""

    SUBTREE_NAME = 'Réseau, "Sud" + \\ #1 é'

    def test_names_round_trip(self):
        name = 'Zoé "Zaza" Ñúñez, fils + \\ Œuvre'
        self.company.name = 'Enercoop Rhône, "Alpes" + \\ ça'
        person = self.create_person(name, email="zoe@example.org", role_producer=True)
        self.sync()
        dn, attrs = self.entry_of(person)
        self.assertEqual(first_rdn(dn), [("uid", "zoe.zaza.nunez.fils.oeuvre")])
        self.assertEqual(attrs["cn"], [name])
        self.assertEqual(attrs["sn"], [name])
        self.assertEqual(attrs["o"], [self.company.name])
        self.assertTrue(same_dn(parent_dn(dn), "ou=people," + self.base_dn), dn)
        # the server holds the base's value itself, unescaped
        (unit,) = self.entries(self.base_dn, scope=ldap.SCOPE_BASE).values()
        self.assertEqual(unit["ou"], [self.SUBTREE_NAME])
        group = self.entries(filterstr="(cn=coop-enercoop-rhone-alpes-ca)")
        (description,) = [a["description"] for a in group.values()]
        self.assertEqual(description, ["Regional cooperative: " + self.company.name])
        again = self.config._run("manual", apply=False)
        self.assertTrue(again.plan_text.startswith("0 change(s)"), again.plan_text)
        # the person leaves: moved under the escaped base's ou=former
        person.active = False
        self.sync()
        dn, attrs = self.entry_of(person)
        self.assertTrue(same_dn(parent_dn(dn), "ou=former," + self.base_dn), dn)
        self.assertEqual(attrs["cn"], [name])
