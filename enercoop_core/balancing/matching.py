"""The proof of supply: which producers' renewable production covered which consumers.

The cooperative buys each producer's production with its guarantees of origin (GO); this
module shows, half-hour by half-hour and then per local month, how much of each consumer's
supply each producer's production covered.

Allocation rule (pro rata on both sides), in each half-hour ``t``, with ``P_i`` the energy
producer ``i`` injected, ``C_j`` the energy consumer ``j`` withdrew, ``P = sum P_i``,
``C = sum C_j`` and the matched energy ``M = min(P, C)``::

    A_ij(t) = M x (P_i / P) x (C_j / C)        (0 when P or C is 0)

so each producer contributes to the matched energy in proportion to its production, and
each consumer receives it in proportion to its consumption. Hence, per half-hour:
``sum_j A_ij = P_i x M / P <= P_i`` (what is not allocated is surplus, sold elsewhere),
``sum_i A_ij = C_j x M / C <= C_j`` (what is not covered is bought on the market, without
GO of the cooperative's producers), and ``sum_ij A_ij = M``. A month's allocation is the
sum of its half-hours' (computed as one matrix product per month), so it keeps the same
bounds. Energy is not moved from one half-hour to another.

Tables give whole Wh rounded DOWN per cell, so that no rounding ever allocates more than
was produced or consumed; ``go_mwh`` is the allocated energy in MWh (the unit of a
guarantee of origin) to cancel for that consumer, producer and month.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Iterable, Iterator, List, Optional, Sequence

import numpy as np

from enercoop_core.balancing.grid import local_label, month_label
from enercoop_core.balancing.portfolio import Matrices

#: Relative tolerance of the conservation checks (float64 sums of Wh).
RTOL = 1e-9


@dataclass(frozen=True)
class Producer:
    """What the proof names of a producer: its PRM, name and technology (hydro, wind...)."""

    prm: str
    name: str = ""
    technology: str = ""


class Matching:
    """The allocation of a portfolio's production to its supply (see module docstring)."""

    def __init__(self, matrices: Matrices, producers: Optional[Dict[str, Producer]] = None,
                 totals=None):
        """``totals``: ``(produced, consumed)`` Wh per half-hour of the whole portfolio when
        ``matrices`` hold only some of its consumers (one partition); default: their sums."""
        self.matrices = matrices
        self.producers = dict(producers or {})
        prod, cons = matrices.production, matrices.consumption
        if totals is not None:
            self.produced, self.consumed = (np.asarray(t, dtype=np.float64) for t in totals)
        else:
            self.produced = prod.sum(axis=0) if prod.shape[0] else np.zeros(matrices.grid.size)
            self.consumed = cons.sum(axis=0) if cons.shape[0] else np.zeros(matrices.grid.size)
        self.matched = np.minimum(self.produced, self.consumed)
        both = (self.produced > 0) & (self.consumed > 0)
        #: Per half-hour share of the production allocated, ``M / P`` (<= 1), and share of
        #: the consumption covered, ``M / C`` (<= 1); 0 when P or C is 0. Ratios, not a
        #: product ``P x C``, so that tiny or huge energies neither underflow nor overflow.
        self.producer_share = np.where(both, self.matched / np.where(both, self.produced, 1.0),
                                       0.0)
        self.consumer_share = np.where(both, self.matched / np.where(both, self.consumed, 1.0),
                                       0.0)
        self.months = matrices.grid.local_months()

    def _consumer_fractions(self, selection) -> np.ndarray:
        """``C_j / C`` of the selected half-hours (0 where nothing is consumed)."""
        consumed = self.consumed[selection]
        return self.matrices.consumption[:, selection] / np.where(consumed > 0, consumed, 1.0)

    def half_hour(self, slot: int) -> np.ndarray:
        """Allocation ``(producers, consumers)`` in Wh (float64) of one half-hour."""
        m = self.matrices
        return np.outer(m.production[:, slot] * self.producer_share[slot],
                        self._consumer_fractions(slot))

    def over(self, selection) -> np.ndarray:
        """Allocation ``(producers, consumers)`` in Wh summed over the selected half-hours
        (a slice, a boolean mask or an index array of slots; a slice reads the consumers'
        matrix in place, the fractions ``C_j / C`` are then its only copy)."""
        m = self.matrices
        allocated = m.production[:, selection] * self.producer_share[selection]
        return allocated @ self._consumer_fractions(selection).T

    def monthly(self) -> Dict[str, np.ndarray]:
        """``"YYYY-MM"`` -> allocation matrix ``(producers, consumers)`` in Wh (float64)."""
        return {month_label(int(month)): self.over(_run(self.months, month))
                for month in np.unique(self.months)}

    def rows(self, period: str = "month", min_wh: int = 1) -> Iterator[Dict[str, object]]:
        """Table rows producer x consumer x period, whole Wh rounded down (cells below
        ``min_wh`` left out): ``period`` ("YYYY-MM" or the half-hour's end in Paris time),
        ``producer_prm``, ``producer``, ``technology``, ``consumer_prm``, ``allocated_wh``,
        ``go_mwh``."""
        m = self.matrices
        if period == "month":
            blocks = ((label, matrix) for label, matrix in self.monthly().items())
        elif period == "half-hour":
            ends = m.grid.ends
            blocks = ((local_label(int(ends[t])), self.half_hour(t)) for t in range(m.grid.size))
        else:
            raise ValueError("period is 'month' or 'half-hour'")
        for label, matrix in blocks:
            cells = np.floor(matrix)
            for i, j in zip(*np.nonzero(cells >= max(min_wh, 1))):
                producer = self.producers.get(m.producer_prms[i]) or Producer(m.producer_prms[i])
                wh = int(cells[i, j])
                yield {"period": label, "producer_prm": producer.prm, "producer": producer.name,
                       "technology": producer.technology, "consumer_prm": m.consumer_prms[j],
                       "allocated_wh": wh, "go_mwh": wh / 1e6}

    def consumer_coverage(self) -> Dict[str, Dict[str, object]]:
        """Per consumer over the whole grid: consumed_wh, covered_wh (whole Wh) and share."""
        m = self.matrices
        covered = (m.consumption * self.consumer_share).sum(axis=1)
        consumed = m.consumption.sum(axis=1)
        return {prm: {"consumed_wh": int(round(consumed[j])),
                      "covered_wh": int(math.floor(covered[j])),
                      "share": float(covered[j] / consumed[j]) if consumed[j] > 0 else None}
                for j, prm in enumerate(m.consumer_prms)}

    def check(self) -> List[str]:
        """Conservation problems (empty when sound): per half-hour and per month, allocated
        <= produced per producer, <= consumed per consumer, and total == min(P, C)."""
        problems = []
        m = self.matrices
        # Per half-hour, without building the 3-D tensor: row and column sums in closed form.
        per_producer = m.production * self.producer_share
        per_consumer = m.consumption * self.consumer_share
        problems += _excess("half-hour", "producer", per_producer, m.production, m.producer_prms)
        problems += _excess("half-hour", "consumer", per_consumer, m.consumption,
                            m.consumer_prms)
        total = per_producer.sum(axis=0) if m.producer_prms else np.zeros(m.grid.size)
        bad = np.abs(total - self.matched) > RTOL * np.maximum(self.matched, 1.0)
        if bad.any():
            problems.append("half-hour %s: allocated %.3f Wh != min(P, C) %.3f Wh" % (
                local_label(int(m.grid.ends[np.argmax(bad)])), total[np.argmax(bad)],
                self.matched[np.argmax(bad)]))
        for label, matrix in self.monthly().items():
            inside = _run(self.months, _month_code(label))
            produced = m.production[:, inside].sum(axis=1)
            consumed = m.consumption[:, inside].sum(axis=1)
            problems += _excess(label, "producer", matrix.sum(axis=1)[:, None],
                                produced[:, None], m.producer_prms)
            problems += _excess(label, "consumer", matrix.sum(axis=0)[:, None],
                                consumed[:, None], m.consumer_prms)
        return problems


