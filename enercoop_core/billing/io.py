"""Contracts and readings files for ``enercoop bill``.

Contracts, CSV (one row per contract version; ``end`` exclusive, empty = open)::

    contract_id,prm,fta,kva,offer,company,start,end,offpeak,customer,annual_kwh
    C-0001,30001234567890,BTINFCU4,6,BASE,coop-idf,2024-01-01,,22:00-06:00,Alice Martin,3500

or JSON: a list of objects with the same keys (``kva`` a number)::

    [{"contract_id": "C-0001", "prm": "30001234567890", "fta": "BTINFCU4", "kva": 6,
      "offer": "BASE", "company": "coop-idf", "start": "2024-01-01"}]

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
from enercoop_core.tariffs.table import parse_date

REQUIRED = ("contract_id", "prm", "fta", "kva", "offer", "start")


def contract_from_dict(raw: dict, file: str = "", record: str = "") -> Contract:
    for name in REQUIRED:
        if raw.get(name) in (None, ""):
            raise InputError("missing value", file=file, record=record, field=name)
    try:
        kva = int(Decimal(str(raw["kva"])))
        annual = raw.get("annual_kwh")
        annual = Decimal(str(annual)) if annual not in (None, "") else None
    except InvalidOperation:
        raise InputError("not a number", file=file, record=record, field="kva/annual_kwh")
    prm = str(raw["prm"])
    if not (len(prm) == 14 and prm.isdigit()):
        raise InputError("PRM must have 14 digits", file=file, record=record, field="prm")
    return Contract(
        contract_id=str(raw["contract_id"]), prm=prm, fta=str(raw["fta"]), kva=kva,
        offer=str(raw["offer"]), company=str(raw.get("company") or "default"),
        start=parse_date(str(raw["start"]), file, 0, "start"),
        end=parse_date(str(raw["end"]), file, 0, "end") if raw.get("end") else None,
        offpeak=str(raw.get("offpeak") or ""), customer=str(raw.get("customer") or ""),
        annual_kwh=annual)


def read_contracts(path) -> Dict[str, List[Contract]]:
    """{contract_id: [versions sorted by start]} from a CSV or JSON file."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        raws = json.loads(path.read_text(encoding="utf-8"))
        pairs = [(str(i + 1), raw) for i, raw in enumerate(raws)]
    else:
        with path.open(newline="", encoding="utf-8") as handle:
            pairs = [(str(i + 2), raw) for i, raw in enumerate(csv.DictReader(handle))]
    contracts = {}  # type: Dict[str, List[Contract]]
    for record, raw in pairs:
        c = contract_from_dict(raw, path.name, record)
        contracts.setdefault(c.contract_id, []).append(c)
    for versions in contracts.values():
        versions.sort(key=lambda v: v.start)
    return contracts


def read_records(paths, rejected: list) -> List[dict]:
    """Record dicts from JSON files, and from flow files through ``enercoop_core.flows``."""
    records, flow_paths = [], []
    for path in paths:
        path = Path(path)
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            records.extend(data if isinstance(data, list) else [data])
        elif path.suffix.lower() == ".jsonl":
            records.extend(json.loads(l) for l in path.read_text(encoding="utf-8").splitlines()
                           if l.strip())
        else:
            flow_paths.append(str(path))
    if flow_paths:
        from enercoop_core import (
            flows,  # parallel work: imported only when flow files are given
        )
        parsed = flows.parse(flow_paths)
        records.extend(parsed)
        rejected.extend(getattr(parsed, "rejected", ()) or ())
    return records


def bill_to_dict(bill) -> dict:
    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value
    out = {k: plain(v) for k, v in bill.__dict__.items() if k not in ("lines", "vat")}
    out["lines"] = [{k: plain(v) for k, v in l.__dict__.items()} for l in bill.lines]
    out["vat"] = [{k: plain(v) for k, v in v.__dict__.items()} for v in bill.vat]
    return out
