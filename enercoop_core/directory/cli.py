"""``enercoop directory``: show or apply the synchronisation of the ERP's partners into
the cooperative's OpenLDAP directory.

- ``enercoop directory plan --people FILE.json --uri URI --bind-dn DN --password-file F``
  prints the changes (exit 0; 1 when there are conflicts);
- ``enercoop directory sync ...`` (same options) applies them (exit 0; 1 when a change
  failed or a conflict was left).

``--remove-after DAYS`` deletes the people who have sat unchanged in ou=former for DAYS
days or more (without it they stay there). Bad input (unreadable JSON, bad partner record,
unreachable server, wrong password) exits with 2.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from enercoop_core.errors import InputError

PEOPLE_EXAMPLE = """\
example FILE.json (a list, or {"partners": [...]}):
  [{"id": 42, "name": "Camille Martin", "firstname": "Camille", "lastname": "Martin",
    "email": "camille.martin@example.org", "member_number": "M0042",
    "roles": ["consumer", "member"], "company": "Enercoop Provence"},
   {"id": 43, "name": "SARL Soleil", "roles": ["producer"], "active": true}]
roles: consumer, producer, partner, member, employee. A partner with no role or
"active": false has no entry; one that had an entry is moved to ou=former, and stays
there unless --remove-after DAYS is given: then it is deleted once its entry has been
unchanged there for DAYS days or more (modifyTimestamp; 0: at the next run).

example:
  enercoop directory plan --people partners.json --uri ldap://127.0.0.1:3890/ \\
      --bind-dn cn=admin,dc=coop,dc=test --password-file admin.pw --base-dn dc=coop,dc=test
The tree: ou=people (inetOrgPerson, uid=first.last), ou=groups (groupOfNames: one per
role, one per company, "coop-<name>"), ou=former. Only entries marked
"businessCategory: enercoop-erp" are ever changed; passwords are never written.
"""


def register(subparsers) -> None:
    """Add ``directory`` and its sub-commands to the ``enercoop`` parser."""
    directory = subparsers.add_parser(
        "directory", help="synchronise the ERP's partners into OpenLDAP",
        description="The ERP feeds the cooperative's OpenLDAP directory, which every "
                    "other tool uses for single sign-on: people with stable logins, one "
                    "group per role and per regional cooperative, leavers moved aside.")
    sub = directory.add_subparsers(dest="directory_command", metavar="SUBCOMMAND")
    directory.set_defaults(handler=lambda args: (directory.print_help(), 2)[1])
    for name, helptext, handler in (
            ("plan", "print the changes a sync would make", _plan),
            ("sync", "apply the changes (running it twice changes nothing)", _sync)):
        cmd = sub.add_parser(
            name, help=helptext,
            description="Read the partners exported by the ERP and the directory, then "
                        + ("print the plan: adds, modifies, renames, moves to ou=former, "
                           "group changes, conflicts." if name == "plan" else
                           "apply the plan; failures name the DN and the attribute."),
            epilog=PEOPLE_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
        cmd.add_argument("--people", type=Path, required=True, metavar="FILE.json",
                         help="partners exported by the ERP")
        cmd.add_argument("--uri", required=True, help="ldap://host:port/ or ldapi://...")
        cmd.add_argument("--bind-dn", help="DN to bind as (none: SASL EXTERNAL on ldapi)")
        cmd.add_argument("--password-file", type=Path,
                         help="file holding the bind password (first line)")
        cmd.add_argument("--base-dn", help="where ou=people/groups/former live "
                         "(default: the server's only naming context)")
        cmd.add_argument("--posix", action="store_true",
                         help="also posixAccount (uidNumber = 100000 + partner id)")
        cmd.add_argument("--remove-after", type=_days, metavar="DAYS",
                         help="delete the people who have been in ou=former, their entry "
                              "unchanged, for DAYS days or more (default: keep them there); "
                              "people the ERP lists again come back instead")
        if name == "plan":
            cmd.add_argument("--json", action="store_true", help="the plan as JSON")
        cmd.set_defaults(handler=handler)


def _days(text: str) -> int:
    """``--remove-after``: a whole number of days, 0 or more."""
    try:
        days = int(text)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError("a whole number of days, 0 or more: %r" % text)
    return days


def _removal(args):
    from enercoop_core.directory.removal import RemovalPolicy

    try:
        return RemovalPolicy(days=args.remove_after)  # counted to the current time
    except InputError as exc:
        raise InputError(exc.message, field="--remove-after") from exc


def _read_people(path: Path):
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError("cannot read: %s" % exc.strerror, file=str(path)) from exc
    except ValueError as exc:
        raise InputError("not JSON: %s" % exc, file=str(path)) from exc
    if isinstance(data, dict):
        data = data.get("partners")
    if not isinstance(data, list):
        raise InputError("expected a list of partners or {\"partners\": [...]}",
                         file=str(path))
    return data


def _password(path):
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError("cannot read: %s" % exc.strerror, file=str(path)) from exc
    return text.splitlines()[0] if text else ""


def _open(args):
    from enercoop_core.directory.errors import DirectoryError, require_ldap
    from enercoop_core.directory.mapping import partners_from_dicts
    from enercoop_core.directory.model import Layout
    from enercoop_core.directory.sync import connect

    # the partners are checked before anything talks to a server
    partners = partners_from_dicts(_read_people(args.people), file=str(args.people))
    conn = connect(args.uri, args.bind_dn, _password(args.password_file))
    base = args.base_dn
    if not base:
        ldap = require_ldap()
        try:
            found = conn.search_s("", ldap.SCOPE_BASE, "(objectClass=*)",
                                  ["namingContexts"])
        except ldap.LDAPError:
            found = []
        contexts = [v.decode("utf-8") for _, attrs in found
                    for v in attrs.get("namingContexts", [])]
        if len(contexts) != 1:
            raise DirectoryError("give --base-dn (naming contexts: %s)"
                                 % (", ".join(contexts) or "none readable"))
        base = contexts[0]
    return conn, partners, Layout(base_dn=base, posix=args.posix)


def _plan(args) -> int:
    from enercoop_core.directory.sync import compute_plan, read_snapshot

    removal = _removal(args)  # checked before anything talks to a server
    conn, partners, layout = _open(args)
    try:
        plan = compute_plan(partners, read_snapshot(conn, layout), layout, removal=removal)
    finally:
        conn.unbind_s()
    if args.json:
        json.dump(plan.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(plan.describe() if not plan.empty or plan.conflicts else
              "the directory is up to date (%s)" % layout.base_dn)
    return 1 if plan.conflicts else 0


def _sync(args) -> int:
    from enercoop_core.directory.sync import apply_plan, compute_plan, read_snapshot

    removal = _removal(args)  # checked before anything talks to a server
    conn, partners, layout = _open(args)
    try:
        plan = compute_plan(partners, read_snapshot(conn, layout), layout, removal=removal)
        result = apply_plan(conn, plan)
    finally:
        conn.unbind_s()
    for change in plan.changes:
        print(change.describe()[0])
    for conflict in plan.conflicts:
        print("CONFLICT %s" % conflict)
    for error in result.errors:
        print("error: %s" % error, file=sys.stderr)
    print("%d of %d change(s) applied, %d failed, %d conflict(s)" % (
        result.applied, len(plan.changes), len(result.errors), len(plan.conflicts)))
    return 1 if result.errors or plan.conflicts else 0
