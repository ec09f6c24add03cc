"""C15: contractual situation and events of C5 delivery points (v4.x and v5.x).

One ``contract_event`` record per ``PRM`` block (its ``Evenement_Declencheur``), and one
``index_reading`` record per ``Evenement_Declencheur/Releves/Donnees_Releve`` (the indexes
before, ``Code_Qualification`` 1, and after, 2, the event). Personal data of the contract
holder (names, addresses, phone numbers) is not read; its ``Categorie`` (PRO, RES) is.
The event also gives the meters (``Dispositif_De_Comptage/Compteur`` type and serial),
``services_level`` and ``fta_changed``; ``subscribed_kva`` is a number. A block the flow
allows once (``Evenement_Declencheur``, ``Releves``, ``Situation_Contractuelle``...) that
appears twice rejects the PRM block rather than being read in part.
"""
from __future__ import annotations

from typing import Iterator

from enercoop_core.flows import values as v
from enercoop_core.flows.common import (Context, name, nature, prm_block, registers, single,
                                        texts)
from enercoop_core.flows.errors import FieldError

KIND = "C15"
SUPPORTED_MAJORS = ("4", "5")
TAGS = ("Contrat", "PRM")
ID_OWNERS = ("PRM",)  # the records that carry an Id_PRM
QUALIFICATION = {"1": "before", "2": "after"}


def read(events, ctx: Context) -> Iterator:
    for tag, elem in events:
        if tag == "Contrat":
            try:
                ctx.extra["contract"] = texts(elem, "Contrat")
            except FieldError as exc:
                ctx.extra["contract"] = {}
                yield ctx.reject_field(None, exc)
            continue
        yield from prm_block(elem, "Id_PRM", _prm, ctx)


def _prm(elem, prm: str, ctx: Context) -> list:
    """The ``contract_event`` record of a PRM block, then its ``index_reading`` records."""
    t = texts(elem, "PRM")
    event = single(elem, "Evenement_Declencheur", "PRM")
    if event is None:
        raise FieldError("PRM/Evenement_Declencheur", "missing required element")
    epath = "PRM/Evenement_Declencheur"
    e = texts(event, epath)
    date = v.iso_instant(e.get("Date_Evenement"), epath + "/Date_Evenement")
    code = v.optional(e.get("Nature_Evenement"))
    affair = v.optional(e.get("Id_Affaire"))
    spath = "PRM/Situation_Contractuelle"
    s, tt, category = _situation(elem, spath)
    meters = _meters(elem)
    tpath = spath + "/Structure_Tarifaire"
    power = v.optional_decimal(tt.get("Puissance_Souscrite"), tpath + "/Puissance_Souscrite")
    power_unit = v.optional(tt.get("Unite_Puissance_Souscrite"))
    kva = None
    if power is not None and (power_unit or "kVA") == "kVA":
        kva = v.power_number(power)
    fta = v.optional(tt.get("Formule_Tarifaire_Acheminement"))
    contract = ctx.extra.get("contract") or {}
    readings = list(_readings(event, epath, ctx))
    for reading in readings:
        reading.update({"key": ctx.key(prm, date, affair, code, reading["qualification"]),
                        "prm": prm, "reason": code, "fta": fta, "subscribed_kva": kva,
                        "affair_id": affair})
    event_record = {
        "family": "contract_event",
        "flow": KIND,
        "version": ctx.version,
        "key": ctx.key(prm, date, affair, code),
        "source": ctx.source,
        "prm": prm,
        "date": date,
        "event": code,
        "event_type": v.required(e.get("Type_Evenement"), epath + "/Type_Evenement"),
        "origin": v.optional(e.get("Origine_Evenement")),
        "affair_id": affair,
        "segment": v.optional(t.get("Segment_Clientele")),
        "contract_state": v.optional(s.get("Etat_Contractuel")),
        "contract_ref": v.optional(s.get("Ref_Situation_Contractuelle")),
        "service_start": v.optional_iso(s.get("Date_Mise_En_Service"),
                                        spath + "/Date_Mise_En_Service"),
        "termination": v.optional_iso(s.get("Date_Resiliation"), spath + "/Date_Resiliation"),
        "fta": fta,
        "subscribed_kva": kva,
        "subscribed_power": power,
        "subscribed_power_unit": power_unit,
        "calendar_distributor": v.optional(tt.get("Id_Calendrier_Distributeur")),
        "calendar_supplier": v.optional(tt.get("Id_Calendrier")),
        "supplier_contract": v.optional(contract.get("Identifiant")),
        "customer_category": category,
        "services_level": v.optional(t.get("Niveau_Ouverture_Services")),
        "fta_changed": v.optional_iso(t.get("Date_Derniere_Modification_FTA"),
                                      "PRM/Date_Derniere_Modification_FTA"),
        "meter_type": meters[0]["type"] if len(meters) == 1 else None,
        "meter_serial": meters[0]["serial"] if len(meters) == 1 else None,
        "meters": meters,
        "indexes_before": [reg for r in readings if r["qualification"] == "before"
                           for reg in r["registers"]],
        "indexes_after": [reg for r in readings if r["qualification"] == "after"
                          for reg in r["registers"]],
    }
    return [event_record] + readings


