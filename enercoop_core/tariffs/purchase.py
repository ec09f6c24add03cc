"""Producer purchase tariffs: price per kWh injected, flat (``BASE``) or per time class,
optionally multiplied by a dated index coefficient.

Prices CSV: ``valid_from, valid_to, tariff, time_class, value (EUR/kWh), unit, source, status``.
Index CSV: ``valid_from, valid_to, index, coefficient, source, status`` (``coefficient`` a
dimensionless multiplier, e.g. ``1.0215``). The price paid for a kWh injected on day ``d`` is
``price(d) x coefficient(d)``. A missing price or coefficient for a day is a
:class:`~enercoop_core.errors.MissingRateError`. Example (the demo's example grid,
``enercoop_core/billing/data/demo/purchase_prices.csv``)::

    valid_from,valid_to,tariff,time_class,value,unit,source,status
    2025-01-01,,hydro-2025,HP,0.0950,EUR/kWh,purchase contract model 2025,adopted
    2025-01-01,,hydro-2025,HC,0.0700,EUR/kWh,purchase contract model 2025,adopted
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional, Tuple

from enercoop_core.errors import InputError, MissingRateError
from enercoop_core.tariffs.table import RateRow, RateTable, load_table
from enercoop_core.timeclasses import ordered


class PurchaseTariffs:
    def __init__(self, prices: RateTable, index: Optional[RateTable] = None):
        self.prices = prices
        self.index_table = index

    @classmethod
    def from_csv(cls, prices_path, index_path=None) -> PurchaseTariffs:
        return cls(load_table(str(prices_path), ("tariff", "time_class"), None),
                   load_table(str(index_path), ("index",), None) if index_path else None)

    def classes(self, tariff: str) -> Tuple[str, ...]:
        """Time classes the tariff is priced in (BASE; HP, HC; or HPH, HCH, HPB, HCB)."""
        found = {tc for t, tc in self.prices.keys() if t == tariff}
        if not found:
            raise InputError("unknown purchase tariff %r" % tariff, field="tariff")
        return ordered(found)

    def tables(self):
        """Tables whose row boundaries split a purchase invoice."""
        return (self.prices,) + ((self.index_table,) if self.index_table is not None else ())

    def price(self, day, tariff: str, time_class: str) -> RateRow:
        """Row with ``value`` in EUR/kWh."""
        return self.prices.lookup(day, tariff, time_class)

    def coefficient(self, day, index: Optional[str]) -> Tuple[Decimal, Optional[RateRow]]:
        """Index coefficient for ``day`` (1 and no row when the contract is not indexed)."""
        if not index:
            return Decimal(1), None
        if self.index_table is None:
            raise MissingRateError("purchase index", day, "index=%s" % index)
        row = self.index_table.lookup(day, index)
        return Decimal(row.values["coefficient"]), row
