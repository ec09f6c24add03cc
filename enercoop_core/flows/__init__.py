"""Enedis flows: detect kind and version, stream-parse, validate, normalise.

Supported: R15 2.x, R151 1.x, R171 1.x, R50 1.x, C15 4.x/5.x, F15 3.x/4.x, F12 1.x. The kind
and version come from the document (root element, ``Identifiant_Flux``/``flux``,
``Version_XSD``/``version``), never from the file name; an unknown major version is
refused with the list of supported ones. Optional elements added within a version family
are tolerated.

Public API::

    from enercoop_core.flows import parse, detect, open_sources
    run = parse(["flows/"], key=None, iv=None, xsd_dir=None)  # FlowRun
    for record in run:            # dicts, and Curve objects for R50
        ...
    run.rejected                  # [Rejection(file, record, path, reason, member)]
    run.documents                 # [DocumentInfo(file, member, kind, version, emitter,
                                  #   part, records, rejected, families, xsd ...)]
    detect(xml_bytes_or_path_or_file) -> ("R15", "2.3.2")
    open_sources(paths, key=None, iv=None) -> iterator of XmlSource(file, member, open())

Records stream out (lxml iterparse, elements cleared as they are read): memory stays flat
whatever the file size. Every record carries ``family``, ``flow``, ``version``, a stable
``key`` (emitter / flow / record identity, so an importer can skip what it has seen) and
``source`` = {"file": path, "member": name inside the zip or None}. Original codes are kept
as values; instants are ISO 8601 in Europe/Paris time with their UTC offset
(``2025-03-01T00:00:00+01:00``; a date alone is the local midnight opening it); money and
non-integral numbers are exact decimal strings.

Family ``index_reading`` (R15, R151, R171, and C15 event indexes)::

    {"family": "index_reading", "flow": "R15", "version": "2.3.2", "key": str,
     "source": {...}, "prm": "14 digits", "date": ISO instant of the reading,
     "reading_id": str | None (R15 Id_Releve), "reason": original code | None
     (R15 Motif_Releve, C15 Nature_Evenement), "nature": "real" | "estimated" |
     "self_read" | "corrected" | None, "nature_code": original code | None,
     "status": R15 Statut_Releve (INITIAL, RECTIFICATIF, ANNULE) | None,
     "fta": str | None, "subscribed_kva": number | None,
     "registers": [{"owner": "distributor" | "supplier", "time_class": "BASE" | "HP" |
                    "HC" | "HPH" | "HCH" | "HPB" | "HCB" | ..., "measure_class": original
                    code (R15/C15 Classe_Mesure "1"; R151 "EA"; R171 grandeurPhysique),
                    "direction": "withdrawal" | "injection", "value": int (or exact
                    decimal string when not integral), "unit": "Wh" | "kWh" | ...,
                    "quality": R151 Indice_Vraisemblance | None,
                    "digits": dial digits (R15/C15 Nb_Chiffres_Cadran) int | None,
                    "rollover": the dial went through zero since the previous reading
                    (Indicateur_Passage_A_Zero) bool | None,
                    "meter_serial": R15 Num_Serie of the register | None}],
     "measures": [{"quantity": "PMA" | "TF" | "DD" | ..., "owner", "time_class",
                   "direction", "value", "unit": "VA" | ..., "date"}],
     ... plus, when the flow has them: "calendar_distributor", "calendar_supplier",
     "affair_id", "meter_type", "injection_type", "meter_serial" (R15: the registers'
     Num_Serie when they all agree, else None), "qualification": "before" | "after" (C15)}

R151 units come from its header (``Unite_Mesure_Index``, e.g. Wh). Registers are
cumulative indexes; ``measures`` hold other dated quantities (maximum power).

Family ``contract_event`` (C15, one per PRM block)::

    {"family": "contract_event", "flow": "C15", "version", "key", "source", "prm",
     "date": ISO instant of the event, "event": Nature_Evenement code (MES, RES, CFNE,
     CFNS, MCT ...), "event_type": Type_Evenement (CONTRAT, TECHNIQUE ...), "origin",
     "affair_id", "segment": C5 ..., "contract_state": Etat_Contractuel ("EN SERVICE",
     "RESILIE") | None, "contract_ref", "service_start", "termination": ISO | None,
     "fta": Formule_Tarifaire_Acheminement | None, "subscribed_kva": number | None,
     "subscribed_power": decimal string | None, "subscribed_power_unit",
     "calendar_distributor", "calendar_supplier", "supplier_contract",
     "indexes_before": [register...], "indexes_after": [register...]}

Family ``network_invoice_line`` (F15 detail, F12 detail)::

    {"family": "network_invoice_line", "flow": "F15" | "F12", "version", "key", "source",
     "invoice_number", "invoice_date": ISO date, "currency": "EUR", "valuation_id"
     (F15 Num_Valorisation, F12 Num_Sous_Lot), "billing_type", "prm": str | None,
     "item_id": Id_EV, "label": Libelle_EV, "nature_code", "category", "start", "end":
     ISO dates as written | None, "quantity": decimal string | None, "unit",
     "unit_price": decimal string | None, "amount": decimal string excluding VAT,
     "vat_rate": percent as a decimal string, or the operator's code, | None,
     "vat_code", "fta", "subscribed_kva", "debit_credit": F12 Y (debit) / Z (credit) | None,
     "reading_ids": [R15 Id_Releve the F15 valorisation bills] (F15 Releve; [] for F12),
     "origins": [{"invoice_number", "invoice_date", "valuation_id"}] (F15 Facture_Origine
     of a rectification/cancellation; [] when none)}

Family ``curve`` (R50): a :class:`Curve` (``prm``, ``direction`` "withdrawal",
``step_minutes``, ``dates``, numpy ``instants`` int64 UTC seconds where each time stamp ENDS
its interval, ``values_w`` float64 mean power in W, NaN when absent, ``quality`` int8:
0 ok, 1 doubtful, 2 unqualified, -1 missing); ``Curve.to_dict()`` gives the JSON form with
``points`` [{"instant", "value_w", "quality"}].

Speed: the parser hands Python only the record elements (iterparse ``tag=``), each read in
one pass over its children; R50 points are gathered column-wise into numpy arrays.
``benchmarks/flows.py`` measures the parse path against a bare lxml pass.

XSD validation (``xsd_dir``) streams; a failure is located on a second streamed pass that
validates each child of the root alone, so the rejection names the line (``line N``).

Bad input: every rejected record or document is a :class:`Rejection` naming the file
(and archive member), the PRM or record, the element path and the reason; nothing is
dropped silently. Documents with a DTD or entity declarations (billion laughs, XXE), zip
bombs and zip path traversal are refused (see :mod:`.sources`, :mod:`.xmlstream`).
"""
from __future__ import annotations

from enercoop_core.flows.engine import READERS, FlowRun, parse, supported
from enercoop_core.flows.errors import (DecryptionError, FlowError, UnsafeInputError,
                                        UnsupportedFlowError)
from enercoop_core.flows.records import Curve, DocumentInfo, Rejection, as_dict
from enercoop_core.flows.sources import Limits, XmlSource, open_sources
from enercoop_core.flows.xmlstream import detect

__all__ = ["parse", "detect", "open_sources", "FlowRun", "Rejection", "DocumentInfo",
           "Curve", "as_dict", "Limits", "XmlSource", "FlowError", "UnsupportedFlowError",
           "UnsafeInputError", "DecryptionError", "READERS", "supported"]
