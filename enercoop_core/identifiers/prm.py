"""PRM (Point de Référence Mesure, also called PDL): the 14-digit identifier of a delivery
point on the Enedis network, written by Enedis as 14 digits with no separator (flows,
invoices, the customer's meter display).

>>> validate(" 30001234567890 ")
'30001234567890'
>>> is_valid("3000123456789")
False
"""
from __future__ import annotations

from enercoop_core.identifiers import InvalidIdentifier

__all__ = ["LENGTH", "InvalidIdentifier", "compact", "validate", "is_valid", "format"]

#: Number of digits of a PRM.
LENGTH = 14


def compact(number) -> str:
    """The PRM as text without the whitespace around it (no other change)."""
    return str(number if number is not None else "").strip()


def validate(number) -> str:
    """The compact PRM if it is exactly 14 ASCII digits, else :class:`InvalidIdentifier`
    (an InputError and a ValueError, field ``prm``) naming the value."""
    value = compact(number)
    if not (len(value) == LENGTH and value.isascii() and value.isdigit()):
        raise InvalidIdentifier("PRM must be %d digits, got %r" % (LENGTH, value), value, "prm")
    return value


def is_valid(number) -> bool:
    """Whether ``number`` is a valid PRM (see :func:`validate`)."""
    try:
        validate(number)
    except InvalidIdentifier:
        return False
    return True


def format(number) -> str:  # noqa: A001 - the python-stdnum name
    """The PRM as Enedis prints it: the 14 digits in one group (the compact form)."""
    return validate(number)
