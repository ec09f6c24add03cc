"""Time classes (classes temporelles, cadrans) of electricity registers and prices: the one
place where their names, the register schemes and the HP/HC derivation are written.

Names, in the order of the vectorised calendar codes (:data:`CLASS_NAMES`, code = index):

- ``BASE``: one class all day, all year (scheme ``"1"``);
- ``HP`` / ``HC``: peak / off-peak hours (heures pleines / creuses), all year (scheme ``"2"``);
- ``HPH``, ``HCH``, ``HPB``, ``HCB``: peak / off-peak of the high season (saison haute,
  November to March) and of the low season (saison basse), the four TURPE classes
  (scheme ``"4"``).

A four-class register is a *sub-class* of HP or HC (``HPH`` -> ``HP``): HP/HC quantities are
derived from four-class ones by adding the two seasons (:func:`derivation`); BASE from any
scheme by adding every class.
"""
from __future__ import annotations

from typing import Dict, Iterable, Optional, Sequence, Tuple

from enercoop_core.errors import InputError
from enercoop_core.languages import in_language

__all__ = [
    "BASE", "HP", "HC", "HPH", "HCH", "HPB", "HCB",
    "CLASS_NAMES", "CODE", "FOUR_CLASSES", "HP_HC", "SCHEMES", "SCHEME_CLASSES", "SCHEME_OF",
    "SUB_CLASSES", "LABELS", "SCHEME_LABELS", "label", "scheme_label", "parent", "seasonal",
    "season_of", "scheme_of", "ordered", "derivation",
]

BASE, HP, HC = "BASE", "HP", "HC"
HPH, HCH, HPB, HCB = "HPH", "HCH", "HPB", "HCB"

#: Every time class, in the order of the calendar's int8 codes (a code is an index here).
CLASS_NAMES = (BASE, HP, HC, HPH, HCH, HPB, HCB)
#: Code (index into :data:`CLASS_NAMES`) of each class name.
CODE = {name: code for code, name in enumerate(CLASS_NAMES)}
#: The four TURPE classes (high season peak, off-peak; low season peak, off-peak).
FOUR_CLASSES = (HPH, HCH, HPB, HCB)
#: Peak / off-peak classes found all year.
HP_HC = (HP, HC)
#: Register schemes: ``"1"`` BASE, ``"2"`` HP/HC, ``"4"`` the four TURPE classes.
SCHEMES = ("1", "2", "4")
#: Classes registered under each scheme, in :data:`CLASS_NAMES` order.
SCHEME_CLASSES = {"1": (BASE,), "2": HP_HC, "4": FOUR_CLASSES}
#: Scheme of each class name.
SCHEME_OF = {name: scheme for scheme, names in SCHEME_CLASSES.items() for name in names}
#: The four-class sub-classes of HP and HC (high season first).
SUB_CLASSES = {HP: (HPH, HPB), HC: (HCH, HCB)}
#: What a household reads for each class on its bill: ``{name: {"fr": ..., "en": ...}}``.
LABELS = {
    BASE: {"fr": "Base", "en": "Base"},
    HP: {"fr": "Heures pleines", "en": "Peak hours"},
    HC: {"fr": "Heures creuses", "en": "Off-peak hours"},
    HPH: {"fr": "Heures pleines saison haute", "en": "Peak hours, high season"},
    HCH: {"fr": "Heures creuses saison haute", "en": "Off-peak hours, high season"},
    HPB: {"fr": "Heures pleines saison basse", "en": "Peak hours, low season"},
    HCB: {"fr": "Heures creuses saison basse", "en": "Off-peak hours, low season"},
}
#: The tariff option a household reads for each register scheme.
SCHEME_LABELS = {
    "1": {"fr": "Base", "en": "Base"},
    "2": {"fr": "Heures pleines / Heures creuses", "en": "Peak / off-peak hours"},
    "4": {"fr": "Heures pleines / Heures creuses, saisons haute et basse",
          "en": "Peak / off-peak hours, high and low seasons"},
}
_PARENT = {sub: whole for whole, subs in SUB_CLASSES.items() for sub in subs}
_SEASONAL = {(HP, True): HPH, (HC, True): HCH, (HP, False): HPB, (HC, False): HCB}


def _in_language(labels, lang):
    """The ``fr`` or ``en`` text of ``labels`` for a locale code (``fr_FR``, ``en_US``, ``fr``):
    French for French locales, English for every other."""
    return labels[in_language(lang or "fr", "fr", "en")]


def label(time_class: str, lang: str = "fr") -> str:
    """The human name of ``time_class`` in ``lang`` (``label("HCB", "fr_FR")`` ->
    ``"Heures creuses saison basse"``); an unknown name is returned as it is."""
    labels = LABELS.get(time_class)
    return _in_language(labels, lang) if labels else time_class


def scheme_label(scheme: str, lang: str = "fr") -> str:
    """The human name of a register scheme (``"1"``, ``"2"``, ``"4"``) in ``lang``."""
    if scheme not in SCHEME_LABELS:
        raise InputError("unknown register scheme %r (known: %s)"
                         % (scheme, ", ".join(SCHEMES)), field="scheme")
    return _in_language(SCHEME_LABELS[scheme], lang)


def parent(time_class: Optional[str]) -> Optional[str]:
    """HP or HC of a four-class sub-class (``HPB`` -> ``HP``); None for any other class."""
    return _PARENT.get(time_class)


def seasonal(time_class: str, high_season: bool) -> str:
    """The sub-class of ``HP``/``HC`` in a season (``("HC", True)`` -> ``HCH``)."""
    return _SEASONAL[time_class, bool(high_season)]


def season_of(time_class: Optional[str]) -> Optional[bool]:
    """True for a high-season class (HPH, HCH), False for a low-season one (HPB, HCB), None
    for a class found all year (BASE, HP, HC) or an unknown one."""
    if time_class in (HPH, HCH):
        return True
    if time_class in (HPB, HCB):
        return False
    return None


def scheme_of(classes: Iterable[str]) -> str:
    """Scheme (``"1"``, ``"2"``, ``"4"``) of a set of class names (InputError when mixed)."""
    classes = set(classes)
    for scheme in SCHEMES:
        if classes <= set(SCHEME_CLASSES[scheme]):
            return scheme
    raise InputError("mixed time classes %s" % sorted(classes), field="time_class")


def ordered(classes: Iterable[str]) -> Tuple[str, ...]:
    """Distinct ``classes`` in :data:`CLASS_NAMES` order, any other name after them, sorted."""
    found = set(classes)
    return tuple(c for c in CLASS_NAMES if c in found) + tuple(sorted(found - set(CLASS_NAMES)))


def derivation(classes: Sequence[str], registers: Sequence[str]) -> Dict[str, Tuple[str, ...]]:
    """For each wanted class, the register classes whose quantities add up to it: the same
    classes (identity), ``BASE`` from every register, ``HP``/``HC`` from the four classes.

    ``registers`` is written as given in the error message (InputError, field
    ``time_class``) when the wanted classes cannot be told from them.

    >>> derivation(("HP", "HC"), FOUR_CLASSES)
    {'HP': ('HPH', 'HPB'), 'HC': ('HCH', 'HCB')}
    """
    want, have = list(classes), set(registers)
    if set(want) == have:
        return {c: (c,) for c in want}
    if want == [BASE]:
        return {BASE: tuple(registers)}
    if set(want) == set(HP_HC) and have == set(FOUR_CLASSES):
        return {c: SUB_CLASSES[c] for c in want}
    raise InputError("cannot price time classes %s from registers %s" % (
        ", ".join(want), ", ".join(registers)), field="time_class")
