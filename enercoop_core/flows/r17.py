"""R17: indexes and consumptions of C2-C4 delivery points at each billed reading.

Guide Enedis.SGE.GUI.0131 v1.11.4, XSD ENEDIS.SGE.XSD.0132 R17 v1.9.1 (root
``Index_C2_C3_C4``). One ``index_reading`` record per ``Corps_PRM/Donnees_Releve``: the
period ``start`` (``Date_Debut_Mesure``, the previous indexes) .. ``date``
(``Date_Fin_Mesure``, the new indexes), local midnights.

- ``Donnees_Par_Type_Mesure`` is the distributor's grid (TURPE classes), owner
  ``distributor``; ``Donnees_Par_Type_Mesure_Fournisseur`` the supplier's, owner
  ``supplier``. Every value is withdrawal (R17 covers consumers).
- Energies (``Type_Mesure`` EA, ER, ERN, EAAUTO, EAALLO; kWh, kVArh) are ``registers``:
  one per ``Index_Par_Classe_Temporelle`` with ``quantity`` "index" (``value`` the new
  index, ``previous_value`` the previous one, either None when not sent, ``flat_rate``
  the ``Valeur_Forfait``; phase meters give three registers, ``phase`` 1, 2, 3), and one
  per ``Conso_Par_Classe_Temporelle`` with ``quantity`` "energy" (the consumption over
  the period, negative for a regularisation; ``dial`` the supplier's
  ``Correspondance_Index``). Other types (DD, TF durations in h, DQ, PA, DP, DE) are
  ``measures`` with the same fields, ``over_period`` True for a consumption-like value.
- ``status`` is ``Statut_Mesure`` (INITIAL, RECTIFICATIF, ANNULE), ``nature`` from
  ``Nature_Mesure`` (REEL real, ESTIME estimated, REGULARISE corrected), ``reason``
  ``Motif_Releve_Nouveau``; the record also keeps ``previous_reason``,
  ``index_nature_previous``/``index_nature_new``, ``rectification_reason``, ``fta``
  (``Tarif_Souscrit``), ``calendar_supplier`` (``Code_Structure_Fournisseur``),
  ``meter_programming`` (``Type_Programmation_Compteur``: classes of the meter),
  ``segment``, ``prm_type``, and ``sub_lot``/``sub_lot_date``, the F12 sub-lot that bills
  the reading (F12 ``valuation_id``).

A malformed element rejects its ``Donnees_Releve`` with its path; a ``Corps_PRM``
without a valid ``Id_PRM`` is rejected whole.
"""
from __future__ import annotations

from typing import Dict, Iterator, List

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, nature, register_dict, single, texts
from enercoop_core.flows.errors import FieldError

KIND = "R17"
SUPPORTED_MAJORS = ("1",)
TAGS = ("Corps_PRM",)
#: ``Id_PRM`` is written in ``Corps_PRM`` and again in each of its ``Donnees_Releve``.
ID_PARENTS = ("Donnees_Releve",)
ID_EACH_PARENT = True
ENERGIES = frozenset(("EA", "ER", "ERN", "EAAUTO", "EAALLO"))
GRIDS = {"Donnees_Par_Type_Mesure": "distributor",
         "Donnees_Par_Type_Mesure_Fournisseur": "supplier"}
PHASES = (1, 2, 3)


