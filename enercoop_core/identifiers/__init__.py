"""Identifiers of the electricity sector, one module each, in the manner of python-stdnum:
``compact(number)``, ``validate(number)`` (the compact form, or :class:`InvalidIdentifier`),
``is_valid(number)`` and ``format(number)``.

- :mod:`enercoop_core.identifiers.prm`: a delivery point (PRM / PDL, Enedis).
"""
from __future__ import annotations

from enercoop_core.errors import InputError

__all__ = ["InvalidIdentifier"]


class InvalidIdentifier(InputError, ValueError):
    """An identifier that is not valid: names the value (``value``) and the kind (``field``).

    Also a ValueError, as python-stdnum's errors are."""

    def __init__(self, message: str, value, field: str):
        self.value = value
        super().__init__(message, field=field)
