"""Desired entries vs. the directory's entries -> a plan; read and apply it with
python-ldap.

The plan (:func:`compute_plan`, pure) holds, in the order they are applied:

1. ``add`` of the organizational units that are missing (people, groups, former);
2. ``rename`` of people whose uid changed, or who come back from ``ou=former``
   (modrdn keeping the old uid as a value: a uid is never given to someone else);
3. ``add`` of new people, then ``modify`` of the people whose managed attributes differ
   (only the attributes the ERP manages: a telephone number or a password set by the
   user stays; objectClass values are only ever added);
4. ``disable``: people who left (no more role, inactive, gone from the ERP) move to
   ``ou=former`` with their uid; they leave every group;
5. groups: ``add``, ``modify`` (member list replaced as a whole), ``delete`` of an ERP
   group that lost its last member;
6. ``remove``: under a removal policy (:mod:`.removal`), the deletes of the people who
   have sat unchanged in ``ou=former`` long enough (the ERP does not list them again).

Only entries carrying the ownership marker (``businessCategory: enercoop-erp`` by
default) are ever changed, moved or deleted; a desired DN already held by an entry the
ERP does not own is a *conflict*: reported, never overwritten. Applying a plan and
computing the plan again gives an empty plan. ``userPassword`` is never read nor written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from enercoop_core.directory.dn import (
    first_rdn,
    is_under,
    normalize_dn,
    parent_dn,
    rdn,
    same_dn,
)
from enercoop_core.directory.errors import DirectoryError, require_ldap
from enercoop_core.directory.mapping import (
    Partner,
    assign_uids,
    group_entry,
    groups_for,
    person_entry,
)
from enercoop_core.directory.model import Entry, Layout, ou_entries
from enercoop_core.directory.removal import RemovalPolicy, generalized_time, removal_due
from enercoop_core.errors import InputError


#: The kinds of change of a plan, in the order the counts list them.
KINDS = ("add", "modify", "rename", "disable", "delete", "remove")


@dataclass(frozen=True)
class Modification:
    """One change of one attribute: ``op`` is ``add``, ``delete`` or ``replace``;
    ``delete`` with no values removes the attribute."""

    op: str
    attr: str
    values: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """One LDAP operation of a plan.

    ``kind``: ``add`` (``attrs``), ``modify`` (``mods``), ``rename`` and ``disable``
    (``dn`` -> ``new_dn``), ``delete`` (a group), ``remove`` (a person deleted by the
    removal policy). ``note`` says why, for people reading the plan.
    """

    kind: str
    dn: str
    new_dn: Optional[str] = None
    attrs: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    mods: Tuple[Modification, ...] = ()
    note: str = ""

    def describe(self) -> List[str]:
        """Human-readable lines (no password ever appears: the sync writes none)."""
        head = {"add": "add", "modify": "modify", "rename": "rename",
                "disable": "disable", "delete": "delete", "remove": "remove"}[self.kind]
        if self.new_dn:
            lines = ["%-8s %s -> %s" % (head, self.dn, self.new_dn)]
        else:
            lines = ["%-8s %s" % (head, self.dn)]
        if self.note:
            lines[0] += "  (%s)" % self.note
        for name, values in self.attrs.items():
            for value in values:
                lines.append("           %s: %s" % (name, value))
        for mod in self.mods:
            sign = {"add": "+", "delete": "-", "replace": "="}[mod.op]
            if not mod.values:
                lines.append("         %s %s" % (sign, mod.attr))
            for value in mod.values:
                lines.append("         %s %s: %s" % (sign, mod.attr, value))
        return lines


@dataclass(frozen=True)
class Plan:
    """The changes that bring the directory to the ERP's state, and the conflicts (texts
    naming a DN) that the sync will not resolve by itself."""

    changes: Tuple[Change, ...] = ()
    conflicts: Tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes

    def counts(self) -> Dict[str, int]:
        out = {k: 0 for k in KINDS}
        for change in self.changes:
            out[change.kind] += 1
        return out

    def describe(self) -> str:
        lines = []
        for change in self.changes:
            lines.extend(change.describe())
        for conflict in self.conflicts:
            lines.append("CONFLICT %s" % conflict)
        counts = self.counts()
        lines.append("%d change(s): %s; %d conflict(s)" % (
            len(self.changes), ", ".join("%d %s" % (n, k) for k, n in counts.items()),
            len(self.conflicts)))
        return "\n".join(lines)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "changes": [{"kind": c.kind, "dn": c.dn, "new_dn": c.new_dn,
                         "attrs": {k: list(v) for k, v in c.attrs.items()},
                         "mods": [{"op": m.op, "attr": m.attr, "values": list(m.values)}
                                  for m in c.mods],
                         "note": c.note} for c in self.changes],
            "conflicts": list(self.conflicts),
            "counts": self.counts(),
        }


@dataclass(frozen=True)
class Snapshot:
    """What the sync needs from the directory.

    ``owned``: entries under the base carrying the marker, with their managed attributes
    and ``modifyTimestamp`` (when the server keeps it: the removal policy reads it);
    ``uids``: every uid value under the base (taken logins); ``dns``: normalised DNs of
    the base's children and of the children of the three organizational units.
    """

    owned: Tuple[Entry, ...] = ()
    uids: Tuple[str, ...] = ()
    dns: frozenset = frozenset()


def _lower_set(values: Iterable[str]) -> set:
    return {v.lower() for v in values}


def _diff(current: Entry, wanted: Entry, managed: Sequence[str]) -> Tuple[Modification, ...]:
    mods = []
    have_oc = _lower_set(current.get("objectClass"))
    missing = tuple(oc for oc in wanted.get("objectClass") if oc.lower() not in have_oc)
    if missing:
        mods.append(Modification("add", "objectClass", missing))
    for attr in managed:
        want = wanted.get(attr)
        have = current.get(attr)
        if attr.lower() == "member":
            differs = {normalize_dn(v) for v in want} != {normalize_dn(v) for v in have}
        else:
            differs = set(want) != set(have)
        if not differs:
            continue
        if want:
            mods.append(Modification("replace", attr, want))
        else:
            mods.append(Modification("delete", attr))
    return tuple(mods)


def _is_person(entry: Entry) -> bool:
    return "inetorgperson" in _lower_set(entry.get("objectClass"))


def _is_group(entry: Entry) -> bool:
    return "groupofnames" in _lower_set(entry.get("objectClass"))


def compute_plan(partners: Sequence[Partner], snapshot: Snapshot, layout: Layout,
                 removal: Optional[RemovalPolicy] = None) -> Plan:
    """The plan that makes the directory hold exactly the ERP's people and groups.

    In order: the organizational units missing, then the people (renames, adds, modifies),
    the people who left (moved under ``former_dn``), the groups, and the removals of
    ``removal`` (default: none, the people who left stay in ``former_dn``). What the plan
    must not touch (an entry that is not the ERP's, a DN taken) or cannot decide (an entry
    of ``former_dn`` without a readable ``modifyTimestamp``) is listed in ``Plan.conflicts``.
    """
    conflicts: List[str] = []
    dns = set(snapshot.dns)
    by_key = _owned_people(snapshot, layout, conflicts)
    people = assign_uids(partners, _owned_uids(by_key), snapshot.uids, layout)
    changes = _unit_changes(layout, dns)
    changes += _people_changes(people, by_key, layout, dns, conflicts)
    wanted = {p.key for p in people}
    changes += _departure_changes(wanted, by_key, layout, dns, conflicts)
    changes += _group_changes(people, snapshot, layout, dns, conflicts)
    if removal is not None and removal.removes:
        changes += _removal_changes(wanted, by_key, layout, removal, conflicts)
    return Plan(tuple(changes), tuple(conflicts))


def _unit_changes(layout: Layout, dns: Set[str]) -> List[Change]:
    """The organizational units of the layout that the directory lacks."""
    return [Change("add", dn, attrs=entry.attrs, note="organizational unit")
            for dn, entry in ou_entries(layout).items() if normalize_dn(dn) not in dns]


def _owned_people(snapshot: Snapshot, layout: Layout, conflicts: List[str]) -> Dict[str, Entry]:
    """The ERP's person entries by stable key (an entry without key goes to `conflicts`)."""
    by_key: Dict[str, Entry] = {}
    for entry in snapshot.owned:
        if not _is_person(entry):
            continue
        key = entry.first(layout.key_attr)
        if key is None:
            conflicts.append("%s carries the ERP marker but no %s: left as it is"
                             % (entry.dn, layout.key_attr))
            continue
        if key in by_key:
            raise DirectoryError("partner %s has two entries (the other is %s)"
                                 % (key, by_key[key].dn), dn=entry.dn,
                                 attribute=layout.key_attr)
        by_key[key] = entry
    return by_key


