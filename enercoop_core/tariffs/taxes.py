"""Taxes on electricity: accise (EUR/MWh by consumer category), CTA (% of the fixed TURPE part)
and VAT (% by segment and base), each a dated table in ``data/``.

VAT bases (:data:`enercoop_core.tariffs.vat.BASES`): ``subscription`` (supplier's fixed
fee), ``turpe_fixed``, ``cta`` (reduced 5.5 % for supplies <= 36 kVA until 2025-07-31, 20 % for
periods from 2025-08-01), ``energy``, ``turpe_energy``, ``accise`` (20 %). A subscription
period straddling 2025-08-01 is split there by the billing engine, which splits at every row
boundary of every table.
"""
from __future__ import annotations

from enercoop_core.tariffs.table import RateRow, RateTable, bundled, load_table

ACCISE_CATEGORIES = ("household", "sme", "high_power")
#: Upper bound (kVA, inclusive) of each accise category by subscribed power: ménages et
#: assimilés <= 36 kVA, petites et moyennes entreprises 36-250 kVA, haute puissance above
#: (CIBS art. L. 312-24, as summarised by impots.gouv 'Accise sur l'électricité'; the
#: categories of the arrêté du 27 janvier 2026 tables).
POWER_CATEGORIES = ((36, "household"), (250, "sme"))


def accise_category(segment: str) -> str:
    """Accise category of a supply segment: ``household`` (ménages et assimilés, <= 36 kVA)
    for C5, ``sme`` (petites et moyennes entreprises, 36-250 kVA) for C4."""
    return "household" if segment == "C5" else "sme"


def accise_category_for_power(kva) -> str:
    """Accise category of a subscribed power in kVA (see :data:`POWER_CATEGORIES`)."""
    for limit, category in POWER_CATEGORIES:
        if kva <= limit:
            return category
    return "high_power"


class Taxes:
    """Accise, CTA and VAT lookups (bundled tables by default)."""

    def __init__(self, accise: RateTable = None, cta: RateTable = None, vat: RateTable = None):
        self.accise_table = accise or load_table(bundled("accise.csv"), ("category",), "accise.csv")
        self.cta_table = cta or load_table(bundled("cta.csv"), ("network",), "cta.csv")
        self.vat_table = vat or load_table(bundled("vat.csv"), ("segment", "base"), "vat.csv")

    def accise(self, day, category: str) -> RateRow:
        """Row with ``eur_per_mwh``."""
        return self.accise_table.lookup(day, category)

    def cta(self, day, network: str = "distribution") -> RateRow:
        """Row with ``rate_percent`` (applied to cg + cc + fixed withdrawal part)."""
        return self.cta_table.lookup(day, network)

    def vat(self, day, segment: str, base: str) -> RateRow:
        """Row with ``rate_percent`` for a base of a segment (C5 / C4)."""
        return self.vat_table.lookup(day, segment, base)

    def tables(self):
        return (self.accise_table, self.cta_table, self.vat_table)
