"""Contracts and readings files for ``enercoop bill``.

Contracts, CSV (one row per contract version; ``end`` exclusive, empty = open)::

    contract_id,prm,fta,kva,offer,company,start,end,offpeak,customer,annual_kwh,profile
    C-0001,30001234567890,BTINFCU4,6,BASE,coop-idf,2024-01-01,,22:00-06:00,Alice Martin,3500,RES1

(``annual_kwh`` and ``profile``, an Enedis profile or sub-profile, serve estimates without
history; both optional.) Further optional columns (see :class:`~enercoop_core.billing.model.
Contract`, checked together with ``fta`` and ``kva``): ``segment`` (C5, C4),
``accise_category`` (household, sme, high_power), ``accise_attestation`` (the accise category
a customer's attestation gives, e.g. ``exempt``), ``meter`` (empty, ``non_communicating``,
``none``), ``meter_digits`` (dial digit count), ``kva_hph``, ``kva_hch``, ``kva_hpb``,
``kva_hcb`` (BT > 36 kVA four subscribed powers; all four or none).

or JSON: a list of objects with the same keys (``kva`` a number)::

    [{"contract_id": "C-0001", "prm": "30001234567890", "fta": "BTINFCU4", "kva": 6,
      "offer": "BASE", "company": "coop-idf", "start": "2024-01-01"}]

Purchase contracts (producers), CSV or JSON, one row per contract (``index`` empty = not
indexed; ``vat_regime`` ``liable`` or ``franchise``)::

    contract_id,prm,producer,tariff,start,end,index,vat_regime,producer_vat_number
    P-0001,30002000000001,Moulin de la Roche SARL,hydro-2024,2024-01-01,,coop-index,liable,\
FR00123456789

Readings: Enedis flow files (R15 XML, zipped or not) read by ``enercoop_core.flows.parse``,
or ``.json``/``.jsonl`` files holding the same ``index_reading`` records (see
:mod:`enercoop_core.billing.readings`).
"""
from __future__ import annotations

import csv
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Dict, List

from enercoop_core.billing.model import Contract
from enercoop_core.errors import InputError
from enercoop_core.identifiers import prm as prm_id
from enercoop_core.tariffs.table import parse_date
from enercoop_core.timeclasses import FOUR_CLASSES

REQUIRED = ("contract_id", "prm", "fta", "kva", "offer", "start")


def _prm(value, file: str, record: str) -> str:
    try:
        return prm_id.validate(value)
    except prm_id.InvalidIdentifier as exc:
        raise InputError("PRM must have 14 digits", file=file, record=record,
                         field="prm") from exc


def contract_from_dict(raw: dict, file: str = "", record: str = "") -> Contract:
    for name in REQUIRED:
        if raw.get(name) in (None, ""):
            raise InputError("missing value", file=file, record=record, field=name)
    kva = _whole(raw["kva"], file, record, "kva")  # subscribed powers are whole kVA
    try:
        annual = raw.get("annual_kwh")
        annual = Decimal(str(annual)) if annual not in (None, "") else None
    except InvalidOperation as exc:
        raise InputError("not a number", file=file, record=record, field="annual_kwh") from exc
    prm = _prm(raw["prm"], file, record)
    powers = []
    for time_class in FOUR_CLASSES:
        name = "kva_" + time_class.lower()
        if raw.get(name) not in (None, ""):
            powers.append((time_class, _whole(raw[name], file, record, name)))
    if powers and len(powers) != 4:
        raise InputError("give the four subscribed powers kva_hph, kva_hch, kva_hpb, kva_hcb "
                         "or none", file=file, record=record, field="kva_hph")
    digits = raw.get("meter_digits")
    start = _date(raw["start"], file, record, "start")
    end = _date(raw["end"], file, record, "end") if raw.get("end") else None
    if end is not None and not start < end:
        raise InputError("end %s must be after start %s (end is exclusive)" % (end, start),
                         file=file, record=record, field="end")
    return Contract(
        contract_id=str(raw["contract_id"]), prm=prm, fta=str(raw["fta"]), kva=kva,
        offer=str(raw["offer"]), company=str(raw.get("company") or "default"),
        start=start, end=end, offpeak=str(raw.get("offpeak") or ""),
        customer=str(raw.get("customer") or ""),
        annual_kwh=annual, profile=str(raw.get("profile") or ""),
        segment=str(raw.get("segment") or ""),
        accise_category=str(raw.get("accise_category") or ""),
        accise_attestation=str(raw.get("accise_attestation") or ""),
        meter=str(raw.get("meter") or ""),
        meter_digits=_whole(digits, file, record, "meter_digits") if digits not in (None, "")
        else None,
        kva_by_class=tuple(powers))


def _date(value, file: str, record: str, name: str):
    try:
        return parse_date(str(value), file, 0, name)
    except InputError as exc:
        raise InputError(exc.message, file=file, record=record, field=name) from exc


def _whole(value, file: str, record: str, name: str) -> int:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise InputError("not a whole number: %r" % (value,), file=file, record=record,
                         field=name)
    return int(number)


