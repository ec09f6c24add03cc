# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Conversions between Odoo values and ``enercoop_core.shares`` values (no rule here).

Amounts cross the ORM boundary as ``str(Decimal)`` -> float and back as
``Decimal('%.2f' % float)``; core errors become ``UserError`` with the core's message.
"""
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from odoo import fields
from odoo.exceptions import UserError

from enercoop_core.errors import EnercoopError


def to_decimal(amount):
    """A Monetary float (EUR) as a Decimal in cents."""
    return Decimal("%.2f" % (amount or 0.0))


def to_float(amount):
    """A core Decimal amount as the float an Odoo field stores."""
    return float(str(amount))


def to_date(value):
    """An Odoo date string (or date) as a ``datetime.date``."""
    if isinstance(value, dt.date):
        return value
    return fields.Date.from_string(value)


def to_odoo_date(day):
    return fields.Date.to_string(day)


@contextmanager
def core_errors():
    """Turn a core error (rule broken, bad input, missing rate) into a UserError."""
    try:
        yield
    except EnercoopError as exc:
        raise UserError(str(exc))
