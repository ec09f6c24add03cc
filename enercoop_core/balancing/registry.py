"""Guarantees of origin as the registry counts them: issued per producer and month, and
allocated against the month's supply without matching half-hours.

The registry (in France, the one EEX keeps for the State) issues one guarantee per MWh
produced and lets a supplier cancel, for a month, up to what it supplied that month: time
inside the month does not count. The half-hourly proof (:mod:`.matching`) is stricter.

Allocation rule, per local month ``m``, with ``P_i`` producer ``i``'s energy of the month,
``C_j`` consumer ``j``'s, ``P = sum P_i``, ``C = sum C_j`` and ``M = min(P, C)``::

    A_ij(m) = M x (P_i / P) x (C_j / C)        (0 when P or C is 0)

the pro rata of :mod:`.matching` applied to monthly sums; so ``sum_j A_ij <= P_i`` and
``sum_i A_ij <= C_j``. Rows give whole Wh rounded DOWN per cell, as the half-hourly proof.
"""
from __future__ import annotations

import math
from typing import Dict, Iterator, Sequence

import numpy as np

from enercoop_core.balancing.grid import month_label
from enercoop_core.balancing.matching import Producer
from enercoop_core.balancing.portfolio import Matrices


def issued(matrices: Matrices) -> Iterator[Dict[str, object]]:
    """Guarantees issued: one row per producer and local month, ``issued_wh`` (whole Wh
    rounded down) = the energy produced, ``go_mwh`` the same in MWh."""
    months = matrices.grid.local_months()
    for month in np.unique(months):
        produced = matrices.production[:, months == month].sum(axis=1)
        yield from issued_from_totals(month_label(int(month)),
                                      dict(zip(matrices.producer_prms, produced.tolist())))


def issued_from_totals(period: str, produced_wh: Dict[str, float]
                       ) -> Iterator[Dict[str, object]]:
    """:func:`issued` of one period from each producer's energy (Wh) of that period."""
    for prm, energy in produced_wh.items():
        wh = int(math.floor(energy))
        yield {"period": period, "producer_prm": prm, "issued_wh": wh, "go_mwh": wh / 1e6}


def monthly_rows(matrices: Matrices, producers: Sequence[Producer] = (),
                 min_wh: int = 1) -> Iterator[Dict[str, object]]:
    """Rows producer x consumer x month of the registry's allocation (module docstring),
    with the keys of :meth:`.matching.Matching.rows`."""
    months = matrices.grid.local_months()
    for month in np.unique(months):
        inside = months == month
        produced = matrices.production[:, inside].sum(axis=1)
        consumed = matrices.consumption[:, inside].sum(axis=1)
        yield from allocate(month_label(int(month)),
                            dict(zip(matrices.producer_prms, produced.tolist())),
                            dict(zip(matrices.consumer_prms, consumed.tolist())),
                            producers, min_wh)


def allocate(period: str, produced_wh: Dict[str, float], consumed_wh: Dict[str, float],
             producers: Sequence[Producer] = (), min_wh: int = 1
             ) -> Iterator[Dict[str, object]]:
    """The registry's allocation of one period from each producer's and each consumer's
    energy (Wh) of that period (e.g. a month's :class:`~.portfolio.Balance` totals
    ``producer_wh`` and ``consumer_wh``); rows as :func:`monthly_rows`."""
    named = {producer.prm: producer for producer in producers}
    producer_prms, consumer_prms = list(produced_wh), list(consumed_wh)
    produced = np.array([produced_wh[p] for p in producer_prms], dtype=np.float64)
    consumed = np.array([consumed_wh[c] for c in consumer_prms], dtype=np.float64)
    total_p, total_c = float(produced.sum()), float(consumed.sum())
    if total_p <= 0 or total_c <= 0:
        return
    matched = min(total_p, total_c)
    cells = np.floor(np.outer(produced * (matched / total_p), consumed / total_c))
    for i, j in zip(*np.nonzero(cells >= max(min_wh, 1))):
        producer = named.get(producer_prms[i]) or Producer(producer_prms[i])
        wh = int(cells[i, j])
        yield {"period": period, "producer_prm": producer.prm, "producer": producer.name,
               "technology": producer.technology, "consumer_prm": consumer_prms[j],
               "allocated_wh": wh, "go_mwh": wh / 1e6}
