"""enercoop_core.directory against a real slapd (scripts/slapd.sh): every scenario syncs,
checks the entries the server holds, then checks that a second sync changes nothing."""
import datetime as dt
import time

import ldap
import pytest

from enercoop_core.cli import main
from enercoop_core.directory.errors import DirectoryError
from enercoop_core.directory.mapping import partners_from_dicts
from enercoop_core.directory.model import Layout
from enercoop_core.directory.removal import RemovalPolicy, generalized_time
from enercoop_core.directory.sync import (
    Change,
    Modification,
    Plan,
    apply_plan,
    compute_plan,
    connect,
    read_snapshot,
)


def partner(pid, first, last, roles=("consumer",), **extra):
    rec = {"id": pid, "name": "%s %s" % (first, last), "firstname": first,
           "lastname": last, "roles": list(roles)}
    rec.update(extra)
    return rec


PEOPLE = [
    partner(1, "Camille", "Martin", roles=["consumer", "member"], email="camille@coop.test",
            member_number="M0001", company="Enercoop Provence"),
    partner(2, "Louis", "Roux", roles=["producer", "member"], company="Enercoop Provence"),
    partner(3, "Hélène", "Le Gall", roles=["employee"], email="helene@coop.test"),
]


def sync(conn, layout, records):
    plan = compute_plan(partners_from_dicts(records), read_snapshot(conn, layout), layout)
    result = apply_plan(conn, plan)
    assert result.errors == []
    assert result.applied == len(plan.changes)
    return plan


def assert_stable(conn, layout, records):
    again = compute_plan(partners_from_dicts(records), read_snapshot(conn, layout), layout)
    assert again.empty, again.describe()


def entries(conn, base, filterstr="(objectClass=*)", attrs=None):
    return {dn: {k: [v.decode() for v in vs] for k, vs in a.items()}
            for dn, a in conn.search_s(base, ldap.SCOPE_SUBTREE, filterstr, attrs)}


def members(conn, layout, cn):
    """Sorted member DNs of a group, None when the group does not exist."""
    try:
        found = entries(conn, layout.group_dn(cn), "(objectClass=groupOfNames)", ["member"])
    except ldap.NO_SUCH_OBJECT:
        return None
    return sorted(found[layout.group_dn(cn)]["member"])


def by_key(conn, layout, key):
    (item,) = entries(conn, layout.base_dn,
                      "(&(employeeNumber=%s)(businessCategory=enercoop-erp))" % key).items()
    return item


def test_sync_creates_the_tree_and_a_second_sync_changes_nothing(conn, layout):
    plan = sync(conn, layout, PEOPLE)
    assert plan.counts()["add"] == 3 + 3 + 5  # OUs, people, groups
    camille = entries(conn, layout.person_dn("camille.martin"))[layout.person_dn("camille.martin")]
    assert camille["cn"] == ["Camille Martin"] and camille["mail"] == ["camille@coop.test"]
    assert camille["employeeNumber"] == ["1"] and camille["departmentNumber"] == ["M0001"]
    assert sorted(camille["employeeType"]) == ["consumer", "member"]
    assert "userPassword" not in camille
    assert by_key(conn, layout, "3")[0] == layout.person_dn("helene.le-gall")
    assert members(conn, layout, "members") == sorted(
        [layout.person_dn("camille.martin"), layout.person_dn("louis.roux")])
    assert members(conn, layout, "coop-enercoop-provence") == members(conn, layout, "members")
    assert members(conn, layout, "employees") == [layout.person_dn("helene.le-gall")]
    second = sync(conn, layout, PEOPLE)
    assert second.empty


def test_role_removal_removes_group_membership(conn, layout):
    sync(conn, layout, PEOPLE)
    changed = [dict(PEOPLE[0], roles=["consumer"])] + PEOPLE[1:]
    sync(conn, layout, changed)
    assert members(conn, layout, "members") == [layout.person_dn("louis.roux")]
    assert by_key(conn, layout, "1")[1]["employeeType"] == ["consumer"]
    # the last employee leaves the role: the group goes (an empty groupOfNames is invalid)
    changed[2] = dict(PEOPLE[2], roles=["consumer"])
    sync(conn, layout, changed)
    assert members(conn, layout, "employees") is None
    assert layout.person_dn("helene.le-gall") in members(conn, layout, "consumers")
    assert_stable(conn, layout, changed)


