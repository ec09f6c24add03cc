import pytest
from hypothesis import given
from hypothesis import strategies as st

from enercoop_core.directory.dn import (
    escape_value,
    is_under,
    normalize_dn,
    parent_dn,
    rdn,
    same_dn,
    split_dn,
)
from enercoop_core.errors import InputError


def test_escape_specials_and_edges():
    assert escape_value('a,b+c"d\\e<f>g;h=i') == 'a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\=i'
    assert escape_value(" #x ") == "\\ #x\\ "
    assert escape_value("#x") == "\\#x"
    assert escape_value("a#b") == "a#b"


def test_split_handles_escapes_hex_and_multivalued_rdn():
    assert split_dn("uid=a\\,b+cn=X , ou=people,dc=coop") == [
        [("uid", "a,b"), ("cn", "X")], [("ou", "people")], [("dc", "coop")]]
    # \C3\A9 is "é" in UTF-8; an escaped trailing space survives
    assert split_dn("cn=\\C3\\A9t\\20,dc=x") == [[("cn", "ét ")], [("dc", "x")]]


def test_split_rejects_non_dn():
    with pytest.raises(InputError):
        split_dn("people,dc=coop")
    with pytest.raises(InputError):
        split_dn("cn=a\\")


def test_normalize_compares_case_and_spacing_insensitively():
    assert same_dn("UID=Camille.Martin, OU=People,dc=Coop", "uid=camille.martin,ou=people,dc=coop")
    assert not same_dn("uid=a,ou=people,dc=coop", "uid=a,ou=former,dc=coop")
    assert normalize_dn("cn=B+uid=a,dc=x") == normalize_dn("uid=A+cn=b,dc=x")


def test_parent_and_is_under():
    assert parent_dn("uid=a\\,b,ou=people,dc=coop") == "ou=people,dc=coop"
    assert is_under("uid=a,ou=people,dc=coop", "dc=coop")
    assert not is_under("dc=coop", "dc=coop")
    assert not is_under("uid=a,dc=coop2", "dc=coop")


@given(st.text(min_size=1, max_size=30).filter(lambda s: "\0" not in s))
def test_escape_then_split_round_trips(value):
    assert split_dn("%s,ou=people,dc=coop" % rdn("cn", value))[0] == [("cn", value)]
