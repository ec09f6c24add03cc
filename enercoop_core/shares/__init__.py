"""SCIC share capital and governance: members, colleges, share ledger, register, votes.

Pure rules, no I/O except reading the shipped data and the CLI. Modules, one concept each:

- ``statutes``: :class:`Statutes` (colleges and weights, share classes, capital floor,
  refund delay, proxy limit, quorum and majorities), :func:`load_statutes`,
  :func:`default_statutes` (``data/default_statutes.json``);
- ``members``: :class:`Member` (person or legal entity), :class:`Membership`, member
  numbering (never reused);
- ``colleges``: :class:`College`, dated college history, legal weight bounds
  (``data/scic_law.csv``);
- ``classes``: :class:`ShareClass` with dated nominal values and holding limits;
- ``operations``: the ledger operations (Subscription, CapitalRelease, Transfer,
  Redemption, Conversion, CollegeChange);
- ``ledger``: :class:`Ledger`, append-only and checked, balances derived from entries;
- ``accounting``: balanced moves by account role (``data/account_roles.csv``);
- ``register``: register of members at a date, a member's history;
- ``assembly``: roll of voters, attendance and proxies, quorum;
- ``vote``: counting a resolution with weighted colleges, arithmetic shown;
- ``jsonio`` / ``cli``: the JSON inputs and the ``enercoop shares`` command;
- ``errors``: :class:`SharesError` and its subclasses (member, operation, rule).
"""
from __future__ import annotations

from enercoop_core.shares.errors import SharesError  # noqa: F401
