"""The cooperative's own offers: dated price grids per company (regional cooperative).

CSV columns: ``valid_from, valid_to, company, offer, component, kva, time_class, value, unit,
source, status`` where ``component`` is ``subscription`` (``value`` in EUR/month for the
subscribed power ``kva``, ``time_class`` empty) or ``energy`` (``value`` in EUR/kWh excl. taxes
for a time class: ``BASE``; ``HP``/``HC``; or ``HPH``/``HCH``/``HPB``/``HCB``; ``kva`` empty).
Example (``enercoop_core/billing/data/demo/offers.csv``)::

    valid_from,valid_to,company,offer,component,kva,time_class,value,unit,source,status
    2025-08-01,,coop-idf,BASE,subscription,6,,11.50,EUR/month,board decision 2025-06,adopted
    2025-08-01,,coop-idf,BASE,energy,,BASE,0.1650,EUR/kWh,board decision 2025-06,adopted
"""
from __future__ import annotations

from typing import Tuple

from enercoop_core.errors import InputError
from enercoop_core.tariffs.table import RateRow, RateTable, load_table
from enercoop_core.timeclasses import CLASS_NAMES, ordered

KEY_FIELDS = ("company", "offer", "component", "kva", "time_class")


class Offers:
    """Price grids of one or several companies, loaded from a CSV file."""

    def __init__(self, table: RateTable):
        self.table = table
        self._classes = {}
        for company, offer, component, _kva, time_class in table.keys():
            if component == "energy":
                self._classes.setdefault((company, offer), set()).add(time_class)

    @classmethod
    def from_csv(cls, path) -> Offers:
        return cls(load_table(str(path), KEY_FIELDS, None))

    def subscription(self, day, company: str, offer: str, kva: int) -> RateRow:
        """Row with ``value`` in EUR/month for the subscribed power."""
        return self.table.lookup(day, company, offer, "subscription", str(int(kva)), "")

    def energy(self, day, company: str, offer: str, time_class: str) -> RateRow:
        """Row with ``value`` in EUR/kWh."""
        return self.table.lookup(day, company, offer, "energy", "", time_class)

    def classes(self, company: str, offer: str) -> Tuple[str, ...]:
        """Time classes the offer's energy is priced in."""
        found = self._classes.get((company, offer))
        if not found:
            raise InputError("unknown offer %s of company %s" % (offer, company), field="offer")
        return ordered(c for c in found if c in CLASS_NAMES)
