"""Consumption per time class from cumulative index differences (integer Wh).

Roll-over: an index that goes down on the same meter passed through zero only when the dial's
digit count is known (the register's ``digits``, R15/C15 ``Nb_Chiffres_Cadran``, else the
contract's ``meter_digits``): the modulus is then ``10**digits`` kWh. Without a digit count a
falling index cannot be told from a meter change without serial numbers: the bill is held for
review (:class:`~enercoop_core.billing.review.ReviewHold`), never guessed.

Meter change: between the last reading of the old meter (removal index) and the first of the
new one (installation index) the consumption is zero, and each meter's own differences are
summed. A change is recognised by different meter serials, or by a removal-side reading
followed by an installation-side one (:func:`~enercoop_core.billing.readings.same_day_rank`:
C15 before/after, reason codes), or by a same-day pair whose registers differ or go down.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional, Sequence, Tuple

from enercoop_core.billing.readings import Reading, chronological, same_day_rank
from enercoop_core.billing.review import ReviewHold
from enercoop_core.errors import InputError
from enercoop_core.timeclasses import derivation

Segment = Tuple[dt.date, dt.date, Dict[str, int]]


def rollover_modulus_wh(previous_wh: int, digits: Optional[int] = None) -> Optional[int]:
    """``10**digits`` kWh in Wh, or None when the digit count is unknown."""
    if not digits:
        return None
    return 10 ** int(digits) * 1000


def register_difference(previous_wh: int, current_wh: int, digits: Optional[int] = None,
                        rollover: bool = False, where: str = "") -> int:
    """Wh consumed between two indexes of the same register (handles one roll-over when the
    dial's digit count is known; raises :class:`ReviewHold` otherwise)."""
    if current_wh >= previous_wh:
        return current_wh - previous_wh
    modulus = rollover_modulus_wh(previous_wh, digits)
    if modulus is None:
        raise ReviewHold(["index %s went down from %s to %s Wh with no dial digit count: a meter "
                          "change without serial numbers or a roll-over%s" % (
                              where, previous_wh, current_wh,
                              " (flagged by the distributor)" if rollover else "")])
    if previous_wh >= modulus:
        raise InputError("index %s Wh does not fit a %s-digit dial" % (previous_wh, digits),
                         record=where or None, field="digits")
    return modulus - previous_wh + current_wh


def difference(previous: Reading, current: Reading, direction: str = "withdrawal",
               digits: Optional[int] = None) -> Dict[str, int]:
    """{time_class: Wh} between two readings of the same meter (``digits``: the dial's digit
    count when the registers do not state it)."""
    before = previous.indexes(direction)
    after = current.indexes(direction)
    if set(before) != set(after):
        raise InputError("time classes differ between readings of %s (%s vs %s)" % (
            current.prm, sorted(before), sorted(after)), record=current.key, field="registers")
    result = {}
    for time_class, wh in after.items():
        reg = current.register(time_class, direction)
        where = "%s %s %s..%s" % (current.prm, time_class, previous.day, current.day)
        result[time_class] = register_difference(before[time_class], wh, reg.digits or digits,
                                                 reg.rollover, where)
    return result


def meter_changes_between(previous: Reading, current: Reading,
                          direction: str = "withdrawal") -> bool:
    """Whether ``previous`` -> ``current`` crosses a meter change (see the module doc)."""
    if previous.meter_serial and current.meter_serial:
        return previous.meter_serial != current.meter_serial
    if same_day_rank(previous) == 0 and same_day_rank(current) == 2:
        return True  # a removal (or end of supply) then an installation, even days apart
    if previous.day != current.day:
        return False
    if same_day_rank(previous) == 0 or same_day_rank(current) == 2:
        return True
    before, after = previous.indexes(direction), current.indexes(direction)
    return set(before) != set(after) or any(after[c] < before[c] for c in after)


def segments(readings: Sequence[Reading], direction: str = "withdrawal",
             digits: Optional[int] = None) -> List[Segment]:
    """``(day_a, day_b, {class: Wh})`` between consecutive readings (chronological order,
    meter changes respected); same-day pairs add nothing."""
    ordered = [r for r in chronological(readings) if r.indexes(direction)]
    found = []
    for previous, current in zip(ordered, ordered[1:]):
        if meter_changes_between(previous, current, direction):
            continue  # meter change: removal index -> installation index
        used = difference(previous, current, direction, digits)
        if previous.day == current.day:
            if any(used.values()):
                found.append((previous.day, current.day, used))
            continue
        found.append((previous.day, current.day, used))
    return found


def add_up(parts) -> Dict[str, int]:
    total = {}  # type: Dict[str, int]
    for part in parts:
        for time_class, wh in part.items():
            total[time_class] = total.get(time_class, 0) + wh
    return total


def consumption(readings: Sequence[Reading], direction: str = "withdrawal",
                digits: Optional[int] = None) -> Dict[str, int]:
    """Sum of index differences along the readings in chronological order (same-day readings
    ordered by their reason codes, see :func:`~enercoop_core.billing.readings.same_day_rank`)."""
    return add_up(used for _a, _b, used in segments(readings, direction, digits))


def derive(consumption_wh: Dict[str, int], classes: Sequence[str]) -> Dict[str, int]:
    """Re-express a consumption in other time classes: identity, 4 -> HP/HC, any -> BASE."""
    plan = derivation(list(classes), sorted(consumption_wh))
    return {c: sum(consumption_wh[s] for s in sources) for c, sources in plan.items()}


def readings_between(readings: List[Reading], prm: str, first_day, last_day) -> List[Reading]:
    return [r for r in readings if r.prm == prm and first_day <= r.day <= last_day]
