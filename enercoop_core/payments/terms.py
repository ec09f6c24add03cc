"""The cooperative's payment terms, per company, as data (``data/terms.json``).

Every figure is a term of the cooperative's contract, not a regulated value: the
pre-notification delay (calendar days before a collection), the return fee (EUR incl. VAT,
charged only for the listed reason codes) and the dunning levels (calendar days after the due
date). A company without its own entry has the ``default`` terms.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Optional, Tuple

from enercoop_core.errors import InputError
from enercoop_core.languages import in_language

DATA = Path(__file__).parent / "data" / "terms.json"

#: What a dunning level may do: send something. Never a power reduction or a cut-off
#: (see :mod:`enercoop_core.payments.dunning`).
CHANNELS = ("email", "letter", "formal_notice")


@dataclass(frozen=True)
class DunningLevel:
    """One level of a dunning policy: reached ``days_after_due`` calendar days after the due
    date; ``channel`` one of :data:`CHANNELS`."""

    key: str
    channel: str
    days_after_due: int
    label_fr: str
    label_en: str

    def label(self, lang: str = "fr") -> str:
        """The label in ``lang`` (a code such as ``fr_FR``): French for French, English
        for any other language."""
        return in_language(lang, self.label_fr, self.label_en)


@dataclass(frozen=True)
class Terms:
    """A company's payment terms.

    ``prenotification_days``: calendar days between the pre-notification and the collection;
    ``return_fee_eur``: EUR incl. VAT charged for a returned debit whose reason code is in
    ``return_fee_codes``; ``dunning``: levels by increasing delay."""

    company: str
    prenotification_days: int
    return_fee_eur: Decimal
    return_fee_codes: Tuple[str, ...]
    dunning: Tuple[DunningLevel, ...]


def _int(value, file, record, field, minimum=0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError("expected a whole number >= %d, got %r" % (minimum, value),
                         file=file, record=record, field=field)
    return value


def _levels(rows, file, company) -> Tuple[DunningLevel, ...]:
    levels = []
    for position, row in enumerate(rows or ()):
        record = "%s dunning level %d" % (company, position + 1)
        for name in ("key", "channel", "label_fr", "label_en"):
            if not isinstance(row.get(name), str) or not row.get(name):
                raise InputError("missing value", file=file, record=record, field=name)
        if row["channel"] not in CHANNELS:
            raise InputError("a dunning level sends an e-mail, a letter or a formal notice "
                             "(%s), not %r" % (", ".join(CHANNELS), row["channel"]),
                             file=file, record=record, field="channel")
        days = _int(row.get("days_after_due"), file, record, "days_after_due", minimum=1)
        if levels and days <= levels[-1].days_after_due:
            raise InputError("delays must increase from level to level", file=file,
                             record=record, field="days_after_due")
        levels.append(DunningLevel(row["key"], row["channel"], days, row["label_fr"],
                                   row["label_en"]))
    return tuple(levels)


def terms_from_data(data: dict, company: str = "default", file: str = DATA.name) -> Terms:
    """The terms of ``company`` in ``data`` (the shape of ``data/terms.json``), else its
    ``default`` entry; :class:`~enercoop_core.errors.InputError` naming the field if bad."""
    companies = data.get("companies") or {}
    key = company if company in companies else "default"
    if key not in companies:
        raise InputError("no terms for company %r and no default" % company, file=file,
                         field="companies")
    row = companies[key]
    fee = row.get("return_fee") or {}
    try:
        amount = Decimal(str(fee.get("amount_eur", "0.00")))
    except InvalidOperation as exc:
        raise InputError("not an amount: %r" % fee.get("amount_eur"), file=file,
                         record=key, field="return_fee.amount_eur") from exc
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InputError("an amount >= 0 in cents, got %r" % fee.get("amount_eur"),
                         file=file, record=key, field="return_fee.amount_eur")
    from enercoop_core.payments.returns import reason
    codes = tuple(fee.get("codes") or ())
    for code in codes:
        if not reason(code).fee_possible:
            raise InputError("no return fee may be charged for %s (%s)" % (
                code, reason(code).label_en), file=file, record=key, field="return_fee.codes")
    return Terms(company, _int(row.get("prenotification_days"), file, key,
                               "prenotification_days", minimum=1),
                 amount, codes, _levels(row.get("dunning"), file, key))


def load_terms(company: str = "default", path: Optional[Path] = None) -> Terms:
    """The terms of ``company`` from ``path`` (default: the bundled ``data/terms.json``)."""
    path = Path(path) if path else DATA
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError("cannot read the payment terms: %s" % exc, file=str(path)) from exc
    return terms_from_data(data, company, file=path.name)
