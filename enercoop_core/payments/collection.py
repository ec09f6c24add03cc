"""From a schedule's instalments to SEPA Core debit instructions.

For each instalment (:class:`~enercoop_core.billing.schedule.Instalment`, due on the
contract's day of the month):

- **collection date** (the debit's due date, ``ReqdColltnDt``): the instalment's due date,
  moved to the next TARGET2 business day when TARGET2 is closed then
  (:mod:`~enercoop_core.payments.target2`);
- **pre-notification date**: the latest day the household must have been told the amount
  and date, ``collection - prenotification_days`` calendar days (14 unless the cooperative's
  terms say fewer, :mod:`~enercoop_core.payments.terms`; SEPA Core rulebook EPC016-09);
- **submission date**: the latest day the file may reach the creditor's bank, one TARGET2
  business day before the collection (D-1, SEPA Core since November 2016, for first and
  recurring collections alike);
- **sequence type**: ``FRST`` for the mandate's first collection, ``RCUR`` after
  (:func:`~enercoop_core.payments.mandates.sequence_type`).

An instalment of 0.00 EUR (a revision can bring one) is not collected: no instruction.
Amounts are Decimal EUR incl. VAT, in cents.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, List, Optional

from enercoop_core.billing.model import CENT
from enercoop_core.errors import InputError
from enercoop_core.payments import target2
from enercoop_core.payments.mandates import Mandate, sequence_type
from enercoop_core.payments.terms import Terms, load_terms

#: Business days between submission and collection for SEPA Core (D-1).
SUBMISSION_BUSINESS_DAYS = 1


@dataclass(frozen=True)
class DebitInstruction:
    """One collection to put in a pain.008 file.

    ``amount`` EUR incl. VAT; ``due_date``: the instalment's date; ``collection_date``: the
    TARGET2 business day the debtor is debited; ``notify_by``: latest pre-notification day;
    ``submit_by``: latest day the file reaches the bank; ``sequence_type``: FRST/RCUR/OOFF/
    FNAL; ``end_to_end_id``: ``<mandate reference>-<instalment number>`` cut to 35."""

    mandate_reference: str
    creditor_id: str
    number: int
    amount: Decimal
    due_date: dt.date
    collection_date: dt.date
    notify_by: dt.date
    submit_by: dt.date
    sequence_type: str
    end_to_end_id: str


def collection_date(due_date: dt.date) -> dt.date:
    """``due_date`` moved to the next TARGET2 business day if TARGET2 is closed then."""
    return target2.on_or_after(due_date)


def submission_date(collection: dt.date) -> dt.date:
    """Latest submission day of a SEPA Core collection on ``collection`` (D-1 business day)."""
    return target2.business_days_before(collection, SUBMISSION_BUSINESS_DAYS)


def prenotification_date(collection: dt.date, terms: Terms) -> dt.date:
    """Latest pre-notification day: ``terms.prenotification_days`` calendar days before."""
    return collection - dt.timedelta(days=terms.prenotification_days)


def _amount(value, record) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 \
            or value != value.quantize(CENT):
        raise InputError("an amount in EUR cents >= 0 is needed, got %r" % (value,),
                         record=record, field="amount")
    return value


def debit_instructions(instalments: Iterable, mandate: Mandate,
                       terms: Optional[Terms] = None) -> List[DebitInstruction]:
    """The debit instructions of ``instalments`` (objects with ``number``, ``due_date``,
    ``amount``) under ``mandate``, by due date (module doc). ``terms``: the company's terms
    (default: the bundled default terms). The mandate's use is followed from one collection
    to the next (first FRST, then RCUR); :class:`~enercoop_core.payments.mandates.
    MandateError` if the mandate cannot carry one of them."""
    terms = terms or load_terms()
    out = []
    current = mandate
    for instalment in sorted(instalments, key=lambda i: (i.due_date, i.number)):
        record = "%s instalment %s" % (mandate.reference, instalment.number)
        amount = _amount(instalment.amount, record)
        if not amount:
            continue
        collection = collection_date(instalment.due_date)
        kind = sequence_type(current, collection)
        end_to_end = ("%s-%s" % (mandate.reference, instalment.number))[-35:]
        out.append(DebitInstruction(mandate.reference, mandate.creditor_id, instalment.number,
                                    amount, instalment.due_date, collection,
                                    prenotification_date(collection, terms),
                                    submission_date(collection), kind, end_to_end))
        current = dataclasses.replace(current, last_collection=collection)
    return out