def _situation(elem, spath: str):
    """(texts of ``Situation_Contractuelle``, of its ``Structure_Tarifaire``, the holder's
    ``Categorie``); empty when the block is absent."""
    situation = single(elem, "Situation_Contractuelle", "PRM")
    if situation is None:
        return {}, {}, None
    s = texts(situation, spath)
    tariff = single(situation, "Structure_Tarifaire", spath)
    tt = texts(tariff, spath + "/Structure_Tarifaire") if tariff is not None else {}
    holder = single(situation, "Titulaire_Contrat", spath)
    category = (v.optional(texts(holder, spath + "/Titulaire_Contrat").get("Categorie"))
                if holder is not None else None)
    return s, tt, category


def _readings(event, epath: str, ctx: Context) -> Iterator[dict]:
    """The ``index_reading`` records of ``Releves/Donnees_Releve`` of the event, without
    what the PRM block gives (key, prm, reason, fta, subscribed_kva, affair_id: None)."""
    releves = single(event, "Releves", epath)
    rank = 0
    for item in (releves if releves is not None else ()):
        if name(item.tag) != "Donnees_Releve":
            continue
        rank += 1
        rpath = "%s/Releves/Donnees_Releve[%d]" % (epath, rank)
        r = texts(item, rpath)
        qcode = v.required(r.get("Code_Qualification"), rpath + "/Code_Qualification")
        side = QUALIFICATION.get(qcode)
        if side is None:
            raise FieldError(rpath + "/Code_Qualification", "unknown qualification %r" % qcode)
        rdate = v.iso_instant(r.get("Date_Releve"), rpath + "/Date_Releve")
        regs = registers(item, rpath)
        ncode = v.optional(r.get("Nature_Index"))
        yield {
            "family": "index_reading",
            "flow": KIND,
            "version": ctx.version,
            "key": None,
            "source": ctx.source,
            "prm": None,
            "date": rdate,
            "reading_id": None,
            "reason": None,
            "nature": nature(ncode),
            "nature_code": ncode,
            "status": None,
            "qualification": side,
            "fta": None,
            "subscribed_kva": None,
            "calendar_distributor": v.optional(r.get("Id_Calendrier_Distributeur")),
            "calendar_supplier": v.optional(r.get("Id_Calendrier")),
            "affair_id": None,
            "registers": regs,
            "measures": [],
        }


def _meters(elem) -> list:
    """[{"type", "serial"}] of ``Dispositif_De_Comptage/Compteur`` (document order)."""
    device = single(elem, "Dispositif_De_Comptage", "PRM")
    out = []
    for rank, meter in enumerate(device.iterchildren("Compteur") if device is not None
                                 else (), 1):
        m = texts(meter, "PRM/Dispositif_De_Comptage/Compteur[%d]" % rank)
        out.append({"type": v.optional(m.get("Type")), "serial": v.optional(m.get("Num_Serie"))})
    return out
