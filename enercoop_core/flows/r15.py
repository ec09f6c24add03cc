"""R15: index readings of C5 and P4 delivery points at contractual events and cycles.

One ``index_reading`` record per ``PRM/Donnees_Releve``. Units as written (kWh in v2.x);
``Sens_Mesure`` 0 is withdrawal, 1 injection; ``Classe_Mesure`` kept as its code;
``Nature_Index`` (REEL, ESTIME, AUTO-RELEVE) gives ``nature``, or ``Nature_Consommation``
(REGULARISE -> corrected) when ``Nature_Index`` is absent.

Each register also carries ``digits`` (``Nb_Chiffres_Cadran``), ``rollover``
(``Indicateur_Passage_A_Zero``) and ``meter_serial`` (``Num_Serie``), ``None`` when absent.
In R15 2.x the meter serial number is written on each register; the record's
``meter_serial`` is that number when every register giving one agrees (the usual case: one
meter per reading), ``None`` when none gives one or when they differ (then read it on the
registers).

This reader is the hot path of the largest flow: it reads each ``Donnees_Releve`` in one
pass over its children (no per-field search) and builds element paths only for errors.
"""
from __future__ import annotations

from typing import Iterator

from enercoop_core.flows import values as v
from enercoop_core.flows.common import REGISTER_TAGS, Context, nature, register_texts
from enercoop_core.flows.errors import FieldError

KIND = "R15"
SUPPORTED_MAJORS = ("2",)
TAGS = ("PRM",)


def read(events, ctx: Context) -> Iterator:
    prefix = ctx.key() + "/"
    for _tag, prm_elem in events:
        raw = injection = None
        readings = []
        for item in prm_elem:
            tag = item.tag
            if tag == "Donnees_Releve":
                readings.append(item)
            elif tag == "Id_PRM":
                raw = item.text
            elif tag == "Type_Injection":
                injection = v.optional(item.text)
        try:
            prm = v.prm(raw, "PRM/Id_PRM")
        except FieldError as exc:
            yield ctx.reject(raw, exc.path, exc.message + " (the whole PRM block is rejected)")
            continue
        if not readings:
            yield ctx.reject(prm, "PRM/Donnees_Releve", "no Donnees_Releve in the PRM block")
        for rank, item in enumerate(readings, 1):
            try:
                yield reading(item, prm, "PRM/Donnees_Releve[%d]" % rank, ctx, injection,
                              prefix)
            except FieldError as exc:
                yield ctx.reject_field(prm, exc)


def reading(elem, prm: str, path: str, ctx: Context, injection=None, prefix=None) -> dict:
    """The ``index_reading`` record of one ``Donnees_Releve`` (FieldError when malformed)."""
    t = {}
    regs = []
    error = None
    supplier = False
    for item in elem:
        tag = item.tag
        owner = REGISTER_TAGS.get(tag)
        if owner is None:
            t[tag] = item.text
            continue
        supplier = supplier or owner == "supplier"
        try:
            regs.append(register_texts({c.tag: c.text for c in item}, owner))
        except FieldError as exc:
            if error is None:  # reported after the reading's own fields, with its rank
                rank = 1 + sum(1 for other in item.itersiblings(preceding=True)
                               if other.tag == tag)
                error = FieldError("%s/%s[%d]/%s" % (path, tag, rank, exc.path), exc.message)
    reading_id = v.required(t.get("Id_Releve"), path + "/Id_Releve")
    date = v.iso_instant(t.get("Date_Releve"), path + "/Date_Releve")
    status = v.optional(t.get("Statut_Releve"))
    code = v.optional(t.get("Nature_Index"))
    if code is None:
        code = v.optional(t.get("Nature_Consommation"))
    if error is not None:
        raise error
    if not supplier:
        raise FieldError(path + "/Classe_Temporelle", "no Classe_Temporelle (one is required)")
    serials = {reg["meter_serial"] for reg in regs}
    serial = v.optional(t.get("Num_Serie"))
    if serial is None:
        serials.discard(None)
        if len(serials) == 1:
            serial = serials.pop()
    if prefix is None:
        prefix = ctx.key() + "/"
    return {
        "family": "index_reading",
        "flow": KIND,
        "version": ctx.version,
        "key": "%s%s/%s/%s" % (prefix, prm, reading_id, status or ""),
        "source": ctx.source,
        "prm": prm,
        "date": date,
        "reading_id": reading_id,
        "reason": v.optional(t.get("Motif_Releve")),
        "nature": nature(code),
        "nature_code": code,
        "status": status,
        "fta": None,
        "subscribed_kva": None,
        "meter_type": v.optional(t.get("Type_Compteur")),
        "meter_serial": serial,
        "injection_type": injection,
        "calendar_distributor": v.optional(t.get("Id_Calendrier_Distributeur")),
        "calendar_supplier": v.optional(t.get("Id_Calendrier")),
        "affair_id": v.optional(t.get("Id_Affaire")),
        "registers": regs,
        "measures": [],
    }
