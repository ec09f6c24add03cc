"""Network invoice check: the TURPE the network operator billed (F15 / F12 detail lines) against
the TURPE computed by the billing engine for the same delivery point and dates.

Input lines are the flows engine's ``network_invoice_line`` records (see
:mod:`enercoop_core.flows`): ``prm``, ``item_id`` (Id_EV), ``label`` (Libelle_EV),
``start``/``end`` (ISO dates), ``quantity``, ``unit``, ``amount`` (EUR excl. VAT, decimal
string), ``billing_type``, ``nature_code`` (F12 Code_Recapitulatif), ``debit_credit`` (F12).

Classification (:func:`classify`), from the Id_EV codes of the Enedis implementation guides
(F15 annex 5.6, F12 annex 7.6), then from the label:

============  ====================================================  ========================
component     F15 Id_EV (suffixes -U/-E/-A/-F/-R ignored)           F12 Id_EV / recap code
============  ====================================================  ========================
``cg``        ASG*, ASGA*, ASCGCU* (gestion, autoproducteur, CU)    FCGE*, FCGU*, CGEST, CGCU
``cc``        ASC* (comptage: ASCL, ASCP, ASCEL, ASCS, ASCR ...)    FCCO*, CCOMP
``b``         ASSF* (soutirage, part fixe)                          FSOU*, CSF
``c``         ASSV<opt>-<kVA>-<n>* (part variable; class from the   VEAS<class>, CSV
              label, else n: CU4/MU4 1 HCB, 2 HPB, 3 HCH, 4 HPH;
              MU2 1 HC, 2 HP; CU1/MU1/LU1 BASE)
``cmdps``     (none)                                                VDDE (durée de
                                                                    dépassement, hours:
                                                                    alpha x quantity)
============  ====================================================  ========================

Energy classes HPE/HCE (F12 wording for the low season) read as HPB/HCB. Anything else
(services, fees, late-payment interest) is listed in ``not_turpe``; TURPE lines the engine
cannot compare (``AR_CA``/``AR_CR`` price corrections, collective self-consumption or
P/HPD/HCD/JA classes, a PRM without contract, a missing rate) in ``unchecked``, each with
its reason: nothing is dropped silently.

Expected amount of a line (:func:`expected_amount`): the engine's own TURPE lines
(:func:`~enercoop_core.billing.engine.price_period` with ``turpe_only=True``) for the
contract versions of the PRM over the line's days, summed over the engine lines of the same
component. Dates: ``end`` is the last day billed (inclusive) unless the line counts days and
its quantity equals ``end - start`` (then ``end`` is exclusive). Energy lines are priced on
the kWh of the PRM's own readings for those dates when both indexes are known, else on the
billed quantity (which then checks the unit prices only). A cancellation (Id_EV suffix
``-A``, ``billing_type`` ``ANNUL``, or F12 credit ``Z``) expects the opposite amount and its
billed amount is read as a credit (negative).

Results are summed by PRM and component (``cg``, ``cc``, ``b``, ``c_HPH`` ...): a component is
``ok`` when ``|billed - expected| <= tolerance`` (EUR, default 0.05: the operator rounds its
daily prices differently from the engine's 1e-8 EUR per day).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from enercoop_core.billing.consumption import consumption, derive
from enercoop_core.billing.model import Contract, round_cents
from enercoop_core.errors import EnercoopError, InputError
from enercoop_core.tariffs import turpe as turpe_mod
from enercoop_core.timeclasses import (
    BASE, FOUR_CLASSES, HC, HCB, HCH, HP, HP_HC, HPB, HPH, seasonal)

DEFAULT_TOLERANCE = Decimal("0.05")
ENGINE_CODE = {"cg": "turpe_cg", "cc": "turpe_cc", "b": "turpe_b"}
#: Names of the low-season classes in some network invoices (E = été, summer).
CLASS_ALIASES = {"HPE": HPB, "HCE": HCB}
CLASS_RE = re.compile(r"\b(%s)\b" % "|".join(FOUR_CLASSES + tuple(CLASS_ALIASES) + HP_HC + (BASE,)))
#: Time class of each rank of an ``ASSV<FTA>-<n>-<rank>`` energy item, by FTA suffix.
FOUR_RANKS = {"1": HCB, "2": HPB, "3": HCH, "4": HPH}
RANK_CLASSES = {
    "CU4": FOUR_RANKS, "MU4": FOUR_RANKS, "MU2": {"1": HC, "2": HP},
    "CU1": {"1": BASE}, "MU1": {"1": BASE}, "LU1": {"1": BASE},
}
SUFFIX_RE = re.compile(r"-(A|F|U|E|R)$")
DAY_UNITS = ("JOUR", "JOURS", "J", "DAY", "DAYS")


@dataclass(frozen=True)
class LineCheck:
    """One network invoice line with the amount the engine expects for it (EUR)."""

    key: Optional[str]
    invoice_number: Optional[str]
    item_id: str
    label: Optional[str]
    prm: str
    component: str  # cg, cc, b, c_<class>
    start: dt.date
    end: dt.date  # exclusive
    billed: Decimal
    expected: Decimal
    billed_kwh: Optional[Decimal] = None
    expected_kwh: Optional[Decimal] = None
    note: str = ""

    @property
    def difference(self) -> Decimal:
        return self.billed - self.expected


@dataclass(frozen=True)
class ComponentCheck:
    """Sum over the checked lines of one PRM and component."""

    prm: str
    component: str
    billed: Decimal
    expected: Decimal
    lines: int
    ok: bool
    notes: Tuple[str, ...] = ()

    @property
    def difference(self) -> Decimal:
        return self.billed - self.expected


@dataclass
class NetworkCheckReport:
    """``components`` by PRM and component; ``lines`` checked; ``not_turpe``: (record, reason)
    for lines that are not TURPE (services, fees, interest: out of scope); ``unchecked``:
    (record, reason) for TURPE lines that could not be compared (PRM without contract, a
    missing rate, an unsupported time class, a price correction of an earlier invoice)."""

    tolerance: Decimal
    components: List[ComponentCheck] = field(default_factory=list)
    lines: List[LineCheck] = field(default_factory=list)
    unchecked: List[Tuple[dict, str]] = field(default_factory=list)
    not_turpe: List[Tuple[dict, str]] = field(default_factory=list)

    @property
    def differences(self) -> List[ComponentCheck]:
        return [c for c in self.components if not c.ok]

    @property
    def ok(self) -> bool:
        """No difference beyond the tolerance and no TURPE line left unchecked."""
        return not self.differences and not self.unchecked


def _base_code(item_id: str) -> str:
    code = (item_id or "").strip().upper()
    return SUFFIX_RE.sub("", code)


def _class_from(text: str) -> Optional[str]:
    """Time class named in a label: a class code, or HP/HC with the season in words."""
    upper = (text or "").upper()
    found = CLASS_RE.findall(upper)
    if not found:
        return None
    time_class = CLASS_ALIASES.get(found[-1], found[-1])
    if time_class in HP_HC:
        if "SAISON HAUTE" in upper or "HIVER" in upper:
            time_class = seasonal(time_class, True)
        elif "SAISON BASSE" in upper or "ETE" in upper.replace("É", "E").split():
            time_class = seasonal(time_class, False)
    return time_class


def classify(record: dict) -> Tuple[Optional[str], Optional[str]]:
    """(component, time class) of a network invoice line: component ``cg``, ``cc``, ``b`` or
    ``c`` (time class given for ``c``, possibly None when it cannot be told), or
    ``(None, reason)`` when the line is not a TURPE component the engine computes."""
    code = _base_code(record.get("item_id") or "")
    label = record.get("label") or ""
    upper_label = label.upper()
    recap = (record.get("nature_code") or "").upper() if record.get("flow") == "F12" else ""
    if code in ("AR_CA", "AR_CR"):
        return None, "TURPE price correction of an earlier invoice (%s)" % code
    if code.startswith("VDDE"):
        return "cmdps", None  # F12 'Durée de dépassement' (BT > 36 kVA: alpha x hours)
    if code.startswith("ASCGCU") or code.startswith("ASG") or code.startswith("FCGE") \
            or code.startswith("FCGU") or recap in ("CGEST", "CGCU") or code == "CG":
        return "cg", None
    if code.startswith("ASC") or code.startswith("FCCO") or recap == "CCOMP" or code == "CC":
        return "cc", None
    if code.startswith("ASSF") or code.startswith("FSOU") or recap == "CSF":
        return "b", None
    short_energy = code[:2] == "CS" and code[2:] in FOUR_CLASSES + HP_HC
    if code.startswith("ASSV") or code.startswith("VEAS") or recap == "CSV" or short_energy:
        time_class = None
        if code.startswith("ASSV"):
            match = re.match(r"ASSV([A-Z0-9]+?)(?:ACC)?-\d+-(\d+)$", code)
            if match and "ACC" not in code:
                time_class = RANK_CLASSES.get(match.group(1), {}).get(match.group(2))
        elif code.startswith("VEAS") and code[4:] in FOUR_CLASSES + tuple(CLASS_ALIASES):
            time_class = CLASS_ALIASES.get(code[4:], code[4:])
        elif short_energy:
            time_class = code[2:]
        if time_class is None and "ACC" not in code and code[:5] != "VEASA":
            time_class = _class_from(label)
        if time_class is None:
            return None, "energy component of an unsupported time class (%s %s)" % (code, label)
        return "c", time_class
    if "GESTION" in upper_label:
        return "cg", None
    if "COMPTAGE" in upper_label:
        return "cc", None
    if "SOUTIRAGE" in upper_label and "FIXE" in upper_label:
        return "b", None
    if "SOUTIRAGE" in upper_label:
        time_class = _class_from(label)
        if time_class:
            return "c", time_class
    return None, "not a TURPE component the engine computes (%s %s)" % (code, label)


def is_network_use(record: dict) -> bool:
    """The operator files the line under network use (F15 Nature_EV 01, F12 Acheminement)."""
    if record.get("flow") == "F12":
        return record.get("category") == "network"
    return (record.get("nature_code") or "").strip() == "01"


def _decimal(text, field_name: str, record: dict) -> Decimal:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError) as exc:
        raise InputError("not a number: %r" % (text,), record=record.get("key"),
                         field=field_name) from exc


def line_dates(record: dict) -> Tuple[dt.date, dt.date]:
    """``[start, end)`` of a line (see the module doc for the inclusive-end rule)."""
    try:
        start = dt.date.fromisoformat(str(record.get("start"))[:10])
        last = dt.date.fromisoformat(str(record.get("end") or record.get("start"))[:10])
    except ValueError as exc:
        raise InputError("bad start/end dates", record=record.get("key"), field="start") from exc
    unit = (record.get("unit") or "").strip().upper()
    if unit in DAY_UNITS and record.get("quantity") not in (None, ""):
        if _decimal(record["quantity"], "quantity", record) == (last - start).days and last > start:
            return start, last
    return start, last + dt.timedelta(days=1)


def is_cancellation(record: dict) -> bool:
    return ((record.get("item_id") or "").strip().upper().endswith("-A")
            or (record.get("billing_type") or "").upper() == "ANNUL"
            or (record.get("debit_credit") or "").upper() == "Z")


def _readings_wh(readings, start: dt.date, end: dt.date) -> Optional[Dict[str, int]]:
    def on(day):
        found = sorted((r for r in readings if r.day == day), key=lambda r: r.estimated)
        return found[0] if found else None
    first, last = on(start), on(end)
    if first is None or last is None or first.estimated or last.estimated:
        return None
    inner = [r for r in readings if start < r.day < end and not r.estimated]
    return consumption([first] + inner + [last])


def expected_amount(versions: Sequence[Contract], component: str, time_class: Optional[str],
                    start: dt.date, end: dt.date, rates, energy_kwh: Optional[Decimal] = None,
                    readings=()) -> Tuple[Decimal, Optional[Decimal], str]:
    """(expected EUR, kWh priced or None, note) for one component over ``[start, end)``.

    Fixed components use the engine's TURPE lines of the contract versions; energy uses the
    PRM's readings when both indexes are real, else ``energy_kwh`` (the billed quantity)."""
    from enercoop_core.billing.engine import price_period, version_at
    version = version_at(versions, start)
    classes = turpe_mod.energy_classes(version.fta)
    zero = {c: 0 for c in classes}
    note = ""
    if component == "cmdps":
        if energy_kwh is None:
            raise InputError("overrun line without a duration", field="quantity")
        row = rates.turpe.overrun(start, version.fta)
        # TURPE 7 brochure p.15: CMDPS = 12.41 x h (quantity: hours of overrun)
        return round_cents(Decimal(row.values["value"]) * energy_kwh), None, "hours as billed"
    if component != "c":
        lines = price_period(versions, start, end, zero, rates, turpe_only=True)
        code = ENGINE_CODE[component]
        # BT > 36 kVA: the b terms of every power step (turpe_b_<class>) are one component
        return sum((l.amount for l in lines if l.code == code or (
            component == "b" and l.code.startswith("turpe_b_"))), Decimal("0.00")), None, note
    if time_class not in classes:
        raise InputError("time class %s is not one of option %s" % (time_class, version.fta),
                         field="time_class")
    measured = _readings_wh(readings, start, end) if readings else None
    if measured is not None:
        wh = derive(measured, classes)[time_class]
        note = "kWh from readings"
    elif energy_kwh is not None:
        wh = int((energy_kwh * 1000).to_integral_value())
        note = "kWh as billed"
    else:
        raise InputError("energy line without quantity and no readings", field="quantity")
    used = dict(zero)
    used[time_class] = wh
    lines = price_period(versions, start, end, used, rates, fixed=False, turpe_only=True)
    amount = sum((l.amount for l in lines if l.code == "turpe_c_" + time_class), Decimal("0.00"))
    return amount, Decimal(wh) / 1000, note


