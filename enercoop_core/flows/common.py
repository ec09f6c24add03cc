"""Helpers shared by the flow readers: document context, element access, registers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from enercoop_core.flows import values as v
from enercoop_core.flows.errors import FieldError
from enercoop_core.flows.records import Rejection

OWNER = {"distributor": "distributor", "supplier": "supplier"}
DIRECTION = {"0": "withdrawal", "1": "injection"}
NATURE = {"REEL": "real", "ESTIME": "estimated", "AUTO-RELEVE": "self_read",
          "REGULARISE": "corrected", "CORRIGE": "corrected"}


@dataclass
class Context:
    """What a reader knows about the document it reads."""

    file: str
    member: Optional[str]
    kind: str
    version: Optional[str]
    emitter: Optional[str]
    header: Dict[str, str] = field(default_factory=dict)
    extra: Dict[str, object] = field(default_factory=dict)

    @property
    def source(self) -> Dict[str, Optional[str]]:
        return {"file": self.file, "member": self.member}

    def key(self, *parts) -> str:
        """Stable record key: emitter / flow / record identity parts."""
        return "/".join([self.emitter or "-", self.kind] +
                        ["" if part is None else str(part) for part in parts])

    def reject(self, record: Optional[str], path: Optional[str], reason: str) -> Rejection:
        return Rejection(self.file, record, path, reason, self.member)

    def reject_field(self, record: Optional[str], error: FieldError) -> Rejection:
        return Rejection(self.file, record, error.path, error.message, self.member)


def name(tag) -> str:
    if tag[0] == "{":
        return tag[tag.index("}") + 1:]
    return tag


def texts(elem) -> Dict[str, Optional[str]]:
    """Text of each child element by tag (the last one wins for repeats).

    Tags are local names: :func:`xmlstream.iter_elements` unqualifies namespaced records.
    """
    return {item.tag: item.text for item in elem}


def children(elem, wanted: str) -> List:
    return [child for child in elem if name(child.tag) == wanted]


def child(elem, wanted: str):
    for item in elem:
        if name(item.tag) == wanted:
            return item
    return None


#: Register element -> owner of its calendar.
REGISTER_TAGS = {"Classe_Temporelle_Distributeur": "distributor",
                 "Classe_Temporelle": "supplier"}
_ROLLOVER = {"0": False, "1": True, "false": False, "true": True}


def register(elem, owner: str, path: str, unit: Optional[str] = None,
             measure_class: Optional[str] = None, direction: Optional[str] = None) -> Dict:
    """A register reading from a ``Classe_Temporelle``-like element.

    ``unit``/``measure_class``/``direction`` override (R151 gives them in the header or
    implies them); otherwise ``Unite_Mesure``, ``Classe_Mesure``, ``Sens_Mesure`` are read.
    Optional: ``quality`` (R151 ``Indice_Vraisemblance``), ``digits`` (R15/C15
    ``Nb_Chiffres_Cadran``, int: digits of the dial, so the index rolls over at
    10**digits), ``rollover`` (``Indicateur_Passage_A_Zero``, bool: the dial went through
    zero since the previous reading), ``meter_serial`` (R15 ``Num_Serie``); ``None`` when
    absent.
    """
    try:
        return register_texts({item.tag: item.text for item in elem}, owner, unit,
                              measure_class, direction)
    except FieldError as exc:
        raise FieldError(path + "/" + exc.path, exc.message) from None


#: Memo: a register's descriptive fields as written (owner, overrides and the texts of
#: time class, measure class, unit, direction, dial digits, rollover flag, quality) ->
#: the validated register dict without value and serial. Few shapes recur in a flow
#: (one per time class and meter kind), so each is checked once; bounded anyway.
_SHAPES = {}  # type: Dict[tuple, Dict]
_MEMO_MAX = 4096


def register_texts(t: Dict[str, Optional[str]], owner: str, unit: Optional[str] = None,
                   measure_class: Optional[str] = None,
                   direction: Optional[str] = None) -> Dict:
    """Register dict from its child texts ``t`` (see :func:`register`).

    FieldError paths are relative to the register element (``Valeur``).
    """
    get = t.get
    shape = (owner, unit, measure_class, direction, get("Id_Classe_Temporelle"),
             get("Classe_Mesure"), get("Unite_Mesure"), get("Sens_Mesure"),
             get("Nb_Chiffres_Cadran"), get("Indicateur_Passage_A_Zero"),
             get("Indice_Vraisemblance"))
    base = _SHAPES.get(shape)
    if base is None:
        base = _describe(t, owner, unit, measure_class, direction)
        if len(_SHAPES) < _MEMO_MAX:
            _SHAPES[shape] = base
    out = dict(base)
    value = get("Valeur")
    if value is not None and value.isdigit() and value.isascii():
        out["value"] = int(value)
    else:
        out["value"] = v.number(value, "Valeur")
    serial = get("Num_Serie")
    if serial is not None:
        out["meter_serial"] = v.optional(serial)
    return out


def _describe(t, owner, unit, measure_class, direction) -> Dict:
    """The checked descriptive fields of a register (value and serial left to None)."""
    time_class = v.required(t.get("Id_Classe_Temporelle"), "Id_Classe_Temporelle")
    if direction is None:
        code = (t.get("Sens_Mesure") or "").strip()
        direction = DIRECTION.get(code)
        if direction is None:
            raise FieldError("Sens_Mesure", "unknown measure direction %r" % code)
    if measure_class is None:
        measure_class = v.required(t.get("Classe_Mesure"), "Classe_Mesure")
    if unit is None:
        unit = v.required(t.get("Unite_Mesure"), "Unite_Mesure")
    rollover = None
    flag = v.optional(t.get("Indicateur_Passage_A_Zero"))
    if flag is not None:
        rollover = _ROLLOVER.get(flag.lower())
        if rollover is None:
            raise FieldError("Indicateur_Passage_A_Zero", "expected 0 or 1, got %r" % flag)
    return {
        "owner": owner,
        "time_class": time_class,
        "measure_class": measure_class,
        "direction": direction,
        "value": None,
        "unit": unit,
        "quality": v.optional(t.get("Indice_Vraisemblance")),
        "digits": v.optional_integer(t.get("Nb_Chiffres_Cadran"), "Nb_Chiffres_Cadran"),
        "rollover": rollover,
        "meter_serial": None,
    }


def registers(elem, path: str, **overrides) -> List[Dict]:
    """Distributor and supplier registers of a ``Donnees_Releve`` element, in document
    order."""
    out = []
    counts = {"Classe_Temporelle_Distributeur": 0, "Classe_Temporelle": 0}
    for item in elem:
        tag = item.tag
        owner = REGISTER_TAGS.get(tag)
        if owner is not None:
            counts[tag] += 1
            out.append(register(item, owner, "%s/%s[%d]" % (path, tag, counts[tag]),
                                **overrides))
    return out


def nature(code: Optional[str]) -> Optional[str]:
    if code is None:
        return None
    return NATURE.get(code.strip(), code.strip().lower())
