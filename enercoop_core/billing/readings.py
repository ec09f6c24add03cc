"""Adapter from the flows engine's ``index_reading`` record dicts to :class:`Reading` objects.

Record contract (R15, produced by ``enercoop_core.flows.parse``)::

    {"family": "index_reading", "prm": "14 digits", "date": "2025-03-01T00:00:00+01:00",
     "reading_id": str|None, "reason": str|None, "nature": "real"|"estimated"|...,
     "fta": str|None, "subscribed_kva": number|None, "key": str,
     "registers": [{"owner": "distributor"|"supplier", "time_class": "HPH"..., "measure_class":
                    "EA", "direction": "withdrawal"|"injection",
                    "value": int|"decimal string", "unit": "Wh"|"kWh",
                    "digits": int (optional, Nb_Chiffres_Cadran),
                    "rollover": bool (optional, Indicateur_Passage_A_Zero)}],
     "meter_serial": str (optional, Num_Serie)}

Only active-energy index registers are kept: ``measure_class`` ``"EA"`` (R151, R171) or
``"1"`` (R15/C15 ``Classe_Mesure`` 1, an index). A supplier-calendar register whose class is
not one of :data:`~enercoop_core.tariffs.calendar.CLASS_NAMES` (a supplier may use its own
calendar) is skipped; an unknown distributor class is an error. ``status`` (R15
``Statut_Releve``): a ``RECTIFICATIF`` reading replaces the earlier reading of the same
``reading_id``, an ``ANNULE`` one removes it (see :func:`from_records`).

Values are normalised to integer Wh (kWh values are multiplied by 1000, rounded half-up).
The reading's ``day`` is the local (Europe/Paris) date of ``date``: an index read at
``2025-03-01T00:00+01:00`` closes February and opens March.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Dict, Iterable, List, Optional, Tuple

from enercoop_core.errors import InputError
from enercoop_core.tariffs.calendar import CLASS_NAMES, PARIS

ACTIVE_ENERGY = ("EA", "1")


@dataclass(frozen=True)
class Register:
    owner: str  # distributor | supplier
    time_class: str
    direction: str  # withdrawal | injection
    wh: int  # cumulative index, Wh
    digits: Optional[int] = None  # number of kWh digits of the dial, when known
    rollover: bool = False  # the distributor flags a pass through zero


@dataclass(frozen=True)
class Reading:
    prm: str
    day: dt.date
    nature: str  # real | estimated | ...
    registers: Tuple[Register, ...]
    reason: Optional[str] = None
    reading_id: Optional[str] = None
    meter_serial: Optional[str] = None
    key: Optional[str] = None
    status: Optional[str] = None  # R15 Statut_Releve: INITIAL, RECTIFICATIF, ANNULE

    @property
    def estimated(self) -> bool:
        return self.nature != "real"

    def indexes(self, direction: str = "withdrawal", owner: Optional[str] = None):
        """{time_class: Wh} of one owner's registers (distributor preferred when both)."""
        regs = [r for r in self.registers if r.direction == direction]
        owners = {r.owner for r in regs}
        chosen = owner or ("distributor" if "distributor" in owners else "supplier")
        return {r.time_class: r.wh for r in regs if r.owner == chosen}

    def register(self, time_class: str, direction: str = "withdrawal") -> Optional[Register]:
        regs = [r for r in self.registers if r.direction == direction and r.time_class == time_class]
        regs.sort(key=lambda r: r.owner != "distributor")
        return regs[0] if regs else None


def to_wh(value, unit: str, record: Optional[str] = None) -> int:
    """An index value in Wh or kWh (int or decimal string) -> integer Wh."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InputError("not a number: %r" % (value,), record=record, field="value")
    if unit == "kWh":
        number *= 1000
    elif unit != "Wh":
        raise InputError("unit must be Wh or kWh, not %r" % (unit,), record=record, field="unit")
    if number < 0:
        raise InputError("negative index %s" % value, record=record, field="value")
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reading_day(text: str, record: Optional[str] = None) -> dt.date:
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        raise InputError("not an ISO date-time: %r" % (text,), record=record, field="date")
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(PARIS).date()


def from_record(record: dict) -> Reading:
    """One ``index_reading`` record -> :class:`Reading` (raises InputError naming the field)."""
    key = record.get("key") or record.get("reading_id")
    if record.get("family", "index_reading") != "index_reading":
        raise InputError("not an index_reading record", record=key, field="family")
    prm = str(record.get("prm") or "")
    if not (len(prm) == 14 and prm.isdigit()):
        raise InputError("PRM must have 14 digits: %r" % prm, record=key, field="prm")
    registers = []
    for position, raw in enumerate(record.get("registers") or ()):
        where = "%s register %d" % (key, position + 1)
        if str(raw.get("measure_class", "EA")) not in ACTIVE_ENERGY:
            continue
        time_class = raw.get("time_class")
        if time_class not in CLASS_NAMES:
            if raw.get("owner", "distributor") == "supplier":
                continue
            raise InputError("unknown time class %r" % (time_class,), record=where,
                             field="time_class")
        direction = raw.get("direction", "withdrawal")
        if direction not in ("withdrawal", "injection"):
            raise InputError("unknown direction %r" % (direction,), record=where, field="direction")
        registers.append(Register(
            owner=raw.get("owner", "distributor"), time_class=time_class, direction=direction,
            wh=to_wh(raw.get("value"), raw.get("unit", "Wh"), where),
            digits=int(raw["digits"]) if raw.get("digits") not in (None, "") else None,
            rollover=bool(raw.get("rollover"))))
    if not registers:
        raise InputError("no active-energy register", record=key, field="registers")
    return Reading(prm=prm, day=reading_day(record.get("date"), key),
                   nature=record.get("nature") or "real", registers=tuple(registers),
                   reason=record.get("reason"), reading_id=record.get("reading_id"),
                   meter_serial=record.get("meter_serial"), key=key,
                   status=record.get("status"))


def from_records(records: Iterable[dict], rejected: Optional[list] = None) -> List[Reading]:
    """Convert every ``index_reading`` record; others are skipped. A bad record raises, unless
    a ``rejected`` list is given: then ``(record, error)`` is appended and the batch goes on.

    Corrections, in the order given: a reading with ``status`` ``RECTIFICATIF`` replaces the
    reading(s) of the same PRM and ``reading_id`` seen before it; ``ANNULE`` removes them (and
    is not kept itself)."""
    readings = []  # type: List[Optional[Reading]]
    seen = {}  # type: Dict[Tuple[str, str], List[int]]
    for record in records:
        if record.get("family") not in (None, "index_reading"):
            continue
        try:
            reading = from_record(record)
        except InputError as exc:
            if rejected is None:
                raise
            rejected.append((record, exc))
            continue
        ident = (reading.prm, reading.reading_id) if reading.reading_id else None
        if ident is not None and reading.status in ("RECTIFICATIF", "ANNULE"):
            for position in seen.pop(ident, ()):
                readings[position] = None
            if reading.status == "ANNULE":
                continue
        if ident is not None:
            seen.setdefault(ident, []).append(len(readings))
        readings.append(reading)
    return [r for r in readings if r is not None]