def read_contracts(path) -> Dict[str, List[Contract]]:
    """{contract_id: [versions sorted by start]} from a CSV or JSON file."""
    path = Path(path)
    contracts = {}  # type: Dict[str, List[Contract]]
    records = {}  # type: Dict[int, str]
    for record, raw in _rows(path):
        c = contract_from_dict(raw, path.name, record)
        contracts.setdefault(c.contract_id, []).append(c)
        records[id(c)] = record
    for versions in contracts.values():
        versions.sort(key=lambda v: v.start)
        for before, after in zip(versions, versions[1:]):
            if before.end is None or before.end > after.start:
                raise InputError("version from %s overlaps the version from %s (its end is %s)"
                                 % (after.start, before.start, before.end or "empty"),
                                 file=path.name, record=records[id(after)], field="start")
    return contracts


PURCHASE_REQUIRED = ("contract_id", "prm", "producer", "tariff", "start")


def _rows(path: Path):
    """(record number, dict) pairs of a CSV (header = record 1) or JSON list file."""
    try:
        if path.suffix.lower() == ".json":
            raws = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raws, list):
                raise InputError("a JSON contracts file holds a list of objects", file=path.name)
            rows = [(str(i + 1), raw) for i, raw in enumerate(raws)]
        else:
            with path.open(newline="", encoding="utf-8") as handle:
                rows = [(str(i + 2), raw) for i, raw in enumerate(csv.DictReader(handle))]
    except OSError as exc:
        raise InputError("cannot read the file: %s" % (exc.strerror or exc),
                         file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text (byte %d)" % exc.start, file=path.name) from exc
    except ValueError as exc:  # json.JSONDecodeError
        raise InputError("not valid JSON: %s" % exc, file=path.name) from exc
    for record, raw in rows:
        if not isinstance(raw, dict):
            raise InputError("not an object: %r" % (raw,), file=path.name, record=record)
        if None in raw:  # csv.DictReader puts the cells beyond the header under None
            raise InputError("more cells than header columns", file=path.name, record=record)
    return rows


def purchase_contract_from_dict(raw: dict, file: str = "", record: str = ""):
    from enercoop_core.billing.purchase import PurchaseContract
    for name in PURCHASE_REQUIRED:
        if raw.get(name) in (None, ""):
            raise InputError("missing value", file=file, record=record, field=name)
    prm = _prm(raw["prm"], file, record)
    try:
        return PurchaseContract(
            contract_id=str(raw["contract_id"]), prm=prm, producer=str(raw["producer"]),
            tariff=str(raw["tariff"]), start=parse_date(str(raw["start"]), file, 0, "start"),
            end=parse_date(str(raw["end"]), file, 0, "end") if raw.get("end") else None,
            index=str(raw["index"]) if raw.get("index") else None,
            vat_regime=str(raw.get("vat_regime") or "liable"),
            producer_vat_number=str(raw.get("producer_vat_number") or ""))
    except InputError as exc:
        raise InputError(exc.message, file=file, record=record, field=exc.field) from exc


def read_purchase_contracts(path) -> Dict[str, object]:
    """{contract_id: PurchaseContract} from a CSV or JSON file (one row per contract)."""
    path = Path(path)
    contracts = {}
    for record, raw in _rows(path):
        contract = purchase_contract_from_dict(raw, path.name, record)
        if contract.contract_id in contracts:
            raise InputError("duplicate contract_id %s" % contract.contract_id, file=path.name,
                             record=record, field="contract_id")
        contracts[contract.contract_id] = contract
    return contracts


def read_records(paths, rejected: list) -> List[dict]:
    """Record dicts from JSON files, and from flow files (XML, zip, directories) through
    ``enercoop_core.flows.parse``; what the flows engine rejects is appended to ``rejected``
    as ``(None, Rejection)`` pairs."""
    records, flow_paths = [], []
    for path in paths:
        path = Path(path)
        if path.suffix.lower() not in (".json", ".jsonl"):
            flow_paths.append(str(path))
            continue
        try:
            records.extend(_json_records(path))
        except InputError as exc:
            rejected.append((None, exc))
    if flow_paths:
        from enercoop_core import (
            flows,  # parallel work: imported only when flow files are given
        )
        parsed = flows.parse(flow_paths)
        records.extend(parsed)
        rejected.extend((None, rejection) for rejection in (getattr(parsed, "rejected", ()) or ()))
    return records


def _json_records(path: Path) -> List[dict]:
    """The record objects of a .json (one object or a list) or .jsonl file (InputError naming
    the file and the line or position otherwise)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError("cannot read the file: %s" % (exc.strerror or exc),
                         file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text (byte %d)" % exc.start, file=path.name) from exc
    if path.suffix.lower() == ".jsonl":
        lines = [(str(n), l) for n, l in enumerate(text.splitlines(), start=1) if l.strip()]
    else:
        lines = [(None, text)]
    found = []
    for line, chunk in lines:
        try:
            data = json.loads(chunk)
        except ValueError as exc:
            raise InputError("not valid JSON: %s" % exc, file=path.name, record=line) from exc
        for position, item in enumerate(data if isinstance(data, list) else [data], start=1):
            if not isinstance(item, dict):
                raise InputError("not a record object: %r" % (item,), file=path.name,
                                 record=line or str(position))
            found.append(item)
    return found


def bill_to_dict(bill) -> dict:
    """A Bill or PurchaseInvoice as JSON-able data (Decimal as strings, dates ISO)."""
    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        return value
    out = {k: plain(v) for k, v in bill.__dict__.items() if k not in ("lines", "vat")}
    out["lines"] = [{k: plain(v) for k, v in l.__dict__.items()} for l in bill.lines]
    out["vat"] = [{k: plain(v) for k, v in v.__dict__.items()} for v in bill.vat]
    return out
