import pytest

from enercoop_core.shares.errors import (
    AlreadyMemberError, InactiveMemberError, InvalidOperationError, MemberNumberReusedError)
from enercoop_core.shares.members import (
    LEGAL_ENTITY, Member, check_new_member_number, member_number_for, next_member_number)


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


def test_member_number_for_decides_every_number():
    # acting as a member: the current number, if active
    assert member_number_for(3, False, active=[1, 3], issued=[1, 2, 3]) == 3
    with pytest.raises(InactiveMemberError):
        member_number_for(2, False, active=[1, 3], issued=[1, 2, 3])  # left
    with pytest.raises(InactiveMemberError):
        member_number_for(0, False, active=[1, 3], issued=[1, 2, 3])  # never admitted
    # admitted: a number never issued, even for a returning member (2 left)
    assert member_number_for(0, True, active=[1, 3], issued=[1, 2, 3]) == 4
    assert member_number_for(2, True, active=[1, 3], issued=[1, 2, 3, 9]) == 10
    with pytest.raises(AlreadyMemberError) as info:
        member_number_for(3, True, active=[1, 3], issued=[1, 2, 3])
    assert info.value.member == 3 and info.value.rule == "already_member"


def test_ledger_member_number_for_counts_numbers_issued_elsewhere(statutes):
    from enercoop_core.shares.ledger import Ledger

    from .conftest import join
    ledger = Ledger(statutes, [join(1, 2), join(2, 2)])
    assert ledger.member_number_for(2, False) == 2
    assert ledger.member_number_for(0, True) == 3
    # a number the ERP recorded besides the ledger is never given again
    assert ledger.member_number_for(0, True, also_issued=[7]) == 8
    with pytest.raises(AlreadyMemberError):
        ledger.member_number_for(1, True)
