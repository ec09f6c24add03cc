import pytest

from enercoop_core.directory.mapping import (
    assign_uids,
    group_entry,
    groups_for,
    partners_from_dicts,
    person_entry,
    slug,
    uid_base,
)
from enercoop_core.directory.model import Layout
from enercoop_core.errors import InputError

LAYOUT = Layout(base_dn="dc=coop,dc=test")


def partner(pid, first, last, roles=("consumer",), **extra):
    rec = {"id": pid, "name": "%s %s" % (first, last), "firstname": first,
           "lastname": last, "roles": list(roles)}
    rec.update(extra)
    return rec


def test_slug_and_uid_base():
    assert slug("Hélène d'Orée") == "helene-doree"
    assert slug("Œuvre  Bœuf") == "oeuvre-boeuf"
    assert uid_base("Jean-Pierre", "Le Gall", "x") == "jean-pierre.le-gall"
    assert uid_base(None, "SARL Soleil", "SARL Soleil") == "sarl.soleil"
    assert uid_base(None, "東京", "東京") == "user"


def test_partners_validation_names_record_and_field():
    with pytest.raises(InputError) as err:
        partners_from_dicts([partner(1, "A", "B", roles=["consumer", "boss"])], file="p.json")
    assert (err.value.file, err.value.record, err.value.field) == ("p.json", "1", "roles")
    assert "boss" in str(err.value)
    with pytest.raises(InputError) as err:
        partners_from_dicts([partner(1, "A", "B"), partner(1, "C", "D")])
    assert err.value.field == "id"
    with pytest.raises(InputError) as err:
        partners_from_dicts([partner(7, "A", "B", email="not-a-mail")])
    assert (err.value.record, err.value.field) == ("7", "email")
    with pytest.raises(InputError) as err:
        partners_from_dicts([{"id": 8, "roles": ["member"]}])
    assert (err.value.record, err.value.field) == ("8", "name")


def test_partners_without_role_or_inactive_are_left_out_and_roles_ordered():
    got = partners_from_dicts([
        partner(1, "A", "B", roles=["member", "consumer"]),
        partner(2, "C", "D", roles=[]),
        partner(3, "E", "F", active=False),
        {"id": 4, "name": "SARL Soleil", "roles": ["producer"], "email": False},
    ])
    assert [p.key for p in got] == ["1", "4"]
    assert got[0].roles == ("consumer", "member")
    assert (got[1].sn, got[1].given_name, got[1].mail) == ("SARL Soleil", None, None)


def test_collisions_get_numbers_in_key_order_whatever_the_input_order():
    ps = partners_from_dicts([partner(10, "Camille", "Martin"), partner(2, "Camille", "Martin"),
                              partner(3, "Camille", "Martin")])
    people = assign_uids(ps, owned={}, taken=[])
    assert [(p.key, p.uid) for p in people] == [
        ("2", "camille.martin"), ("3", "camille.martin2"), ("10", "camille.martin3")]


def test_existing_uid_is_kept_and_never_given_to_another_person():
    ps = partners_from_dicts([partner(1, "Camille", "Martin"), partner(2, "Camille", "Martin")])
    # partner 2 already holds camille.martin; a foreign entry holds camille.martin2
    people = assign_uids(ps, owned={"2": ["camille.martin"]},
                         taken=["camille.martin", "Camille.Martin2"])
    assert {p.key: p.uid for p in people} == {"1": "camille.martin3", "2": "camille.martin"}


def test_renamed_person_gets_new_uid_and_keeps_the_old_as_history():
    ps = partners_from_dicts([partner(5, "Camille", "Durand"), partner(6, "Camille", "Martin")])
    people = assign_uids(ps, owned={"5": ["camille.martin"]}, taken=["camille.martin"])
    by_key = {p.key: p for p in people}
    assert by_key["5"].uid == "camille.durand"
    assert by_key["5"].former_uids == ("camille.martin",)
    # the old uid stays taken: the other Camille Martin gets a number
    assert by_key["6"].uid == "camille.martin2"


def test_person_back_to_an_old_name_gets_its_old_uid_back():
    ps = partners_from_dicts([partner(5, "Camille", "Martin")])
    (p,) = assign_uids(ps, owned={"5": ["camille.durand", "camille.martin"]},
                       taken=["camille.durand", "camille.martin"])
    assert (p.uid, p.former_uids) == ("camille.martin", ("camille.durand",))


