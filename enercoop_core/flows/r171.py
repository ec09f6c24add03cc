"""R171: daily indexes of C2-C4 delivery points, as dated measure series.

The root element is namespaced (``http://www.enedis.fr/stm/R171``), its children are not.
Each ``serieMesuresDatees`` is one quantity of one PRM for one time class; consecutive
series of the same PRM are merged into one ``index_reading`` per PRM and ``dateFin``.
``grandeurMetier`` CONS is withdrawal, PROD injection; ``typeCalendrier`` D is the
distributor's calendar, F the supplier's. Energies (``grandeurPhysique`` EA, ER, ERC,
ERI) become ``registers`` (cumulative indexes, unit as written, e.g. Wh); other quantities
(PMA maximum power, TF, DD, DE, DQ) become ``measures``.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Dict, Iterator, List, Optional

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, child, name, register_dict, single, texts
from enercoop_core.flows.errors import FieldError

KIND = "R171"
SUPPORTED_MAJORS = ("1",)
TAGS = ("serieMesuresDatees",)
ENERGIES = frozenset(("EA", "ER", "ERC", "ERI"))
OWNERS = {"D": "distributor", "F": "supplier"}
DIRECTIONS = {"CONS": "withdrawal", "PROD": "injection"}


def read(events, ctx: Context) -> Iterator:
    current = None  # type: Optional[str]
    pending = OrderedDict()  # type: Dict[str, Dict]
    rank = 0
    for _tag, serie in events:
        rank += 1
        path = "serieMesuresDateesListe/serieMesuresDatees[%d]" % rank
        raw = getattr(child(serie, "prmId"), "text", None)
        try:
            prm = v.prm(raw, path + "/prmId")
            items = _serie(serie, path)
        except FieldError as exc:
            yield ctx.reject_field(raw, exc)
            continue
        if prm != current:
            for record in _flush(current, pending, ctx):
                yield record
            current, pending = prm, OrderedDict()
        for day, is_energy, item in items:
            slot = pending.setdefault(day, {"registers": [], "measures": []})
            slot["registers" if is_energy else "measures"].append(item)
    for record in _flush(current, pending, ctx):
        yield record


def _serie(serie, path: str) -> List:
    t = texts(serie, path)
    quantity = v.required(t.get("grandeurPhysique"), path + "/grandeurPhysique")
    metier = v.required(t.get("grandeurMetier"), path + "/grandeurMetier")
    direction = DIRECTIONS.get(metier)
    if direction is None:
        raise FieldError(path + "/grandeurMetier", "unknown grandeurMetier %r" % metier)
    calendar = v.required(t.get("typeCalendrier"), path + "/typeCalendrier")
    owner = OWNERS.get(calendar)
    if owner is None:
        raise FieldError(path + "/typeCalendrier", "unknown typeCalendrier %r" % calendar)
    time_class = v.required(t.get("codeClasseTemporelle"), path + "/codeClasseTemporelle")
    unit = v.required(t.get("unite"), path + "/unite")
    listing = single(serie, "mesuresDateesListe", path)
    out = []
    rank = 0
    for point in (listing if listing is not None else ()):
        if name(point.tag) != "mesureDatee":
            continue
        rank += 1
        ppath = "%s/mesuresDateesListe/mesureDatee[%d]" % (path, rank)
        p = texts(point, ppath)
        day = v.iso_instant(p.get("dateFin"), ppath + "/dateFin")
        value = v.number(p.get("valeur"), ppath + "/valeur")
        if quantity in ENERGIES:
            item = register_dict(owner, time_class, quantity, direction, value, unit)
        else:
            item = {"quantity": quantity, "owner": owner, "time_class": time_class,
                    "direction": direction, "value": value, "unit": unit, "date": day}
        out.append((day, quantity in ENERGIES, item))
    if not out:
        raise FieldError(path + "/mesuresDateesListe", "series without any mesureDatee")
    return out


def _flush(prm: Optional[str], pending: Dict, ctx: Context) -> Iterator[dict]:
    if prm is None:
        return
    for day, slot in pending.items():
        signature = ";".join(sorted(
            "%s,%s,%s,%s" % (i["owner"], i["time_class"], i.get("measure_class") or
                             i.get("quantity"), i["direction"])
            for i in slot["registers"] + slot["measures"]))
        digest = hashlib.sha1(signature.encode("utf-8")).hexdigest()[:12]
        yield {
            "family": "index_reading",
            "flow": KIND,
            "version": ctx.version,
            "key": ctx.key(prm, day, digest),
            "source": ctx.source,
            "prm": prm,
            "date": day,
            "reading_id": None,
            "reason": None,
            "nature": "real",
            "nature_code": None,
            "status": None,
            "fta": None,
            "subscribed_kva": None,
            "registers": slot["registers"],
            "measures": slot["measures"],
        }