def test_renamed_person_is_renamed_and_keeps_the_old_uid(conn, layout):
    sync(conn, layout, PEOPLE)
    renamed = [dict(PEOPLE[0], lastname="Durand", name="Camille Durand")] + PEOPLE[1:]
    plan = sync(conn, layout, renamed)
    assert [c.kind for c in plan.changes][:2] == ["rename", "modify"]
    dn, attrs = by_key(conn, layout, "1")
    assert dn == layout.person_dn("camille.durand")
    assert sorted(attrs["uid"]) == ["camille.durand", "camille.martin"]
    assert attrs["sn"] == ["Durand"]
    assert dn in members(conn, layout, "members")
    assert layout.person_dn("camille.martin") not in members(conn, layout, "members")
    assert_stable(conn, layout, renamed)
    # a new Camille Martin never gets the old login
    newcomer = renamed + [partner(4, "Camille", "Martin")]
    sync(conn, layout, newcomer)
    assert by_key(conn, layout, "4")[0] == layout.person_dn("camille.martin2")


def test_leaver_moves_to_former_and_can_come_back(conn, layout):
    sync(conn, layout, PEOPLE)
    left = PEOPLE[:1] + PEOPLE[2:]  # Louis is gone from the export
    plan = sync(conn, layout, left)
    assert ("disable", layout.person_dn("louis.roux"),
            layout.person_dn("louis.roux", former=True)) in [
        (c.kind, c.dn, c.new_dn) for c in plan.changes]
    assert by_key(conn, layout, "2")[0] == layout.person_dn("louis.roux", former=True)
    assert members(conn, layout, "members") == [layout.person_dn("camille.martin")]
    assert members(conn, layout, "producers") is None
    assert_stable(conn, layout, left)
    sync(conn, layout, PEOPLE)
    assert by_key(conn, layout, "2")[0] == layout.person_dn("louis.roux")
    assert layout.person_dn("louis.roux") in members(conn, layout, "producers")
    assert_stable(conn, layout, PEOPLE)


def test_foreign_entries_are_left_untouched(conn, layout):
    # an administrator's own entries, without the ERP marker, where the ERP writes
    for dn, attrs in (
            (layout.people_dn, {"objectClass": ["organizationalUnit"], "ou": ["people"]}),
            (layout.groups_dn, {"objectClass": ["organizationalUnit"], "ou": ["groups"]}),
            (layout.person_dn("camille.martin"), {
                "objectClass": ["inetOrgPerson"], "uid": ["camille.martin"],
                "cn": ["Nextcloud service"], "sn": ["service"], "employeeNumber": ["1"]}),
            (layout.group_dn("employees"), {
                "objectClass": ["groupOfNames"], "cn": ["employees"],
                "member": [layout.person_dn("camille.martin")]})):
        conn.add_s(dn, [(k, [v.encode() for v in vs]) for k, vs in attrs.items()])
    before = entries(conn, layout.person_dn("camille.martin"), attrs=["*", "+"])
    group_before = entries(conn, layout.group_dn("employees"), attrs=["*", "+"])
    plan = compute_plan(partners_from_dicts(PEOPLE), read_snapshot(conn, layout), layout)
    assert len(plan.conflicts) == 1 and "cn=employees" in plan.conflicts[0]
    assert apply_plan(conn, plan).errors == []
    assert entries(conn, layout.person_dn("camille.martin"), attrs=["*", "+"]) == before
    assert entries(conn, layout.group_dn("employees"), attrs=["*", "+"]) == group_before
    # the ERP's Camille Martin got another login; the foreign entry's employeeNumber 1
    # does not make it the ERP's
    assert by_key(conn, layout, "1")[0] == layout.person_dn("camille.martin2")
    again = compute_plan(partners_from_dicts(PEOPLE), read_snapshot(conn, layout), layout)
    assert again.empty and len(again.conflicts) == 1


def test_password_set_through_ldap_works_and_survives_syncs(ldap_server, conn, layout):
    sync(conn, layout, PEOPLE)
    dn = layout.person_dn("camille.martin")
    conn.passwd_s(dn, None, "Soleil-2024")  # the admin resets it, the server hashes it
    user = connect(ldap_server["uri"], dn, "Soleil-2024")
    assert user.whoami_s() == "dn:" + dn
    user.passwd_s(dn, "Soleil-2024", "Vent-2025")  # the user changes it (ACL: self write)
    user.unbind_s()
    # a sync that changes the person's mail, then a rename, leaves the password alone
    changed = [dict(PEOPLE[0], email="c.martin@coop.test")] + PEOPLE[1:]
    sync(conn, layout, changed)
    renamed = [dict(changed[0], lastname="Durand", name="Camille Durand")] + PEOPLE[1:]
    sync(conn, layout, renamed)
    new_dn = layout.person_dn("camille.durand")
    user = connect(ldap_server["uri"], new_dn, "Vent-2025")
    assert user.whoami_s() == "dn:" + new_dn
    user.unbind_s()
    with pytest.raises(DirectoryError) as err:
        connect(ldap_server["uri"], new_dn, "wrong")
    assert err.value.dn == new_dn
    assert_stable(conn, layout, renamed)


