"""R-transactions of SEPA Core direct debits: reason codes and what each implies.

The codes are data (``data/return_reasons.json``: ISO 20022 ExternalReturnReason1Code,
labels in French and English, following the EPC guidance on reason codes, EPC173-14). For
each code:

- ``re_presentable``: the cooperative may present a new collection under the same mandate
  (after telling the household), e.g. AM04 insufficient funds; not for a closed account;
- ``revoke_mandate``: the mandate can no longer be used (AC01 wrong IBAN, AC04 closed account,
  MD01 no mandate, MD07 debtor deceased ...): new bank details, i.e. a new mandate, are needed;
- ``refund``: the debtor's refund right the code stands for: MD06, an authorised collection
  refunded on request within **8 weeks** of the debit, no questions asked; MD01, an
  unauthorised one within **13 months**. The invoice is reopened either way.

The return fee is the cooperative's term (:class:`~enercoop_core.payments.terms.Terms`): its
amount for the codes its terms list, only among codes with ``fee_possible`` (never for a
refund right or for a bank or creditor error).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

from enercoop_core.billing.schedule import add_months
from enercoop_core.errors import InputError
from enercoop_core.languages import in_language

DATA = Path(__file__).parent / "data" / "return_reasons.json"

_REFUND_WINDOWS = {"8_weeks": ("weeks", 8), "13_months": ("months", 13)}


@dataclass(frozen=True)
class ReturnReason:
    """One reason code and its consequences (module doc)."""

    code: str
    label_fr: str
    label_en: str
    re_presentable: bool
    revoke_mandate: bool
    fee_possible: bool
    refund: Optional[str]

    def label(self, lang: str = "fr") -> str:
        """The label in ``lang`` (a code such as ``fr_FR``): French for French, English
        for any other language."""
        return in_language(lang, self.label_fr, self.label_en)


@dataclass(frozen=True)
class ReturnOutcome:
    """What a returned debit of ``amount`` EUR (collected on ``collection_date``) means:
    ``reason``; ``fee`` EUR incl. VAT to charge (0.00 if none); ``refund_until``: last day of
    the debtor's refund right (None if the code is no refund); the invoice is always
    reopened for ``amount``."""

    reason: ReturnReason
    amount: Decimal
    collection_date: dt.date
    fee: Decimal
    refund_until: Optional[dt.date]

    @property
    def re_presentable(self) -> bool:
        return self.reason.re_presentable

    @property
    def revoke_mandate(self) -> bool:
        return self.reason.revoke_mandate


def _flag(row, name):
    value = row.get(name)
    if not isinstance(value, bool):
        raise InputError("true or false expected, got %r" % (value,), file=DATA.name,
                         record=row.get("code"), field=name)
    return value


@lru_cache(maxsize=1)
def reasons() -> Dict[str, ReturnReason]:
    """Every reason code of ``data/return_reasons.json``, by code."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    if not data.get("source"):
        raise InputError("missing value", file=DATA.name, field="source")
    out = {}
    for row in data["codes"]:
        for name in ("code", "label_fr", "label_en"):
            if not isinstance(row.get(name), str) or not row.get(name):
                raise InputError("missing value", file=DATA.name, record=row.get("code"),
                                 field=name)
        refund = row.get("refund")
        if refund is not None and refund not in _REFUND_WINDOWS:
            raise InputError("unknown refund right %r" % (refund,), file=DATA.name,
                             record=row["code"], field="refund")
        if row["code"] in out:
            raise InputError("code listed twice", file=DATA.name, record=row["code"],
                             field="code")
        out[row["code"]] = ReturnReason(
            row["code"], row["label_fr"], row["label_en"], _flag(row, "re_presentable"),
            _flag(row, "revoke_mandate"), _flag(row, "fee_possible"), refund)
    return out


def reason(code: str) -> ReturnReason:
    """The :class:`ReturnReason` of ``code`` (case and spaces ignored); InputError naming
    the code if unknown."""
    key = code.strip().upper() if isinstance(code, str) else code
    try:
        return reasons()[key]
    except (KeyError, TypeError) as exc:
        raise InputError("unknown R-transaction reason code %r" % (code,), file=DATA.name,
                         field="reason_code") from exc


def refund_until(code: str, collection_date: dt.date) -> Optional[dt.date]:
    """Last day of the debtor's refund right for a debit on ``collection_date``: 8 weeks
    (56 days) after it for MD06, 13 months for MD01; None for the other codes."""
    window = reason(code).refund
    if window is None:
        return None
    unit, count = _REFUND_WINDOWS[window]
    if unit == "weeks":
        return collection_date + dt.timedelta(weeks=count)
    return add_months(collection_date, count)


def return_outcome(code: str, amount: Decimal, collection_date: dt.date, terms) -> ReturnOutcome:
    """What the return of a debit of ``amount`` EUR on ``collection_date`` for ``code`` means
    under the company's ``terms`` (a :class:`~enercoop_core.payments.terms.Terms`)."""
    found = reason(code)
    fee = terms.return_fee_eur if found.code in terms.return_fee_codes else Decimal("0.00")
    return ReturnOutcome(found, amount, collection_date, fee,
                         refund_until(found.code, collection_date))
