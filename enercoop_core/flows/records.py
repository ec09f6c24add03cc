"""Record types shared by every flow reader: rejections, document summaries, curves.

Index readings, contract events and invoice lines are plain JSON-able dicts (see the
package docstring for their keys); a load curve is a :class:`Curve` holding numpy arrays.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

import numpy as np

from enercoop_core.flows.values import PARIS


@dataclass(frozen=True)
class Rejection:
    """A record (or a whole document) that could not be used, and why.

    ``file``: the file path (``archive.zip`` for a member, see ``member``); ``record``:
    the PRM or record identity when known; ``path``: the element path (or ``line N``);
    ``reason``: a sentence for a person.
    """

    file: str
    record: Optional[str]
    path: Optional[str]
    reason: str
    member: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        return {"file": self.file, "member": self.member, "record": self.record,
                "path": self.path, "reason": self.reason}

    def __str__(self) -> str:
        where = self.file + ("!" + self.member if self.member else "")
        parts = [where]
        if self.record:
            parts.append("record %s" % self.record)
        if self.path:
            parts.append(self.path)
        return "%s: %s" % (", ".join(parts), self.reason)


@dataclass
class DocumentInfo:
    """Summary of one XML document of a run: what it is and what came out of it.

    ``part`` tells which file of a multi-file flow it is (``detail``, ``general``...);
    ``records``: records produced; ``rejected``: rejections raised in it;
    ``repaired_bytes``: non-UTF-8 bytes re-read as Windows-1252; ``xsd``: ``None`` (not
    validated), ``"valid"`` or the first XSD error, ``xsd_errors`` all of them ("line N:
    message", at most :data:`~enercoop_core.flows.xsd.MAX_ERRORS`, then a count of the
    rest); ``version``: the header's version normalised (``V2.3.2`` -> ``2.3.2``),
    ``version_raw`` as written; ``key_label``: the key-ring entry that decrypted it;
    ``warnings``: what was read with an assumption (e.g. no version in the header).
    """

    file: str
    member: Optional[str]
    kind: Optional[str] = None
    version: Optional[str] = None
    part: Optional[str] = None
    emitter: Optional[str] = None
    created: Optional[str] = None
    records: int = 0
    rejected: int = 0
    families: Dict[str, int] = field(default_factory=dict)
    repaired_bytes: int = 0
    xsd: Optional[str] = None
    error: Optional[str] = None
    version_raw: Optional[str] = None
    key_label: Optional[str] = None
    warnings: List[str] = field(default_factory=list)
    xsd_errors: List[str] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        return dict(self.__dict__)


#: Quality codes of a curve point.
QUALITY_OK, QUALITY_DOUBTFUL, QUALITY_UNQUALIFIED, QUALITY_MISSING = 0, 1, 2, -1


@dataclass(frozen=True)
class Curve:
    """Load curve of one PRM from one R50 ``PRM`` block.

    - ``instants``: int64 seconds since the Unix epoch (UTC); each time stamp *ends* its
      interval of ``step_minutes`` (the R50 convention: the 00:30 point covers
      00:00-00:30, a day's last point is the next day's 00:00).
    - ``values_w``: float64 mean active power over the interval, in W (NaN when the
      point was sent without a value).
    - ``quality``: int8 per point: 0 ok (IV=0), 1 doubtful (IV=1), 2 value without
      IV, -1 missing value.
    - ``dates``: the ``Date_Releve`` days the block covers (ISO dates), including days
      published without any point (data not yet available).

    Points are sorted by instant.
    """

    flow: str
    version: Optional[str]
    key: str
    source: Dict[str, Optional[str]]
    prm: str
    direction: str
    step_minutes: int
    dates: List[str]
    instants: np.ndarray
    values_w: np.ndarray
    quality: np.ndarray
    family: str = "curve"
    #: What ``values_w`` holds: "active_power" in W (R50, R4x EA); R4x also gives
    #: "reactive_capacitive_power", "reactive_inductive_power" (VAr) and "voltage" (V).
    quantity: str = "active_power"
    unit: str = "W"
    #: Per-point status code as written (R4x ``Statut_Point``: R, H, S, E, C ...), else None.
    status: Optional[np.ndarray] = None

    def energy_wh(self) -> float:
        """Energy of the valid points in Wh (mean W x step hours; NaN points skipped)."""
        valid = ~np.isnan(self.values_w)
        return float(self.values_w[valid].sum() * self.step_minutes / 60.0)

    def to_dict(self) -> Dict[str, Any]:
        """JSON-able form: metadata and ``points`` [{instant (ISO, Paris), value_w, quality}]."""
        points = []
        for instant, value, quality in zip(self.instants.tolist(), self.values_w.tolist(),
                                           self.quality.tolist()):
            stamp = datetime.fromtimestamp(instant, tz=timezone.utc).astimezone(PARIS)
            points.append({"instant": stamp.isoformat(),
                           "value_w": None if value != value else value,
                           "quality": quality})
        if self.status is not None:
            for point, code in zip(points, self.status.tolist()):
                point["status"] = code or None
        return {"family": self.family, "flow": self.flow, "version": self.version,
                "key": self.key, "source": dict(self.source), "prm": self.prm,
                "direction": self.direction, "step_minutes": self.step_minutes,
                "quantity": self.quantity, "unit": self.unit, "instant_convention": "end",
                "dates": list(self.dates), "points": points}


def as_dict(record) -> Dict[str, Any]:
    """Any record of a run as a JSON-able dict (curves through :meth:`Curve.to_dict`)."""
    if isinstance(record, dict):
        return record
    return record.to_dict()


def family_of(record) -> str:
    return record["family"] if isinstance(record, dict) else record.family