def test_failed_change_names_the_dn_and_attribute(conn, layout):
    sync(conn, layout, PEOPLE)
    dn = layout.person_dn("louis.roux")
    # mail is IA5 (ASCII): the server refuses this value
    plan = Plan((Change("modify", dn, mods=(Modification("replace", "mail", ("lóuis@coop.test",)),
                                            Modification("replace", "cn", ("Louis R.",)))),))
    result = apply_plan(conn, plan)
    assert result.applied == 0
    (error,) = result.errors
    assert (error.dn, error.attribute) == (dn, "mail")
    assert dn in str(error) and "mail" in str(error)
    with pytest.raises(DirectoryError) as err:
        read_snapshot(conn, Layout(base_dn="ou=missing," + layout.base_dn))
    assert err.value.dn == "ou=missing," + layout.base_dn


def test_posix_accounts(conn, layout):
    posix = Layout(base_dn=layout.base_dn, posix=True, posix_uid_base=20000)
    sync(conn, layout, PEOPLE)
    sync(conn, posix, PEOPLE)  # turned on later: the entries gain posixAccount
    attrs = by_key(conn, layout, "2")[1]
    assert "posixAccount" in attrs["objectClass"]
    assert attrs["uidNumber"] == ["20002"] and attrs["homeDirectory"] == ["/home/louis.roux"]
    assert_stable(conn, posix, PEOPLE)


def test_cli_plan_and_sync(ldap_server, layout, tmp_path, capsys):
    import json

    people = tmp_path / "partners.json"
    people.write_text(json.dumps({"partners": PEOPLE}))
    pw = tmp_path / "admin.pw"
    pw.write_text(ldap_server["password"] + "\n")
    args = ["--people", str(people), "--uri", ldap_server["uri"], "--bind-dn",
            ldap_server["bind_dn"], "--password-file", str(pw), "--base-dn", layout.base_dn]
    assert main(["directory", "plan"] + args) == 0
    out = capsys.readouterr().out
    assert "add      %s" % layout.person_dn("camille.martin") in out
    assert main(["directory", "sync"] + args) == 0
    assert "11 of 11 change(s) applied, 0 failed" in capsys.readouterr().out
    assert main(["directory", "plan"] + args) == 0
    assert "up to date" in capsys.readouterr().out
    bad = tmp_path / "bad.pw"
    bad.write_text("nope")
    assert main(["directory", "plan"] + args[:-3] + [str(bad)] + args[-2:]) == 2
    assert "invalid credentials" in capsys.readouterr().err


def test_many_people_are_read_page_by_page(conn, layout):
    records = [partner(100 + i, "Prénom%d" % i, "Nom", roles=["consumer"]) for i in range(120)]
    sync(conn, layout, records)
    from enercoop_core.directory.sync import _search

    found = _search(conn, layout.people_dn, ldap.SCOPE_ONELEVEL, "(uid=*)", ["uid"],
                    page_size=7)  # 18 pages: 17 full ones and 1 of 1 entry
    assert len(found) == 120
    assert {e.first("uid") for e in found} == {"prenom%d.nom" % i for i in range(120)}
    assert_stable(conn, layout, records)


def stamp_of(conn, dn):
    """The server's modifyTimestamp of an entry, as an aware UTC datetime."""
    (_, attrs), = conn.search_s(dn, ldap.SCOPE_BASE, "(objectClass=*)", ["modifyTimestamp"])
    return generalized_time(attrs["modifyTimestamp"][0].decode())


def plan_removing(conn, layout, records, days, now):
    return compute_plan(partners_from_dicts(records), read_snapshot(conn, layout), layout,
                        removal=RemovalPolicy(days=days, now=now))


