"""The plan, computed from hand-built snapshots of a directory (no server here; the same
scenarios run against a real slapd in tests/ldap)."""
import datetime as dt

import pytest

from enercoop_core.directory.dn import normalize_dn, parent_dn
from enercoop_core.directory.errors import DirectoryError
from enercoop_core.directory.mapping import (
    assign_uids,
    group_entry,
    groups_for,
    partners_from_dicts,
    person_entry,
)
from enercoop_core.directory.model import Entry, Layout, ou_entries
from enercoop_core.directory.removal import RemovalPolicy
from enercoop_core.directory.sync import Plan, Snapshot, compute_plan

LAYOUT = Layout(base_dn="dc=coop,dc=test")
MARK = "enercoop-erp"


def partner(pid, first, last, roles=("consumer",), **extra):
    rec = {"id": pid, "name": "%s %s" % (first, last), "firstname": first,
           "lastname": last, "roles": list(roles)}
    rec.update(extra)
    return rec


def snapshot(entries):
    """What read_snapshot would return for a tree holding the OUs and ``entries``."""
    entries = list(entries)
    ous = list(ou_entries(LAYOUT))
    return Snapshot(
        owned=tuple(e for e in entries if MARK in e.get("businessCategory")),
        uids=tuple(v for e in entries for v in e.get("uid")),
        dns=frozenset(normalize_dn(dn) for dn in ous + [e.dn for e in entries]))


def synced(records):
    """The entries a successful sync of ``records`` leaves."""
    people = assign_uids(partners_from_dicts(records), {}, [], LAYOUT)
    return ([person_entry(p, LAYOUT) for p in people]
            + [group_entry(g, LAYOUT) for g in groups_for(people, LAYOUT)])


def plan_for(records, entries):
    return compute_plan(partners_from_dicts(records), snapshot(entries), LAYOUT)


def kinds(plan):
    return [(c.kind, c.dn, c.new_dn) for c in plan.changes]


BASE = [partner(1, "Camille", "Martin", roles=["consumer", "member"], email="c@m.org"),
        partner(2, "Louis", "Roux", roles=["producer"])]


def test_empty_tree_gets_ous_people_then_groups():
    plan = compute_plan(partners_from_dicts(BASE), Snapshot(), LAYOUT)
    dns = [c.dn for c in plan.changes]
    assert dns[:3] == list(ou_entries(LAYOUT))
    assert dns[3:5] == ["uid=camille.martin,ou=people,dc=coop,dc=test",
                        "uid=louis.roux,ou=people,dc=coop,dc=test"]
    assert set(dns[5:]) == {"cn=%s,ou=groups,dc=coop,dc=test" % g
                            for g in ("consumers", "members", "producers")}
    assert plan.counts()["add"] == 8
    assert all("userPassword" not in c.attrs for c in plan.changes)


def test_synced_tree_gives_empty_plan():
    plan = plan_for(BASE, synced(BASE))
    assert plan.empty and plan == Plan()


def test_attribute_change_is_a_modify_of_that_attribute_only():
    entries = synced(BASE)
    # the user set a phone number and a password through LDAP: not the ERP's business
    person = entries[0]
    entries[0] = Entry(person.dn, dict(person.attrs, telephoneNumber=("+33 1",),
                                       userPassword=("{SSHA}x",)))
    records = [dict(BASE[0], email="camille@m.org"), BASE[1]]
    plan = plan_for(records, entries)
    assert kinds(plan) == [("modify", person.dn, None)]
    (mod,) = plan.changes[0].mods
    assert (mod.op, mod.attr, mod.values) == ("replace", "mail", ("camille@m.org",))


def test_removed_attribute_is_deleted():
    records = [dict(BASE[0], email=None), BASE[1]]
    plan = plan_for(records, synced(BASE))
    (mod,) = plan.changes[0].mods
    assert (mod.op, mod.attr, mod.values) == ("delete", "mail", ())


def test_role_removal_changes_the_groups():
    records = [dict(BASE[0], roles=["consumer"]), BASE[1]]
    plan = plan_for(records, synced(BASE))
    # person: employeeType replaced; the members group lost its only member: deleted
    assert kinds(plan) == [
        ("modify", "uid=camille.martin,ou=people,dc=coop,dc=test", None),
        ("delete", "cn=members,ou=groups,dc=coop,dc=test", None)]
    assert plan.changes[0].mods[0].values == ("consumer",)


def test_renamed_person_is_renamed_and_groups_follow():
    records = [dict(BASE[0], lastname="Durand", name="Camille Durand"), BASE[1]]
    plan = plan_for(records, synced(BASE))
    new = "uid=camille.durand,ou=people,dc=coop,dc=test"
    assert kinds(plan)[0] == ("rename", "uid=camille.martin,ou=people,dc=coop,dc=test", new)
    modify = plan.changes[1]
    assert modify.dn == new
    mods = {m.attr: m.values for m in modify.mods}
    assert mods["uid"] == ("camille.durand", "camille.martin")
    assert mods["sn"] == ("Durand",)
    groups = {c.dn: c for c in plan.changes[2:]}
    assert set(groups) == {"cn=consumers,ou=groups,dc=coop,dc=test",
                           "cn=members,ou=groups,dc=coop,dc=test"}
    assert groups["cn=members,ou=groups,dc=coop,dc=test"].mods[0].values == (new,)


