# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The seam between Odoo and ``enercoop_core.shares``: conversions only, no rule here.

Amounts cross the ORM boundary as ``str(Decimal)`` -> float and back as
``Decimal('%.2f' % float)``; core errors become ``UserError`` with the core's message;
the core's accounting moves (lines by account role, Decimal amounts) become journal item
or invoice line values once the caller says which account each role is.
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
        raise UserError(str(exc)) from exc


def move_line_values(move, account_of, partner_of, settled_roles=()):
    """Journal item values ``(0, 0, vals)`` of the lines of a core ``Move``.

    ``account_of(role)``: the company's account record of a role; ``partner_of(number)``:
    the contact of a member number (or an empty record). Lines whose role is in
    ``settled_roles`` are left out: an Odoo document (a payment) posts them itself."""
    return [(0, 0, {"name": line.label, "account_id": account_of(line.role).id,
                    "partner_id": partner_of(line.member).id or False,
                    "debit": to_float(line.debit), "credit": to_float(line.credit)})
            for line in move.lines if line.role not in settled_roles]


def invoice_parts(move, counterpart_role):
    """A core ``Move`` as an invoice: ``(counterpart, lines)``.

    ``counterpart``: the one line of ``counterpart_role`` (the invoice's own account:
    the member's receivable of a capital call, the refund payable of a refund bill);
    ``lines``: ``(core line, amount)`` for the other lines, the amount (Decimal EUR)
    positive on the side opposite the counterpart, negative on its side, as an invoice
    line's subtotal is."""
    counterparts = [line for line in move.lines if line.role == counterpart_role]
    if len(counterparts) != 1:
        raise UserError("move %s %s: expected one %s line, got %d"
                        % (move.kind, move.ref, counterpart_role, len(counterparts)))
    counterpart = counterparts[0]
    sign = 1 if counterpart.debit else -1
    lines = [(line, sign * (line.credit - line.debit))
             for line in move.lines if line is not counterpart]
    return counterpart, lines