def _owned_uids(by_key: Dict[str, Entry]) -> Dict[str, List[str]]:
    """The uids each owned person holds, the one of its RDN first."""
    owned_uids = {}
    for key, entry in by_key.items():
        rdn_uid = [v for t, v in first_rdn(entry.dn) if t.lower() == "uid"]
        rest = [v for v in entry.get("uid") if v.lower() not in _lower_set(rdn_uid)]
        owned_uids[key] = rdn_uid + rest
    return owned_uids


def _people_changes(people, by_key: Dict[str, Entry], layout: Layout, dns: Set[str],
                    conflicts: List[str]) -> List[Change]:
    """Renames, then adds, then modifies that bring each person's entry to the ERP's."""
    renames, adds, modifies = [], [], []
    for person in people:
        wanted = person_entry(person, layout)
        current = by_key.get(person.key)
        if current is None:
            if normalize_dn(wanted.dn) in dns:
                conflicts.append("%s exists and is not the ERP's: partner %s not added"
                                 % (wanted.dn, person.key))
                continue
            adds.append(Change("add", wanted.dn, attrs=wanted.attrs,
                               note="partner %s" % person.key))
            continue
        if not same_dn(current.dn, wanted.dn):
            back = same_dn(parent_dn(current.dn), layout.former_dn)
            renames.append(Change("rename", current.dn, new_dn=wanted.dn, note=(
                "partner %s is back" % person.key) if back else
                "partner %s renamed" % person.key))
        mods = _diff(current, wanted, layout.person_attrs())
        if mods:
            modifies.append(Change("modify", wanted.dn, mods=mods,
                                   note="partner %s" % person.key))
    return renames + adds + modifies


