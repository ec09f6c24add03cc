"""R4x (R4Q, R4H, R4M): load curves of C1-C4 and P1-P3 delivery points.

Guide Enedis.SGE.GUI.0408 v2.0.3, XSD Enedis.SGE.XSD.0409 R4x v1.1.1. One document (root
``Courbe``) holds the curves of one PRM (``Corps/Identifiant_PRM``); each
``Donnees_Courbe`` is one :class:`~enercoop_core.flows.records.Curve` (one quantity, one
direction, one step). The header (``Entete``) carries no schema version: documents and
curves have ``version`` None.

- Time stamps: an R4x ``Horodatage`` STARTS its interval (the value is the mean power over
  [H, H + ``Granularite``[, guide § 2.2.2.1.1), while a :class:`Curve` instant ENDS it (the
  R50 convention): each instant is ``Horodatage`` + the step. Time stamps carry their UTC
  offset (the autumn hour appears twice, once per offset); one without an offset is read
  as Paris civil time, its second occurrence when it does not move forward.
- Values: ``Unite_Mesure`` kW (active power, ``Grandeur_Physique`` EA) and kWr (reactive,
  ERC/ERI) are turned into W and VAr (x 1000); V (voltage, E) stays in V. ``quantity`` of
  the curve: "active_power", "reactive_capacitive_power", "reactive_inductive_power",
  "voltage". ``Grandeur_Metier`` CONS is withdrawal, PROD injection, empty (voltage) None.
- ``Statut_Point`` is kept per point in ``status``; ``quality`` is 0 for a measured value
  (R real; H, P reconstituted power; S, T, F, G power cut), 1 for a value that is not a
  measure (E estimated, C corrected, K calculated, D imported), 2 for a value without
  status and -1 for a point without ``Valeur_Point`` (NaN).
- ``dates``: the local days from ``Horodatage_Debut`` to ``Horodatage_Fin``.

A malformed point, unit or step rejects its ``Donnees_Courbe`` whole (a curve with a hole
where a bad point was would be read as complete), naming the point; the other curves of
the document are kept.
"""
from __future__ import annotations

import hashlib
from datetime import date as Date
from datetime import timedelta
from typing import Iterator, List

import numpy as np

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, check_repeats
from enercoop_core.flows.errors import FieldError
from enercoop_core.flows.records import (
    QUALITY_DOUBTFUL,
    QUALITY_MISSING,
    QUALITY_OK,
    QUALITY_UNQUALIFIED,
    Curve,
)

KIND = "R4x"
SUPPORTED_MAJORS = ("1",)
TAGS = ("Identifiant_PRM", "Donnees_Courbe")
#: The R4x header has no ``Version_XSD``: documents are read without a version.
VERSIONLESS = True
#: Unit -> (factor to W / VAr / V, unit of the curve).
UNITS = {"kW": (1000, "W"), "kWr": (1000, "VAr"), "kVAr": (1000, "VAr"), "V": (1, "V")}
QUANTITIES = {"EA": "active_power", "ERC": "reactive_capacitive_power",
              "ERI": "reactive_inductive_power", "E": "voltage"}
DIRECTIONS = {"CONS": "withdrawal", "PROD": "injection", None: None}
STATUS_QUALITY = {"R": QUALITY_OK, "H": QUALITY_OK, "P": QUALITY_OK, "S": QUALITY_OK,
                  "T": QUALITY_OK, "F": QUALITY_OK, "G": QUALITY_OK,
                  "E": QUALITY_DOUBTFUL, "C": QUALITY_DOUBTFUL, "K": QUALITY_DOUBTFUL,
                  "D": QUALITY_DOUBTFUL}
#: Longest step accepted, in minutes (Enedis uses 5 and 10).
MAX_STEP = 1440


def read(events, ctx: Context) -> Iterator:
    prm = raw = error = None
    rank = 0
    for tag, elem in events:
        if tag == "Identifiant_PRM":
            raw = elem.text
            try:
                prm, error = v.prm(raw, "Corps/Identifiant_PRM"), None
            except FieldError as exc:
                prm, error = None, exc
            continue
        rank += 1
        path = "Corps/Donnees_Courbe[%d]" % rank
        if prm is None:  # each curve is accounted for, with the reason
            message = error.message if error is not None else "no Identifiant_PRM"
            yield ctx.reject(raw, "Corps/Identifiant_PRM",
                             "%s (curve %s rejected)" % (message, path))
            continue
        try:
            yield _curve(elem, path, prm, ctx)
        except FieldError as exc:
            yield ctx.reject(prm, exc.path, exc.message + " (the whole curve is rejected)")
    if not rank:
        yield ctx.reject(raw, "Corps/Donnees_Courbe", "no Donnees_Courbe in the document")