def test_leaver_is_removed_once_unchanged_in_former_for_the_delay(conn, layout):
    sync(conn, layout, PEOPLE)
    left = PEOPLE[:1] + PEOPLE[2:]
    sync(conn, layout, left)
    former = layout.person_dn("louis.roux", former=True)
    moved = stamp_of(conn, former)  # set by the server on the move
    assert abs(dt.datetime.now(dt.timezone.utc) - moved) < dt.timedelta(minutes=5)
    due = moved + dt.timedelta(days=30)
    assert plan_removing(conn, layout, left, 30, due - dt.timedelta(seconds=1)).empty
    plan = plan_removing(conn, layout, left, 30, due)
    assert [(c.kind, c.dn) for c in plan.changes] == [("remove", former)]
    result = apply_plan(conn, plan)
    assert (result.applied, result.errors) == (1, [])
    assert entries(conn, layout.base_dn, "(employeeNumber=2)") == {}
    assert plan_removing(conn, layout, left, 30, due).empty


def test_hand_edit_in_former_restarts_the_delay(conn, layout):
    sync(conn, layout, PEOPLE)
    left = PEOPLE[:1] + PEOPLE[2:]
    sync(conn, layout, left)
    former = layout.person_dn("louis.roux", former=True)
    moved = stamp_of(conn, former)
    time.sleep(1.1)  # modifyTimestamp counts whole seconds
    # an attribute the ERP does not manage: the sync leaves it, the delay starts again
    conn.modify_s(former, [(ldap.MOD_REPLACE, "description", [b"left in December"])])
    edited = stamp_of(conn, former)
    assert edited > moved
    assert plan_removing(conn, layout, left, 30, moved + dt.timedelta(days=30)).empty
    plan = plan_removing(conn, layout, left, 30, edited + dt.timedelta(days=30))
    assert [(c.kind, c.dn) for c in plan.changes] == [("remove", former)]


def test_person_brought_back_is_moved_back_not_removed(conn, layout):
    sync(conn, layout, PEOPLE)
    sync(conn, layout, PEOPLE[:1] + PEOPLE[2:])
    far = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3650)
    plan = plan_removing(conn, layout, PEOPLE, 0, far)
    assert plan.counts()["remove"] == 0
    assert apply_plan(conn, plan).errors == []
    assert by_key(conn, layout, "2")[0] == layout.person_dn("louis.roux")
    assert_stable(conn, layout, PEOPLE)


def test_cli_removes_after_the_delay_given(ldap_server, layout, conn, tmp_path, capsys):
    import json

    sync(conn, layout, PEOPLE)
    sync(conn, layout, PEOPLE[:1] + PEOPLE[2:])
    people = tmp_path / "partners.json"
    people.write_text(json.dumps(PEOPLE[:1] + PEOPLE[2:]))
    pw = tmp_path / "admin.pw"
    pw.write_text(ldap_server["password"] + "\n")
    args = ["--people", str(people), "--uri", ldap_server["uri"], "--bind-dn",
            ldap_server["bind_dn"], "--password-file", str(pw), "--base-dn", layout.base_dn]
    former = layout.person_dn("louis.roux", former=True)
    assert main(["directory", "plan"] + args + ["--remove-after", "30"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["directory", "plan", "--json"] + args + ["--remove-after", "0"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["counts"]["remove"] == 1 and shown["changes"][0]["dn"] == former
    assert main(["directory", "sync"] + args) == 0  # no option: kept
    assert "0 of 0 change(s) applied" in capsys.readouterr().out
    assert main(["directory", "sync"] + args + ["--remove-after", "0"]) == 0
    out = capsys.readouterr().out
    assert "remove   %s" % former in out and "1 of 1 change(s) applied, 0 failed" in out
    assert entries(conn, layout.base_dn, "(employeeNumber=2)") == {}


def test_login_filter_finds_only_the_erps_employees(conn, layout):
    from ldap.filter import filter_format

    sync(conn, layout, PEOPLE)
    sync(conn, layout, PEOPLE[1:])  # Camille (a consumer) left; Hélène is the employee

    def login(key):
        found = conn.search_s(layout.people_dn, ldap.SCOPE_SUBTREE,
                              filter_format(layout.login_filter(), [key]), ["1.1"])
        return [dn for dn, _ in found]

    assert login("3") == [layout.person_dn("helene.le-gall")]
    assert login("2") == []  # a producer, not staff
    assert login("1") == []  # gone to ou=former, outside the login base anyway
    assert login("*") == []  # the key is escaped: no wildcard search
    # an employee who leaves can no longer log in
    sync(conn, layout, PEOPLE[1:2])
    assert login("3") == []
