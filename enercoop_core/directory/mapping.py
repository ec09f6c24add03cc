"""From the ERP's partners (plain dicts) to the people and groups of the directory.

A partner dict (what the Odoo addon or a JSON export gives)::

    {"id": 42, "name": "Camille Martin", "firstname": "Camille", "lastname": "Martin",
     "email": "camille.martin@example.org", "member_number": "M0042",
     "roles": ["consumer", "member"], "company": "Enercoop Provence",
     "college": "Consumers", "active": true}

``id`` and ``name`` (or ``lastname``) are required; a partner with no role or with
``"active": false`` has no place in the directory (if it had an entry, the entry moves to
``ou=former``). Roles: consumer, producer, partner, member, employee. ``college`` (optional):
the member's college in the cooperative, which gives a group ``college-<slug>``.

Uids (logins) are ``first.last`` in lowercase ASCII (accents dropped, other characters
turned into ``-``), ``last`` alone or the words of the name for a partner without first
name; on collision a number is appended (``camille.martin2``). A uid is never given to
another person: every uid found anywhere under the base DN (former people and entries the
ERP does not own included) is taken, and a renamed person keeps its old uids as extra
values. A person keeps its uid while its name gives the same base; when the name changes,
the person gets a new uid (the entry is renamed).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from enercoop_core.directory.model import (
    ROLE_GROUPS,
    ROLES,
    Entry,
    Group,
    Layout,
    Person,
)
from enercoop_core.errors import InputError

_LIGATURES = {ord("œ"): "oe", ord("Œ"): "OE", ord("æ"): "ae", ord("Æ"): "AE",
              ord("ß"): "ss", ord("ø"): "o", ord("Ø"): "O", ord("ł"): "l", ord("Ł"): "L",
              ord("đ"): "d", ord("Đ"): "D"}
_MAX_UID = 64
_MAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


#: The roles a person takes from the organisation it is a contact of (a producer's
#: contact is a producer in the directory; an organisation itself gets no entry).
INHERITED_ROLES = ("consumer", "producer", "partner")


def person_roles(own: Iterable[str], organisation: Iterable[str] = (),
                 employee: bool = False, member: Optional[bool] = None) -> Tuple[str, ...]:
    """A person's roles in the directory, in :data:`ROLES` order: its own role flags
    (``own``), the :data:`INHERITED_ROLES` of its organisation's flags
    (``organisation``), ``employee`` when it has an internal user (``employee``) or its
    own flag, and ``member`` as the share register says (``member``: True or False when
    the register knows the person, whatever the flag; None: its own flag)."""
    own, organisation = set(own), set(organisation)
    unknown = sorted((own | organisation) - set(ROLES))
    if unknown:
        raise InputError("unknown roles %s (expected %s)" % (", ".join(map(str, unknown)),
                                                             ", ".join(ROLES)), field="roles")
    roles = (own - {"member"}) | (organisation & set(INHERITED_ROLES))
    if employee:
        roles.add("employee")
    if ("member" in own) if member is None else member:
        roles.add("member")
    return tuple(role for role in ROLES if role in roles)


@dataclass(frozen=True)
class Partner:
    """A validated partner, before it gets a uid."""

    key: str
    cn: str
    sn: str
    given_name: Optional[str]
    mail: Optional[str]
    member_number: Optional[str]
    roles: Tuple[str, ...]
    company: Optional[str]
    college: Optional[str] = None

    @property
    def uid_base(self) -> str:
        return uid_base(self.given_name, self.sn, self.cn)


def slug(text: str) -> str:
    """Lowercase ASCII letters, digits and single dashes: ``"Hélène d'Orée"`` ->
    ``"helene-doree"``."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def uid_base(given_name: Optional[str], sn: str, cn: str) -> str:
    """The uid a person would get without collision (see the module docstring)."""
    if given_name and slug(given_name) and slug(sn):
        base = "%s.%s" % (slug(given_name), slug(sn))
    else:
        base = ".".join(w for w in (slug(word) for word in (cn or sn).split()) if w)
    return (base or "user")[:_MAX_UID].strip(".-") or "user"


