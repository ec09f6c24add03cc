"""R67: billing measures (energy per period), Enedis's JSON flow.

Guide Enedis.SGE.GUI.0503 v1.5.2 § 5, schema R67 v1.3.0 (the JSON container is read by
:mod:`.r6x`). Each ``quantite`` is a quantity measured over a period ``dbtMesure`` ..
``finMesure`` (dates) for one quantity, grid and time class. One ``index_reading`` record
per PRM block, ``contexte``, period, status and nature: ``date`` is the local midnight
opening ``finMesure`` and ``start`` the one opening ``dbtMesure``.

- Energies (``grandeurPhysique`` EA, ER, ERC, ERI; Wh, VArh) are ``registers`` with
  ``quantity`` "energy": consumption over the period, NOT a cumulative index (never
  subtract them from one). Other quantities (PMA, PA maximum power; DD, TF durations;
  DE, DQ overruns) are ``measures``.
- ``grandeurMetier`` CONS is withdrawal, PROD injection; ``codeGrille`` D (or
  ``libelleGrille`` Distributeur) is the distributor's calendar, F the supplier's.
- ``status`` from ``codeStatut`` (or ``libelleStatut``): I -> INITIAL, A -> ANNULE,
  R -> RECTIFICATIF (R15's words); ``nature`` from ``codeNature`` (or ``libelleNature``):
  R real, E estimated, C corrected (régularisé), I unknown (None); the codes as written
  stay in ``status_code`` and ``nature_code``.
- ``reason`` is ``idMotifReleve`` (CYCL ...); each item keeps ``created``
  (``dateCreation``, when Enedis recorded it).

A malformed value rejects its quantity (``grandeur``) with the value's path; a block
without a valid ``idPrm`` or ``periode`` is rejected whole.
"""
from __future__ import annotations

import unicodedata
from collections import OrderedDict
from typing import Iterator, List

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, register_dict
from enercoop_core.flows.errors import FieldError
from enercoop_core.flows.r6x import (ENERGIES, GRIDS, array, calendars_of, digest,
                                     group_quantities, obj, opt, quantity_head, read_blocks,
                                     text)

KIND = "R67"
SUPPORTED_MAJORS = ("1",)
TAGS = ("mesures",)
#: R6X files carry no schema version (see :mod:`.r6x`).
VERSIONLESS = True
STATUS = {"i": "INITIAL", "initial": "INITIAL", "a": "ANNULE", "annule": "ANNULE",
          "r": "RECTIFICATIF", "rectificatif": "RECTIFICATIF"}
NATURE = {"r": "real", "reel": "real", "e": "estimated", "estime": "estimated",
          "c": "corrected", "regularise": "corrected", "i": None, "inconnu": None}


