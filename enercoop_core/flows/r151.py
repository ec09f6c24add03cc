"""R151: daily indexes and maximum power of Linky (C5) delivery points.

One ``index_reading`` record per ``PRM/Donnees_Releve``. The header's
``Unite_Mesure_Index`` gives the unit of every index (e.g. ``Wh``) and
``Unite_Mesure_Puissance`` the unit of the maximum power (e.g. ``VA``). Indexes are active
energy withdrawn (``measure_class`` "EA", ``direction`` "withdrawal"); readings are
remote meter readings (``nature`` "real"); each register's ``Indice_Vraisemblance`` is kept
as its ``quality``. The maximum power is a ``measures`` entry of quantity ``PMA``.
"""
from __future__ import annotations

from typing import Iterator

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, child, name, registers, single, texts
from enercoop_core.flows.errors import FieldError

KIND = "R151"
SUPPORTED_MAJORS = ("1",)
TAGS = ("PRM",)


def read(events, ctx: Context) -> Iterator:
    unit = v.optional(ctx.header.get("Unite_Mesure_Index"))
    power_unit = v.optional(ctx.header.get("Unite_Mesure_Puissance"))
    if unit is None:
        yield ctx.reject(None, "En_Tete_Flux/Unite_Mesure_Index",
                         "the header gives no index unit; no reading can be read")
        return
    for _tag, prm_elem in events:
        id_elem = child(prm_elem, "Id_PRM")
        raw = id_elem.text if id_elem is not None else None
        try:
            texts(prm_elem, "PRM")  # a second, different Id_PRM is an error
            prm = v.prm(raw, "PRM/Id_PRM")
        except FieldError as exc:
            yield ctx.reject(raw, exc.path, exc.message + " (the whole PRM block is rejected)")
            continue
        rank = 0
        for item in prm_elem:
            if name(item.tag) != "Donnees_Releve":
                continue
            rank += 1
            path = "PRM/Donnees_Releve[%d]" % rank
            try:
                yield _reading(item, prm, path, ctx, unit, power_unit)
            except FieldError as exc:
                yield ctx.reject_field(prm, exc)


def _reading(elem, prm, path, ctx, unit, power_unit) -> dict:
    t = texts(elem, path)
    day = v.required(t.get("Date_Releve"), path + "/Date_Releve")
    date = v.iso_instant(day, path + "/Date_Releve")
    regs = registers(elem, path, unit=unit, measure_class="EA", direction="withdrawal")
    measures = []
    peak = single(elem, "Puissance_Maximale", path)
    if peak is not None:
        measures.append({
            "quantity": "PMA", "owner": "distributor", "time_class": None,
            "direction": "withdrawal",
            "value": v.number(texts(peak, path + "/Puissance_Maximale").get("Valeur"),
                              path + "/Puissance_Maximale/Valeur"),
            "unit": power_unit, "date": date})
    if not regs and not measures:
        raise FieldError(path, "no index and no maximum power in the reading")
    return {
        "family": "index_reading",
        "flow": KIND,
        "version": ctx.version,
        "key": ctx.key(prm, day),
        "source": ctx.source,
        "prm": prm,
        "date": date,
        "reading_id": None,
        "reason": None,
        "nature": "real",
        "nature_code": None,
        "status": None,
        "fta": None,
        "subscribed_kva": None,
        "calendar_distributor": v.optional(t.get("Id_Calendrier_Distributeur")),
        "calendar_supplier": v.optional(t.get("Id_Calendrier_Fournisseur")),
        "affair_id": v.optional(t.get("Id_Affaire")),
        "registers": regs,
        "measures": measures,
    }
