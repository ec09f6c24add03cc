"""Invoice summaries: the F15 and F12 files beside the detail, as ``network_invoice_total``.

- F15 general data (``F15_Donnees_Generales``) and F12 general data (``Donnees_Generales``):
  one record per invoice, from ``En_Tete_Message`` (the invoice: number, date, type,
  currency, period) and ``Fin_Message`` (its totals, VAT detail and recap groups). The
  parties' blocks of ``En_Tete_Message`` (names, addresses) are not read.
- F12 recap (``Detail_Recapitulatif``): one record per ``Recapitulatif`` of a ``Type_Tarif``
  (``tariff`` = its ``Tarif_Souscrit``) or of ``Autres_Montants``.
- F12 taxes (``Detail_Taxes``): one record per ``Autres_Taxes/Detail``.

Record::

    {"family": "network_invoice_total", "flow": "F15" | "F12", "version", "key", "source",
     "part": "general" | "recap" | "taxes", "invoice_number", "invoice_date", "currency",
     "code": Code_Recapitulatif / Type_Taxe | None, "label", "tariff", "amount": decimal
     string excluding VAT (Montant_Total_HT, Sous_Total_HT, Montant_HT) | None,
     "vat_rate", "fields": {element: text} of the block's simple elements as written,
     "blocks": [{"block": tag, element: text ..., "items": [{element: text}]}] (general)}

Amounts (elements named ``Montant*``, ``Sous_Total*``, ``Assiette``) are checked exact
decimals, bounded like every value (:mod:`.values`).
"""
from __future__ import annotations

from typing import Dict, Iterator, Optional

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, texts
from enercoop_core.flows.errors import FieldError

#: Record elements of each summary part.
TAGS = ("En_Tete_Message", "Fin_Message", "Type_Tarif", "Autres_Montants", "Autres_Taxes")
_AMOUNTS = ("Montant", "Sous_Total", "Assiette")


def _leaves(elem, path: str) -> Dict[str, Optional[str]]:
    """Texts of the simple children (amounts checked), by tag."""
    out = {}
    for tag, text in texts(elem, path).items():
        child = elem.find(tag)
        if child is None or len(child):
            continue
        if tag.startswith(_AMOUNTS):
            v.optional_decimal(text, "%s/%s" % (path, tag))
        out[tag] = v.optional(text)
    return out


def _record(ctx: Context, part: str, invoice: Dict, ordinal: int, fields: Dict,
            code=None, label=None, tariff=None, amount=None, vat=None, blocks=None) -> dict:
    number = v.optional(invoice.get("Num_Facture"))
    return {
        "family": "network_invoice_total",
        "flow": ctx.kind,
        "version": ctx.version,
        "key": ctx.key(number, part, ordinal),
        "source": ctx.source,
        "part": part,
        "invoice_number": number,
        "invoice_date": v.optional(invoice.get("Date_Facture")),
        "currency": v.optional(invoice.get("Devise")) or "EUR",
        "code": code,
        "label": label,
        "tariff": tariff,
        "amount": v.optional_decimal(amount, "amount") if amount is not None else None,
        "vat_rate": vat,
        "fields": fields,
        "blocks": blocks or [],
    }


def read(events, ctx: Context, part: str) -> Iterator:
    """Records of a general, recap or taxes file (``part``); rejections for bad blocks."""
    from enercoop_core.flows.f15 import vat_rate

    invoice = {}  # type: Dict
    ordinal = 0
    for tag, elem in events:
        try:
            if tag in ("Rappel_En_Tete", "En_Tete_Message"):
                invoice = _leaves(elem, tag)
                continue
            if tag == "Fin_Message" and part == "general":
                ordinal += 1
                fields = _leaves(elem, tag)
                fields.update({"invoice_%s" % k: val for k, val in invoice.items()})
                blocks = []  # type: List[Dict]
                for rank, block in enumerate((b for b in elem if len(b)), 1):
                    bpath = "%s/%s[%d]" % (tag, block.tag, rank)
                    entry = dict(_leaves(block, bpath), block=block.tag)
                    entry["items"] = [_leaves(item, "%s/%s" % (bpath, item.tag))
                                      for item in block if len(item)]
                    blocks.append(entry)
                yield _record(ctx, part, invoice, ordinal, fields,
                              amount=fields.get("Montant_Total_HT"), blocks=blocks)
            elif tag in ("Type_Tarif", "Autres_Montants") and part == "recap":
                tariff = v.optional(elem.findtext("Tarif_Souscrit"))
                for rank, item in enumerate(elem.iterchildren("Recapitulatif"), 1):
                    ordinal += 1
                    f = _leaves(item, "%s/Recapitulatif[%d]" % (tag, rank))
                    yield _record(ctx, part, invoice, ordinal, f,
                                  code=f.get("Code_Recapitulatif"),
                                  label=f.get("Libelle_Recapitulatif"), tariff=tariff,
                                  amount=f.get("Sous_Total_HT"),
                                  vat=vat_rate(f.get("Taux_TVA_Applicable")))
            elif tag == "Autres_Taxes" and part == "taxes":
                head = _leaves(elem, tag)
                for rank, item in enumerate(elem.iterchildren("Detail"), 1):
                    ordinal += 1
                    f = dict(_leaves(item, "%s/Detail[%d]" % (tag, rank)))
                    f["Type_Taxe"] = head.get("Type_Taxe")
                    yield _record(ctx, part, invoice, ordinal, f, code=head.get("Type_Taxe"),
                                  amount=f.get("Montant_HT"),
                                  vat=vat_rate(f.get("Taux_TVA_Applicable")))
        except FieldError as exc:
            yield ctx.reject_field(v.optional(invoice.get("Num_Facture")), exc)