def read(events, ctx: Context) -> Iterator:
    rank = 0
    for _tag, body in events:
        rank += 1
        path = "Corps_PRM[%d]" % rank
        readings = []
        t = {}
        for item in body:
            if item.tag == "Donnees_Releve":
                readings.append(item)
            else:
                t[item.tag] = item.text
        raw = t.get("Id_PRM")
        try:
            parent = v.prm(raw, path + "/Id_PRM")
            if not readings:
                raise FieldError(path + "/Donnees_Releve", "no Donnees_Releve in Corps_PRM")
            if len(t) + len(readings) != len(body):
                texts(body, path)  # a simple element written twice, differently
            head = {"segment": v.optional(t.get("Segment")),
                    "prm_type": v.optional(t.get("Type_PRM")),
                    "history_id": v.optional(t.get("Id_Historique")),
                    "sub_lot": v.optional(t.get("Num_Sous_Lot")),
                    "sub_lot_date": v.optional_iso(t.get("Date_Sous_Lot"),
                                                   path + "/Date_Sous_Lot")}
        except FieldError as exc:
            yield ctx.reject(_ids(raw, readings), exc.path,
                             exc.message + " (the whole Corps_PRM is rejected)")
            continue
        for rrank, item in enumerate(readings, 1):
            rpath = "%s/Donnees_Releve[%d]" % (path, rrank)
            try:
                yield _reading(item, rpath, parent, head, ctx)
            except FieldError as exc:
                # a reading naming another PRM is rejected under both identifiers
                ident = getattr(item.find("Id_PRM"), "text", None)
                ident = (ident or "").strip()[:40]
                record = parent if ident in ("", parent) else "%s/%s" % (parent, ident)
                yield ctx.reject(record, exc.path, exc.message)


def _ids(raw, readings) -> str:
    """Every PRM identifier written in a rejected Corps_PRM (each cut to 40 characters)."""
    found = []
    for text in [raw] + [getattr(r.find("Id_PRM"), "text", None) for r in readings]:
        text = (text or "").strip()[:40]
        if text and text not in found:
            found.append(text)
    return "/".join(found) or None


def _reading(elem, path: str, parent: str, head: Dict, ctx: Context) -> dict:
    t = {}
    grids = []
    for item in elem:
        if item.tag in GRIDS:
            grids.append(item)
        else:
            t[item.tag] = item.text
    if len(t) + len(grids) != len(elem):
        texts(elem, path)
    prm = v.prm(t.get("Id_PRM") or parent, path + "/Id_PRM")
    if prm != parent:  # the guide (§ 5.2.2.1): the same PRM in Corps_PRM and here
        raise FieldError(path + "/Id_PRM", "Id_PRM %s differs from the Corps_PRM's %s"
                         % (prm, parent))
    start = v.iso_instant(t.get("Date_Debut_Mesure"), path + "/Date_Debut_Mesure")
    date = v.iso_instant(t.get("Date_Fin_Mesure"), path + "/Date_Fin_Mesure")
    status = v.required(t.get("Statut_Mesure"), path + "/Statut_Mesure")
    code = v.required(t.get("Nature_Mesure"), path + "/Nature_Mesure")
    programming = v.optional(t.get("Type_Programmation_Compteur"))
    if programming is not None:
        programming = v.bounded_integer(programming, path + "/Type_Programmation_Compteur",
                                        1, 99)
    regs = []
    measures = []
    counts = {tag: 0 for tag in GRIDS}
    for item in grids:
        counts[item.tag] += 1
        gpath = "%s/%s[%d]" % (path, item.tag, counts[item.tag])
        _grid(item, gpath, GRIDS[item.tag], date, regs, measures)
    if not regs and not measures:
        raise FieldError(path + "/Donnees_Par_Type_Mesure", "no index and no consumption")
    key_parts = (prm, head["sub_lot"], t.get("Date_Debut_Mesure"), t.get("Date_Fin_Mesure"),
                 status)
    return {
        "family": "index_reading",
        "flow": KIND,
        "version": ctx.version,
        "key": ctx.key(*[None if p is None else p.strip() for p in key_parts]),
        "source": ctx.source,
        "prm": prm,
        "date": date,
        "start": start,
        "reading_id": None,
        "reason": v.optional(t.get("Motif_Releve_Nouveau")),
        "previous_reason": v.optional(t.get("Motif_Releve_Precedent")),
        "nature": nature(code),
        "nature_code": code,
        "index_nature_previous": v.optional(t.get("Nature_Index_Precedents")),
        "index_nature_new": v.optional(t.get("Nature_Index_Nouveaux")),
        "status": status,
        "rectification_reason": v.optional(t.get("Motif_Rectif")),
        "fta": v.optional(t.get("Tarif_Souscrit")),
        "subscribed_kva": None,
        "calendar_distributor": None,
        "calendar_supplier": v.optional(t.get("Code_Structure_Fournisseur")),
        "meter_programming": programming,
        "metering_installation": v.optional(t.get("Numero_Installation_De_Comptage")),
        "segment": head["segment"],
        "prm_type": head["prm_type"],
        "history_id": head["history_id"],
        "sub_lot": head["sub_lot"],
        "sub_lot_date": head["sub_lot_date"],
        "registers": regs,
        "measures": measures,
    }