def _run(codes: np.ndarray, code) -> slice:
    """The slots holding ``code`` in ``codes`` (sorted, as a grid's months are): a slice."""
    return slice(int(np.searchsorted(codes, code, "left")),
                 int(np.searchsorted(codes, code, "right")))


def _month_code(label: str) -> int:
    year, month = label.split("-")
    return int(year) * 12 + int(month) - 1


def _excess(period: str, side: str, allocated: np.ndarray, available: np.ndarray,
            prms: Sequence[str]) -> List[str]:
    over = allocated - available > RTOL * np.maximum(np.abs(available), 1.0)
    return ["%s: %s %s allocated %.3f Wh > %.3f Wh" % (period, side, prms[i], allocated[i, t],
                                                       available[i, t])
            for i, t in zip(*np.nonzero(over))][:20]


def match(matrices: Matrices, producers: Sequence[Producer] = ()) -> Matching:
    """Allocate the production of ``matrices`` to its consumers (see module docstring)."""
    return Matching(matrices, {producer.prm: producer for producer in producers})


def add_problems(problems: List[str], more: Iterable[str]) -> List[str]:
    """Append to ``problems`` each problem of ``more`` it does not hold yet, in their order
    (a proof made partition by partition meets a portfolio-wide problem in every
    partition); returns ``problems``."""
    seen = set(problems)
    for problem in more:
        if problem not in seen:
            seen.add(problem)
            problems.append(problem)
    return problems