def test_person_entry_carries_marker_key_roles_and_no_password():
    (p,) = assign_uids(partners_from_dicts([partner(
        42, "Camille", "Martin", roles=["member", "consumer"], email="c@m.org",
        member_number="M0042", company="Enercoop Provence")]), {}, [])
    entry = person_entry(p, LAYOUT)
    assert entry.dn == "uid=camille.martin,ou=people,dc=coop,dc=test"
    assert entry.get("employeeNumber") == ("42",)
    assert entry.get("departmentNumber") == ("M0042",)
    assert entry.get("employeeType") == ("consumer", "member")
    assert entry.get("businessCategory") == ("enercoop-erp",)
    assert entry.get("o") == ("Enercoop Provence",)
    assert entry.get("userPassword") == ()
    assert entry.get("objectClass") == ("inetOrgPerson",)


def test_posix_numbers_follow_the_partner_id():
    layout = Layout(base_dn="dc=coop,dc=test", posix=True, posix_uid_base=100000)
    (p,) = assign_uids(partners_from_dicts([partner(42, "A", "B")]), {}, [], layout)
    entry = person_entry(p, layout)
    assert entry.get("uidNumber") == ("100042",)  # 100000 + 42
    assert entry.get("homeDirectory") == ("/home/a.b",)
    assert "posixAccount" in entry.get("objectClass")
    with pytest.raises(InputError) as err:
        assign_uids(partners_from_dicts([partner("abc", "A", "B")]), {}, [], layout)
    assert err.value.field == "id"


def test_groups_per_role_and_company_never_empty():
    people = assign_uids(partners_from_dicts([
        partner(1, "A", "B", roles=["consumer", "member"], company="Enercoop Provence"),
        partner(2, "C", "D", roles=["member"], company="Enercoop Provence"),
        partner(3, "E", "F", roles=["employee"]),
    ]), {}, [])
    groups = {g.cn: g.members for g in groups_for(people, LAYOUT)}
    assert groups == {"consumers": ("a.b",), "members": ("a.b", "c.d"),
                      "employees": ("e.f",), "coop-enercoop-provence": ("a.b", "c.d")}
    g = next(g for g in groups_for(people, LAYOUT) if g.cn == "members")
    entry = group_entry(g, LAYOUT)
    assert entry.dn == "cn=members,ou=groups,dc=coop,dc=test"
    assert entry.get("member") == ("uid=a.b,ou=people,dc=coop,dc=test",
                                   "uid=c.d,ou=people,dc=coop,dc=test")


def test_two_company_names_with_one_slug_are_refused():
    people = assign_uids(partners_from_dicts([
        partner(1, "A", "B", company="Enercoop Provence"),
        partner(2, "C", "D", company="Enercoop-Provence")]), {}, [])
    with pytest.raises(InputError) as err:
        groups_for(people, LAYOUT)
    assert (err.value.record, err.value.field) == ("2", "company")


def test_a_group_per_college():
    people = assign_uids(partners_from_dicts([
        partner(1, "A", "B", roles=["member"], college="Consommateurs"),
        partner(2, "C", "D", roles=["member"], college="Consommateurs"),
        partner(3, "E", "F", roles=["member", "producer"], college="Producteurs"),
        partner(4, "G", "H", roles=["consumer"]),
    ]), {}, [])
    groups = {g.cn: g for g in groups_for(people, LAYOUT)}
    assert groups["college-consommateurs"].members == ("a.b", "c.d")
    assert groups["college-consommateurs"].description == "College: Consommateurs"
    assert groups["college-producteurs"].members == ("e.f",)
    assert not [cn for cn in groups if cn.startswith("college-") and "g.h" in groups[cn].members]


def test_person_roles_take_the_organisations_and_the_registers_word():
    from enercoop_core.directory.mapping import person_roles

    # a producer's contact is a producer; an organisation's member or employee flag is not
    assert person_roles([], ["producer", "member", "employee"]) == ("producer",)
    assert person_roles(["consumer"], ["partner", "consumer"]) == ("consumer", "partner")
    # employee: an internal user, or the flag
    assert person_roles([], employee=True) == ("employee",)
    assert person_roles(["employee"]) == ("employee",)
    # member: the register decides when it knows the person, else the flag
    assert person_roles(["member"], member=False) == ()
    assert person_roles([], member=True) == ("member",)
    assert person_roles(["member"]) == ("member",)
    assert person_roles(["producer", "member", "consumer"], ["partner"], True, True) == (
        "consumer", "producer", "partner", "member", "employee")
    with pytest.raises(InputError, match="unknown roles boss"):
        person_roles(["boss"])
