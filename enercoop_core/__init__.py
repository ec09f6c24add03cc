"""enercoop_core: the rules and numbers of a renewable-electricity supplier cooperative.

Pure Python, no ORM. Sub-packages:

- ``flows``: Enedis (ex-ERDF) data flows (R15, R151, R50, R171, C15, F15, F12):
  detect, stream-parse, validate, normalise.
- ``tariffs``: dated rate tables (TURPE, accise, CTA, VAT, supplier grids, purchase
  tariffs) and time-slot calendars.
- ``billing``: consumption per time class -> priced, taxed, explained bill lines.
- ``balancing``: half-hourly portfolio balance, profiles, renewable matching.
- ``shares``: SCIC share ledger, colleges, one member one vote.
- ``directory``: synchronisation of members and staff into OpenLDAP.

Licensed LGPL-3.0-or-later so that other tools may import it.
"""
from __future__ import annotations

__version__ = "0.1.0"
