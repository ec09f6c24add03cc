"""The life of a PRM's supply contracts on C15 / C12 contract events: the core decides, the
ERP writes.

A PRM's contracts are given as their versions in force (:class:`Version`: the terms of one
contract, FTA, subscribed kVA and offer, from ``start`` to ``end`` exclusive, with the
contract's state; :func:`in_force` makes them from the versions an ERP stores).
:func:`apply_event` reads one ``contract_event`` record of :mod:`enercoop_core.flows.c15`
or :mod:`~enercoop_core.flows.c12` and returns an :class:`Outcome`: the contract the event
concerns and the changes to write (:class:`StartContract`, :class:`EndContract`,
:class:`NewVersion`, :class:`DropVersion`, :class:`UpdatePoint`), or why nothing changes
(:class:`Unchanged`), or why the event is refused (:class:`Refusal`). Nothing is written
here, after Som Energia's ``generationkwh``, whose state machines return the changes that
its ERP module writes.

The rules (an event reports the PRM's situation from its day, the local date of
``Date_Evenement``; which code does what: :mod:`enercoop_core.billing.contract_events`):

- activation (MES, PMES, CFNE): the latest draft contract (else the latest contract, by
  start then id) runs from the event's day; the versions before that day are superseded
  and the version in force that day, with the event's FTA and kVA, is its version from
  that day. An activation of a contract already active is a change of terms (below).
- termination (RES, CFNS): the latest active contract ends, its last day supplied the day
  before the event (its first day when the event falls on it). With no active contract,
  a latest contract that already ends on that day is unchanged; else the event is refused.
- any other event (MCT, MDCTR, a code with no effect on the contract, a C12 change of
  option without code): the event's FTA and kVA from its day are a new version of the
  latest active contract when they differ from the version in force that day; an event
  before the contract's start or after its end changes no version.
- the delivery point takes the event's FTA and kVA, except on a termination and when a
  version of the contract concerned starts after the event (the point keeps the latest).
- refused, nothing changed: an FTA or a time class of subscribed power the supply
  contracts do not handle (C2-C4 options HTA5 ..., classes Pointe, HPE), an event with no
  day or an unreadable power, an activation with no contract on the PRM.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Dict, Hashable, List, Optional, Sequence, Tuple, Union

from enercoop_core.billing.contract_events import ACTIVATE, TERMINATE, contract_effect
from enercoop_core.tariffs.turpe import FTA_CLASSES
from enercoop_core.timeclasses import CLASS_NAMES

__all__ = [
    "DRAFT", "ACTIVE", "TERMINATED", "Version", "Event", "StartContract", "EndContract",
    "NewVersion", "DropVersion", "UpdatePoint", "Unchanged", "Refusal", "Outcome",
    "MESSAGES", "in_force", "version_on", "apply_event", "change_terms",
]

DRAFT, ACTIVE, TERMINATED = "draft", "active", "terminated"
ONE_DAY = dt.timedelta(days=1)

#: Refusal reasons (:attr:`Refusal.reason`) and their messages (``%`` the refusal's values).
FTA_NOT_HANDLED = "fta_not_handled"
CLASSES_NOT_HANDLED = "classes_not_handled"
NO_DATE = "no_date"
BAD_POWER = "bad_power"
NO_CONTRACT = "no_contract_to_activate"
NO_ACTIVE_CONTRACT = "no_active_contract"
MESSAGES = {
    FTA_NOT_HANDLED: "tariff option %s of event %s is not one the supply contracts handle (%s)",
    CLASSES_NOT_HANDLED: "time classes %s of event %s are not ones the supply contracts "
                         "handle (%s)",
    NO_DATE: "event %s has no readable date (%s)",
    BAD_POWER: "subscribed power %s of event %s is not a number",
    NO_CONTRACT: "event %s: no supply contract to activate on PRM %s",
    NO_ACTIVE_CONTRACT: "event %s: no active supply contract on PRM %s",
}


# ---------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Version:
    """The terms of one supply contract on ``[start, end)`` (``end`` exclusive, None =
    open). ``contract``: the ERP's id of the contract (ties of start between contracts are
    broken on it, the greatest being the latest); ``state``: the contract's (``draft``,
    ``active``, ``terminated``); ``kva``: subscribed power in kVA; ``ref``: the ERP's id of
    the stored version (named by :class:`DropVersion`)."""

    contract: Hashable
    start: dt.date
    end: Optional[dt.date]
    fta: str
    kva: int
    offer: str
    state: str = DRAFT
    ref: Hashable = None

    @property
    def terms(self) -> Tuple[str, int, str]:
        return (self.fta, self.kva, self.offer)


@dataclass(frozen=True)
class Event:
    """A contract event of a PRM: ``code`` its ``Nature_Evenement`` ("" when none), ``day``
    the local day it takes effect, ``fta`` and ``kva`` (subscribed power, kVA) the terms it
    reports ("" / None when it reports none), ``time_classes`` the classes of its powers
    per time class (C12)."""

    code: str
    day: Optional[dt.date]
    fta: str = ""
    kva: Optional[int] = None
    time_classes: Tuple[str, ...] = ()
    prm: str = ""
    bad_power: str = ""  # the power as given when it is no number
    date_text: str = ""  # the date as given

    @classmethod
    def from_record(cls, record: dict) -> Event:
        """The event of a flows ``contract_event`` record (``event``, ``date``: ISO instant
        written in local time, or day; ``fta``; ``subscribed_kva``; ``subscribed_powers``)."""
        kva, bad = None, ""
        raw = record.get("subscribed_kva")
        if raw not in (None, ""):
            try:
                kva = int(float(raw)) or None
            except (TypeError, ValueError):
                bad = str(raw)
        powers = record.get("subscribed_powers") or ()
        return cls(code=(record.get("event") or "").strip().upper(),
                   day=_day(record.get("date")), fta=record.get("fta") or "", kva=kva,
                   time_classes=tuple(str(p.get("time_class")) for p in powers),
                   prm=record.get("prm") or "", bad_power=bad,
                   date_text=str(record.get("date") or ""))


def _day(text) -> Optional[dt.date]:
    """The local day of an ISO instant written with its offset (or of an ISO day)."""
    try:
        return dt.datetime.strptime(str(text)[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


# ---------------------------------------------------------------------- changes
@dataclass(frozen=True)
class StartContract:
    """``contract`` runs (state active, no end) from ``start``, its first day supplied."""

    contract: Hashable
    start: dt.date


@dataclass(frozen=True)
class EndContract:
    """``contract`` ends (state terminated); ``last_day``: its last day supplied."""

    contract: Hashable
    last_day: dt.date


@dataclass(frozen=True)
class NewVersion:
    """The terms of ``contract`` from ``start`` (replacing a version that starts that day)
    until its next version: ``fta``, ``kva`` (subscribed kVA), ``offer``."""

    contract: Hashable
    start: dt.date
    fta: str
    kva: int
    offer: str


@dataclass(frozen=True)
class DropVersion:
    """The stored version of ``contract`` named by ``version.ref`` is superseded: delete
    it (``version``: the :class:`Version` as given)."""

    contract: Hashable
    version: Version


@dataclass(frozen=True)
class UpdatePoint:
    """The delivery point's FTA and subscribed kVA ("" / None: unchanged)."""

    fta: str = ""
    kva: Optional[int] = None


