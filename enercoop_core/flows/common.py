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
    """Text of each child element by local name (the last one wins for repeats)."""
    out = {item.tag: item.text for item in elem}
    for tag in out:
        if tag[0] == "{":  # rare: namespaced children; rebuild with local names
            return {name(item.tag): item.text for item in elem}
    return out


def children(elem, wanted: str) -> List:
    return [child for child in elem if name(child.tag) == wanted]


def child(elem, wanted: str):
    for item in elem:
        if name(item.tag) == wanted:
            return item
    return None


def register(elem, owner: str, path: str, unit: Optional[str] = None,
             measure_class: Optional[str] = None, direction: Optional[str] = None) -> Dict:
    """A register reading from a ``Classe_Temporelle``-like element.

    ``unit``/``measure_class``/``direction`` override (R151 gives them in the header or
    implies them); otherwise ``Unite_Mesure``, ``Classe_Mesure``, ``Sens_Mesure`` are read.
    """
    t = texts(elem)
    time_class = v.required(t.get("Id_Classe_Temporelle"), path + "/Id_Classe_Temporelle")
    if direction is None:
        code = (t.get("Sens_Mesure") or "").strip()
        direction = DIRECTION.get(code)
        if direction is None:
            raise FieldError(path + "/Sens_Mesure", "unknown measure direction %r" % code)
    return {
        "owner": owner,
        "time_class": time_class,
        "measure_class": measure_class if measure_class is not None else
        v.required(t.get("Classe_Mesure"), path + "/Classe_Mesure"),
        "direction": direction,
        "value": v.number(t.get("Valeur"), path + "/Valeur"),
        "unit": unit if unit is not None else v.required(t.get("Unite_Mesure"),
                                                         path + "/Unite_Mesure"),
        "quality": v.optional(t.get("Indice_Vraisemblance")),
    }


def registers(elem, path: str, **overrides) -> List[Dict]:
    """Distributor then supplier registers of a ``Donnees_Releve`` element."""
    out = []
    counts = {"Classe_Temporelle_Distributeur": 0, "Classe_Temporelle": 0}
    for item in elem:
        tag = name(item.tag)
        if tag in counts:
            counts[tag] += 1
            owner = "distributor" if tag == "Classe_Temporelle_Distributeur" else "supplier"
            out.append(register(item, owner, "%s/%s[%d]" % (path, tag, counts[tag]),
                                **overrides))
    return out


def nature(code: Optional[str]) -> Optional[str]:
    if code is None:
        return None
    return NATURE.get(code.strip(), code.strip().lower())