def _curve(elem, path: str, prm: str, ctx: Context) -> Curve:
    t = {}
    points = []
    for item in elem:
        if item.tag == "Donnees_Point_Mesure":
            points.append(item)
        else:
            t[item.tag] = item.text
    if len(t) + len(points) != len(elem):
        check_repeats(elem, path)
    first = v.iso_instant(t.get("Horodatage_Debut"), path + "/Horodatage_Debut")
    last = v.iso_instant(t.get("Horodatage_Fin"), path + "/Horodatage_Fin")
    step = v.bounded_integer(t.get("Granularite"), path + "/Granularite", 1, MAX_STEP)
    unit_text = v.required(t.get("Unite_Mesure"), path + "/Unite_Mesure")
    if unit_text not in UNITS:
        raise FieldError(path + "/Unite_Mesure", "unknown unit %r (known: %s)"
                         % (unit_text, ", ".join(UNITS)))
    factor, unit = UNITS[unit_text]
    business = v.optional(t.get("Grandeur_Metier"))
    if business not in DIRECTIONS:
        raise FieldError(path + "/Grandeur_Metier", "unknown Grandeur_Metier %r" % business)
    physical = v.required(t.get("Grandeur_Physique"), path + "/Grandeur_Physique")
    quantity = QUANTITIES.get(physical)
    if quantity is None:
        raise FieldError(path + "/Grandeur_Physique", "unknown Grandeur_Physique %r"
                         % physical)
    instants, values, quality, status = _points(points, path, step, factor)
    if instants.size > 1 and np.any(np.diff(instants) <= 0):
        order = np.argsort(instants, kind="stable")
        instants, values = instants[order], values[order]
        quality, status = quality[order], status[order]
        if np.any(np.diff(instants) == 0):
            raise FieldError(path + "/Donnees_Point_Mesure/@Horodatage",
                             "two points with the same instant")
    dates = _days(first[:10], last[:10], path)
    digest = hashlib.sha1(("%s,%s,%s,%s" % (first, last, physical, business)).encode(
        "utf-8")).hexdigest()[:12]
    return Curve(flow=KIND, version=ctx.version, key=ctx.key(prm, digest),
                 source=ctx.source, prm=prm, direction=DIRECTIONS[business],
                 step_minutes=step, dates=dates, instants=instants, values_w=values,
                 quality=quality, quantity=quantity, unit=unit, status=status)


def _points(points: List, path: str, step: int, factor: int):
    instants = []
    values = []
    quality = []
    status = []
    previous = None  # type: Optional[int]
    for rank, point in enumerate(points, 1):
        ppath = "%s/Donnees_Point_Mesure[%d]" % (path, rank)
        stamp = point.get("Horodatage")
        if stamp is None:
            raise FieldError(ppath + "/@Horodatage", "point without time stamp")
        instant, had_offset = v.utc_seconds(stamp, ppath + "/@Horodatage")
        if previous is not None and instant <= previous and not had_offset:
            instant, _ = v.utc_seconds(stamp, ppath + "/@Horodatage", 1)
        previous = instant
        instants.append(instant + 60 * step)
        code = v.optional(point.get("Statut_Point"))
        if code is not None and code not in STATUS_QUALITY:
            raise FieldError(ppath + "/@Statut_Point", "unknown Statut_Point %r" % code)
        status.append(code or "")
        value = point.get("Valeur_Point")
        if value is None:
            values.append(float("nan"))
            quality.append(QUALITY_MISSING)
            continue
        values.append(float(v.integer(value, ppath + "/@Valeur_Point") * factor))
        quality.append(QUALITY_UNQUALIFIED if code is None else STATUS_QUALITY[code])
    return (np.array(instants, dtype=np.int64), np.array(values, dtype=np.float64),
            np.array(quality, dtype=np.int8), np.array(status, dtype="<U1"))


def _days(first: str, last: str, path: str) -> List[str]:
    start, end = Date.fromisoformat(first), Date.fromisoformat(last)
    if end < start:
        raise FieldError(path + "/Horodatage_Fin", "Horodatage_Fin %s is before "
                                                   "Horodatage_Debut %s" % (last, first))
    if (end - start).days > 366:
        raise FieldError(path + "/Horodatage_Fin", "a curve over more than a year")
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
