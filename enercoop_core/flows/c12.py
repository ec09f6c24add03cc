"""C12: contractual description and events of C2-C4 delivery points.

Guide Enedis.SGE.GUI.0129 v1.12.4, XSD ENEDIS.SGE.XSD.0130 C12 v1.12.1. The document holds
one GRD-F ``Contrat`` and its ``PRM`` blocks; each ``PRM/Type_Evenement`` groups the
events of one date (guide § 2.1) and carries the whole description valid then. One
``contract_event`` record per ``PRM/Type_Evenement/Situation_Contractuelle`` (a
``Type_Evenement`` usually has one situation; several are all kept):

- ``date``: ``Date_Evenement``; ``event``: the first ``Nature_Evenement`` (MES, RES, CFN,
  CPS, CTF ...; None for a change of contractual option or a metering, network or
  administrative event), ``events``: all of them (synchronised services);
  ``event_type``: the flags set among Contractuel, Comptage, Reseau, Administratif,
  joined with ``,``; ``affair_id``: ``Numero_Affaire``.
- ``situation_start``/``termination``: ``Date_Debut``/``Date_Fin`` of the situation (an
  outgoing supplier's CFN or a RES has a ``Date_Fin``, guide § 2.2.1); ``service_start``:
  ``Date_De_Premiere_Mise_En_Service``; ``contract_state`` is "RESILIE" when the
  situation has a ``Date_Fin``, else "EN SERVICE" (C15's words).
- ``fta``: ``Option_Tarifaire_TURPE/Libelle`` (BTSUPCU4, HTA5 ...); ``subscribed_powers``:
  [{"time_class", "value"}] from ``Classe_Temporelle_TURPE_Souscrite`` (the flow gives no
  unit: ``subscribed_power_unit`` is kVA on a low-voltage supply and kW on HTA, as TURPE
  counts them, from ``Domaine_De_Tension``; None when unknown). ``subscribed_kva`` and
  ``subscribed_power`` are None: a C2-C4 point has one power per time class, not one.
- Also: ``calendar_supplier`` (``Structure_Fournisseur/Code``), ``profile``, ``options``
  [{"label", "start", "end"}] (``Option_Contractuelle_Souscrite``), ``voltage_domain``,
  ``supply_voltage``, ``metering_mode`` (CdC, Index, Mixte), ``meter_serials``,
  ``self_producer`` (``Autoproducteur``), ``prm_type``, ``generation`` (header
  ``Mode_Generation``: COMPLET or DELTA) and ``supplier_contract`` (``Contrat/Identifiant``).

``indexes_before``/``indexes_after`` are empty (C12 carries no index). Personal data
(network user's contact, technical contact's name and phone) is not read.
"""
from __future__ import annotations

from typing import Dict, Iterator, List, Optional

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, child, children, prm_block, single, texts
from enercoop_core.flows.errors import FieldError

KIND = "C12"
SUPPORTED_MAJORS = ("1",)
TAGS = ("PRM",)
FLAGS = ("Contractuel", "Comptage", "Reseau", "Administratif")
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
#: ``Domaine_De_Tension`` -> unit of the subscribed powers (TURPE: kVA in BT, kW in HTA).
POWER_UNITS = {"BTINF": "kVA", "BTSUP": "kVA", "HTA": "kW"}


def read(events, ctx: Context) -> Iterator:
    for _tag, elem in events:
        if "contract" not in ctx.extra:
            # the Contrat's own children precede its first PRM and are dropped after it
            ctx.extra["contract"] = _contract(elem.getparent())
        yield from prm_block(elem, "Identifiant", _prm, ctx)


def _contract(parent) -> Dict[str, Optional[str]]:
    if parent is None:
        return {}
    return {"id": v.optional(getattr(child(parent, "Identifiant"), "text", None))}


def _prm(elem, prm: str, ctx: Context) -> List:
    t = {item.tag: item.text for item in elem if not len(item)}
    path = "PRM"
    self_producer = _boolean(t.get("Autoproducteur"), path + "/Autoproducteur", False)
    blocks = children(elem, "Type_Evenement")
    if not blocks:
        raise FieldError(path + "/Type_Evenement", "no Type_Evenement in the PRM block")
    out = []
    for rank, block in enumerate(blocks, 1):
        out.extend(_event(block, "%s/Type_Evenement[%d]" % (path, rank), prm, t,
                          self_producer, ctx))
    return out


def _event(block, path: str, prm: str, t: Dict, self_producer, ctx: Context) -> List:
    e = {item.tag: item.text for item in block if not len(item)}
    if len(e) != sum(1 for item in block if not len(item)):
        texts(block, path)
    flags = [flag for flag in FLAGS if _boolean(e.get(flag), path + "/" + flag, True)]
    date = v.iso_instant(e.get("Date_Evenement"), path + "/Date_Evenement")
    supply = single(block, "Alimentation", path)
    main = child(supply, "Alimentation_Principale") if supply is not None else None
    m = texts(main, path + "/Alimentation/Alimentation_Principale") if main is not None else {}
    domain = v.optional(m.get("Domaine_De_Tension"))
    serials = []
    modes = []
    for device in children(block, "Dispositif_De_Comptage"):
        for meter in children(device, "Compteur"):
            serial = v.optional(getattr(child(meter, "Numero_De_Serie"), "text", None))
            if serial is not None and serial not in serials:
                serials.append(serial)
        for reading in children(device, "Donnees_Releve"):
            mode = v.optional(getattr(child(reading, "Mode_De_Traitement_Du_Compteur"),
                                      "text", None))
            if mode is not None and mode not in modes:
                modes.append(mode)
    situations = children(block, "Situation_Contractuelle")
    if not situations:
        raise FieldError(path + "/Situation_Contractuelle", "missing required element")
    out = []
    for rank, situation in enumerate(situations, 1):
        spath = "%s/Situation_Contractuelle[%d]" % (path, rank)
        record = _situation(situation, spath, prm, date, ctx)
        record.update({
            "event_type": ",".join(flags) or None,
            "voltage_domain": domain,
            "supply_voltage": v.optional(m.get("Tension_De_Livraison")),
            "subscribed_power_unit": POWER_UNITS.get(domain or ""),
            "metering_mode": ",".join(modes) or None,
            "meter_serials": serials,
            "self_producer": self_producer,
            "prm_type": v.optional(t.get("Type")),
        })
        out.append(record)
    return out