def _fold(word: str) -> str:
    """Lower case without accents: ``Régularisé`` -> ``regularise``."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower())
                   if not unicodedata.combining(c))


def read(events, ctx: Context) -> Iterator:
    return read_blocks(events, ctx, _context)


def _context(context, path, prm, start, end, ctx: Context) -> Iterator:
    try:
        obj(context, path)
        stage = opt(context.get("etapeMetier"), path + "/etapeMetier")
        reason = opt(context.get("idMotifReleve"), path + "/idMotifReleve")
        label = opt(context.get("libelleMotifReleve"), path + "/libelleMotifReleve")
        quantities = array(context.get("grandeur"), path + "/grandeur")
    except FieldError as exc:
        yield ctx.reject_field(prm, exc)
        return
    groups = OrderedDict()  # type: Dict[tuple, Dict]
    yield from group_quantities(quantities, path, _quantity, groups, prm, ctx)
    for (first, last, status, nature), slot in groups.items():
        items = slot["registers"] + slot["measures"]
        calendars = calendars_of(items)
        yield {
            "family": "index_reading",
            "flow": KIND,
            "version": ctx.version,
            "key": ctx.key(prm, first, last, reason, status[1], nature[1], digest(items)),
            "source": ctx.source,
            "prm": prm,
            "date": last,
            "start": first,
            "reading_id": None,
            "reason": reason,
            "reason_label": label,
            "nature": nature[1],
            "nature_code": nature[0],
            "status": status[1],
            "status_code": status[0],
            "stage": stage,
            "fta": None,
            "subscribed_kva": None,
            "calendar_distributor": calendars.get("distributor"),
            "calendar_supplier": calendars.get("supplier"),
            "period_start": start,
            "period_end": end,
            "registers": slot["registers"],
            "measures": slot["measures"],
        }


def _quantity(quantity, path: str) -> List:
    direction, physical, unit = quantity_head(quantity, path)
    out = []
    for krank, calendar in enumerate(array(quantity.get("calendrier"), path + "/calendrier"),
                                     1):
        kpath = "%s/calendrier[%d]" % (path, krank)
        obj(calendar, kpath)
        grid = opt(calendar.get("codeGrille"), kpath + "/codeGrille")
        where = kpath + "/codeGrille"
        if grid is None:
            grid = text(calendar.get("libelleGrille"), kpath + "/libelleGrille")
            where = kpath + "/libelleGrille"
        owner = GRIDS.get(grid.lower())
        if owner is None:
            raise FieldError(where, "unknown grid %r" % grid)
        calendar_id = opt(calendar.get("codeCalendrier"), kpath + "/codeCalendrier")
        for trank, klass in enumerate(array(calendar.get("classeTemporelle"),
                                            kpath + "/classeTemporelle"), 1):
            tpath = "%s/classeTemporelle[%d]" % (kpath, trank)
            obj(klass, tpath)
            time_class = text(klass.get("idClasseTemporelle"), tpath + "/idClasseTemporelle")
            for qrank, item in enumerate(array(klass.get("quantite"), tpath + "/quantite"), 1):
                qpath = "%s/quantite[%d]" % (tpath, qrank)
                out.append(_item(item, qpath, owner, time_class, physical, direction, unit,
                                 calendar_id))
    return out


def _item(item, path, owner, time_class, physical, direction, unit, calendar_id):
    obj(item, path)
    first = v.iso_instant(text(item.get("dbtMesure"), path + "/dbtMesure"),
                          path + "/dbtMesure")
    last = v.iso_instant(text(item.get("finMesure"), path + "/finMesure"),
                         path + "/finMesure")
    if last[:10] < first[:10]:
        raise FieldError(path + "/finMesure", "finMesure %s is before dbtMesure %s"
                         % (last, first))
    created = v.optional_iso(opt(item.get("dateCreation"), path + "/dateCreation"),
                             path + "/dateCreation")
    value = v.integer(text(item.get("quantite"), path + "/quantite"), path + "/quantite")
    status = _coded(item, "codeStatut", "libelleStatut", STATUS, path)
    nature = _coded(item, "codeNature", "libelleNature", NATURE, path)
    is_energy = physical in ENERGIES
    if is_energy:
        out = register_dict(owner, time_class, physical, direction, value, unit,
                            quantity="energy")
        out["created"], out["calendar"] = created, calendar_id
    else:
        out = {"quantity": physical, "owner": owner, "time_class": time_class,
               "direction": direction, "value": value, "unit": unit, "date": last,
               "start": first, "created": created, "calendar": calendar_id}
    return (first, last, status, nature), is_energy, out


def _coded(item, code_key, label_key, table, path):
    """(code as written, normalised value) from a code, or its label when no code."""
    code = opt(item.get(code_key), path + "/" + code_key)
    where = code_key
    if code is None:
        code = opt(item.get(label_key), path + "/" + label_key)
        where = label_key
    if code is None:
        return None, None
    folded = _fold(code)
    if folded not in table:
        raise FieldError(path + "/" + where, "unknown %s %r" % (where, code))
    return code, table[folded]