@dataclass(frozen=True)
class Unchanged:
    """Nothing to write on ``contract`` (None: no contract concerned), and why."""

    contract: Optional[Hashable]
    reason: str


Change = Union[StartContract, EndContract, NewVersion, DropVersion, UpdatePoint, Unchanged]


@dataclass(frozen=True)
class Refusal:
    """Why an event cannot be applied: ``reason`` (a key of :data:`MESSAGES`), ``field`` of
    the record at fault ("" when none), ``values`` the arguments of its message (an ERP
    translating the message formats its own translation of the same text with them)."""

    reason: str
    field: str
    values: Tuple[str, ...]

    @property
    def message(self) -> str:
        return MESSAGES[self.reason] % self.values


@dataclass(frozen=True)
class Outcome:
    """What an event does: ``effect`` (``activate``, ``terminate``, ``update`` or None),
    the ``contract`` it concerns (None: none), the ``changes`` in the order to write them,
    or the ``refusal`` (then no change)."""

    effect: Optional[str]
    contract: Optional[Hashable]
    changes: Tuple[Change, ...] = ()
    refusal: Optional[Refusal] = None


# ---------------------------------------------------------------------- versions in force
def in_force(versions: Sequence[Version], start: dt.date,
             end: Optional[dt.date]) -> List[Version]:
    """The versions of one contract in force on ``[start, end)`` (end exclusive, None =
    open), with their dates in force: the latest version starting on or before ``start``
    (else the earliest) from ``start``, then each later one starting before ``end``; each
    ends where the next begins, the last on ``end``. Of two versions starting the same day
    the last given wins. Empty when ``versions`` is."""
    ordered: List[Version] = []
    for version in sorted(versions, key=lambda v: v.start):
        if ordered and ordered[-1].start == version.start:
            ordered[-1] = version
        else:
            ordered.append(version)
    if not ordered:
        return []
    first = max([i for i, v in enumerate(ordered) if v.start <= start] or [0])
    kept = [ordered[first]] + [v for v in ordered[first + 1:] if end is None or v.start < end]
    result = []
    for rank, version in enumerate(kept):
        until = kept[rank + 1].start if rank + 1 < len(kept) else end
        result.append(replace(version, start=start if rank == 0 else version.start,
                              end=until))
    return result


