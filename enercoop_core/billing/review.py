"""Bills held for review: a consumption that cannot be right is never billed.

:class:`ReviewHold` is raised (an :class:`~enercoop_core.errors.EnercoopError`, so every caller
that reports errors also reports holds) with the ``reasons`` and, when the engine got that far,
the ``bill`` it would have issued (``bill.review`` holds the same reasons). Reasons:

- an index went down between two readings of the same meter when the dial's digit count
  (``Nb_Chiffres_Cadran``, or the contract's ``meter_digits``) is unknown: a meter change
  without serial numbers or a roll-over cannot be told apart;
- a consumption above the physical bound: ``kVA x hours`` of the period (Wh = kVA x 1000 x h,
  an upper bound as P (kW) <= S (kVA)), per time class when the classes' hours are known
  (the contract's off-peak ranges; the TURPE seasons), else per season, else in total.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from enercoop_core.errors import EnercoopError
from enercoop_core.tariffs.calendar import PARIS, time_classes
from enercoop_core.timeclasses import (
    CLASS_NAMES, FOUR_CLASSES, HC, HCB, HCH, HP, HP_HC, HPB, HPH, SCHEME_OF)

HALF_HOUR = 1800


class ReviewHold(EnercoopError):
    """The bill of ``record`` (a contract id) is held for review for ``reasons``."""

    def __init__(self, reasons: Sequence[str], record: Optional[str] = None, bill=None):
        self.reasons = tuple(reasons)
        self.record = record
        self.bill = bill
        super().__init__("held for review%s: %s" % (
            " (%s)" % record if record else "", "; ".join(self.reasons)))


def _utc_seconds(day: dt.date) -> int:
    moment = dt.datetime(day.year, day.month, day.day, tzinfo=PARIS)
    return int(moment.timestamp())


def class_half_hours(start: dt.date, end: dt.date, offpeak: str, scheme: str) -> Dict[str, int]:
    """Number of half-hours of each class in local days ``[start, end)`` (DST days: 46/50)."""
    instants = np.arange(_utc_seconds(start), _utc_seconds(end), HALF_HOUR, dtype=np.int64)
    codes = time_classes(instants, offpeak, scheme)
    counts = np.bincount(codes.astype(np.int64), minlength=len(CLASS_NAMES))
    return {name: int(counts[i]) for i, name in enumerate(CLASS_NAMES) if counts[i]}


GROUPS_BY_SEASON = ((HPH, HCH), (HPB, HCB))


def _groups(classes: Sequence[str], offpeak: str) -> List[Tuple[str, ...]]:
    """Groups of register classes whose hours are known together."""
    classes = tuple(sorted(classes))
    if set(classes) == set(FOUR_CLASSES):
        return [(c,) for c in classes] if offpeak else list(GROUPS_BY_SEASON)
    if set(classes) == set(HP_HC) and offpeak:
        return [(HC,), (HP,)]
    return [classes]


def bound_reasons(versions, start: dt.date, end: dt.date, consumption_wh: Dict[str, int],
                  what: str = "consumption") -> List[str]:
    """Reasons (empty when plausible) why ``consumption_wh`` (Wh per register class) over local
    days ``[start, end)`` exceeds subscribed kVA x hours (see the module doc)."""
    if not consumption_wh or not start < end:
        return []
    scheme = SCHEME_OF.get(sorted(consumption_wh)[0], "4")
    bound = {}  # type: Dict[str, int]  # Wh per class
    for v in versions:
        a, b = max(start, v.start), min(end, v.end) if v.end else end
        if not a < b:
            continue
        kvas = dict(getattr(v, "kva_by_class", ()) or ())
        for name, count in class_half_hours(a, b, v.offpeak, scheme).items():
            kva = max(kvas.values()) if kvas else v.kva  # the highest subscribed power
            bound[name] = bound.get(name, 0) + kva * 500 * count  # kVA x 1000 Wh x count/2 h
    offpeak = all(v.offpeak for v in versions)
    reasons = []
    for group in _groups(consumption_wh, offpeak):
        used = sum(consumption_wh.get(c, 0) for c in group)
        if scheme == "1" or len(group) == len(consumption_wh):
            limit = sum(bound.values())
        else:
            limit = sum(bound.get(c, 0) for c in group)
        if used > limit:
            reasons.append("%s %s of %s kWh over %s..%s exceeds the physical bound of %s kWh "
                           "(subscribed kVA x hours)" % (
                               what, "+".join(group), _kwh(used), start, end, _kwh(limit)))
    return reasons


def _kwh(wh: int) -> str:
    return ("%.3f" % (wh / 1000.0)).rstrip("0").rstrip(".")
