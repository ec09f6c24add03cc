"""The Layout's choices that other parts read: the filter of who may log in (against a
real slapd in tests/ldap)."""
import pytest

from enercoop_core.directory.model import Layout


def test_login_filter_finds_the_erps_employees_by_key():
    layout = Layout(base_dn="dc=coop,dc=test")
    assert layout.login_filter() % "42" == (
        "(&(objectClass=inetOrgPerson)(employeeType=employee)"
        "(businessCategory=enercoop-erp)(employeeNumber=42))")


def test_login_filter_escapes_the_marker_and_keeps_one_placeholder():
    ldap_filter = pytest.importorskip("ldap.filter")
    layout = Layout(base_dn="dc=x", marker="erp*(a)\\100%", key_attr="uidNumber")
    # what auth_ldap does with the filter and the login it is given
    text = ldap_filter.filter_format(layout.login_filter(), ["4*2"])
    assert text == ("(&(objectClass=inetOrgPerson)(employeeType=employee)"
                    "(businessCategory=erp\\2a\\28a\\29\\5c100%)(uidNumber=4\\2a2))")