def version_on(versions: Sequence[Version], day: dt.date) -> Version:
    """The version of ``versions`` (one contract's, in force, in order) in force on ``day``
    (the first one for a day before them, the last one after them)."""
    found = versions[0]
    for version in versions:
        if version.start <= day:
            found = version
    return found


def change_terms(versions: Sequence[Version], day: dt.date, fta: str = "",
                 kva: Optional[int] = None, offer: str = "") -> List[Change]:
    """The change of terms of one contract (``versions``: its versions in force, in order)
    from ``day``: a :class:`NewVersion` with the terms given ("" / None: those in force
    that day), or :class:`Unchanged` when the terms are already in force or ``day`` falls
    outside the contract."""
    contract = versions[0].contract
    first, last = versions[0], versions[-1]
    if day < first.start:
        return [Unchanged(contract, "%s is before the contract's start %s" % (day, first.start))]
    if last.end is not None and day >= last.end:
        return [Unchanged(contract, "%s is after the contract's last day %s"
                          % (day, last.end - ONE_DAY))]
    base = version_on(versions, day)
    terms = (fta or base.fta, kva or base.kva, offer or base.offer)
    if terms == base.terms:
        return [Unchanged(contract, "the terms %s, %s kVA, %s are in force on %s" % (
            terms + (day,)))]
    return [NewVersion(contract, day, *terms)]