def _situation(elem, path: str, prm: str, date: str, ctx: Context) -> dict:
    s = texts(elem, path)
    summary = single(elem, "Synthese_Contractuelle", path)
    y = texts(summary, path + "/Synthese_Contractuelle") if summary is not None else {}
    start = v.iso_instant(s.get("Date_Debut"), path + "/Date_Debut")
    end = v.optional_iso(s.get("Date_Fin"), path + "/Date_Fin")
    event = single(elem, "Evenement", path)
    natures = []
    affair = None
    if event is not None:
        natures = [v.required(item.text, path + "/Evenement/Nature_Evenement")
                   for item in children(event, "Nature_Evenement")]
        affair = v.optional(getattr(child(event, "Numero_Affaire"), "text", None))
    fta, powers = _tariff(elem, path)
    calendar = None
    structure = single(elem, "Structure_Fournisseur_Souscrite", path)
    if structure is not None:
        inner = child(structure, "Structure_Fournisseur")
        code = child(inner, "Code") if inner is not None else None
        calendar = v.optional(getattr(code, "text", None))
    options = _options(elem, path)
    code = natures[0] if natures else None
    contract = ctx.extra.get("contract") or {}
    return {
        "family": "contract_event",
        "flow": KIND,
        "version": ctx.version,
        "key": ctx.key(prm, date, affair, "+".join(natures), start),
        "source": ctx.source,
        "prm": prm,
        "date": date,
        "event": code,
        "events": natures,
        "origin": None,
        "affair_id": affair,
        "segment": None,
        "contract_state": "RESILIE" if end else "EN SERVICE",
        "contract_ref": None,
        "situation_start": start,
        "service_start": v.optional_iso(y.get("Date_De_Premiere_Mise_En_Service"),
                                        path + "/Synthese_Contractuelle/"
                                               "Date_De_Premiere_Mise_En_Service"),
        "termination": end,
        "fta": fta,
        "subscribed_kva": None,
        "subscribed_power": None,
        "subscribed_powers": powers,
        "calendar_distributor": None,
        "calendar_supplier": calendar,
        "profile": v.optional(s.get("Profil")),
        "options": options,
        "supplier_contract": contract.get("id"),
        "generation": v.optional(ctx.header.get("Mode_Generation")),
        "indexes_before": [],
        "indexes_after": [],
    }


def _tariff(elem, path: str):
    """(FTA, [{"time_class", "value"}] subscribed powers) of a situation's
    ``Option_Tarifaire_TURPE_Souscrite`` (required)."""
    tariff = single(elem, "Option_Tarifaire_TURPE_Souscrite", path)
    tpath = path + "/Option_Tarifaire_TURPE_Souscrite"
    if tariff is None:
        raise FieldError(tpath, "missing required element")
    option = single(tariff, "Option_Tarifaire_TURPE", tpath)
    fta = v.optional(texts(option, tpath).get("Libelle")) if option is not None else None
    powers = []
    for rank, klass in enumerate(children(tariff, "Classe_Temporelle_TURPE_Souscrite"), 1):
        kpath = "%s/Classe_Temporelle_TURPE_Souscrite[%d]" % (tpath, rank)
        k = texts(klass, kpath)
        powers.append({"time_class": v.required(k.get("Libelle"), kpath + "/Libelle"),
                       "value": v.bounded_integer(k.get("Puissance_Souscrite"),
                                                  kpath + "/Puissance_Souscrite",
                                                  0, 999999)})
    return fta, powers


def _options(elem, path: str) -> List[dict]:
    """[{"label", "start", "end"}] of a situation's ``Option_Contractuelle_Souscrite``."""
    options = []
    for rank, item in enumerate(children(elem, "Option_Contractuelle_Souscrite"), 1):
        opath = "%s/Option_Contractuelle_Souscrite[%d]" % (path, rank)
        o = texts(item, opath)
        inner = child(item, "Option_Contractuelle")
        label = child(inner, "Libelle") if inner is not None else None
        options.append({"label": v.optional(getattr(label, "text", None)),
                        "start": v.optional_iso(o.get("Date_Debut"), opath + "/Date_Debut"),
                        "end": v.optional_iso(o.get("Date_Fin"), opath + "/Date_Fin")})
    return options


def _boolean(text, path: str, required: bool):
    value = v.optional(text)
    if value is None:
        if required:
            raise FieldError(path, "missing required element")
        return None
    found = BOOLEANS.get(value.lower())
    if found is None:
        raise FieldError(path, "expected true or false, got %r" % value)
    return found
