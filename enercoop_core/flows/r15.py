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

``Classe_Mesure`` 1 is a cumulative index (``quantity`` "index"); classes 2 to 6 are
energies over the period (``quantity`` "energy"). The record also gives ``contract_ref``,
``collective_self_consumption``, ``previous`` (the previous reading named by the
``*_Precedent`` elements) and each register its ``coefficient`` (``Coefficient_Lecture``)
and ``previous_value`` (``Valeur_Precedent``).

This reader is the hot path of the largest flow: it reads each ``Donnees_Releve`` in one
pass over its children (no per-field search) and builds element paths only for errors.
Plain PRM blocks are read faster from their bytes (:mod:`.rawpath`: :func:`plan_layout`,
:func:`read_layout`) into the same records; whatever that path does not take as plain
(decimal or out-of-bounds values, repeats, coefficients, a register it cannot describe) is
read here.
"""
from __future__ import annotations

from operator import itemgetter
from typing import Iterator

from enercoop_core.flows import values as v
from enercoop_core.flows.common import (REGISTER_TAGS, Context, _describe, check_repeats,
                                        nature, register_texts)
from enercoop_core.flows.errors import FieldError
from enercoop_core.flows.rawpath import Fallback

KIND = "R15"
SUPPORTED_MAJORS = ("2",)
TAGS = ("PRM",)


def read(events, ctx: Context) -> Iterator:
    prefix = ctx.key() + "/"
    for _tag, prm_elem in events:
        raw = injection = None
        readings = []
        ids = 0
        for item in prm_elem:
            tag = item.tag
            if tag == "Donnees_Releve":
                readings.append(item)
            elif tag == "Id_PRM":
                ids += 1
                if raw is None or not raw.strip():
                    raw = item.text
            elif tag == "Type_Injection":
                injection = v.optional(item.text)
        try:
            if ids > 1:  # a rejection names every identifier written
                raw = " ".join((i.text or "").strip() for i in prm_elem.iterchildren("Id_PRM"))
                check_repeats(prm_elem, "PRM")
                raw = raw.split()[0] if raw.split() else None
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
    t, regs, error, supplier = _children(elem, path)
    return _record(t, regs, error, supplier, prm, path, ctx, injection, prefix)


def _record(t, regs, error, supplier, prm, path, ctx, injection, prefix) -> dict:
    """The record from the texts ``t`` of a reading's own fields and its registers (the
    tree reader and the raw fast path share it)."""
    # the reading's own texts stripped, empty ones dropped, in one pass (hot path)
    o = {key: text.strip() for key, text in t.items() if text is not None}
    get = o.get
    reading_id = v.required(t.get("Id_Releve"), path + "/Id_Releve")
    date = v.iso_instant(t.get("Date_Releve"), path + "/Date_Releve")
    status = get("Statut_Releve") or None
    code = get("Nature_Index") or get("Nature_Consommation") or None
    if error is not None:
        raise error
    if not supplier:
        raise FieldError(path + "/Classe_Temporelle", "no Classe_Temporelle (one is required)")
    serial = get("Num_Serie") or None
    if serial is None:
        serials = {reg["meter_serial"] for reg in regs}
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
        "reason": get("Motif_Releve") or None,
        "nature": nature(code),
        "nature_code": code,
        "status": status,
        "fta": None,
        "subscribed_kva": None,
        "meter_type": get("Type_Compteur") or None,
        "meter_serial": serial,
        "injection_type": injection,
        "calendar_distributor": get("Id_Calendrier_Distributeur") or None,
        "calendar_supplier": get("Id_Calendrier") or None,
        "affair_id": get("Id_Affaire") or None,
        "contract_ref": get("Ref_Situation_Contractuelle") or None,
        "collective_self_consumption": get("Autoconsommation_Collective") or None,
        "previous": None if _PREVIOUS.isdisjoint(o) else _previous(t, path),
        "registers": regs,
        "measures": [],
    }


def _children(elem, path: str):
    """One pass over the children of a ``Donnees_Releve`` (hot path): (texts of its own
    fields, registers read, the first register error or None, a supplier register seen)."""
    t = {}
    regs = []
    error = None
    supplier = False
    blocks = 0
    for item in elem:
        tag = item.tag
        owner = REGISTER_TAGS.get(tag)
        if owner is None:
            t[tag] = item.text
            continue
        blocks += 1
        supplier = supplier or owner == "supplier"
        try:
            rt = {c.tag: c.text for c in item}
            if len(rt) != len(item):
                check_repeats(item, None)
            regs.append(register_texts(rt, owner))
        except FieldError as exc:
            if error is None:  # reported after the reading's own fields, with its rank
                rank = 1 + sum(1 for other in item.itersiblings(preceding=True)
                               if other.tag == tag)
                error = FieldError("%s/%s[%d]/%s" % (path, tag, rank, exc.path), exc.message)
    if len(t) + blocks != len(elem):
        check_repeats(elem, path)
    return t, regs, error, supplier


_PREVIOUS = frozenset(("Id_Releve_Precedent", "Date_Releve_Precedent",
                       "Motif_Releve_Precedent", "Nature_Index_Precedent"))


def _previous(t, path: str):
    """The previous reading the R15 names (``*_Precedent``), or None when it names none."""
    reading_id = v.optional(t.get("Id_Releve_Precedent"))
    date = v.optional_iso(t.get("Date_Releve_Precedent"), path + "/Date_Releve_Precedent")
    reason = v.optional(t.get("Motif_Releve_Precedent"))
    code = v.optional(t.get("Nature_Index_Precedent"))
    if reading_id is None and date is None and reason is None and code is None:
        return None
    return {"reading_id": reading_id, "date": date, "reason": reason,
            "nature": nature(code), "nature_code": code}


# -- raw fast path (see rawpath): plain PRM blocks read from their text list ------------

_DESCRIBED = ("Id_Classe_Temporelle", "Classe_Mesure", "Unite_Mesure", "Sens_Mesure",
              "Nb_Chiffres_Cadran", "Indicateur_Passage_A_Zero", "Indice_Vraisemblance")
_MEMO_MAX = 256


def _leaves(node) -> dict:
    """Name -> text index of the children of ``node``; Fallback unless they are leaves
    with distinct names (the tree reader checks repeats and reads blocks)."""
    out = {}
    for child in node.children:
        if child.text is None or child.name in out:
            raise Fallback()
        out[child.name] = child.text
    return out


def plan_layout(layout):
    """What :func:`read_layout` needs of a block shape: text indexes of the identifier,
    injection type, and per reading its own fields and its registers."""
    ident = injection = None
    readings = []
    for child in layout.root.children:
        if child.name in ("Id_PRM", "Type_Injection"):
            if child.text is None or (child.name == "Type_Injection" and injection):
                raise Fallback()
            if child.name == "Id_PRM":
                ident = child.text
            else:
                injection = child.text
        elif child.name == "Donnees_Releve":
            readings.append(_plan_reading(child))
    if not readings:
        raise Fallback()
    return ident, injection, readings


def _plan_reading(node):
    """(names of its own fields, getter of their texts, supplier flag, then for the
    registers: their fields, getter of their described texts, memo and last entry, getter
    of their values, serial indexes, indexes of fields only the tree reader converts)."""
    if not node.children:
        raise Fallback()
    own = {}
    registers = []
    for child in node.children:
        owner = REGISTER_TAGS.get(child.name)
        if owner is None:
            if child.text is None or child.name in own:
                raise Fallback()
            own[child.name] = child.text
            continue
        fields = _leaves(child)
        if "Valeur" not in fields:
            raise Fallback()
        registers.append((owner, fields))
    supplier = any(owner == "supplier" for owner, _ in registers)
    described = [fields[name] for _, fields in registers for name in _DESCRIBED
                 if name in fields]
    values = [fields["Valeur"] for _, fields in registers]
    serials = tuple(fields.get("Num_Serie") for _, fields in registers)
    extras = tuple(fields[name] for _, fields in registers
                   for name in ("Coefficient_Lecture", "Valeur_Precedent") if name in fields)
    # an empty own field may stay "" (not None): _record reads "" and None alike
    return (tuple(own), _getter(list(own.values())), supplier,
            (tuple((owner, tuple(fields.items())) for owner, fields in registers),
             _getter(described), {}, [None, None], _getter(values), serials, extras))


def _getter(indexes):
    """A function of the text list giving the tuple of texts at ``indexes``."""
    if len(indexes) == 1:
        return lambda texts, i=indexes[0]: (texts[i],)
    return itemgetter(*indexes) if indexes else (lambda texts: ())


def read_layout(texts, plan, ctx: Context) -> list:
    """The records of one plain PRM block (the same as :func:`read` gives for it), from
    the texts of its split bytes; Fallback for anything the tree reader must say."""
    ident, injection_at, readings = plan
    raw = texts[ident] or None
    try:
        prm = v.prm(raw, "PRM/Id_PRM")
    except FieldError as exc:
        return [ctx.reject(raw, exc.path, exc.message + " (the whole PRM block is rejected)")]
    injection = v.optional(texts[injection_at]) if injection_at is not None else None
    prefix = ctx.extra.get("r15_prefix")
    if prefix is None:
        prefix = ctx.extra["r15_prefix"] = ctx.key() + "/"
    out = []
    for rank, (names, own_at, supplier, registers) in enumerate(readings, 1):
        regs = _fast_registers(texts, *registers)
        try:
            out.append(_record(dict(zip(names, own_at(texts))), regs, None, supplier, prm,
                               "PRM/Donnees_Releve[%d]" % rank, ctx, injection, prefix))
        except FieldError as exc:
            out.append(ctx.reject_field(prm, exc))
    return out


def _fast_registers(texts, registers, described, memo, last, values_at, serials,
                    extras) -> list:
    """The register dicts :func:`register_texts` gives (memoised descriptions), when every
    value is plain digits and no coefficient or previous value is written."""
    values = values_at(texts)
    joined = "".join(values)
    if ("" in values or not (joined.isdigit() and joined.isascii()) or
            max(map(len, values)) > 15 or extras and any(texts[i] for i in extras)):
        raise Fallback()  # the tree reader's converters say what these are
    key = described(texts)
    # the block before described its registers alike, most of the time: equal texts
    # compare without hashing
    bases = last[1] if key == last[0] else memo.get(key)
    if bases is None:
        try:
            bases = [_describe({name: texts[i] or None for name, i in fields}, owner, None,
                               None, None) for owner, fields in registers]
        except FieldError:
            raise Fallback() from None
        if len(memo) < _MEMO_MAX:
            memo[key] = bases
    last[:] = key, bases
    regs = []
    for base, value, at_serial in zip(bases, values, serials):
        out = base.copy()
        out["value"] = int(value)
        if at_serial is not None:
            out["meter_serial"] = texts[at_serial].strip() or None
        regs.append(out)
    return regs
