"""R64 (and R64A, R64B): daily indexes and maximum powers, Enedis's JSON flow.

Guide Enedis.SGE.GUI.0503 v1.5.2 § 4.3, schemas R64 v1.2.1 and R64X v1.1.0 (the JSON
container is read by :mod:`.r6x`). One ``index_reading`` record per PRM block, ``contexte``
and reading date ``d``: every value dated ``d`` in that context, whatever its quantity and
grid, is in that record.

- ``grandeurMetier`` CONS is withdrawal, PROD injection; ``libelleGrille`` Distributeur
  (or ``D``) is the distributor's calendar, Fournisseur (``F``) the supplier's; the Linky
  totalising registers (``cadranTotalisateur``, e.g. ``IDX_EAS_T``) have owner ``meter``
  and time class ``TOTAL``.
- Energies (``grandeurPhysique`` EA, ER, ERC, ERI) are cumulative indexes: ``registers``
  with ``quantity`` "index", the unit as written (Wh, VArh), ``quality`` the Linky
  ``iv`` (0-15, as text) and ``dial`` the ``codeCadran`` (IDX_EAS_F1, EA1 ...). Other
  quantities (PMA maximum power in VA, DD/TF durations in s, DE/DQ overruns) are
  ``measures``.
- ``d`` is written without offset (``2022-01-01 00:00:00``): Paris civil time.
- The record keeps ``reading_context`` (``contexteReleve``: COL, TOP, FMR, CRD, CRI,
  RHF), ``reading_type`` (``typeReleve``: AQ, AV, AS, AP, LC, RM, RC), ``reason``
  (``motifReleve``), ``nature_code`` (``etapeMetier``, BRUT: raw meter data, hence
  ``nature`` "real"), ``flow_code`` (R64, R64A, R64B) and the collection period
  ``period_start``/``period_end``.

A malformed value rejects its quantity (``grandeur``) with the value's path; the other
quantities of the context still make their records. A block without a valid ``idPrm`` or
``periode`` is rejected whole.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Iterator, List

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, register_dict
from enercoop_core.flows.errors import FieldError
from enercoop_core.flows.r6x import (ENERGIES, GRIDS, array, calendars_of, digest,
                                     group_quantities, obj, opt, quantity_head, read_blocks,
                                     text)

KIND = "R64"
SUPPORTED_MAJORS = ("1",)
TAGS = ("mesures",)
#: R6X files carry no schema version (see :mod:`.r6x`).
VERSIONLESS = True


def read(events, ctx: Context) -> Iterator:
    return read_blocks(events, ctx, _context)


def _context(context, path: str, prm: str, start: str, end: str, ctx: Context) -> Iterator:
    try:
        obj(context, path)
        head = {"nature_code": opt(context.get("etapeMetier"), path + "/etapeMetier"),
                "reading_context": opt(context.get("contexteReleve"),
                                       path + "/contexteReleve"),
                "reading_type": opt(context.get("typeReleve"), path + "/typeReleve"),
                "reason": opt(context.get("motifReleve"), path + "/motifReleve")}
        quantities = array(context.get("grandeur"), path + "/grandeur")
    except FieldError as exc:
        yield ctx.reject_field(prm, exc)
        return
    days = OrderedDict()  # type: Dict[str, Dict]
    yield from group_quantities(quantities, path, _quantity, days, prm, ctx)
    for date, slot in days.items():
        yield _record(prm, date, head, slot, start, end, ctx)


def _quantity(quantity, path: str) -> List:
    direction, physical, unit = quantity_head(quantity, path)
    out = []
    calendars = quantity.get("calendrier")
    if calendars is not None:
        for krank, calendar in enumerate(array(calendars, path + "/calendrier"), 1):
            kpath = "%s/calendrier[%d]" % (path, krank)
            obj(calendar, kpath)
            grid = text(calendar.get("libelleGrille"), kpath + "/libelleGrille")
            owner = GRIDS.get(grid.lower())
            if owner is None:
                raise FieldError(kpath + "/libelleGrille", "unknown grid %r" % grid)
            calendar_id = opt(calendar.get("idCalendrier"), kpath + "/idCalendrier")
            classes = array(calendar.get("classeTemporelle"), kpath + "/classeTemporelle")
            for trank, klass in enumerate(classes, 1):
                tpath = "%s/classeTemporelle[%d]" % (kpath, trank)
                obj(klass, tpath)
                time_class = text(klass.get("idClasseTemporelle"),
                                  tpath + "/idClasseTemporelle")
                dial = opt(klass.get("codeCadran"), tpath + "/codeCadran")
                out.extend(_values(klass.get("valeur"), tpath, owner, time_class, physical,
                                   direction, unit, dial, calendar_id))
    total = quantity.get("cadranTotalisateur")
    if total is not None:
        tpath = path + "/cadranTotalisateur"
        obj(total, tpath)
        dial = opt(total.get("codeCadran"), tpath + "/codeCadran")
        out.extend(_values(total.get("valeur"), tpath, "meter", "TOTAL", physical,
                           direction, unit, dial, None))
    if not out:
        raise FieldError(path, "quantity without any value (no calendrier, no "
                               "cadranTotalisateur)")
    return out


def _values(listing, path, owner, time_class, physical, direction, unit, dial,
            calendar_id) -> List:
    out = []
    for rank, point in enumerate(array(listing, path + "/valeur"), 1):
        ppath = "%s/valeur[%d]" % (path, rank)
        obj(point, ppath)
        date = v.iso_instant(text(point.get("d"), ppath + "/d"), ppath + "/d")
        value = v.integer(text(point.get("v"), ppath + "/v"), ppath + "/v")
        quality = point.get("iv")
        if quality is not None:
            quality = str(v.integer(text(quality, ppath + "/iv"), ppath + "/iv"))
        if physical in ENERGIES:
            item = register_dict(owner, time_class, physical, direction, value, unit,
                                 quality=quality, quantity="index")
            item["dial"], item["calendar"] = dial, calendar_id
        else:
            item = {"quantity": physical, "owner": owner, "time_class": time_class,
                    "direction": direction, "value": value, "unit": unit, "date": date,
                    "quality": quality, "dial": dial, "calendar": calendar_id}
        out.append((date, physical in ENERGIES, item))
    return out


def _record(prm, date, head, slot, start, end, ctx: Context) -> dict:
    items = slot["registers"] + slot["measures"]
    calendars = calendars_of(items)
    return {
        "family": "index_reading",
        "flow": KIND,
        "version": ctx.version,
        "key": ctx.key(prm, date, head["reading_context"], head["reading_type"],
                       digest(items)),
        "source": ctx.source,
        "prm": prm,
        "date": date,
        "reading_id": None,
        "reason": head["reason"],
        "nature": "real" if head["nature_code"] == "BRUT" else None,
        "nature_code": head["nature_code"],
        "status": None,
        "fta": None,
        "subscribed_kva": None,
        "calendar_distributor": calendars.get("distributor"),
        "calendar_supplier": calendars.get("supplier"),
        "reading_context": head["reading_context"],
        "reading_type": head["reading_type"],
        "flow_code": ctx.extra.get("part"),
        "period_start": start,
        "period_end": end,
        "registers": slot["registers"],
        "measures": slot["measures"],
    }
