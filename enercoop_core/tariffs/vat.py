"""VAT (TVA) of a bill: the bases a rate is looked up for, the rate of a ``vat.csv`` row, and
the VAT of the amounts billed at one rate (rounded half-up to the cent once per rate, not
per line).

Bases (column ``base`` of ``data/vat.csv``, one per kind of bill line): ``subscription``
(supplier's fixed fee), ``turpe_fixed``, ``cta``, ``energy``, ``turpe_energy``, ``accise``;
see :mod:`enercoop_core.tariffs.taxes` for their rates.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, Iterable

__all__ = ["BASES", "rate_percent", "bases_by_rate", "amount"]

#: VAT bases of a supply bill, also the kinds of its lines.
BASES = ("subscription", "turpe_fixed", "cta", "energy", "turpe_energy", "accise")
_CENT = Decimal("0.01")


def rate_percent(row) -> Decimal:
    """The rate in % of a ``vat.csv`` row; 0 for no row (no VAT applies)."""
    return Decimal(row.values["rate_percent"]) if row is not None else Decimal(0)


def bases_by_rate(lines: Iterable) -> Dict[Decimal, Decimal]:
    """EUR excl. VAT per rate %: the sum of ``amount`` of the lines of each ``vat_rate``."""
    bases = {}  # type: Dict[Decimal, Decimal]
    for line in lines:
        bases[line.vat_rate] = bases.get(line.vat_rate, Decimal("0.00")) + line.amount
    return bases


def amount(base_eur: Decimal, rate: Decimal) -> Decimal:
    """VAT in EUR of ``base_eur`` at ``rate`` %, rounded half-up to the cent."""
    return (base_eur * rate / 100).quantize(_CENT, rounding=ROUND_HALF_UP)
