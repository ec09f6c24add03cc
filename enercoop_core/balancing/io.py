"""Input files of the balance: curves, profiled consumers, producers.

- Curves: Enedis flow files (R50 XML, zips, folders; read by :mod:`enercoop_core.flows`)
  or CSV files in the layout ``enercoop flows --format csv --family curve`` writes:
  ``prm``, ``instant`` (ISO 8601; the instant ENDS the interval; without UTC offset it is
  Paris time), ``value_w`` (mean power, W; empty = no value), and optionally ``direction``
  (``withdrawal`` default, or ``injection``) and ``step_minutes`` (30 default). Other
  columns are ignored; ``,`` or ``;`` separated.
- Profiled consumers (CSV): ``prm``, ``sub_profile`` (e.g. RES1_BASE), ``energy_kwh``,
  optional ``basis`` (``annual`` default, or ``monthly``).
- Producers (CSV): ``prm``, ``name``, optional ``technology``.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator, List, Tuple

import numpy as np

from enercoop_core.balancing.matching import Producer
from enercoop_core.balancing.portfolio import BASES, ProfiledConsumer
from enercoop_core.errors import InputError
from enercoop_core.flows import values as flow_values
from enercoop_core.flows.errors import FieldError
from enercoop_core.flows.records import QUALITY_MISSING, QUALITY_UNQUALIFIED, Curve

DIRECTIONS = ("withdrawal", "injection")


def _rows(path: Path, required):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        first = handle.readline()
        handle.seek(0)
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        missing = set(required) - set(reader.fieldnames or ())
        if missing:
            raise InputError("missing columns %s" % ", ".join(sorted(missing)), file=path.name)
        for line, row in enumerate(reader, start=2):
            yield line, {k: (v or "").strip() for k, v in row.items() if k}


def read_curve_csv(path) -> List[Curve]:
    """Curves of a CSV file, one per (prm, direction, step), points sorted by instant."""
    path = Path(path)
    groups = {}  # type: Dict[Tuple[str, str, int], Tuple[list, list]]
    for line, row in _rows(path, ("prm", "instant", "value_w")):
        record = str(line)
        direction = row.get("direction") or "withdrawal"
        if direction not in DIRECTIONS:
            raise InputError("direction must be withdrawal or injection", file=path.name,
                             record=record, field="direction")
        try:
            step = int(row.get("step_minutes") or 30)
            if step <= 0:
                raise ValueError(step)
        except ValueError as exc:
            raise InputError("not a positive whole number of minutes", file=path.name,
                             record=record, field="step_minutes") from exc
        try:
            instant, _ = flow_values.utc_seconds(row["instant"], "instant")
        except FieldError as exc:
            raise InputError(exc.message, file=path.name, record=record, field="instant") from exc
        text = row["value_w"]
        try:
            value = float(text.replace(",", ".")) if text else float("nan")
        except ValueError as exc:
            raise InputError("not a number: %r" % text, file=path.name, record=record,
                             field="value_w") from exc
        instants, values = groups.setdefault((row["prm"], direction, step), ([], []))
        instants.append(instant)
        values.append(value)
    curves = []
    for (prm, direction, step), (instants, values) in sorted(groups.items()):
        inst = np.array(instants, dtype=np.int64)
        order = np.argsort(inst, kind="stable")
        inst, vals = inst[order], np.array(values, dtype=np.float64)[order]
        if np.any(np.diff(inst) == 0):
            raise InputError("two points with the same instant", file=path.name, record=prm,
                             field="instant")
        quality = np.where(np.isnan(vals), QUALITY_MISSING, QUALITY_UNQUALIFIED).astype(np.int8)
        curves.append(Curve(flow="CSV", version=None, key="%s/%s/%s" % (path.name, prm, direction),
                            source={"file": str(path), "member": None}, prm=prm,
                            direction=direction, step_minutes=step, dates=[], instants=inst,
                            values_w=vals, quality=quality))
    return curves


def iter_curves(paths, problems: List[str]) -> Iterator[Curve]:
    """Curves of CSV files and flow files, one at a time (what :func:`read_curves` returns,
    as a stream): holds at most one CSV file's curves, or one flow record, at once.
    Rejections and records that are not curves are appended to ``problems`` as text."""
    from enercoop_core.flows import parse
    flow_paths = []
    for given in paths:
        if str(given).lower().endswith(".csv"):
            yield from read_curve_csv(given)
        else:
            flow_paths.append(str(given))
    if flow_paths:
        run = parse(flow_paths)
        skipped = 0
        for record in run:
            if isinstance(record, Curve):
                yield record
            else:
                skipped += 1
        for rejection in run.rejected:
            problems.append("rejected: %s" % (rejection,))
        if skipped:
            problems.append("%d record(s) that are not load curves ignored" % skipped)


def read_curves(paths) -> Tuple[List[Curve], List[str]]:
    """Curves of CSV files and flow files; returns (curves, problems: rejections and records
    that are not curves, as text)."""
    problems = []  # type: List[str]
    curves = list(iter_curves(paths, problems))
    return curves, problems


def read_profiled(path) -> List[ProfiledConsumer]:
    """Profiled consumers of a CSV file (see module docstring)."""
    path = Path(path)
    out = []
    for line, row in _rows(path, ("prm", "sub_profile", "energy_kwh")):
        basis = row.get("basis") or "annual"
        if basis not in BASES:
            raise InputError("basis must be annual or monthly", file=path.name,
                             record=str(line), field="basis")
        try:
            energy = float(row["energy_kwh"].replace(",", "."))
            if energy < 0 or energy != energy:
                raise ValueError(energy)
        except ValueError as exc:
            raise InputError("not a non-negative number: %r" % row["energy_kwh"],
                             file=path.name, record=str(line), field="energy_kwh") from exc
        out.append(ProfiledConsumer(row["prm"], row["sub_profile"], energy, basis))
    return out


def read_producers(path) -> List[Producer]:
    """Producers of a CSV file (see module docstring)."""
    return [Producer(row["prm"], row.get("name", ""), row.get("technology", ""))
            for _line, row in _rows(Path(path), ("prm", "name"))]