# ---------------------------------------------------------------------- events
def apply_event(versions: Sequence[Version], record: Union[dict, Event]) -> Outcome:
    """The :class:`Outcome` of one contract event (a flows ``contract_event`` record or an
    :class:`Event`) on a PRM whose contracts are ``versions`` (every contract's versions in
    force, any order). The rules are in the module's documentation."""
    event = record if isinstance(record, Event) else Event.from_record(record)
    effect = contract_effect(event.code)
    refusal = _refusal(event)
    if refusal:
        return Outcome(effect, None, refusal=refusal)
    contracts: Dict[Hashable, List[Version]] = {}
    for version in sorted(versions, key=lambda v: v.start):
        contracts.setdefault(version.contract, []).append(version)
    latest = sorted(contracts, key=lambda c: (contracts[c][0].start, c), reverse=True)
    active = [c for c in latest if contracts[c][0].state == ACTIVE]
    if effect == ACTIVATE:
        drafts = [c for c in latest if contracts[c][0].state == DRAFT]
        target = (drafts or latest or [None])[0]
        if target is None:
            return Outcome(effect, None, refusal=Refusal(NO_CONTRACT, "",
                                                         (event.code, event.prm)))
        if contracts[target][0].state == ACTIVE:
            changes = change_terms(contracts[target], event.day, event.fta, event.kva)
        else:
            changes = _activate(contracts[target], event)
    elif effect == TERMINATE:
        if not active:
            return _ended_already(contracts, latest, event, effect)
        target = active[0]
        changes = [_terminate(contracts[target], event)]
    else:
        target = active[0] if active else None
        changes = (change_terms(contracts[target], event.day, event.fta, event.kva)
                   if target is not None else [Unchanged(None, "no active supply contract")])
    point = _point_update(contracts.get(target, ()), changes, event, effect)
    return Outcome(effect, target, tuple(changes) + point)


def _refusal(event: Event) -> Optional[Refusal]:
    if event.fta and event.fta not in FTA_CLASSES:
        return Refusal(FTA_NOT_HANDLED, "fta", (event.fta, event.code,
                                                ", ".join(sorted(FTA_CLASSES))))
    unknown = [tc for tc in event.time_classes if tc not in CLASS_NAMES]
    if unknown:
        return Refusal(CLASSES_NOT_HANDLED, "subscribed_powers", (
            ", ".join(unknown), event.code, ", ".join(CLASS_NAMES)))
    if event.day is None:
        return Refusal(NO_DATE, "date", (event.code, event.date_text))
    if event.bad_power:
        return Refusal(BAD_POWER, "subscribed_kva", (event.bad_power, event.code))
    return None


def _activate(versions: Sequence[Version], event: Event) -> List[Change]:
    """Activation from the event's day: the versions before it superseded, the version in
    force that day (with the event's terms) the contract's version from that day."""
    day, contract = event.day, versions[0].contract
    base = version_on(versions, day)
    terms = (event.fta or base.fta, event.kva or base.kva, base.offer)
    dropped = [v for v in versions if v.start != day and (v.start < day or v is base)]
    changes: List[Change] = [StartContract(contract, day)]
    if base in dropped or terms != base.terms:
        changes.append(NewVersion(contract, day, *terms))
    # after the new version: a contract always keeps one
    changes.extend(DropVersion(contract, v) for v in dropped)
    return changes


def _terminate(versions: Sequence[Version], event: Event) -> EndContract:
    """The last day supplied: the day before the event, at least the contract's first."""
    return EndContract(versions[0].contract, max(event.day - ONE_DAY, versions[0].start))


def _ended_already(contracts, latest, event: Event, effect) -> Outcome:
    """A termination with no active contract: unchanged when the latest contract already
    ends that day (the same event again), else refused."""
    if latest:
        last = contracts[latest[0]]
        end = last[-1].end
        if last[0].state == TERMINATED and end is not None and end - ONE_DAY == max(
                event.day - ONE_DAY, last[0].start):
            return Outcome(effect, latest[0], (Unchanged(
                latest[0], "the contract already ends on %s" % (end - ONE_DAY)),))
    return Outcome(effect, None, refusal=Refusal(NO_ACTIVE_CONTRACT, "",
                                                 (event.code, event.prm)))


def _point_update(versions: Sequence[Version], changes, event: Event,
                  effect) -> Tuple[Change, ...]:
    """The point's new FTA/kVA: none on a termination, nor when a version of the contract
    concerned (those not dropped) starts after the event."""
    if effect == TERMINATE or not (event.fta or event.kva):
        return ()
    dropped = {c.version for c in changes if isinstance(c, DropVersion)}
    if any(v.start > event.day and v not in dropped for v in versions):
        return ()
    return (UpdatePoint(event.fta, event.kva),)
