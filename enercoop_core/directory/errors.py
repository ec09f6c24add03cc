"""Errors of the directory synchronisation: each names the DN and, when known, the
attribute, so that an operator can find the entry at once."""
from __future__ import annotations

from typing import Optional

from enercoop_core.errors import EnercoopError


class DirectoryError(EnercoopError):
    """A directory operation failed or the directory holds something the sync cannot
    reconcile (two ERP entries for one partner, a base DN that does not exist...)."""

    def __init__(self, message: str, dn: Optional[str] = None,
                 attribute: Optional[str] = None):
        self.message = message
        self.dn = dn
        self.attribute = attribute
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [part for part in (
            "dn %s" % self.dn if self.dn else None,
            "attribute %s" % self.attribute if self.attribute else None,
        ) if part]
        return "%s: %s" % (", ".join(where), self.message) if where else self.message


class LdapUnavailableError(DirectoryError):
    """python-ldap is not installed (``pip install enercoop-core[ldap]``)."""


def require_ldap():
    """Import and return the ``ldap`` module of python-ldap, or raise a clear error."""
    try:
        import ldap
        import ldap.modlist
    except ImportError as exc:
        raise LdapUnavailableError(
            "python-ldap is not installed: install the 'ldap' extra "
            "(pip install 'enercoop-core[ldap]'; needs libldap2-dev and libsasl2-dev "
            "to build)") from exc
    return ldap