def check_network(contracts, records: Iterable[dict], rates, start: Optional[dt.date] = None,
                  end: Optional[dt.date] = None, readings=(),
                  tolerance: Decimal = DEFAULT_TOLERANCE) -> NetworkCheckReport:
    """Check every ``network_invoice_line`` record against the engine's TURPE.

    ``contracts``: {contract_id: [Contract versions]} (as :func:`~enercoop_core.billing.io.
    read_contracts` gives); ``records``: flows records (other families are ignored);
    ``start``/``end``: keep the lines whose first day is in ``[start, end)`` (None = all);
    ``readings``: :class:`~enercoop_core.billing.readings.Reading` objects for the energy
    quantities; ``tolerance``: EUR per PRM and component.
    """
    by_prm = _versions_by_prm(contracts)
    readings_by_prm = {}
    for reading in readings:
        readings_by_prm.setdefault(reading.prm, []).append(reading)
    report = NetworkCheckReport(tolerance=Decimal(tolerance))
    for record in records:
        if record.get("family") != "network_invoice_line":
            continue
        try:
            line_start, line_end = line_dates(record)
        except InputError as exc:
            report.unchecked.append((record, str(exc)))
            continue
        if (start is not None and line_start < start) or (end is not None and line_start >= end):
            continue
        component, detail = classify(record)
        if component is None:
            turpe = is_network_use(record) or detail.startswith(("energy", "TURPE"))
            (report.unchecked if turpe else report.not_turpe).append((record, detail))
            continue
        prm = record.get("prm")
        versions = by_prm.get(prm or "")
        if not versions:
            report.unchecked.append((record, "no contract for PRM %s" % prm))
            continue
        try:
            report.lines.append(_check_line(record, versions, component, detail, line_start,
                                            line_end, rates, readings_by_prm.get(prm, ())))
        except EnercoopError as exc:
            report.unchecked.append((record, str(exc)))
    report.components.extend(_component_checks(report.lines, report.tolerance))
    return report