def _text(record: Mapping[str, Any], name: str, key: str) -> Optional[str]:
    value = record.get(name)
    if value is None or value is False:  # Odoo gives False for an empty field
        return None
    if not isinstance(value, (str, int)):
        raise InputError("expected text, got %r" % (value,), record=key, field=name)
    value = str(value).strip()
    return value or None


def partners_from_dicts(records: Iterable[Mapping[str, Any]],
                        file: Optional[str] = None) -> List[Partner]:
    """Validate the ERP's partner dicts; keep those that belong in the directory
    (active, at least one role). Raises InputError naming the record and the field."""
    seen = set()
    out = []
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise InputError("a partner must be an object", file=file, record=str(index))
        raw_id = record.get("id")
        if raw_id is None or raw_id is False or isinstance(raw_id, bool) \
                or not str(raw_id).strip():
            raise InputError("missing partner id", file=file, record="#%d" % index,
                             field="id")
        key = str(raw_id).strip()
        if key in seen:
            raise InputError("partner id given twice", file=file, record=key, field="id")
        seen.add(key)
        try:
            roles_raw = record.get("roles") or []
            if isinstance(roles_raw, str) or not isinstance(roles_raw, (list, tuple)):
                raise InputError("roles must be a list", record=key, field="roles")
            unknown = sorted(set(roles_raw) - set(ROLES))
            if unknown:
                raise InputError("unknown role(s) %s (known: %s)" % (
                    ", ".join(map(str, unknown)), ", ".join(ROLES)), record=key,
                    field="roles")
            roles = tuple(r for r in ROLES if r in roles_raw)
            active = record.get("active", True)
            if not roles or active is False:
                continue
            given = _text(record, "firstname", key)
            last = _text(record, "lastname", key)
            name = _text(record, "name", key)
            if not (name or last):
                raise InputError("a partner needs a name or a lastname", record=key,
                                 field="name")
            cn = name or " ".join(p for p in (given, last) if p)
            mail = _text(record, "email", key)
            if mail and not _MAIL.match(mail):
                raise InputError("not an e-mail address: %r" % mail, record=key,
                                 field="email")
            out.append(Partner(
                key=key, cn=cn, sn=last or cn, given_name=given if last else None,
                mail=mail, member_number=_text(record, "member_number", key),
                roles=roles, company=_text(record, "company", key),
                college=_text(record, "college", key)))
        except InputError as exc:
            if exc.file is None and file is not None:
                exc.file = file
                exc.args = (str(exc),)
            raise
    return out


def _sort_key(key: str):
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def _numbered(base: str, n: int) -> str:
    sep = "-" if base[-1:].isdigit() else ""
    return "%s%s%d" % (base, sep, n)


def _fits_base(uid: str, base: str) -> bool:
    """True when ``uid`` is ``base`` or ``base`` with a collision number."""
    uid, base = uid.lower(), base.lower()
    if uid == base:
        return True
    if not uid.startswith(base):
        return False
    rest = uid[len(base):]
    if base[-1:].isdigit():
        return rest.startswith("-") and rest[1:].isdigit()
    return rest.isdigit()


