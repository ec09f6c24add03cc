"""TURPE HTA-BT network tariff for BT <= 36 kVA and BT > 36 kVA (contrat unique).

Table ``data/turpe.csv``: one figure per row, keyed by ``fta`` (BTINFCU4, BTINFMU4, BTINFLU,
BTINFCUST, BTINFMUDT, BTSUPCU4, BTSUPLU4), ``component`` and ``time_class``:

- ``cg`` management component, EUR/year (includes the supplier's Rf in contrat unique);
- ``cc`` metering component, EUR/year;
- ``b`` fixed withdrawal component, EUR/kVA/year (per time class for BT > 36 kVA);
- ``c`` energy component per time class, c EUR/kWh (``BASE`` for the LU and CU options).

- ``b`` for BT > 36 kVA per time class: the fixed withdrawal part with four subscribed powers
  is ``b_1 P_1 + sum_(i=2..4) b_i (P_i - P_(i-1))`` (classes HPH, HCH, HPB, HCB in that order,
  P_(i+1) >= P_i; Enedis TURPE 7 brochure p.14, délib. CRE n° 2025-40 annexe): see
  :func:`power_terms`.

Rows keyed by ``fta`` ``BTINF*`` (every BT <= 36 kVA option) or ``BTSUP*`` (every BT > 36
kVA option), from TURPE 7 (délib. 2025-40 annexe §2.2-2.3, brochure pp.16-17, p.15):

- ``cc_no_meter``: metering component of a point without meter, EUR/year;
- ``cacnc``: additional component for a non-communicating meter (socle), EUR per two months;
- ``cacnc_surcharge``: its majoration when the last real index is over 12 months old,
  EUR per two months;
- ``cmdps``: BT > 36 kVA overrun charge ``alpha``, EUR per hour of overrun per time class.
"""
from __future__ import annotations

from typing import Tuple

from enercoop_core.errors import InputError
from enercoop_core.tariffs.table import RateRow, RateTable, bundled, load_table
from enercoop_core.timeclasses import BASE, FOUR_CLASSES, HP_HC, HPH

FTA_CLASSES = {
    "BTINFCU4": FOUR_CLASSES,
    "BTINFMU4": FOUR_CLASSES,
    "BTINFLU": (BASE,),
    "BTINFCUST": (BASE,),
    "BTINFMUDT": HP_HC,
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


def _family(fta: str) -> str:
    return "BTINF*" if segment(fta) == "C5" else "BTSUP*"


def energy_classes(fta: str) -> Tuple[str, ...]:
    """Time classes the energy component of ``fta`` is priced in."""
    return FTA_CLASSES[check_fta(fta)]


def power_terms(kva: int, kva_by_class=()) -> Tuple[Tuple[str, int], ...]:
    """``((class, kVA), ...)`` multiplying each ``b`` coefficient for BT > 36 kVA:
    ``(HPH, P1), (HCH, P2 - P1), (HPB, P3 - P2), (HCB, P4 - P3)``, zero terms left out.
    ``kva_by_class`` empty: one power ``kva`` for the four classes (only the HPH term)."""
    powers = dict(kva_by_class) if kva_by_class else {c: kva for c in FOUR_CLASSES}
    if set(powers) != set(FOUR_CLASSES):
        raise InputError("four subscribed powers needed (HPH, HCH, HPB, HCB), not %s"
                         % ", ".join(sorted(powers)), field="kva_by_class")
    terms, previous = [], 0
    for time_class in FOUR_CLASSES:
        step = int(powers[time_class]) - previous
        if step < 0:
            raise InputError("subscribed powers must not go down from HPH to HCB (P%d %s < %s)"
                             % (FOUR_CLASSES.index(time_class) + 1, powers[time_class],
                                previous), field="kva_by_class")
        if step:
            terms.append((time_class, step))
        previous = int(powers[time_class])
    return tuple(terms)


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
            return self.table.lookup(day, fta, "b", HPH)
        return self.table.lookup(day, fta, "b", "")

    def power_class(self, day, fta: str, time_class: str) -> RateRow:
        """BT > 36 kVA b row of one time class (EUR/kVA/year)."""
        return self.table.lookup(day, fta, "b", time_class)

    def metering_without_meter(self, day, fta: str) -> RateRow:
        """cc of a point without meter, ``value`` EUR/year."""
        return self.table.lookup(day, _family(fta), "cc_no_meter", "")

    def cacnc(self, day, fta: str, surcharge: bool = False) -> RateRow:
        """CACNC socle (or its majoration), ``value`` EUR per two months."""
        return self.table.lookup(day, _family(fta), "cacnc_surcharge" if surcharge else "cacnc", "")

    def overrun(self, day, fta: str) -> RateRow:
        """CMDPS alpha of BT > 36 kVA, ``value`` EUR per hour of overrun."""
        return self.table.lookup(day, _family(fta), "cmdps", "")

    def energy(self, day, fta: str, time_class: str) -> RateRow:
        """c row for a time class of the option, ``value`` in c EUR/kWh."""
        if time_class not in energy_classes(fta):
            raise InputError("time class %s is not one of option %s" % (time_class, fta),
                             field="time_class")
        return self.table.lookup(day, fta, "c", time_class)
