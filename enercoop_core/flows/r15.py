"""R15: index readings of C5 and P4 delivery points at contractual events and cycles.

One ``index_reading`` record per ``PRM/Donnees_Releve``. Units as written (kWh in v2.x);
``Sens_Mesure`` 0 is withdrawal, 1 injection; ``Classe_Mesure`` kept as its code;
``Nature_Index`` (REEL, ESTIME, AUTO-RELEVE) gives ``nature``, or ``Nature_Consommation``
(REGULARISE -> corrected) when ``Nature_Index`` is absent.
"""
from __future__ import annotations

from typing import Iterator

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, child, name, nature, registers, texts
from enercoop_core.flows.errors import FieldError

KIND = "R15"
SUPPORTED_MAJORS = ("2",)
TAGS = ("PRM",)


def read(events, ctx: Context) -> Iterator:
    for _tag, prm_elem in events:
        id_elem = child(prm_elem, "Id_PRM")
        raw = id_elem.text if id_elem is not None else None
        try:
            prm = v.prm(raw, "PRM/Id_PRM")
        except FieldError as exc:
            yield ctx.reject(raw, exc.path, exc.message + " (the whole PRM block is rejected)")
            continue
        injection = v.optional(getattr(child(prm_elem, "Type_Injection"), "text", None))
        rank = 0
        for item in prm_elem:
            if name(item.tag) != "Donnees_Releve":
                continue
            rank += 1
            path = "PRM/Donnees_Releve[%d]" % rank
            try:
                yield reading(item, prm, path, ctx, injection)
            except FieldError as exc:
                yield ctx.reject_field(prm, exc)
        if rank == 0:
            yield ctx.reject(prm, "PRM/Donnees_Releve", "no Donnees_Releve in the PRM block")


def reading(elem, prm: str, path: str, ctx: Context, injection=None) -> dict:
    t = texts(elem)
    reading_id = v.required(t.get("Id_Releve"), path + "/Id_Releve")
    date = v.iso_instant(t.get("Date_Releve"), path + "/Date_Releve")
    status = v.optional(t.get("Statut_Releve"))
    code = v.optional(t.get("Nature_Index"))
    if code is None:
        code = v.optional(t.get("Nature_Consommation"))
    regs = registers(elem, path)
    if not any(reg["owner"] == "supplier" for reg in regs):
        raise FieldError(path + "/Classe_Temporelle", "no Classe_Temporelle (one is required)")
    return {
        "family": "index_reading",
        "flow": KIND,
        "version": ctx.version,
        "key": ctx.key(prm, reading_id, status),
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
        "injection_type": injection,
        "calendar_distributor": v.optional(t.get("Id_Calendrier_Distributeur")),
        "calendar_supplier": v.optional(t.get("Id_Calendrier")),
        "affair_id": v.optional(t.get("Id_Affaire")),
        "registers": regs,
        "measures": [],
    }
