"""Adapter from the flows engine's ``index_reading`` record dicts to :class:`Reading` objects.

Record contract (R15, produced by ``enercoop_core.flows.parse``)::

    {"family": "index_reading", "prm": "14 digits", "date": "2025-03-01T00:00:00+01:00",
     "reading_id": str|None, "reason": str|None, "nature": "real"|"estimated"|...,
     "fta": str|None, "subscribed_kva": number|None, "key": str,
     "registers": [{"owner": "distributor"|"supplier", "time_class": "HPH"..., "measure_class":
                    "EA", "direction": "withdrawal"|"injection",
                    "value": int|"decimal string", "unit": "Wh"|"kWh",
                    "digits": int (optional, Nb_Chiffres_Cadran),
                    "rollover": bool (optional, Indicateur_Passage_A_Zero),
                    "quantity": "index" | "energy" (optional, missing = index)}],
     "meter_serial": str (optional, Num_Serie), "qualification": "before" | "after"
     (optional, C15 Code_Qualification 1 / 2: indexes before / after a technical operation)}

Only active-energy index registers are kept: ``measure_class`` ``"EA"`` (R151, R171) or ``"1"``
(R15/C15 ``Classe_Mesure`` 1, an index). R171 ``measures`` of quantity ``DD`` (overrun
duration, unit ``S``, cumulative seconds per time class) become ``durations_s``. A
supplier-calendar register whose class is not one of
:data:`~enercoop_core.timeclasses.CLASS_NAMES` (a supplier may use its own calendar) is
skipped; an unknown distributor class is an error. ``status`` (R15 ``Statut_Releve``): a
``RECTIFICATIF`` reading replaces the earlier reading of the same ``reading_id``, an ``ANNULE``
one removes it (see :func:`from_records`).

Only ``quantity`` ``"index"`` registers (cumulative indexes) are ever subtracted; an
``"energy"`` register (a quantity over a period) is kept on the reading but left out of
:meth:`Reading.indexes`.

Readings of the same day are ordered by what they are, never by their position in the input
(:func:`same_day_rank`): removal side first (C15 ``qualification`` ``before``; reason codes of
:data:`REMOVAL_REASONS`), then ordinary readings, then the installation side (``after``;
:data:`INSTALLATION_REASONS`).

Values are normalised to integer Wh (kWh values are multiplied by 1000, rounded half-up).
The reading's ``day`` is the local (Europe/Paris) date of ``date``: an index read at
``2025-03-01T00:00+01:00`` closes February and opens March.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable, List, Optional, Tuple

from enercoop_core.errors import InputError
from enercoop_core.identifiers import prm as prm_id
from enercoop_core.tariffs.calendar import PARIS
from enercoop_core.timeclasses import CLASS_NAMES

ACTIVE_ENERGY = ("EA", "1")
#: Reason codes of a reading closing a meter or a contract. From the texts: C15
#: ``Nature_Evenement`` RES (résiliation), CFNS (supplier leaving) (C15 guide v5.1.3 §3);
#: R17 guide v1.11 annexe 7.1 prestation F140A (résiliation). ``DEPOSE``/``DEP`` are this
#: project's own codes for hand-entered readings (JSON records, Odoo): the R15 guide listing
#: ``Motif_Releve`` values was not available, so no R15 code is assumed.
REMOVAL_REASONS = ("DEPOSE", "DEP", "RES", "CFNS", "F140A")
#: Reason codes of a reading opening one: C15 MES, PMES (mises en service), CFNE (supplier
#: coming in); R17 annexe 7.1 F100A (première mise en service), F120A (mise en service);
#: ``POSE``: this project's own code for a hand-entered installation reading.
INSTALLATION_REASONS = ("POSE", "MES", "PMES", "CFNE", "F100A", "F100A_O1", "F100A_O2", "F120A")


#: Natures of an index read on the meter (by the distributor or by the customer), and of one
#: the billing engine prorates between two of them (final: never trued up).
MEASURED = ("real", "self_read", "prorated")


@dataclass(frozen=True)
class Register:
    owner: str  # distributor | supplier
    time_class: str
    direction: str  # withdrawal | injection
    wh: int  # cumulative index, Wh
    digits: Optional[int] = None  # number of kWh digits of the dial, when known
    rollover: bool = False  # the distributor flags a pass through zero
    quantity: str = "index"  # index (cumulative, subtracted) | energy (never subtracted)


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
    qualification: Optional[str] = None  # C15: before | after a technical operation
    #: R171 ``DD`` overrun durations, cumulative seconds per time class (withdrawal)
    durations_s: Tuple[Tuple[str, int], ...] = ()

    @property
    def estimated(self) -> bool:
        """Not an index read on the meter: ``real`` (R15 ``REEL``) and ``self_read``
        (``AUTO-RELEVE``, read on the meter by the customer; a bill shows it as such: arrêté
        du 18 avril 2012, nature of the index) are measured, and so is ``prorated`` (the
        engine's index of a day between two measured ones); the rest is estimated."""
        return self.nature not in MEASURED

    def indexes(self, direction: str = "withdrawal", owner: Optional[str] = None):
        """{time_class: Wh} of one owner's registers (distributor preferred when both)."""
        regs = [r for r in self.registers if r.direction == direction and r.quantity == "index"]
        owners = {r.owner for r in regs}
        chosen = owner or ("distributor" if "distributor" in owners else "supplier")
        return {r.time_class: r.wh for r in regs if r.owner == chosen}

    def register(self, time_class: str, direction: str = "withdrawal") -> Optional[Register]:
        regs = [r for r in self.registers if r.direction == direction
                and r.time_class == time_class and r.quantity == "index"]
        regs.sort(key=lambda r: r.owner != "distributor")
        return regs[0] if regs else None


def same_day_rank(reading: Reading) -> int:
    """0 removal side, 1 ordinary, 2 installation side (order of readings of one day)."""
    if reading.qualification == "before":
        return 0
    if reading.qualification == "after":
        return 2
    codes = set((reading.reason or "").upper().replace(" ", "").split("+"))
    if codes & set(REMOVAL_REASONS):
        return 0
    if codes & set(INSTALLATION_REASONS):
        return 2
    return 1


def chronological(readings: Iterable[Reading]) -> List[Reading]:
    """Readings by day, same-day readings by :func:`same_day_rank`; readings of the same day
    and rank (no reason code tells them apart, e.g. an R15 meter change without serial
    numbers) by continuity with their neighbours: first the one whose indexes continue the
    reading before (the old meter's removal index), last the one the reading after continues
    (the new meter's installation index); input order only when that does not tell either."""
    ordered = sorted(readings, key=lambda r: (r.day, same_day_rank(r)))
    start = 0
    while start < len(ordered):
        stop = start + 1
        key = (ordered[start].day, same_day_rank(ordered[start]))
        while stop < len(ordered) and (ordered[stop].day, same_day_rank(ordered[stop])) == key:
            stop += 1
        if stop - start > 1:
            before = ordered[start - 1] if start else None
            after = ordered[stop] if stop < len(ordered) else None
            ordered[start:stop] = sorted(ordered[start:stop], key=lambda r: (
                before is not None and not continues(before, r),
                after is not None and continues(r, after)))
        start = stop
    return ordered


def continues(earlier: Reading, later: Reading, direction: str = "withdrawal") -> bool:
    """Whether ``later`` can be a later reading of ``earlier``'s meter: same serial when both
    are known, the same classes and no index going down."""
    if earlier.meter_serial and later.meter_serial and earlier.meter_serial != later.meter_serial:
        return False
    before, after = earlier.indexes(direction), later.indexes(direction)
    return bool(after) and set(before) == set(after) and all(
        after[c] >= before[c] for c in after)


def to_wh(value, unit: str, record: Optional[str] = None) -> int:
    """An index value in Wh or kWh (int or decimal string) -> integer Wh."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InputError("not a number: %r" % (value,), record=record, field="value") from exc
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
    except (TypeError, ValueError) as exc:
        raise InputError("not an ISO date-time: %r" % (text,), record=record, field="date") from exc
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(PARIS).date()


def _digits(value, where: str) -> Optional[int]:
    if value in (None, ""):
        return None
    try:
        digits = int(str(value))
    except ValueError:
        digits = 0
    if not 1 <= digits <= 12:
        raise InputError("dial digit count must be 1..12, not %r" % (value,), record=where,
                         field="digits")
    return digits


def from_record(record: dict) -> Reading:
    """One ``index_reading`` record -> :class:`Reading` (raises InputError naming the field)."""
    key = record.get("key") or record.get("reading_id")
    if record.get("family", "index_reading") != "index_reading":
        raise InputError("not an index_reading record", record=key, field="family")
    prm = str(record.get("prm") or "")
    if not prm_id.is_valid(prm):
        raise InputError("PRM must have 14 digits: %r" % prm, record=key, field="prm")
    prm = prm_id.compact(prm)
    registers = []
    for position, raw in enumerate(record.get("registers") or ()):
        where = "%s register %d" % (key, position + 1)
        if str(raw.get("measure_class", "EA")) not in ACTIVE_ENERGY:
            continue
        time_class = raw.get("time_class")
        if time_class not in CLASS_NAMES:
            if raw.get("owner", "distributor") in ("supplier", "meter"):  # R64: totaliser
                continue
            raise InputError("unknown time class %r" % (time_class,), record=where,
                             field="time_class")
        quantity = raw.get("quantity") or "index"
        if quantity not in ("index", "energy"):
            raise InputError("unknown quantity %r (index or energy)" % (quantity,), record=where,
                             field="quantity")
        direction = raw.get("direction", "withdrawal")
        if direction not in ("withdrawal", "injection"):
            raise InputError("unknown direction %r" % (direction,), record=where, field="direction")
        registers.append(Register(
            owner=raw.get("owner", "distributor"), time_class=time_class, direction=direction,
            wh=to_wh(raw.get("value"), raw.get("unit", "Wh"), where),
            digits=_digits(raw.get("digits"), where),
            rollover=bool(raw.get("rollover")), quantity=quantity))
    if not registers:
        raise InputError("no active-energy register", record=key, field="registers")
    durations = {}
    for position, raw in enumerate(record.get("measures") or ()):
        if raw.get("quantity") != "DD" or raw.get("direction", "withdrawal") != "withdrawal":
            continue
        where = "%s measure %d" % (key, position + 1)
        if str(raw.get("unit", "S")).upper() not in ("S", "s"):
            raise InputError("overrun duration unit must be S (seconds), not %r"
                             % (raw.get("unit"),), record=where, field="unit")
        try:
            seconds = int(Decimal(str(raw.get("value"))))
        except (InvalidOperation, ValueError) as exc:
            raise InputError("not a number: %r" % (raw.get("value"),), record=where,
                             field="value") from exc
        durations[str(raw.get("time_class"))] = seconds
    return Reading(prm=prm, day=reading_day(record.get("date"), key),
                   nature=record.get("nature") or "real", registers=tuple(registers),
                   reason=record.get("reason"), reading_id=record.get("reading_id"),
                   meter_serial=record.get("meter_serial"), key=key,
                   status=record.get("status"), qualification=record.get("qualification"),
                   durations_s=tuple(sorted(durations.items())))


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
