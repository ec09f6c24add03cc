"""The two languages of the cooperative's texts to customers: French and English.

A text written in both is chosen for a locale code (``fr``, ``fr_FR``, ``en_US``, an Odoo
``lang``) by :func:`in_language`: French for a French locale, English for any other, as
Odoo falls back to its English source for a language it has no text in.
"""
from __future__ import annotations

from typing import Optional, TypeVar

T = TypeVar("T")


def in_language(lang: Optional[str], french: T, english: T) -> T:
    """``french`` for a French locale code, ``english`` for any other (or none)."""
    return french if (lang or "").lower().startswith("fr") else english
