"""Plain records of the directory: the people and groups the ERP wants, the LDAP entries
they become, and the ``Layout`` that says where and how they are written.

Attribute choices (standard schemas only: core, cosine, inetorgperson, nis):

- ``uid``: login, RDN of a person; earlier uids stay as extra values (never reused);
- ``employeeNumber``: the ERP's stable key of the partner: how an entry is matched;
- ``departmentNumber``: the cooperative member number (no standard attribute fits better;
  see ``Layout.member_number_attr``);
- ``employeeType``: the roles (consumer, producer, partner, member, employee);
- ``o``: the regional cooperative (company) the person belongs to;
- ``businessCategory``: the ownership marker: the sync only ever changes, moves or deletes
  entries that carry it; everything else in the tree is left as it is;
- ``userPassword``: never written by the sync; users set it through LDAP.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Tuple

from enercoop_core.directory.dn import join_dn, rdn

ROLES = ("consumer", "producer", "partner", "member", "employee")

# cn of the group of each role
ROLE_GROUPS = {
    "consumer": "consumers",
    "producer": "producers",
    "partner": "partners",
    "member": "members",
    "employee": "employees",
}


@dataclass(frozen=True)
class Person:
    """One partner of the ERP as a directory person.

    ``key`` is the ERP's stable identifier (partner id, as text); ``uid`` the login;
    ``former_uids`` the logins it had before (kept on the entry, never given to anyone
    else); ``uid_number`` the POSIX uid when the layout asks for posixAccount.
    """

    key: str
    uid: str
    cn: str
    sn: str
    given_name: Optional[str] = None
    mail: Optional[str] = None
    member_number: Optional[str] = None
    roles: Tuple[str, ...] = ()
    company: Optional[str] = None
    former_uids: Tuple[str, ...] = ()
    uid_number: Optional[int] = None
    college: Optional[str] = None


@dataclass(frozen=True)
class Group:
    """A groupOfNames: ``cn``, a human description, and the uids of its members."""

    cn: str
    description: str
    members: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """An LDAP entry as plain text: DN and attributes (name -> values, in order)."""

    dn: str
    attrs: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)

    def get(self, name: str) -> Tuple[str, ...]:
        """Values of an attribute, its name matched case-insensitively."""
        low = name.lower()
        for key, values in self.attrs.items():
            if key.lower() == low:
                return tuple(values)
        return ()

    def first(self, name: str) -> Optional[str]:
        values = self.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Layout:
    """Where the ERP's part of the tree lives and which attributes carry what.

    ``base_dn`` holds three organizational units: ``people_ou`` (current people),
    ``groups_ou`` (one group per role, per company and per college), ``former_ou`` (people
    who left: moved there, deleted only under a removal policy, see :mod:`.removal`).
    ``marker`` is the ``businessCategory`` value that marks
    an entry as the ERP's. POSIX accounts (``posix=True``) get ``uidNumber =
    posix_uid_base + partner id``, ``gidNumber = posix_gid`` and ``/home/<uid>``.
    """

    base_dn: str
    people_ou: str = "people"
    groups_ou: str = "groups"
    former_ou: str = "former"
    marker: str = "enercoop-erp"
    marker_attr: str = "businessCategory"
    key_attr: str = "employeeNumber"
    member_number_attr: str = "departmentNumber"
    company_group_prefix: str = "coop-"
    college_group_prefix: str = "college-"
    posix: bool = False
    posix_uid_base: int = 100000
    posix_gid: int = 100000

    @property
    def people_dn(self) -> str:
        return join_dn(rdn("ou", self.people_ou), self.base_dn)

    @property
    def groups_dn(self) -> str:
        return join_dn(rdn("ou", self.groups_ou), self.base_dn)

    @property
    def former_dn(self) -> str:
        return join_dn(rdn("ou", self.former_ou), self.base_dn)

    def person_dn(self, uid: str, former: bool = False) -> str:
        return join_dn(rdn("uid", uid), self.former_dn if former else self.people_dn)

    def group_dn(self, cn: str) -> str:
        return join_dn(rdn("cn", cn), self.groups_dn)

    def person_attrs(self) -> Tuple[str, ...]:
        """The attributes of a person the ERP manages (objectClass only ever grows)."""
        attrs = ("uid", "cn", "sn", "givenName", "displayName", "mail", self.key_attr,
                 self.member_number_attr, "employeeType", "o", self.marker_attr)
        if self.posix:
            attrs += ("uidNumber", "gidNumber", "homeDirectory")
        return attrs

    def group_attrs(self) -> Tuple[str, ...]:
        return ("cn", "description", "member", self.marker_attr)

    def login_filter(self) -> str:
        """The search filter of the people who may log into the ERP with their directory
        password (Odoo's auth_ldap ``ldap_filter``, searched below ``people_dn``): the
        ERP's own entries of employees, found by the ERP's key. ``%s`` stands for the key
        (the caller escapes it, as python-ldap's ``filter_format`` does); a ``%`` of the
        marker is doubled."""
        return "(&(objectClass=inetOrgPerson)(employeeType=employee)(%s=%s)(%s=%%s))" % (
            self.marker_attr, _filter_value(self.marker).replace("%", "%%"), self.key_attr)


def _filter_value(value: str) -> str:
    """A value escaped for an LDAP search filter (RFC 4515: ``*``, ``(``, ``)``, ``\\``,
    NUL as ``\\hh``)."""
    return "".join("\\%02x" % ord(c) if c in "*()\\\0" else c for c in value)


def ou_entries(layout: Layout) -> Dict[str, Entry]:
    """The three organizational units, by DN."""
    return {dn: Entry(dn, {"objectClass": ("organizationalUnit",), "ou": (name,)})
            for dn, name in ((layout.people_dn, layout.people_ou),
                             (layout.groups_dn, layout.groups_ou),
                             (layout.former_dn, layout.former_ou))}