def _versions_by_prm(contracts) -> Dict[str, List[Contract]]:
    """The contract versions of each PRM, by start date."""
    by_prm = {}  # type: Dict[str, List[Contract]]
    for versions in contracts.values():
        for version in versions:
            by_prm.setdefault(version.prm, []).append(version)
    for versions in by_prm.values():
        versions.sort(key=lambda v: v.start)
    return by_prm


def _check_line(record, versions, component, detail, line_start, line_end, rates,
                readings) -> LineCheck:
    """One TURPE line of the operator against the engine (EnercoopError when it cannot be
    checked); a cancellation is compared negated, another FTA than the contract's is noted."""
    billed = _decimal(record.get("amount"), "amount", record)
    billed_kwh = (_decimal(record["quantity"], "quantity", record)
                  if component in ("c", "cmdps")
                  and record.get("quantity") not in (None, "") else None)
    if billed_kwh is not None and is_cancellation(record):
        billed_kwh = abs(billed_kwh)
    expected, expected_kwh, note = expected_amount(
        versions, component, detail, line_start, line_end, rates, billed_kwh, readings)
    if is_cancellation(record):
        billed, expected = -abs(billed), -expected
        note = (note + "; " if note else "") + "cancellation"
    fta = record.get("fta")
    contract_fta = versions[-1].fta
    if fta and fta != contract_fta and all(v.fta != fta for v in versions):
        note = (note + "; " if note else "") + "operator FTA %s, contract %s" % (
            fta, contract_fta)
    return LineCheck(
        key=record.get("key"), invoice_number=record.get("invoice_number"),
        item_id=record.get("item_id") or "", label=record.get("label"), prm=record.get("prm"),
        component=component if component != "c" else "c_" + detail, start=line_start,
        end=line_end, billed=billed, expected=expected, billed_kwh=billed_kwh,
        expected_kwh=expected_kwh, note=note)


def _component_checks(lines: Sequence[LineCheck], tolerance: Decimal) -> List[ComponentCheck]:
    """The lines added up by PRM and component (cg, cc, b first), each within tolerance?"""
    groups = {}  # type: Dict[Tuple[str, str], List[LineCheck]]
    for line in lines:
        groups.setdefault((line.prm, line.component), []).append(line)
    order = {"cg": 0, "cc": 1, "b": 2}
    checks = []
    for (prm, component), group in sorted(groups.items(), key=lambda kv: (
            kv[0][0], order.get(kv[0][1], 3), kv[0][1])):
        billed = sum((l.billed for l in group), Decimal("0.00"))
        expected = sum((l.expected for l in group), Decimal("0.00"))
        notes = tuple(sorted({l.note for l in group if l.note}))
        checks.append(ComponentCheck(
            prm=prm, component=component, billed=billed, expected=expected, lines=len(group),
            ok=abs(billed - expected) <= tolerance, notes=notes))
    return checks
