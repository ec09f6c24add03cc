"""TURPE HTA-BT network tariff for BT <= 36 kVA and BT > 36 kVA (contrat unique).

Table ``data/turpe.csv``: one figure per row, keyed by ``fta`` (BTINFCU4, BTINFMU4, BTINFLU,
BTINFCUST, BTINFMUDT, BTSUPCU4, BTSUPLU4), ``component`` and ``time_class``:

- ``cg`` management component, EUR/year (includes the supplier's Rf in contrat unique);
- ``cc`` metering component, EUR/year;
- ``b`` fixed withdrawal component, EUR/kVA/year (per time class for BT > 36 kVA);
- ``c`` energy component per time class, c EUR/kWh (``BASE`` for the LU and CU options).

For BT > 36 kVA this module bills one subscribed power for all four classes, so the fixed
withdrawal part is ``b_HPH x P`` (the ``b_i (P_i - P_(i-1))`` terms are zero).
"""
from __future__ import annotations

from typing import Tuple

from enercoop_core.errors import InputError
from enercoop_core.tariffs.table import RateRow, RateTable, bundled, load_table

FOUR_CLASSES = ("HPH", "HCH", "HPB", "HCB")
FTA_CLASSES = {
    "BTINFCU4": FOUR_CLASSES,
    "BTINFMU4": FOUR_CLASSES,
    "BTINFLU": ("BASE",),
    "BTINFCUST": ("BASE",),
    "BTINFMUDT": ("HP", "HC"),
    "BTSUPCU4": FOUR_CLASSES,
    "BTSUPLU4": FOUR_CLASSES,
}
KEY_FIELDS = ("fta", "component", "time_class")


def segment(fta: str) -> str:
    """``C5`` for BT <= 36 kVA options (BTINF*), ``C4`` for BT > 36 kVA (BTSUP*)."""
    check_fta(fta)
    return "C5" if fta.startswith("BTINF") else "C4"


def check_fta(fta: str) -> str:
    if fta not in FTA_CLASSES:
        raise InputError("unknown FTA %r (known: %s)" % (fta, ", ".join(sorted(FTA_CLASSES))),
                         field="fta")
    return fta


def energy_classes(fta: str) -> Tuple[str, ...]:
    """Time classes the energy component of ``fta`` is priced in."""
    return FTA_CLASSES[check_fta(fta)]


class Turpe:
    """Lookups in the TURPE table (bundled one by default)."""

    def __init__(self, table: RateTable = None):
        self.table = table or load_table(bundled("turpe.csv"), KEY_FIELDS, "turpe.csv")

    def management(self, day, fta: str) -> RateRow:
        """cg row, ``value`` in EUR/year."""
        return self.table.lookup(day, check_fta(fta), "cg", "")

    def metering(self, day, fta: str) -> RateRow:
        """cc row, ``value`` in EUR/year."""
        return self.table.lookup(day, check_fta(fta), "cc", "")

    def power(self, day, fta: str) -> RateRow:
        """b row (EUR/kVA/year); for BT > 36 kVA the HPH coefficient b1."""
        if segment(fta) == "C4":
            return self.table.lookup(day, fta, "b", "HPH")
        return self.table.lookup(day, fta, "b", "")

    def energy(self, day, fta: str, time_class: str) -> RateRow:
        """c row for a time class of the option, ``value`` in c EUR/kWh."""
        if time_class not in energy_classes(fta):
            raise InputError("time class %s is not one of option %s" % (time_class, fta),
                             field="time_class")
        return self.table.lookup(day, fta, "c", time_class)
