"""What a C15 contract event does to the cooperative's supply contract of the PRM.

The C15 flow (see :mod:`enercoop_core.flows.c15`) reports ``Nature_Evenement`` codes; for a
supplier the ones that matter are:

- ``MES`` (mise en service), ``PMES`` (premiere mise en service), ``CFNE`` (changement de
  fournisseur entrant): the cooperative starts supplying the PRM -> ``"activate"``;
- ``RES`` (resiliation), ``CFNS`` (changement de fournisseur sortant): the supply ends
  -> ``"terminate"``;
- ``MCT`` (modification contractuelle: subscribed power or FTA), ``MDCTR``: the delivery
  point's technical data change -> ``"update"``.

Any other code has no effect on the contract (``None``); the caller still keeps the event.
"""
from __future__ import annotations

from typing import Optional

ACTIVATE, TERMINATE, UPDATE = "activate", "terminate", "update"

#: Nature_Evenement code -> effect on the supply contract.
EVENT_EFFECTS = {
    "MES": ACTIVATE,
    "PMES": ACTIVATE,
    "CFNE": ACTIVATE,
    "RES": TERMINATE,
    "CFNS": TERMINATE,
    "MCT": UPDATE,
    "MDCTR": UPDATE,
}


def contract_effect(event_code: Optional[str]) -> Optional[str]:
    """``"activate"``, ``"terminate"``, ``"update"`` or None for a C15 event code."""
    if not event_code:
        return None
    return EVENT_EFFECTS.get(event_code.strip().upper())
