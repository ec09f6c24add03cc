# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The seam between Odoo and ``enercoop_core.directory``: conversions only, no rule here.

- a directory configuration record -> the core's ``Layout``, connection and removal
  policy (the core decides who is removed, and when);
- a contact's ``role_*`` flags -> the core's role names (``person_roles``: the core
  decides what a person takes from its organisation, its user and the register);
- Odoo contacts -> the partner dicts the core's mapping reads (``id``, ``name``, ``email``,
  ``member_number``, ``roles``, ``company``, ``college``, ``active``);
- the core's plan and apply result -> the counts and text of a run log;
- core errors -> ``UserError`` with the core's message.
"""
from contextlib import contextmanager

from odoo.exceptions import UserError

from enercoop_core.directory.dn import split_dn
from enercoop_core.directory.mapping import partners_from_dicts, person_roles
from enercoop_core.directory.model import ROLES, Layout
from enercoop_core.directory.removal import RemovalPolicy
from enercoop_core.directory.sync import connect
from enercoop_core.errors import EnercoopError

# the run log's counters, by kind of core change (groups deleted and people removed by
# the policy both count as removed)
COUNTERS = {"add": "added_count", "modify": "modified_count", "rename": "moved_count",
            "disable": "disabled_count", "delete": "removed_count", "remove": "removed_count"}


def layout_of(config):
    """The core's ``Layout`` of a configuration: the ERP owns the subtree ``base_dn``."""
    return Layout(base_dn=config.base_dn.strip())


def removal_of(config):
    """The core's removal policy of a configuration, counted to the current time."""
    return RemovalPolicy.of(config.removal_policy, config.removal_days)


def removal_days_valid(config):
    """Whether the configuration's removal delay is one the core accepts (whatever the
    policy: the delay is kept for when it is switched to delete)."""
    try:
        RemovalPolicy(config.removal_days)
    except EnercoopError:
        return False
    return True


def role_flags(record):
    """The core's role names whose ``role_<name>`` flag is set on a contact (none for an
    empty record: a contact without organisation)."""
    if not record:
        return []
    return [role for role in ROLES if record["role_%s" % role]]


def roles_of(partner, employee, member):
    """The core's roles of a contact (``person_roles``) from its flags and its
    organisation's; ``employee``: it has an internal user; ``member``: the register's
    answer (None when the register does not know the person)."""
    return person_roles(role_flags(partner), role_flags(partner.parent_id),
                        employee=employee, member=member)


def open_connection(config, password):
    """A bound python-ldap connection for ``config`` (StartTLS when asked; an ldaps://
    URI is TLS from the start). Raises the core's ``DirectoryError``."""
    return connect(config.uri.strip(), config.bind_dn or None, password,
                   timeout=config.timeout or 10, start_tls=config.tls_mode == "starttls")


def dn_error(text):
    """Why ``text`` is not a DN (the core's message), or None when it is one."""
    try:
        return None if split_dn(text or "") else "empty DN"
    except EnercoopError as exc:
        return str(exc)


def partner_dict(partner, roles, company, member_number=None, college=None):
    """The core's partner dict of a contact (``roles``: the core's role names)."""
    return {"id": partner.id, "name": partner.name, "email": partner.email or None,
            "member_number": str(member_number) if member_number else None,
            "roles": sorted(roles), "company": company.name, "college": college,
            "active": bool(partner.active)}


def refused_records(records):
    """The records the core refuses, each with its message: ``[(record, message)]``
    (each record validated alone, so that every bad one is listed at once)."""
    refused = []
    for record in records:
        try:
            partners_from_dicts([record])
        except EnercoopError as exc:
            refused.append((record, str(exc)))
    return refused


def run_values(plan, result=None):
    """Counts and texts of a run log from the core's plan (and its apply result)."""
    values = dict.fromkeys(COUNTERS.values(), 0)
    for kind, count in plan.counts().items():
        values[COUNTERS[kind]] += count
    values["conflict_count"] = len(plan.conflicts)
    values["plan_text"] = plan.describe()
    values["conflict_text"] = "\n".join(plan.conflicts)
    if result is not None:
        values["error_count"] = len(result.errors)
        values["error_text"] = "\n".join(str(err) for err in result.errors)
    return values


@contextmanager
def core_errors():
    """Turn a core error (bad input, directory unreachable) into a UserError."""
    try:
        yield
    except EnercoopError as exc:
        raise UserError(str(exc)) from exc