def test_leaver_moves_to_former_and_stays_there():
    records = [BASE[0], dict(BASE[1], active=False)]
    plan = plan_for(records, synced(BASE))
    assert kinds(plan) == [
        ("disable", "uid=louis.roux,ou=people,dc=coop,dc=test",
         "uid=louis.roux,ou=former,dc=coop,dc=test"),
        ("delete", "cn=producers,ou=groups,dc=coop,dc=test", None)]
    # after the move: nothing more to do, and the uid stays taken
    after = [e for e in synced(BASE) if "producers" not in e.dn and "louis" not in e.dn]
    after.append(Entry("uid=louis.roux,ou=former,dc=coop,dc=test",
                       synced(BASE)[1].attrs))
    assert plan_for(records, after).empty
    newcomer = records + [partner(9, "Louis", "Roux")]
    added = [c for c in plan_for(newcomer, after).changes if "ou=people" in c.dn]
    assert added[0].dn == "uid=louis.roux2,ou=people,dc=coop,dc=test"


def test_returning_person_comes_back_from_former():
    entries = [e for e in synced(BASE) if "louis" not in e.dn]
    louis = synced(BASE)[1]
    entries.append(Entry("uid=louis.roux,ou=former,dc=coop,dc=test", louis.attrs))
    plan = plan_for(BASE, entries)
    assert kinds(plan)[0] == ("rename", "uid=louis.roux,ou=former,dc=coop,dc=test",
                              "uid=louis.roux,ou=people,dc=coop,dc=test")
    assert "back" in plan.changes[0].note


def test_foreign_entries_are_untouched_and_their_uids_reserved():
    foreign = Entry("uid=camille.martin,ou=people,dc=coop,dc=test", {
        "objectClass": ("inetOrgPerson",), "uid": ("camille.martin",), "cn": ("svc",),
        "sn": ("svc",)})
    foreign_group = Entry("cn=consumers,ou=groups,dc=coop,dc=test", {
        "objectClass": ("groupOfNames",), "cn": ("consumers",), "member": (foreign.dn,)})
    plan = plan_for(BASE, [foreign, foreign_group])
    touched = {c.dn for c in plan.changes} | {c.new_dn for c in plan.changes}
    assert foreign.dn not in touched and foreign_group.dn not in touched
    assert "uid=camille.martin2,ou=people,dc=coop,dc=test" in touched
    assert len(plan.conflicts) == 1 and foreign_group.dn in plan.conflicts[0]


def test_two_entries_for_one_partner_is_an_error_naming_the_dn():
    entries = synced(BASE)
    twin = Entry("uid=twin,ou=people,dc=coop,dc=test", dict(entries[0].attrs, uid=("twin",)))
    with pytest.raises(DirectoryError) as err:
        plan_for(BASE, entries + [twin])
    assert err.value.attribute == "employeeNumber"
    assert err.value.dn in (twin.dn, entries[0].dn)


def test_posix_turned_on_adds_object_class_and_attributes_in_one_modify():
    layout = Layout(base_dn="dc=coop,dc=test", posix=True)
    plan = compute_plan(partners_from_dicts(BASE), snapshot(synced(BASE)), layout)
    people = [c for c in plan.changes if "ou=people" in c.dn]
    assert [c.kind for c in people] == ["modify", "modify"]
    mods = people[0].mods
    assert (mods[0].op, mods[0].attr, mods[0].values) == ("add", "objectClass", ("posixAccount",))
    assert {m.attr for m in mods[1:]} == {"uidNumber", "gidNumber", "homeDirectory"}
    assert parent_dn(people[0].dn) == "ou=people,dc=coop,dc=test"


def test_describe_lists_changes_and_counts():
    text = plan_for([dict(BASE[0], email="x@y.org"), BASE[1]], synced(BASE)).describe()
    assert "modify   uid=camille.martin,ou=people,dc=coop,dc=test" in text
    assert "= mail: x@y.org" in text
    assert text.splitlines()[-1].startswith("1 change(s): 0 add, 1 modify")


# -- the removal policy: people who left, deleted after a delay in ou=former ----------------

LEFT_AT = "20261001120000Z"  # Louis's entry last changed (moved to ou=former) then, UTC
LEFT = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.timezone.utc)
LOUIS_FORMER = "uid=louis.roux,ou=former,dc=coop,dc=test"


def with_louis_in_former(stamp=LEFT_AT):
    """The tree after Louis left: his entry in ou=former, its modifyTimestamp ``stamp``."""
    entries = [e for e in synced(BASE) if "louis" not in e.dn and "producers" not in e.dn]
    attrs = dict(synced(BASE)[1].attrs)
    if stamp is not None:
        attrs["modifyTimestamp"] = (stamp,)
    return entries + [Entry(LOUIS_FORMER, attrs)]