def _departure_changes(wanted_keys: Set[str], by_key: Dict[str, Entry], layout: Layout,
                       dns: Set[str], conflicts: List[str]) -> List[Change]:
    """The owned people the ERP no longer lists, moved (disabled) under ``former_dn``."""
    changes = []
    for key, entry in sorted(by_key.items()):
        if key in wanted_keys or same_dn(parent_dn(entry.dn), layout.former_dn):
            continue
        target = ",".join([rdn(t, v) for t, v in first_rdn(entry.dn)][:1]
                          + [layout.former_dn])
        if normalize_dn(target) in dns:
            conflicts.append("%s cannot move to %s: that DN is taken" % (entry.dn, target))
            continue
        changes.append(Change("disable", entry.dn, new_dn=target,
                              note="partner %s left" % key))
    return changes


def _removal_changes(wanted_keys: Set[str], by_key: Dict[str, Entry], layout: Layout,
                     removal: RemovalPolicy, conflicts: List[str]) -> List[Change]:
    """The people of ``former_dn`` the ERP no longer lists whose entry has been unchanged
    for ``removal.days`` days or more at ``removal.now``; the ones the ERP lists again are
    moved back by the plan, never removed."""
    changes = []
    for key, entry in sorted(by_key.items()):
        if key in wanted_keys or not same_dn(parent_dn(entry.dn), layout.former_dn):
            continue
        stamp = entry.first("modifyTimestamp")
        if stamp is None:
            conflicts.append("%s has no modifyTimestamp: the removal delay cannot be "
                             "counted, entry kept" % entry.dn)
            continue
        try:
            due = removal_due(stamp, removal)
        except InputError as exc:
            conflicts.append("%s: modifyTimestamp: %s (entry kept)" % (entry.dn, exc.message))
            continue
        if due:
            since = generalized_time(stamp).strftime("%Y-%m-%d %H:%M:%S UTC")
            changes.append(Change("remove", entry.dn, note=(
                "partner %s left: in %s unchanged since %s, %d day(s) or more"
                % (key, layout.former_ou, since, removal.days))))
    return changes


