"""Enedis flows: detect kind and version, stream-parse, validate, normalise.

Supported: R15 2.x, R151 1.x, R171 1.x, R50 1.x, C15 4.x/5.x, F15 3.x/4.x, F12 1.x, R17 1.x,
C12 1.x, R4x (its header has no version) and the JSON flows R64 (also R64A, R64B) and R67
(no version in the file; :mod:`.r6x` streams them, the kind from ``header.codeFlux``). The kind
and version come from the document (root element, ``Identifiant_Flux``/``flux``,
``Version_XSD``/``version``), never from the file name; an unknown major version is
refused with the list of supported ones. Versions are read as real files write them
(``V1``, ``v2.3.2``, ``01.2.0``, `` 1.2.0 ``: leading V, leading zeros and spaces are
dropped, ``DocumentInfo.version`` holds ``1``, ``2.3.2``, ``1.2.0``, and ``version_raw``
the text as written); a document with an empty or missing version is read by the newest
reader of its root, with a warning in ``DocumentInfo.warnings``. Optional elements added
within a version family are tolerated.

Public API::

    from enercoop_core.flows import parse, detect, open_sources
    run = parse(["flows/"], keyring=None, key=None, iv=None, xsd_dir=None)  # FlowRun
    run = parse(data, name="R15_x.zip")   # bytes or a binary file object, plain, zipped
                                          # or encrypted; name: in records and messages
    for record in run:            # dicts, and Curve objects for R50
        ...
    run.rejected                  # [Rejection(file, record, path, reason, member)]
    run.documents                 # [DocumentInfo(file, member, kind, version, emitter,
                                  #   part, records, rejected, families, xsd,
                                  #   xsd_errors, version_raw, key_label, warnings ...)]
    detect(xml_bytes_or_path_or_file) -> ("R15", "2.3.2")
    open_sources(paths, key=None, iv=None, name=None) -> iterator of XmlSource(file, member,
                                                                            open())

Records stream out (lxml iterparse, elements cleared as they are read): memory stays flat
whatever the file size. Every record carries ``family``, ``flow``, ``version``, a stable
``key`` (emitter / flow / record identity, so an importer can skip what it has seen) and
``source`` = {"file": path, "member": name inside the zip or None}. Original codes are kept
as values; instants are ISO 8601 in Europe/Paris time with their UTC offset
(``2025-03-01T00:00:00+01:00``; a date alone is the local midnight opening it); money and
non-integral numbers are exact decimal strings.

Family ``index_reading`` (R15, R151, R171, R17, R64, R67, and C15 event indexes; the extra
keys of R17, R64 and R67 are listed in :mod:`.r17`, :mod:`.r64`, :mod:`.r67`)::

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
                    "quantity": "index" (a cumulative index: R15/C15 class 1, R151,
                    R171) | "energy" (an energy over the period: R15/C15 classes 2 to 6;
                    never to be subtracted from an index),
                    "direction": "withdrawal" | "injection", "value": int (or exact
                    decimal string when not integral), "unit": "Wh" | "kWh" | ...,
                    "quality": R151 Indice_Vraisemblance | None,
                    "digits": dial digits (R15/C15 Nb_Chiffres_Cadran) int | None,
                    "rollover": the dial went through zero since the previous reading
                    (Indicateur_Passage_A_Zero) bool | None,
                    "meter_serial": R15 Num_Serie of the register | None,
                    "coefficient": R15/C15 Coefficient_Lecture (decimal string) | None,
                    "previous_value": R15 Valeur_Precedent | None}],
     "measures": [{"quantity": "PMA" | "TF" | "DD" | ..., "owner", "time_class",
                   "direction", "value", "unit": "VA" | ..., "date"}],
     ... plus, when the flow has them: "calendar_distributor", "calendar_supplier",
     "affair_id", "meter_type", "injection_type", "meter_serial" (R15: the registers'
     Num_Serie when they all agree, else None), "qualification": "before" | "after" (C15);
     R15 also: "contract_ref" (Ref_Situation_Contractuelle), "collective_self_consumption"
     (Autoconsommation_Collective code 0/1/2), "previous": {"reading_id", "date", "reason",
     "nature", "nature_code"} of the previous reading it names (*_Precedent) | None}

R151 units come from its header (``Unite_Mesure_Index``, e.g. Wh). Registers are
cumulative indexes; ``measures`` hold other dated quantities (maximum power).

Family ``contract_event`` (C15, one per PRM block; C12, one per
``PRM/Type_Evenement/Situation_Contractuelle``, extra keys in :mod:`.c12`)::

    {"family": "contract_event", "flow": "C15", "version", "key", "source", "prm",
     "date": ISO instant of the event, "event": Nature_Evenement code (MES, RES, CFNE,
     CFNS, MCT ...), "event_type": Type_Evenement (CONTRAT, TECHNIQUE ...), "origin",
     "affair_id", "segment": C5 ..., "contract_state": Etat_Contractuel ("EN SERVICE",
     "RESILIE") | None, "contract_ref", "service_start", "termination": ISO | None,
     "fta": Formule_Tarifaire_Acheminement | None, "subscribed_kva": number | None,
     "subscribed_power": decimal string | None, "subscribed_power_unit",
     "calendar_distributor", "calendar_supplier", "supplier_contract",
     "indexes_before": [register...], "indexes_after": [register...],
     C15 also: "customer_category" (Titulaire_Contrat/Categorie PRO, RES), "services_level"
     (Niveau_Ouverture_Services), "fta_changed" (Date_Derniere_Modification_FTA, ISO),
     "meters": [{"type", "serial"}] (Dispositif_De_Comptage/Compteur), "meter_type" and
     "meter_serial" (those of the one meter, None when there are several or none);
     "subscribed_kva" is a number (int, or float when not integral)}

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
     of a rectification/cancellation; [] when none), F15 also "contract_ref" and
     "meter_type" of the PRM block, F12 also "weighted_power" (Puissance_Ponderee, decimal
     string, kVA; ``subscribed_kva`` is the same as a number) and "segment_code"
     (Code_Segmentation_ERDF: C2, C3, C4)}

Family ``network_invoice_total`` (F15 and F12 general data, F12 recap and taxes files):
one record per invoice total, recap line or tax line, with ``part`` "general" | "recap" |
"taxes", ``invoice_number``, ``code``, ``amount`` (decimal string) and the block's
``fields`` as written (see :mod:`.totals`).

Family ``curve`` (R50; R4x, one per ``Donnees_Courbe``, see :mod:`.r4x`): a :class:`Curve`
(``prm``, ``direction`` "withdrawal" (R4x: or "injection", None for voltage), ``quantity``
"active_power" (R4x also reactive powers in VAr, voltage in V) and ``unit``, ``status`` the
per-point code as written (R4x) or None,
``step_minutes``, ``dates``, numpy ``instants`` int64 UTC seconds where each time stamp ENDS
its interval, ``values_w`` float64 mean power in W, NaN when absent, ``quality`` int8:
0 ok, 1 doubtful, 2 unqualified, -1 missing); ``Curve.to_dict()`` gives the JSON form with
``points`` [{"instant", "value_w", "quality"}].

Speed: the parser hands Python only the record elements (iterparse ``tag=``), each read in
one pass over its children; R50 points are gathered column-wise into numpy arrays.
``benchmarks/flows.py`` measures the parse path against a bare lxml pass.

XSD validation (``xsd_dir``) streams; an invalid document is read once more, each child
of the root validated alone, so that every error is listed with its line (``line N``),
at most 100 a document and then the count of the rest (``DocumentInfo.xsd_errors``, one
rejection each).

Encrypted deliveries: a :class:`~.keyring.KeyRing` of labelled keys (``--keyring FILE``:
``label key_hex [iv_hex]`` lines or TOML; ``$ENERCOOP_FLOW_KEYRING``; ``--key``/``--iv``)
is tried in turn on each file that is neither XML, JSON nor zip: AES-256-CBC with the IV
at the head of the file (June 2026 on; an entry without IV) and AES-128-CBC with a fixed
IV (older; an entry with its IV). ``DocumentInfo.key_label`` names the key that opened a
file; no key is ever printed or logged.

Bounds: every value is bounded before it is converted (:mod:`.values`: 24 significant
digits, decimal exponent within +/-24, dates in 1900-2199, dial digits 1-15, R50 step
1-1440 minutes): a value out of bounds rejects its record, naming file, PRM and element.
No input raises anything but the project's own errors, and an error the engine did not
foresee is still only a rejection of its document ("a bug in the flow engine"): the next
documents and files are read. ``tests/core/flows/test_fuzz.py`` checks it on 20,000
mutated documents.

Nothing lost: a block of a record repeated where the flow allows one (C15
``Evenement_Declencheur``, ``Releves``...), a simple element repeated with different
values, an R50 point whose ``V``/``IV`` do not line up or that lacks ``H``, a record nested
in another (a PRM in a PRM, a ``Rappel_En_Tete`` in a ``Donnees_Valorisation``), a PRM
identifier outside any record or a second one inside one (a renamed or misplaced block):
each is a rejection with its reason, never a silent drop. Namespaced parts (``<Donnees_Releve
xmlns="urn:x">``) are read like plain ones. An empty file, an archive holding no file, a
header larger than 4 MB each get their own message.

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
