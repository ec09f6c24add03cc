"""``Rates``: every table a bill needs, in one object (TURPE, taxes, offers, purchases).

``offers`` and ``purchase`` may be None when a task does not need them (the network invoice
check needs TURPE and taxes only; producer purchases need ``purchase`` only). ``profiles``
(Enedis profile coefficients) is optional: estimates without history are flat without it.
"""
from __future__ import annotations

from typing import List, Optional

from enercoop_core.tariffs.offers import Offers
from enercoop_core.tariffs.purchase import PurchaseTariffs
from enercoop_core.tariffs.table import RateTable
from enercoop_core.tariffs.taxes import Taxes
from enercoop_core.tariffs.turpe import Turpe


class Rates:
    def __init__(self, offers: Optional[Offers], turpe: Optional[Turpe] = None,
                 taxes: Optional[Taxes] = None, purchase: Optional[PurchaseTariffs] = None,
                 profiles=None):
        self.offers = offers
        self.profiles = profiles  # billing.profiles.ProfileCoefficients, for estimates
        self.turpe = turpe or Turpe()
        self.taxes = taxes or Taxes()
        self.purchase = purchase

    @classmethod
    def load(cls, offers_path=None, purchase_path=None, index_path=None) -> Rates:
        """Bundled TURPE and tax tables with the cooperative's offers (and purchase) files.

        ``offers_path`` None: no offers (enough for the network invoice check and purchases)."""
        purchase = PurchaseTariffs.from_csv(purchase_path, index_path) if purchase_path else None
        offers = Offers.from_csv(offers_path) if offers_path else None
        return cls(offers, purchase=purchase)

    def billing_tables(self) -> List[RateTable]:
        """Tables whose row boundaries split a supply bill."""
        offers = [self.offers.table] if self.offers is not None else []
        return [self.turpe.table] + offers + list(self.taxes.tables())
