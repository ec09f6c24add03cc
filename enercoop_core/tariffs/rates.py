"""``Rates``: every table a bill needs, in one object (TURPE, taxes, offers, purchases)."""
from __future__ import annotations

from typing import List, Optional

from enercoop_core.tariffs.offers import Offers
from enercoop_core.tariffs.purchase import PurchaseTariffs
from enercoop_core.tariffs.table import RateTable
from enercoop_core.tariffs.taxes import Taxes
from enercoop_core.tariffs.turpe import Turpe


class Rates:
    def __init__(self, offers: Offers, turpe: Optional[Turpe] = None,
                 taxes: Optional[Taxes] = None, purchase: Optional[PurchaseTariffs] = None):
        self.offers = offers
        self.turpe = turpe or Turpe()
        self.taxes = taxes or Taxes()
        self.purchase = purchase

    @classmethod
    def load(cls, offers_path, purchase_path=None, index_path=None) -> "Rates":
        """Bundled TURPE and tax tables with the cooperative's offers (and purchase) files."""
        purchase = PurchaseTariffs.from_csv(purchase_path, index_path) if purchase_path else None
        return cls(Offers.from_csv(offers_path), purchase=purchase)

    def billing_tables(self) -> List[RateTable]:
        """Tables whose row boundaries split a supply bill."""
        return [self.turpe.table, self.offers.table] + list(self.taxes.tables())
