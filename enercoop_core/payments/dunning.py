"""Dunning: which level each overdue invoice has reached on a date.

The policy is data, per company (:class:`~enercoop_core.payments.terms.Terms`, ``dunning``):
levels (e-mail reminder, letter, formal notice) with their delays in calendar days after the
due date. An invoice with an amount left to pay is at the last level whose delay has passed
on the day (``days_overdue >= days_after_due``); before the first one it is overdue without
a level. Days overdue = ``on - due_date`` in calendar days: an invoice is overdue from the day
after its due date.

**Never a power reduction or a cut-off.** No level may do more than send something
(:data:`~enercoop_core.payments.terms.CHANNELS`; the terms refuse any other action) and no
function here returns such an action. Asking Enedis to reduce or interrupt a household's
supply is a human decision: the winter truce (art. L115-3 of the Code de l'action sociale et
des familles) forbids interrupting a main residence's supply for unpaid bills from
1 November to 31 March, and outside it décret n° 2008-780 sets notices and delays and the
household may be entitled to help (Fonds de solidarité pour le logement, chèque énergie);
its situation, not a delay, decides.
"""
from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Dict, Iterable, List, Mapping, Optional

from enercoop_core.errors import InputError
from enercoop_core.payments.terms import DunningLevel, Terms, load_terms

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OpenItem:
    """An invoice with ``residual`` EUR incl. VAT left to pay, due on ``due_date``."""

    invoice: str
    company: str
    due_date: dt.date
    residual: Decimal


@dataclass(frozen=True)
class DunningState:
    """Where an overdue invoice stands on ``on``: ``level`` reached (None: overdue, no level
    yet), ``days_overdue`` calendar days, ``next_level`` and the day it is reached
    (``next_on``; None after the last level)."""

    item: OpenItem
    on: dt.date
    days_overdue: int
    level: Optional[DunningLevel]
    next_level: Optional[DunningLevel]
    next_on: Optional[dt.date]


def _check(item: OpenItem) -> None:
    if not isinstance(item.due_date, dt.date):
        raise InputError("a date is needed, got %r" % (item.due_date,), record=item.invoice,
                         field="due_date")
    if not isinstance(item.residual, Decimal) or not item.residual.is_finite():
        raise InputError("an amount is needed, got %r" % (item.residual,),
                         record=item.invoice, field="residual")


def level_on(item: OpenItem, on: dt.date, terms: Terms) -> Optional[DunningState]:
    """The :class:`DunningState` of ``item`` on ``on`` under ``terms``; None if nothing is
    overdue (paid, a credit, or not yet due)."""
    _check(item)
    if item.residual <= 0 or on <= item.due_date:
        return None
    days = (on - item.due_date).days
    reached = [lvl for lvl in terms.dunning if days >= lvl.days_after_due]
    later = [lvl for lvl in terms.dunning if days < lvl.days_after_due]
    upcoming = later[0] if later else None
    return DunningState(item, on, days, reached[-1] if reached else None, upcoming,
                        item.due_date + dt.timedelta(days=upcoming.days_after_due)
                        if upcoming else None)


def dunning_states(items: Iterable[OpenItem], on: dt.date,
                   policies: Optional[Mapping[str, Terms]] = None) -> List[DunningState]:
    """The state of every overdue item on ``on``, each under its company's terms
    (``policies`` by company; a company not in it has :func:`~enercoop_core.payments.terms.
    load_terms` of that company), most overdue first."""
    policies = dict(policies or {})
    out = []
    for item in items:
        if item.company not in policies:
            policies[item.company] = load_terms(item.company)
        state = level_on(item, on, policies[item.company])
        if state is not None:
            out.append(state)
    return sorted(out, key=lambda s: (-s.days_overdue, s.item.company, s.item.invoice))


def due_by_level(states: Iterable[DunningState]) -> Dict[str, Decimal]:
    """EUR left to pay per level key (``""`` for overdue without a level yet), for the report
    of what is due by level; levels in order of first appearance, most overdue first."""
    totals = OrderedDict()  # type: Dict[str, Decimal]
    for state in states:
        key = state.level.key if state.level else ""
        totals[key] = totals.get(key, ZERO) + state.item.residual
    return dict(totals)
