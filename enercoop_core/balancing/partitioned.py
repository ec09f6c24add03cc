"""The portfolio balance partition-wise: the same numpy kernels on disjoint sets of PRMs.

The PRMs (consumers, profiled consumers and producers together) are sorted and cut into
``partitions`` contiguous groups; each group's curves go through
:func:`enercoop_core.balancing.portfolio.balance` (one numpy pass, memory of one group's
``(PRMs x half-hours)`` matrix only) and the partial balances are added in partition
order by :func:`~enercoop_core.balancing.portfolio.combine`. The order of the additions
depends only on the partitioning, never on the scheduler, so every scheduler returns the
very same floats.

Schedulers: ``"serial"`` (a plain loop); ``"threads"``, ``"processes"``, ``"sync"`` (Dask's
local schedulers through ``dask.delayed``); a ``dask.distributed.Client`` (its cluster);
``"auto"`` = ``"threads"`` when Dask is importable (extra ``dask``, Python >= 3.9), else
``"serial"``.
"""
from __future__ import annotations

from typing import Dict, List, Sequence

import numpy as np

from enercoop_core.balancing.grid import Grid
from enercoop_core.balancing.portfolio import (
    Balance,
    ProfiledConsumer,
    balance,
    combine,
)
from enercoop_core.errors import InputError

SCHEDULERS = ("auto", "serial", "threads", "processes", "sync")


def dask_available() -> bool:
    try:
        import dask  # noqa: F401
    except ImportError:
        return False
    return True


def split_prms(prms, partitions: int) -> List[List[str]]:
    """Sorted distinct PRMs cut into ``partitions`` contiguous groups (sizes differ by <= 1;
    never an empty group, so fewer groups when there are fewer PRMs)."""
    if partitions < 1:
        raise InputError("partitions must be >= 1", field="partitions")
    ordered = sorted(set(prms))
    count = min(partitions, len(ordered)) or 1
    return [list(chunk) for chunk in np.array_split(np.array(ordered, dtype=object), count)]


def _partial(consumers, producers, grid, profiled, coefficients) -> Balance:
    return balance(consumers, producers, grid, profiled, coefficients)


class _Job:
    """One partition's inputs, opaque to Dask (which would otherwise walk every curve of
    the lists and every field of the dataclasses while building its graph)."""

    __slots__ = ("consumers", "producers", "profiled")

    def __init__(self, consumers, producers, profiled):
        self.consumers, self.producers, self.profiled = consumers, producers, profiled

    def __getstate__(self):
        return (self.consumers, self.producers, self.profiled)

    def __setstate__(self, state):
        self.consumers, self.producers, self.profiled = state


def _run_job(job: _Job, grid, coefficients) -> Balance:
    return _partial(job.consumers, job.producers, grid, job.profiled, coefficients)


def balance_partitioned(consumers: Sequence, producers: Sequence, grid: Grid,
                        profiled: Sequence[ProfiledConsumer] = (), coefficients=None,
                        partitions: int = 8, scheduler="auto") -> Balance:
    """:func:`~enercoop_core.balancing.portfolio.balance`, partition-wise (module docstring)."""
    prms = ([c.prm for c in consumers] + [p.prm for p in producers]
            + [c.prm for c in profiled])
    groups = split_prms(prms, partitions)
    where: Dict[str, int] = {}
    for number, group in enumerate(groups):
        for prm in group:
            where[prm] = number
    jobs = [([], [], []) for _ in groups]  # type: List[tuple]
    for kind, items in enumerate((consumers, producers, profiled)):
        for item in items:
            jobs[where[item.prm]][kind].append(item)
    if isinstance(scheduler, str) and scheduler not in SCHEDULERS:
        raise InputError("scheduler must be one of %s" % ", ".join(SCHEDULERS),
                         field="scheduler")
    if scheduler == "auto":
        scheduler = "threads" if dask_available() else "serial"
    if scheduler == "serial":
        parts = [_partial(c, p, grid, f, coefficients) for c, p, f in jobs]
    else:
        parts = _run_dask(jobs, grid, coefficients, scheduler)
    return combine(parts)


def _run_dask(jobs, grid, coefficients, scheduler) -> List[Balance]:
    try:
        import dask
    except ImportError as exc:
        raise InputError("the %r scheduler needs Dask (pip install 'enercoop-core[dask]', "
                         "Python >= 3.9)" % (scheduler,), field="scheduler") from exc
    task = dask.delayed(_run_job)
    tasks = [task(_Job(c, p, f), grid, coefficients) for c, p, f in jobs]
    if not isinstance(scheduler, str):  # a dask.distributed Client
        return list(scheduler.gather(scheduler.compute(tasks)))
    return list(dask.compute(*tasks, scheduler=scheduler))
