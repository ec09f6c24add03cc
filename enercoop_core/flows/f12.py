"""F12: detail of the network operator's invoice for C2-C4 delivery points (v1.x).

The detail file (root ``Detail_Facturation``, or ``Detail_Facturation_Demat``) gives one
``network_invoice_line`` per ``Sous_Lot/Element_Valorise``; the valued part is one of
``Acheminement`` (network use), ``Prestations`` (services), ``Option`` or ``Frais_Divers``,
named in ``category``. ``debit_credit`` keeps ``Code_Debit_Credit`` (Y debit, Z credit);
``amount`` is ``Montant_HT`` as written (exact decimal string, EUR, excluding VAT).
``weighted_power`` is the sub-batch's ``Puissance_Ponderee`` (decimal string, kVA) and
``subscribed_kva`` the same as a number; ``segment_code`` its ``Code_Segmentation_ERDF``
(C2, C3, C4). The general, recap and tax files give ``network_invoice_total`` records
(see :mod:`.totals`).
"""
from __future__ import annotations

from typing import Iterator

from enercoop_core.flows import totals
from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, child, name, texts
from enercoop_core.flows.errors import FieldError
from enercoop_core.flows.f15 import read_invoice_blocks, vat_rate

KIND = "F12"
SUPPORTED_MAJORS = ("1",)
TAGS = ("Rappel_En_Tete", "Sous_Lot") + totals.TAGS
ID_OWNERS = ("Sous_Lot",)  # the records that carry an Id_PRM
PARTS = {"Acheminement": "network", "Prestations": "service", "Option": "option",
         "Frais_Divers": "miscellaneous"}


def read(events, ctx: Context) -> Iterator:
    if ctx.extra.get("part") not in ("detail", "detail_demat"):
        for item in totals.read(events, ctx, ctx.extra.get("part")):
            yield item
        return
    for item in read_invoice_blocks(events, ctx, "Sous_Lot", "sub-batch", _sous_lot,
                                    _sub_batch_label):
        yield item


def _sub_batch_label(elem) -> str:
    prm = getattr(child(elem, "Id_PRM"), "text", None)
    return "sub-batch %s%s" % (getattr(child(elem, "Num_Sous_Lot"), "text", None),
                               " PRM %s" % prm.strip() if prm else "")


def _sous_lot(elem, path, number, invoice, ctx) -> Iterator[dict]:
    t = texts(elem, path)
    lot = v.required(t.get("Num_Sous_Lot"), path + "/Num_Sous_Lot")
    prm = t.get("Id_PRM")
    prm = v.prm(prm, path + "/Id_PRM") if v.optional(prm) else None
    weighted = v.optional_decimal(t.get("Puissance_Ponderee"), path + "/Puissance_Ponderee")
    weighted_kva = v.power_number(weighted) if weighted is not None else None
    ordinal = 0
    for item in elem:
        if name(item.tag) != "Element_Valorise":
            continue
        ordinal += 1
        ipath = "%s/Element_Valorise[%d]" % (path, ordinal)
        e = texts(item, ipath)
        category, vpath, p, start, end = _valued_part(item, ipath)
        yield {
            "family": "network_invoice_line",
            "flow": KIND,
            "version": ctx.version,
            "key": ctx.key(number, lot, ordinal),
            "source": ctx.source,
            "invoice_number": number,
            "invoice_date": v.optional(invoice.get("Date_Facture")),
            "currency": v.optional(invoice.get("Devise")) or "EUR",
            "valuation_id": lot,
            "billing_type": v.optional(t.get("Type_Facturation")),
            "prm": prm,
            "item_id": v.required(e.get("Id_EV"), ipath + "/Id_EV"),
            "label": v.optional(e.get("Libelle_EV")),
            "nature_code": v.optional(e.get("Code_Recapitulatif")),
            "category": PARTS[category],
            "start": start,
            "end": end,
            "quantity": v.optional_decimal(p.get("Quantite"), vpath + "/Quantite"),
            "unit": v.optional(p.get("Unite_Quantite")),
            "unit_price": v.optional_decimal(p.get("Prix_Unitaire"), vpath + "/Prix_Unitaire"),
            "amount": v.decimal_text(p.get("Montant_HT"), vpath + "/Montant_HT"),
            "vat_rate": vat_rate(e.get("Taux_TVA_Applicable")),
            "vat_code": None,
            "fta": v.optional(t.get("Tarif_Souscrit")),
            "subscribed_kva": weighted_kva,
            "weighted_power": weighted,
            "segment_code": v.optional(t.get("Code_Segmentation_ERDF")),
            "debit_credit": v.optional(e.get("Code_Debit_Credit")),
            "reading_ids": [],
            "origins": [],
        }


def _valued_part(item, ipath: str):
    """(category tag, path, texts, start, end) of the valued part of an
    ``Element_Valorise`` (its first ``Acheminement``, ``Prestations``, ``Option`` or
    ``Frais_Divers``); the dates as written, checked to be dates."""
    valued = None
    for part in item:
        if name(part.tag) in PARTS:
            valued = part
            break
    if valued is None:
        raise FieldError(ipath, "no Acheminement, Prestations, Option or Frais_Divers")
    category = name(valued.tag)
    vpath = "%s/%s" % (ipath, category)
    p = texts(valued, vpath)
    start = v.optional(p.get("Date_Debut")) or v.optional(p.get("Date_Effet"))
    if start is None:
        raise FieldError(vpath + "/Date_Debut", "missing start date")
    v.iso_instant(start, vpath + "/Date_Debut")
    end = v.optional(p.get("Date_Fin"))
    if end is not None:
        v.iso_instant(end, vpath + "/Date_Fin")
    return category, vpath, p, start, end
