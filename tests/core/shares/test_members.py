import pytest

from enercoop_core.shares.errors import InvalidOperationError, MemberNumberReusedError
from enercoop_core.shares.members import (
    LEGAL_ENTITY, Member, check_new_member_number, next_member_number)


def test_next_number_is_above_every_issued_number():
    assert next_member_number([]) == 1
    assert next_member_number([], first=1000) == 1000
    # gaps left by former members are not filled
    assert next_member_number([1, 2, 7]) == 8


def test_issued_number_is_refused():
    check_new_member_number(4, [1, 2, 3])
    with pytest.raises(MemberNumberReusedError) as info:
        check_new_member_number(2, [1, 2, 3])
    assert info.value.member == 2 and "next free number: 4" in str(info.value)


def test_person_and_legal_entity():
    assert Member(1, "Alice").kind == "person"
    entity = Member(2, "Commune de Saint-Martin", LEGAL_ENTITY, "Maire")
    assert entity.representative == "Maire"
    with pytest.raises(InvalidOperationError) as info:
        Member(3, "SARL Soleil", LEGAL_ENTITY)
    assert info.value.rule == "legal_entity_representative"
    with pytest.raises(InvalidOperationError):
        Member(4, "Bob", "person", "Someone")
    with pytest.raises(InvalidOperationError):
        Member(0, "Zero")
    with pytest.raises(InvalidOperationError):
        Member(5, " ")
    with pytest.raises(InvalidOperationError):
        Member(6, "Robot", "robot")
