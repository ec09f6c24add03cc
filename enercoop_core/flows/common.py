"""Helpers shared by the flow readers: document context, element access, registers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from enercoop_core.flows import values as v
from enercoop_core.flows.errors import FieldError
from enercoop_core.flows.records import Rejection

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


def texts(elem, path: Optional[str] = None) -> Dict[str, Optional[str]]:
    """Text of each child element by tag.

    Tags are local names: :func:`xmlstream.iter_elements` unqualifies namespaced records.
    A simple child repeated with different texts raises FieldError (``path/Tag``): keeping
    one of them would drop the other silently. Repeated complex children (blocks) are the
    caller's to read.
    """
    out = {item.tag: item.text for item in elem}
    if len(out) != len(elem):
        check_repeats(elem, path)
    return out


def check_repeats(elem, path: Optional[str]) -> None:
    """FieldError when a childless child element appears twice with different texts."""
    seen = {}  # type: Dict[str, Optional[str]]
    for item in elem:
        tag = item.tag
        if not isinstance(tag, str) or len(item):
            continue
        if tag in seen and (seen[tag] or "").strip() != (item.text or "").strip():
            raise FieldError("%s/%s" % (path, tag) if path else tag,
                             "appears more than once with different values (%s, %s); "
                             "one is allowed" % (_short(seen[tag]), _short(item.text)))
        seen[tag] = item.text


def _short(text: Optional[str]) -> str:
    return repr(text if text is None or len(text) <= 40 else text[:40] + "...")


def prm_block(elem, id_tag: str, read_block: Callable[..., List], ctx: Context) -> List:
    """The records ``read_block(elem, prm, ctx)`` gives for one ``PRM`` block, or the one
    rejection of the whole block, naming the PRM as written, when its ``id_tag`` child is
    not a PRM identifier or ``read_block`` raises FieldError (C12, C15)."""
    raw = getattr(child(elem, id_tag), "text", None)
    try:
        return read_block(elem, v.prm(raw, "PRM/" + id_tag), ctx)
    except FieldError as exc:
        return [ctx.reject(raw, exc.path, exc.message + " (the whole PRM block is rejected)")]


def children(elem, wanted: str) -> List:
    return [child for child in elem if name(child.tag) == wanted]


def child(elem, wanted: str):
    for item in elem:
        if name(item.tag) == wanted:
            return item
    return None


def single(elem, wanted: str, path: str):
    """The ``wanted`` child of ``elem`` or None; FieldError when it appears twice (the
    flow allows one block: reading only the first would drop the second silently)."""
    found = None
    count = 0
    for item in elem:
        if item.tag == wanted:
            count += 1
            if found is None:
                found = item
    if count > 1:
        raise FieldError("%s/%s[2]" % (path, wanted),
                         "<%s> appears %d times; the flow allows one (the block is rejected "
                         "rather than read in part)" % (wanted, count))
    return found


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
        t = {item.tag: item.text for item in elem}
        if len(t) != len(elem):
            check_repeats(elem, None)
        return register_texts(t, owner, unit, measure_class, direction)
    except FieldError as exc:
        raise FieldError(path + "/" + exc.path, exc.message) from None


#: Memo: a register's descriptive fields as written (owner, overrides and the texts of
#: time class, measure class, unit, direction, dial digits, rollover flag, quality) ->
#: the validated register dict without value and serial. Few shapes recur in a flow
#: (one per time class and meter kind), so each is checked once; bounded anyway.
_SHAPES = {}  # type: Dict[tuple, Dict]
_MEMO_MAX = 4096
_SHAPE_TEXT_MAX = 512  # a shape with longer texts (garbage) is checked, not memoised
#: R15/C15 ``Classe_Mesure`` codes of energies over the period (class 1 is a cumulative
#: index); registers of these classes have ``quantity`` "energy", all others "index".
ENERGY_CLASSES = frozenset(("2", "3", "4", "5", "6"))


def register_texts(t: Dict[str, Optional[str]], owner: str, unit: Optional[str] = None,
                   measure_class: Optional[str] = None,
                   direction: Optional[str] = None) -> Dict:
    """Register dict from its child texts ``t`` (see :func:`register`).

    FieldError paths are relative to the register element (``Valeur``).
    """
    get = t.get
    # spelt out, not mapped over a tuple of names: this runs once a register (hot path)
    shape = (owner, unit, measure_class, direction, get("Id_Classe_Temporelle"),
             get("Classe_Mesure"), get("Unite_Mesure"), get("Sens_Mesure"),
             get("Nb_Chiffres_Cadran"), get("Indicateur_Passage_A_Zero"),
             get("Indice_Vraisemblance"))
    base = _SHAPES.get(shape)
    if base is None:
        base = _describe(t, owner, unit, measure_class, direction)
        if len(_SHAPES) < _MEMO_MAX and sum(len(p) for p in shape if p) < _SHAPE_TEXT_MAX:
            _SHAPES[shape] = base
    out = base.copy()
    value = get("Valeur")
    if value is not None and len(value) < 16 and value.isdigit() and value.isascii():
        out["value"] = int(value)
    else:
        out["value"] = v.number(value, "Valeur")
    serial = get("Num_Serie")
    if serial is not None:
        out["meter_serial"] = serial.strip() or None  # v.optional
    coefficient = get("Coefficient_Lecture")
    if coefficient is not None:
        out["coefficient"] = v.optional_decimal(coefficient, "Coefficient_Lecture")
    previous = get("Valeur_Precedent")
    if previous is not None:
        out["previous_value"] = v.number(previous, "Valeur_Precedent")
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
    digits = v.optional(t.get("Nb_Chiffres_Cadran"))
    if digits is not None:
        digits = v.bounded_integer(digits, "Nb_Chiffres_Cadran", 1, MAX_DIAL_DIGITS)
    return register_dict(owner, time_class, measure_class, direction, None, unit,
                         quality=v.optional(t.get("Indice_Vraisemblance")), digits=digits,
                         rollover=rollover,
                         quantity="energy" if measure_class in ENERGY_CLASSES else "index")


#: Most digits a meter dial has (the R15 XSD bounds ``Nb_Chiffres_Cadran`` to 15).
MAX_DIAL_DIGITS = 15


def register_dict(owner: str, time_class: str, measure_class: str, direction: str, value,
                  unit: Optional[str], quality: Optional[str] = None,
                  digits: Optional[int] = None, rollover: Optional[bool] = None,
                  meter_serial: Optional[str] = None, quantity: str = "index",
                  coefficient: Optional[str] = None, previous_value=None) -> Dict:
    """The register dict every flow gives (same keys everywhere; see the package doc)."""
    return {
        "owner": owner,
        "time_class": time_class,
        "measure_class": measure_class,
        "quantity": quantity,
        "direction": direction,
        "value": value,
        "unit": unit,
        "quality": quality,
        "digits": digits,
        "rollover": rollover,
        "meter_serial": meter_serial,
        "coefficient": coefficient,
        "previous_value": previous_value,
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
