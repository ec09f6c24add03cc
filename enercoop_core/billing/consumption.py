"""Consumption per time class from cumulative index differences (integer Wh).

Roll-over: when an index goes down on the same meter, the dial passed through zero; the
modulus is ``10**digits`` kWh when the register states its digits, otherwise the smallest
power of ten (in kWh) above the previous index. Meter change: readings carry the meter's
serial number; the consumption between the last reading of the old meter (removal index)
and the first of the new one (installation index) is zero, and each meter's own
differences are summed.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from enercoop_core.billing.readings import Reading
from enercoop_core.errors import InputError


def rollover_modulus_wh(previous_wh: int, digits: Optional[int] = None) -> int:
    if digits:
        return 10 ** int(digits) * 1000
    kwh = previous_wh // 1000
    return 10 ** max(len(str(kwh)), 1) * 1000


def register_difference(previous_wh: int, current_wh: int, digits: Optional[int] = None,
                        rollover: bool = False) -> int:
    """Wh consumed between two indexes of the same register (handles one roll-over)."""
    if current_wh >= previous_wh:
        return current_wh - previous_wh
    return rollover_modulus_wh(previous_wh, digits) - previous_wh + current_wh


def difference(previous: Reading, current: Reading, direction: str = "withdrawal") -> Dict[str, int]:
    """{time_class: Wh} between two readings of the same meter."""
    before = previous.indexes(direction)
    after = current.indexes(direction)
    if set(before) != set(after):
        raise InputError("time classes differ between readings of %s (%s vs %s)" % (
            current.prm, sorted(before), sorted(after)), record=current.key, field="registers")
    result = {}
    for time_class, wh in after.items():
        reg = current.register(time_class, direction)
        result[time_class] = register_difference(before[time_class], wh, reg.digits, reg.rollover)
    return result


def consumption(readings: Sequence[Reading], direction: str = "withdrawal") -> Dict[str, int]:
    """Sum of index differences along readings sorted by day (meter changes respected).

    Readings of the same day are kept in the given order (removal before installation)."""
    ordered = sorted(readings, key=lambda r: r.day)
    total = {}  # type: Dict[str, int]
    for previous, current in zip(ordered, ordered[1:]):
        if (previous.meter_serial and current.meter_serial
                and previous.meter_serial != current.meter_serial):
            continue  # meter change: removal index -> installation index
        for time_class, wh in difference(previous, current, direction).items():
            total[time_class] = total.get(time_class, 0) + wh
    return total


def derive(consumption_wh: Dict[str, int], classes: Sequence[str]) -> Dict[str, int]:
    """Re-express a consumption in other time classes: identity, 4 -> HP/HC, any -> BASE."""
    have = set(consumption_wh)
    want = list(classes)
    if set(want) == have:
        return {c: consumption_wh[c] for c in want}
    if want == ["BASE"]:
        return {"BASE": sum(consumption_wh.values())}
    if set(want) == {"HP", "HC"} and have == {"HPH", "HCH", "HPB", "HCB"}:
        return {"HP": consumption_wh["HPH"] + consumption_wh["HPB"],
                "HC": consumption_wh["HCH"] + consumption_wh["HCB"]}
    raise InputError("cannot price time classes %s from registers %s" % (
        ", ".join(want), ", ".join(sorted(have))), field="time_class")


def readings_between(readings: List[Reading], prm: str, first_day, last_day) -> List[Reading]:
    return [r for r in readings if r.prm == prm and first_day <= r.day <= last_day]