def plan_removing(records, entries, days, now):
    return compute_plan(partners_from_dicts(records), snapshot(entries), LAYOUT,
                        removal=RemovalPolicy(days=days, now=now))


def test_keep_policy_and_no_policy_leave_former_people_alone():
    entries = with_louis_in_former()
    years_later = LEFT + dt.timedelta(days=3650)
    assert plan_for(BASE[:1], entries).empty
    assert compute_plan(partners_from_dicts(BASE[:1]), snapshot(entries), LAYOUT,
                        removal=RemovalPolicy(now=years_later)).empty
    assert compute_plan(partners_from_dicts(BASE[:1]), snapshot(entries), LAYOUT,
                        removal=RemovalPolicy.of("keep", 0, now=years_later)).empty


def test_person_is_removed_after_exactly_the_delay_not_a_second_before():
    entries = with_louis_in_former()
    due = LEFT + dt.timedelta(days=30)
    early = plan_removing(BASE[:1], entries, 30, due - dt.timedelta(seconds=1))
    assert early.empty and early.conflicts == ()
    plan = plan_removing(BASE[:1], entries, 30, due)
    assert kinds(plan) == [("remove", LOUIS_FORMER, None)]
    note = plan.changes[0].note
    assert "partner 2" in note and "30 day(s)" in note and "2026-10-01 12:00:00 UTC" in note
    assert plan.counts()["remove"] == 1 and plan.counts()["delete"] == 0
    assert plan.as_dict()["counts"]["remove"] == 1
    assert plan.as_dict()["changes"][0]["kind"] == "remove"
    text = plan.describe()
    assert text.startswith("remove   %s  (partner 2 left" % LOUIS_FORMER)
    assert text.splitlines()[-1].endswith("0 delete, 1 remove; 0 conflict(s)")


def test_delay_is_counted_in_utc_whatever_the_zones_of_the_stamp_and_of_now():
    # 13:00 at +01:00 is 12:00 UTC; "now" given in Paris summer time (+02:00)
    paris_summer = dt.timezone(dt.timedelta(hours=2))
    due = (LEFT + dt.timedelta(days=30)).astimezone(paris_summer)
    entries = with_louis_in_former("20261001130000+0100")
    assert kinds(plan_removing(BASE[:1], entries, 30, due)) == [("remove", LOUIS_FORMER, None)]
    assert plan_removing(BASE[:1], entries, 30, due - dt.timedelta(seconds=1)).empty
    # a naive "now" (Odoo's datetimes) is UTC
    naive = (LEFT + dt.timedelta(days=30)).replace(tzinfo=None)
    assert len(plan_removing(BASE[:1], entries, 30, naive).changes) == 1
    assert plan_removing(BASE[:1], entries, 30, naive - dt.timedelta(seconds=1)).empty


def test_person_brought_back_is_moved_back_never_removed():
    plan = plan_removing(BASE, with_louis_in_former(), 0, LEFT + dt.timedelta(days=999))
    assert kinds(plan)[0] == ("rename", LOUIS_FORMER, "uid=louis.roux,ou=people,dc=coop,dc=test")
    assert plan.counts()["remove"] == 0


def test_person_leaving_now_is_moved_not_removed_even_with_no_delay():
    records = [BASE[0], dict(BASE[1], active=False)]
    plan = plan_removing(records, synced(BASE), 0, LEFT + dt.timedelta(days=999))
    assert [c.kind for c in plan.changes] == ["disable", "delete"]


def test_entry_without_a_readable_modify_timestamp_is_kept_and_reported():
    now = LEFT + dt.timedelta(days=999)
    plan = plan_removing(BASE[:1], with_louis_in_former(None), 30, now)
    assert plan.empty
    (conflict,) = plan.conflicts
    assert LOUIS_FORMER in conflict and "modifyTimestamp" in conflict and "kept" in conflict
    plan = plan_removing(BASE[:1], with_louis_in_former("yesterday"), 30, now)
    assert plan.empty and "'yesterday'" in plan.conflicts[0] and LOUIS_FORMER in plan.conflicts[0]
    # under the keep policy nothing needs the stamp: no conflict
    assert plan_for(BASE[:1], with_louis_in_former(None)).conflicts == ()


def test_only_the_erps_people_of_former_are_ever_removed():
    foreign = Entry("uid=svc,ou=former,dc=coop,dc=test", {
        "objectClass": ("inetOrgPerson",), "uid": ("svc",), "cn": ("svc",), "sn": ("svc",),
        "employeeNumber": ("7",), "modifyTimestamp": ("19990101000000Z",)})
    people_entry = synced(BASE)[1]  # an ERP person still in ou=people, listed: untouched
    elsewhere = Entry(people_entry.dn, dict(people_entry.attrs,
                                            modifyTimestamp=("19990101000000Z",)))
    entries = [e for e in synced(BASE) if e.dn != people_entry.dn] + [elsewhere, foreign]
    assert plan_removing(BASE, entries, 0, LEFT).empty
