"""Errors of the flow engine.

All derive from :class:`enercoop_core.errors.InputError`, so they name the file, the record
(PRM, reading, invoice line) and the field (an element path such as
``PRM/Donnees_Releve/Date_Releve``).
"""
from __future__ import annotations

from enercoop_core.errors import InputError


class FlowError(InputError):
    """A flow file or one of its records cannot be read."""


class UnsupportedFlowError(FlowError):
    """The document is not a flow this engine reads, or its major version is unknown."""


class UnsafeInputError(FlowError):
    """Refused for safety: DTD/entities (billion laughs, XXE), zip bomb, zip path traversal."""


class DecryptionError(FlowError):
    """An encrypted archive could not be decrypted (no key, wrong key or IV, bad padding)."""


class FieldError(ValueError):
    """One element of a record is missing or malformed (internal; becomes a Rejection).

    ``path`` is the element path relative to the document root, e.g.
    ``PRM/Donnees_Releve/Classe_Temporelle/Valeur``.
    """

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__("%s: %s" % (path, message))