def _grid(elem, path: str, owner: str, date: str, regs: List, measures: List) -> None:
    t = texts(elem, path)
    kind = v.required(t.get("Type_Mesure"), path + "/Type_Mesure")
    unit = v.required(t.get("Unite_Mesure"), path + "/Unite_Mesure")
    ranks = {"Index_Par_Classe_Temporelle": 0, "Conso_Par_Classe_Temporelle": 0}
    for item in elem:
        tag = item.tag
        if tag not in ranks:
            continue
        ranks[tag] += 1
        ipath = "%s/%s[%d]" % (path, tag, ranks[tag])
        c = texts(item, ipath)
        time_class = v.required(c.get("Classe_Temporelle"), ipath + "/Classe_Temporelle")
        if tag == "Conso_Par_Classe_Temporelle":
            value = v.number(c.get("Quantite_Mesure"), ipath + "/Quantite_Mesure")
            extra = {"dial": v.optional(c.get("Correspondance_Index")), "flat_rate": None,
                     "phase": None}
            _add(kind, owner, time_class, unit, value, None, True, extra, date, regs,
                 measures)
            continue
        flat = v.optional(c.get("Valeur_Forfait"))
        if flat is not None:
            flat = v.number(flat, ipath + "/Valeur_Forfait")
        index = single(item, "Index", ipath)
        phases = single(item, "Index_Phase", ipath)
        if (index is None) == (phases is None):
            raise FieldError(ipath + "/Index", "one of Index or Index_Phase is required"
                             if index is None else "both Index and Index_Phase")
        if index is not None:
            i = texts(index, ipath + "/Index")
            _add(kind, owner, time_class, unit,
                 _opt_number(i.get("Index_Nouveau"), ipath + "/Index/Index_Nouveau"),
                 _opt_number(i.get("Index_Precedent"), ipath + "/Index/Index_Precedent"),
                 False, {"dial": None, "flat_rate": flat, "phase": None}, date, regs,
                 measures)
            continue
        p = texts(phases, ipath + "/Index_Phase")
        for phase in PHASES:
            ppath = "%s/Index_Phase/Index_Phase_%d_" % (ipath, phase)
            _add(kind, owner, time_class, unit,
                 v.number(p.get("Index_Phase_%d_Nouveau" % phase), ppath + "Nouveau"),
                 v.number(p.get("Index_Phase_%d_Precedent" % phase), ppath + "Precedent"),
                 False, {"dial": None, "flat_rate": flat, "phase": phase}, date, regs,
                 measures)


def _add(kind, owner, time_class, unit, value, previous, over_period, extra, date, regs,
         measures) -> None:
    if kind in ENERGIES:
        item = register_dict(owner, time_class, kind, "withdrawal", value, unit,
                             quantity="energy" if over_period else "index",
                             previous_value=previous)
        item.update(extra)
        regs.append(item)
    else:
        item = {"quantity": kind, "owner": owner, "time_class": time_class,
                "direction": "withdrawal", "value": value, "previous_value": previous,
                "unit": unit, "date": date, "over_period": over_period}
        item.update(extra)
        measures.append(item)


def _opt_number(text, path: str):
    if text is None or not text.strip():
        return None
    return v.number(text, path)