def assign_uids(partners: Sequence[Partner], owned: Mapping[str, Sequence[str]],
                taken: Iterable[str], layout: Optional[Layout] = None) -> List[Person]:
    """Give every partner its uid.

    ``owned``: partner key -> the uid values of its existing entry (the RDN's first);
    ``taken``: every uid present under the base DN. Returns the people in key order.
    """
    reserved = {u.lower() for u in taken}
    for values in owned.values():
        reserved.update(v.lower() for v in values)
    assigned: Set[str] = set()
    people = []
    for partner in sorted(partners, key=lambda p: _sort_key(p.key)):
        own = list(owned.get(partner.key, ()))
        own_low = {v.lower() for v in own}
        base = partner.uid_base
        if own and _fits_base(own[0], base) and own[0].lower() not in assigned:
            uid = own[0]
        else:
            n = 1
            uid = base
            while uid.lower() in assigned or (uid.lower() in reserved
                                              and uid.lower() not in own_low):
                n += 1
                uid = _numbered(base, n)
        assigned.add(uid.lower())
        former = tuple(v for v in own if v.lower() != uid.lower())
        uid_number = None
        if layout is not None and layout.posix:
            if not partner.key.isdigit():
                raise InputError("POSIX accounts need a numeric partner id",
                                 record=partner.key, field="id")
            uid_number = layout.posix_uid_base + int(partner.key)
        people.append(Person(
            key=partner.key, uid=uid, cn=partner.cn, sn=partner.sn,
            given_name=partner.given_name, mail=partner.mail,
            member_number=partner.member_number, roles=partner.roles,
            company=partner.company, former_uids=former, uid_number=uid_number,
            college=partner.college))
    return people


def groups_for(people: Sequence[Person], layout: Layout) -> List[Group]:
    """One group per role, one per company and one per college, each with at least one
    member (an empty groupOfNames is not valid LDAP: a group whose last member goes is
    deleted)."""
    members: Dict[str, List[str]] = {}
    descriptions: Dict[str, str] = {}
    for role in ROLES:
        descriptions[ROLE_GROUPS[role]] = "ERP role: %s" % role
    for person in people:
        for role in person.roles:
            members.setdefault(ROLE_GROUPS[role], []).append(person.uid)
        for value, prefix, label, name in (
                (person.company, layout.company_group_prefix, "Regional cooperative",
                 "company"),
                (person.college, layout.college_group_prefix, "College", "college")):
            if not value:
                continue
            cn = prefix + (slug(value) or name)
            if cn in ROLE_GROUPS.values():
                raise InputError("%s group %r clashes with a role group" % (name, cn),
                                 record=person.key, field=name)
            known = descriptions.get(cn)
            text = "%s: %s" % (label, value)
            if known is not None and known != text:
                raise InputError("%r and %r give the same group %r" % (
                    known.split(": ", 1)[1], value, cn), record=person.key, field=name)
            descriptions[cn] = text
            members.setdefault(cn, []).append(person.uid)
    return [Group(cn, descriptions[cn], tuple(sorted(uids)))
            for cn, uids in sorted(members.items())]


def person_entry(person: Person, layout: Layout) -> Entry:
    """The entry of a person under ``ou=people`` (no password, ever)."""
    attrs: Dict[str, Tuple[str, ...]] = {
        "objectClass": ("inetOrgPerson",) + (("posixAccount",) if layout.posix else ()),
        "uid": (person.uid,) + person.former_uids,
        "cn": (person.cn,),
        "sn": (person.sn,),
        "givenName": (person.given_name,) if person.given_name else (),
        "displayName": (person.cn,),
        "mail": (person.mail,) if person.mail else (),
        layout.key_attr: (person.key,),
        layout.member_number_attr: (person.member_number,) if person.member_number else (),
        "employeeType": person.roles,
        "o": (person.company,) if person.company else (),
        layout.marker_attr: (layout.marker,),
    }
    if layout.posix:
        attrs["uidNumber"] = (str(person.uid_number),)
        attrs["gidNumber"] = (str(layout.posix_gid),)
        attrs["homeDirectory"] = ("/home/%s" % person.uid,)
    return Entry(layout.person_dn(person.uid), {k: v for k, v in attrs.items() if v})


def group_entry(group: Group, layout: Layout) -> Entry:
    return Entry(layout.group_dn(group.cn), {
        "objectClass": ("groupOfNames",),
        "cn": (group.cn,),
        "description": (group.description,),
        "member": tuple(layout.person_dn(uid) for uid in group.members),
        layout.marker_attr: (layout.marker,),
    })