def _group_changes(people, snapshot: Snapshot, layout: Layout, dns: Set[str],
                   conflicts: List[str]) -> List[Change]:
    """Adds and modifies of the groups the people make, deletes of the empty ones."""
    owned_groups = {normalize_dn(e.dn): e for e in snapshot.owned
                    if _is_group(e) and same_dn(parent_dn(e.dn), layout.groups_dn)}
    wanted_groups = set()
    changes = []
    for group in groups_for(people, layout):
        wanted = group_entry(group, layout)
        norm = normalize_dn(wanted.dn)
        wanted_groups.add(norm)
        current = owned_groups.get(norm)
        if current is None:
            if norm in dns:
                conflicts.append("%s exists and is not the ERP's: group left as it is"
                                 % wanted.dn)
                continue
            changes.append(Change("add", wanted.dn, attrs=wanted.attrs, note="group"))
            continue
        mods = _diff(current, wanted, layout.group_attrs())
        if mods:
            have = {normalize_dn(v) for v in current.get("member")}
            want = {normalize_dn(v) for v in wanted.get("member")}
            note = "group: %d member(s) in, %d out" % (len(want - have), len(have - want))
            changes.append(Change("modify", wanted.dn, mods=mods, note=note))
    for norm, entry in sorted(owned_groups.items()):
        if norm not in wanted_groups:
            changes.append(Change("delete", entry.dn, note="group without members"))
    return changes


# ----------------------------------------------------------------- python-ldap side

@dataclass
class ApplyResult:
    """How many changes were applied and the errors (each names the DN and attribute)."""

    applied: int = 0
    errors: List[DirectoryError] = field(default_factory=list)


def connect(uri: str, bind_dn: Optional[str] = None, password: Optional[str] = None,
            timeout: float = 10.0, start_tls: bool = False):
    """An LDAPv3 connection bound as ``bind_dn`` (simple bind), or with SASL EXTERNAL on
    an ``ldapi://`` URI when no bind DN is given. ``start_tls``: StartTLS before the bind
    (an ``ldaps://`` URI is TLS from the start); ``timeout`` in seconds."""
    ldap = require_ldap()
    try:
        conn = ldap.initialize(uri)
        conn.protocol_version = 3
        conn.set_option(ldap.OPT_REFERRALS, 0)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, timeout)
        conn.set_option(ldap.OPT_TIMEOUT, timeout)
        if start_tls:
            conn.start_tls_s()
        if bind_dn:
            conn.simple_bind_s(bind_dn, password or "")
        elif uri.startswith("ldapi://"):
            conn.sasl_external_bind_s()
        else:
            raise DirectoryError("a bind DN is needed for %s" % uri)
    except ldap.INVALID_CREDENTIALS as exc:
        raise DirectoryError("invalid credentials for %s" % uri, dn=bind_dn) from exc
    except ldap.SERVER_DOWN as exc:
        raise DirectoryError("cannot reach the LDAP server at %s" % uri) from exc
    except ldap.LDAPError as exc:
        raise DirectoryError("bind on %s failed: %s" % (uri, _ldap_message(exc)),
                             dn=bind_dn) from exc
    return conn


def _ldap_message(exc) -> str:
    info = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
    parts = [info.get("desc"), info.get("info")]
    return ": ".join(str(p) for p in parts if p) or str(exc)


def _decode(attrs: Mapping[str, List[bytes]]) -> Dict[str, Tuple[str, ...]]:
    return {name: tuple(v.decode("utf-8", "replace") for v in values)
            for name, values in attrs.items()}


def _search(conn, base: str, scope, filterstr: str, attrlist: List[str],
            page_size: int = 500) -> List[Entry]:
    """Search with the simple paged results control (large consumer bases)."""
    require_ldap()
    from ldap.controls import SimplePagedResultsControl

    control = SimplePagedResultsControl(True, size=page_size, cookie="")
    out = []
    while True:
        msgid = conn.search_ext(base, scope, filterstr, attrlist, serverctrls=[control])
        _, data, _, ctrls = conn.result3(msgid)
        for dn, attrs in data:
            if dn is not None:  # skip search references
                out.append(Entry(dn, _decode(attrs)))
        cookie = next((c.cookie for c in ctrls
                       if c.controlType == SimplePagedResultsControl.controlType), b"")
        if not cookie:
            return out
        control.cookie = cookie


