"""A SEPA Core direct-debit mandate and the sequence type of its next collection.

Checks (each raises :class:`~enercoop_core.identifiers.InvalidIdentifier`, naming the field):

- **Mandate reference** (``MndtId``, unique per creditor): 1 to 35 characters of the SEPA
  restricted set used for identifiers, ``A-Z a-z 0-9 / - ? : ( ) . , ' +`` (no space, no
  accent), neither starting nor ending with ``/`` and without ``//`` (EPC Implementation
  Guidelines for SDD Core, "RestrictedIdentificationSEPA1").
- **Creditor identifier** (ICS, ``AT-02``): country, two ISO 7064 mod 97-10 check digits,
  a 3-character business code (``ZZZ`` when none) and the national part; a French one is
  ``FRkkZZZ`` + 6 characters, 13 in all (checked with python-stdnum's ``stdnum.eu.at_02``).
- **Debtor IBAN and BIC**: ``stdnum.iban`` (country format and check digits) and
  ``stdnum.bic`` (8 or 11 characters).

Sequence type of a collection (:func:`sequence_type`): ``OOFF`` for a one-off mandate (once);
for a recurrent one ``FRST`` when no collection was presented yet, ``FNAL`` for the last one,
else ``RCUR`` (since November 2016 the rulebook no longer requires FRST on a first
collection; it is still accepted and sent here). A mandate on which no collection was
presented for 36 months has **lapsed** (SEPA Core rulebook, EPC016-09: the creditor may no
longer use it; a new mandate is needed); the 36 months run from the last collection
presented, or from the signature if none.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from stdnum import bic as _bic
from stdnum import iban as _iban
from stdnum.eu import at_02 as _at_02
from stdnum.exceptions import ValidationError

from enercoop_core.billing.schedule import add_months
from enercoop_core.errors import InputError
from enercoop_core.identifiers import InvalidIdentifier

REFERENCE_MAX = 35
LAPSE_MONTHS = 36
SEQUENCE_TYPES = ("FRST", "RCUR", "OOFF", "FNAL")

_REFERENCE = re.compile(r"[A-Za-z0-9/\-?:().,'+]{1,%d}\Z" % REFERENCE_MAX)


class MandateError(InputError):
    """A collection the mandate does not allow (revoked, lapsed, one-off already used)."""


def validate_reference(reference: str) -> str:
    """The mandate reference if valid (see the module doc), else InvalidIdentifier."""
    text = reference if isinstance(reference, str) else ""
    if (not _REFERENCE.match(text) or text.startswith("/") or text.endswith("/")
            or "//" in text):
        raise InvalidIdentifier(
            "a mandate reference is 1 to %d characters among A-Z a-z 0-9 / - ? : ( ) . , ' + "
            "(no space, no leading or trailing '/', no '//'), got %r" % (REFERENCE_MAX,
                                                                         reference),
            reference, "mandate_reference")
    return text


def _stdnum(module, number, field, what):
    try:
        return module.validate(number)
    except (ValidationError, TypeError, AttributeError) as exc:
        raise InvalidIdentifier("not a valid %s: %r (%s)" % (what, number, exc), number,
                                field) from exc


def validate_creditor_id(number: str) -> str:
    """The compact SEPA creditor identifier (ICS) if valid, else InvalidIdentifier."""
    compact = _stdnum(_at_02, number, "creditor_id", "SEPA creditor identifier")
    if compact.startswith("FR") and len(compact) != 13:
        raise InvalidIdentifier("a French creditor identifier is FRkkZZZ + 6 characters "
                                "(13), got %r" % (number,), number, "creditor_id")
    return compact


def validate_iban(number: str) -> str:
    """The compact IBAN (no spaces, upper case) if valid, else InvalidIdentifier."""
    return _stdnum(_iban, number, "iban", "IBAN")


def validate_bic(number: str) -> str:
    """The compact BIC (8 or 11 characters) if valid, else InvalidIdentifier."""
    return _stdnum(_bic, number, "bic", "BIC")


def mask_iban(number: str) -> str:
    """The IBAN as shown to a customer: country, check digits and the last 4 characters,
    e.g. ``FR76 **** **** **** **** ***0 189``."""
    compact = validate_iban(number)
    masked = compact[:4] + "*" * (len(compact) - 8) + compact[-4:]
    return " ".join(masked[i:i + 4] for i in range(0, len(masked), 4))


@dataclass(frozen=True)
class Mandate:
    """A SEPA Core mandate signed by a debtor for the creditor ``creditor_id``.

    ``recurrent``: False for a one-off mandate; ``signed_on``: signature date;
    ``last_collection``: due date of the last collection presented under it (None if none);
    ``revoked_on``: the day from which it may no longer be used (None if in force).
    Construct with :func:`make_mandate` to have every field checked."""

    reference: str
    creditor_id: str
    debtor_name: str
    iban: str
    bic: Optional[str]
    signed_on: dt.date
    recurrent: bool = True
    last_collection: Optional[dt.date] = None
    revoked_on: Optional[dt.date] = None

    def lapses_on(self) -> dt.date:
        """The first day on which the mandate has lapsed (36 months without collection)."""
        return add_months(self.last_collection or self.signed_on, LAPSE_MONTHS)


def make_mandate(reference: str, creditor_id: str, debtor_name: str, iban: str,
                 bic: Optional[str], signed_on: dt.date, recurrent: bool = True,
                 last_collection: Optional[dt.date] = None,
                 revoked_on: Optional[dt.date] = None) -> Mandate:
    """A checked :class:`Mandate` (identifiers compacted); ``bic`` may be None (not needed
    for an IBAN of the SEPA area since 2016) but is checked when given."""
    if not isinstance(debtor_name, str) or not debtor_name.strip():
        raise InputError("missing value", record=reference, field="debtor_name")
    if not isinstance(signed_on, dt.date):
        raise InputError("a date is needed, got %r" % (signed_on,), record=reference,
                         field="signed_on")
    if last_collection is not None and last_collection < signed_on:
        raise InputError("last collection %s before the signature %s" % (
            last_collection, signed_on), record=reference, field="last_collection")
    return Mandate(validate_reference(reference), validate_creditor_id(creditor_id),
                   debtor_name.strip(), validate_iban(iban),
                   validate_bic(bic) if bic else None, signed_on, bool(recurrent),
                   last_collection, revoked_on)


def check_unique(mandates: Iterable[Mandate]) -> None:
    """InputError naming the first mandate reference used twice for one creditor."""
    seen = set()
    for mandate in mandates:
        key = (mandate.creditor_id, mandate.reference)
        if key in seen:
            raise InputError("mandate reference used twice for creditor %s"
                             % mandate.creditor_id, record=mandate.reference,
                             field="mandate_reference")
        seen.add(key)


def sequence_type(mandate: Mandate, collection_date: dt.date, final: bool = False) -> str:
    """``FRST``, ``RCUR``, ``OOFF`` or ``FNAL`` for a collection due on ``collection_date``
    (module doc); :class:`MandateError` if the mandate does not allow it. ``final``: this is
    the last collection of a recurrent mandate (e.g. the final bill after a move-out)."""
    where = dict(record=mandate.reference, field="collection_date")
    if collection_date < mandate.signed_on:
        raise MandateError("collection %s before the signature %s"
                           % (collection_date, mandate.signed_on), **where)
    if mandate.revoked_on is not None and collection_date >= mandate.revoked_on:
        raise MandateError("mandate revoked on %s" % mandate.revoked_on, **where)
    if collection_date >= mandate.lapses_on():
        raise MandateError("mandate lapsed on %s: no collection for %d months, a new "
                           "mandate is needed" % (mandate.lapses_on(), LAPSE_MONTHS), **where)
    if not mandate.recurrent:
        if mandate.last_collection is not None:
            raise MandateError("one-off mandate already used on %s"
                               % mandate.last_collection, **where)
        return "OOFF"
    if mandate.last_collection is None:
        return "FRST"
    return "FNAL" if final else "RCUR"
