"""F15: detail of the network operator's invoice for C5 delivery points (v3.x, v4.x).

The detail file (root ``F15_Detail_Facturation``) gives one ``network_invoice_line`` per
``Donnees_Valorisation/Groupe_Valorise/Element_Valorise`` and per late-payment interest
(``Detail_Interets_Retard``, ``item_id`` "INTERETS_RETARD"). Amounts are exact decimal
strings in the invoice currency (EUR), excluding VAT, signed as written. ``vat_rate`` is
the percentage as written (``"20"``, ``"5.5"``) or the operator's code when it is not a
number. ``start``/``end`` are ISO dates as written (no time). The general-data file
(``F15_Donnees_Generales``) gives the invoice's totals as a ``network_invoice_total``
record (see :mod:`.totals`). Lines also carry the PRM block's ``contract_ref``
(``Ref_Situation_Contractuelle``) and ``meter_type`` (``Type_Compteur``).

``Releve`` blocks of a valorisation carry no index: per the F15 implementation guide
(v4.1.3, §3.2.2.3.5) they give the identifiers of the R15 readings the billed item rests
on (``Id_Releve``, filled for network-access items, ``Nature_EV`` 01, of withdrawal
points). They are attached to every line of that valorisation as ``reading_ids`` (list,
empty when none), which an importer joins to the R15 ``index_reading`` records of the same
PRM by their ``reading_id``. ``Facture_Origine`` blocks (the invoice a rectification or
cancellation, ``Type_Facturation`` RECT/ANNUL, corrects) become ``origins``: a list of
{"invoice_number", "invoice_date", "valuation_id"}.
"""
from __future__ import annotations

from typing import Iterator

from enercoop_core.flows import totals
from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, child, name, single, texts
from enercoop_core.flows.errors import FieldError

KIND = "F15"
SUPPORTED_MAJORS = ("3", "4")
TAGS = ("Rappel_En_Tete", "Donnees_Valorisation") + totals.TAGS
ID_OWNERS = ("Donnees_Valorisation",)  # the records that carry an Id_PRM
ID_PARENTS = ("Donnees_PRM",)  # Donnees_Valorisation/Donnees_PRM/Id_PRM


def read(events, ctx: Context) -> Iterator:
    if ctx.extra.get("part") != "detail":
        yield from totals.read(events, ctx, ctx.extra.get("part"))
        return
    yield from read_invoice_blocks(events, ctx, "Donnees_Valorisation", "valorisation",
                                   _valorisation, _label)


def read_invoice_blocks(events, ctx: Context, block_tag, what, read_block, describe):
    """The loop shared by the F15 and F12 detail files: each ``Rappel_En_Tete`` gives the
    invoice header, each following ``block_tag`` element its lines (``read_block``); a
    block with a bad field is rejected whole, named by invoice number and ``describe``."""
    invoice = {}
    rank = 0
    for tag, elem in events:
        if tag == "Rappel_En_Tete":
            try:
                invoice = texts(elem, "Rappel_En_Tete")
            except FieldError as exc:
                invoice = {}  # the blocks that follow are rejected: no invoice number
                yield ctx.reject_field(None, exc)
            continue
        rank += 1
        path = "%s[%d]" % (block_tag, rank)
        number = v.optional(invoice.get("Num_Facture"))
        if number is None:
            yield ctx.reject(describe(elem), "Rappel_En_Tete/Num_Facture",
                             "no invoice number before the %s; lines rejected" % what)
            continue
        try:
            lines = list(read_block(elem, path, number, invoice, ctx))
        except FieldError as exc:
            yield ctx.reject_field("%s %s" % (number, describe(elem)), exc)
            continue
        yield from lines


def _label(elem) -> str:
    num = getattr(child(elem, "Num_Valorisation"), "text", None)
    prms = [item.text.strip() for item in elem.iter("Id_PRM") if (item.text or "").strip()]
    return "valorisation %s PRM %s" % (num, " ".join(prms) or None)


def vat_rate(text):
    text = v.optional(text)
    if text is None:
        return None
    try:
        return v.decimal_text(text, "")
    except FieldError:
        return text


def _valorisation(elem, path, number, invoice, ctx) -> Iterator[dict]:
    """The lines of one ``Donnees_Valorisation``: its valued elements and late-payment
    interests, each with the valorisation's invoice, PRM block and references."""
    t = texts(elem, path)
    valuation = v.required(t.get("Num_Valorisation"), path + "/Num_Valorisation")
    prm, d = _prm_block(elem, path)
    reading_ids, origins = _references(elem, path)
    common = {
        "family": "network_invoice_line",
        "flow": KIND,
        "version": ctx.version,
        "source": ctx.source,
        "invoice_number": number,
        "invoice_date": v.optional(invoice.get("Date_Facture")),
        "currency": v.optional(invoice.get("Devise")) or "EUR",
        "valuation_id": valuation,
        "billing_type": v.optional(t.get("Type_Facturation")),
        "prm": prm,
        "contract_ref": v.optional(d.get("Ref_Situation_Contractuelle")),
        "meter_type": v.optional(d.get("Type_Compteur")),
        "reading_ids": reading_ids,
        "origins": origins,
    }
    ordinal = 0
    groups = 0
    for group in elem:
        tag = name(group.tag)
        if tag == "Groupe_Valorise":
            groups += 1
            gpath = "%s/Groupe_Valorise[%d]" % (path, groups)
            nature_ev = v.optional(texts(group, gpath).get("Nature_EV"))
            items = 0
            for item in group:
                if name(item.tag) != "Element_Valorise":
                    continue
                items += 1
                ordinal += 1
                line = _element_line(item, "%s/Element_Valorise[%d]" % (gpath, items),
                                     nature_ev)
                yield _line(common, line, ctx.key(number, valuation, ordinal))
        elif tag == "Detail_Interets_Retard":
            ordinal += 1
            line = _interest_line(group, "%s/Detail_Interets_Retard" % path)
            yield _line(common, line, ctx.key(number, valuation, ordinal))
    if ordinal == 0:
        raise FieldError(path + "/Groupe_Valorise", "valorisation without any valued element")