def read_snapshot(conn, layout: Layout) -> Snapshot:
    """Read what :func:`compute_plan` needs (no password is ever requested)."""
    ldap = require_ldap()
    from ldap.filter import escape_filter_chars

    base = layout.base_dn
    try:
        conn.search_s(base, ldap.SCOPE_BASE, "(objectClass=*)", ["1.1"])
    except ldap.NO_SUCH_OBJECT as exc:
        raise DirectoryError("the base DN does not exist", dn=base) from exc
    except ldap.LDAPError as exc:
        raise DirectoryError("cannot read the base DN: %s" % _ldap_message(exc), dn=base) from exc
    attrs = sorted({"objectClass", "modifyTimestamp"} | set(layout.person_attrs())
                   | set(layout.group_attrs()))
    try:
        owned = _search(conn, base, ldap.SCOPE_SUBTREE, "(%s=%s)" % (
            layout.marker_attr, escape_filter_chars(layout.marker)), attrs)
        uids = [v for e in _search(conn, base, ldap.SCOPE_SUBTREE, "(uid=*)", ["uid"])
                for v in e.get("uid")]
        dns = {normalize_dn(e.dn) for e in _search(conn, base, ldap.SCOPE_ONELEVEL,
                                                   "(objectClass=*)", ["1.1"])}
        for ou in (layout.people_dn, layout.groups_dn, layout.former_dn):
            if normalize_dn(ou) in dns:
                dns.update(normalize_dn(e.dn) for e in _search(
                    conn, ou, ldap.SCOPE_ONELEVEL, "(objectClass=*)", ["1.1"]))
    except ldap.LDAPError as exc:
        raise DirectoryError("search failed: %s" % _ldap_message(exc), dn=base) from exc
    owned = [e for e in owned if is_under(e.dn, base)]
    return Snapshot(tuple(owned), tuple(uids), frozenset(dns))


def _blame(change: Change, message: str) -> Optional[str]:
    """The attribute an LDAP error is about: the one it names, else the only one."""
    names = [m.attr for m in change.mods] + list(change.attrs)
    low = message.lower()
    for name in names:
        if name.lower() != "objectclass" and name.lower() in low:
            return name
    if len(set(names)) == 1:
        return names[0]
    return "objectClass" if "objectclass" in low or "object class" in low else None


def apply_plan(conn, plan: Plan) -> ApplyResult:
    """Apply the changes in order; a failed change is recorded (DN and attribute) and the
    others still run: a second sync retries what failed and changes nothing else."""
    ldap = require_ldap()
    ops = {"add": ldap.MOD_ADD, "delete": ldap.MOD_DELETE, "replace": ldap.MOD_REPLACE}
    result = ApplyResult()
    for change in plan.changes:
        try:
            if change.kind == "add":
                conn.add_s(change.dn, [(k, [v.encode("utf-8") for v in vs])
                                       for k, vs in change.attrs.items()])
            elif change.kind == "modify":
                conn.modify_s(change.dn, [
                    (ops[m.op], m.attr, [v.encode("utf-8") for v in m.values] or None)
                    for m in change.mods])
            elif change.kind in ("rename", "disable"):
                new_rdn = "+".join(rdn(t, v) for t, v in first_rdn(change.new_dn))
                new_parent = parent_dn(change.new_dn)
                superior = None if same_dn(new_parent, parent_dn(change.dn)) else new_parent
                conn.rename_s(change.dn, new_rdn, superior, 0)
            elif change.kind in ("delete", "remove"):
                conn.delete_s(change.dn)
            else:  # pragma: no cover - Plan only holds the kinds above
                raise ValueError(change.kind)
            result.applied += 1
        except ldap.LDAPError as exc:
            message = _ldap_message(exc)
            result.errors.append(DirectoryError(
                "%s failed: %s" % (change.kind, message), dn=change.dn,
                attribute=_blame(change, message)))
    return result


def plan_sync(conn, records: Iterable[Mapping[str, Any]], layout: Layout,
              file: Optional[str] = None, removal: Optional[RemovalPolicy] = None) -> Plan:
    """Read the directory and compute the plan for the ERP's partner dicts (with the
    removals of ``removal``: see :func:`compute_plan`)."""
    from enercoop_core.directory.mapping import partners_from_dicts

    partners = partners_from_dicts(records, file=file)
    return compute_plan(partners, read_snapshot(conn, layout), layout, removal=removal)


def sync(conn, records: Iterable[Mapping[str, Any]], layout: Layout,
         file: Optional[str] = None, removal: Optional[RemovalPolicy] = None,
         ) -> Tuple[Plan, ApplyResult]:
    """Plan and apply; returns both (the plan's conflicts are not errors of the apply)."""
    plan = plan_sync(conn, records, layout, file=file, removal=removal)
    return plan, apply_plan(conn, plan)