def _line(common: dict, fields: dict, key: str) -> dict:
    """A line: the valorisation's ``common`` fields (lists copied, so that a consumer
    editing one line leaves the others alone), its own ``fields`` and ``key``."""
    line = dict(common, reading_ids=list(common["reading_ids"]),
                origins=[dict(origin) for origin in common["origins"]])
    line["key"] = key
    line.update(fields)
    return line


def _prm_block(elem, path: str):
    """(PRM or None, texts of ``Donnees_PRM``) of a valorisation."""
    prm_elem = single(elem, "Donnees_PRM", path)
    if prm_elem is None:
        return None, {}
    d = texts(prm_elem, path + "/Donnees_PRM")
    return v.prm(d.get("Id_PRM"), path + "/Donnees_PRM/Id_PRM"), d


def _references(elem, path: str):
    """(``Releve/Id_Releve`` list, ``Facture_Origine`` list) of a valorisation."""
    reading_ids = []
    origins = []
    for block in elem.iterchildren("Releve", "Facture_Origine"):
        b = texts(block, "%s/%s" % (path, block.tag))
        if block.tag == "Releve":
            reading_id = v.optional(b.get("Id_Releve"))
            if reading_id is None:
                raise FieldError("%s/Releve[%d]/Id_Releve" % (path, len(reading_ids) + 1),
                                 "missing required element")
            reading_ids.append(reading_id)
        else:
            origins.append({
                "invoice_number": v.optional(b.get("Origine_Facture")),
                "invoice_date": v.optional(b.get("Date_Origine_Facture")),
                "valuation_id": v.optional(b.get("Origine_Valorisation")),
            })
    return reading_ids, origins


def _element_line(item, ipath: str, nature_ev) -> dict:
    """The fields of an ``Element_Valorise`` line."""
    e = texts(item, ipath)
    line = {
        "item_id": v.required(e.get("Id_EV"), ipath + "/Id_EV"),
        "label": v.optional(e.get("Libelle_EV")),
        "nature_code": nature_ev,
        "category": v.optional(e.get("Categorie")),
        "start": v.required(e.get("Date_Debut"), ipath + "/Date_Debut"),
        "end": v.required(e.get("Date_Fin"), ipath + "/Date_Fin"),
        "quantity": v.optional_decimal(e.get("Quantite"), ipath + "/Quantite"),
        "unit": v.optional(e.get("Unite_Quantite")),
        "unit_price": v.optional_decimal(e.get("Prix_Unitaire"), ipath + "/Prix_Unitaire"),
        "amount": v.decimal_text(e.get("Montant_HT"), ipath + "/Montant_HT"),
        "vat_rate": vat_rate(e.get("Taux_TVA_Applicable")),
        "vat_code": v.optional(e.get("Code_Type_TVA_Applicable")),
        "fta": v.optional(e.get("Formule_Tarifaire_Acheminement")),
        "subscribed_kva": v.optional_decimal(e.get("Puissance_Souscrite"),
                                             ipath + "/Puissance_Souscrite"),
        "debit_credit": None,
    }
    # the dates stay as written, but must be dates
    v.iso_instant(line["start"], ipath + "/Date_Debut")
    v.iso_instant(line["end"], ipath + "/Date_Fin")
    return line


def _interest_line(group, ipath: str) -> dict:
    """The fields of a ``Detail_Interets_Retard`` line (late-payment interest)."""
    e = texts(group, ipath)
    return {
        "item_id": "INTERETS_RETARD",
        "label": "Intérêts de retard, facture %s" % v.optional(e.get("Num_Facture_Impayee")),
        "nature_code": None,
        "category": "late_payment_interest",
        "start": v.optional(e.get("Date_Echeance_Initiale")),
        "end": v.optional(e.get("Date_Calcul_Interets")),
        "quantity": v.optional_decimal(e.get("Nb_Jours"), ipath + "/Nb_Jours"),
        "unit": "jour",
        "unit_price": None,
        "amount": v.decimal_text(e.get("Montant_HT"), ipath + "/Montant_HT"),
        "vat_rate": vat_rate(e.get("Taux_TVA_Applicable")),
        "vat_code": None,
        "fta": None,
        "subscribed_kva": None,
        "debit_credit": None,
    }
