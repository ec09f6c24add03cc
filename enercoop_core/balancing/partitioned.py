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

Lazy loading (:class:`CurveSpool`, :func:`balance_spooled`, :func:`match_spooled`, what
``enercoop balance`` uses): curves are read as a stream and each one is appended, as it
comes, to its partition's temporary file (a pickle stream; partition = CRC-32 of the PRM
modulo ``partitions``, so a PRM's curves always meet in one partition). Each partition's
kernel then reads back its own file only. Memory at any time: one input file's curves
while spooling (a CSV file; one record of a flow file), then one partition's curves
(about 17 B a point: int64 instant, float64 W, int8 quality; on disk about 5 B: the
instants of consecutive points as first + step, whole W as int32) plus the kernel's
``grid.size`` accumulators (the balance builds no ``(PRMs x half-hours)`` matrix):
roughly ``1 / partitions`` of the curves. The proof (:func:`match_spooled`) also holds every
producer's ``(producers x half-hours)`` float64 matrix (producers are few). The spool files
live in a temporary directory (``TMPDIR``): workers of a Dask cluster must see it (same
machine, or a shared filesystem).
"""
from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import uuid
import zlib
from typing import Dict, List, Sequence, Tuple

import numpy as np

from enercoop_core.balancing.grid import Grid
from enercoop_core.balancing.matching import Matching
from enercoop_core.balancing.portfolio import (
    Balance,
    Matrices,
    ProfiledConsumer,
    balance,
    combine,
    curve_matrix,
    portfolio_matrices,
)
from enercoop_core.errors import InputError
from enercoop_core.flows.records import Curve

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
    size, extra = divmod(len(ordered), count)
    groups, at = [], 0
    for number in range(count):  # the first ``extra`` groups take one PRM more
        end = at + size + (number < extra)
        groups.append(ordered[at:end])
        at = end
    return groups


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
    scheduler = _check_scheduler(scheduler)
    if scheduler == "serial":
        parts = [_partial(c, p, grid, f, coefficients) for c, p, f in jobs]
    else:
        parts = _run_dask(_run_job, [(_Job(c, p, f), grid, coefficients) for c, p, f in jobs],
                          scheduler)
    return combine(parts)


def _check_scheduler(scheduler):
    """The scheduler to use: ``"auto"`` resolved; unknown names refused."""
    if isinstance(scheduler, str) and scheduler not in SCHEDULERS:
        raise InputError("scheduler must be one of %s" % ", ".join(SCHEDULERS),
                         field="scheduler")
    if scheduler == "auto":
        return "threads" if dask_available() else "serial"
    return scheduler


def _run_dask(function, arguments, scheduler) -> List[Balance]:
    """``[function(*args) for args in arguments]`` as Dask tasks on ``scheduler``."""
    try:
        import dask
    except ImportError as exc:
        raise InputError("the %r scheduler needs Dask (pip install 'enercoop-core[dask]', "
                         "Python >= 3.9)" % (scheduler,), field="scheduler") from exc
    task = dask.delayed(function)
    # Named keys: otherwise Dask tokenizes every argument, i.e. pickles and hashes every
    # partition's curves (a copy of the whole portfolio) only to name the tasks.
    run = uuid.uuid4().hex
    tasks = [task(*args, dask_key_name="enercoop-balance-%s-%d" % (run, number))
             for number, args in enumerate(arguments)]
    if not isinstance(scheduler, str):  # a dask.distributed Client
        return list(scheduler.gather(scheduler.compute(tasks)))
    # The scheduler's function rather than its name: given a name, Dask imports
    # dask.distributed (2 s) to look for a default client.
    import dask.base
    run_graph = getattr(dask.base, "named_schedulers", {}).get(scheduler, scheduler)
    return list(dask.compute(*tasks, scheduler=run_graph))


def partition_of(prm: str, partitions: int) -> int:
    """Partition (0 .. partitions - 1) of a PRM: CRC-32 of its UTF-8 text, modulo."""
    return zlib.crc32(prm.encode("utf-8")) % partitions


class CurveSpool:
    """Curves spooled to one temporary file per partition (see module docstring).

    Use as a context manager (the directory is removed on exit); :meth:`add` every curve,
    then :meth:`close` before reading back (:func:`load_spooled`)."""

    def __init__(self, partitions: int, directory=None):
        if partitions < 1:
            raise InputError("partitions must be >= 1", field="partitions")
        self.partitions = partitions
        self.directory = tempfile.mkdtemp(prefix="enercoop-balance-", dir=directory)
        self.paths = [os.path.join(self.directory, "partition-%05d.pickle" % number)
                      for number in range(partitions)]
        self.curves = [0] * partitions
        self._handles = None  # opened on the first add: one open file per partition

    def add(self, curve, production: bool = False) -> None:
        """Append ``curve`` to its PRM's partition (``production``: a producer's curve)."""
        if self._handles is None:
            self._handles = [open(path, "wb") for path in self.paths]
        number = partition_of(curve.prm, self.partitions)
        pickle.dump(_pack(bool(production), curve), self._handles[number],
                    protocol=pickle.HIGHEST_PROTOCOL)
        self.curves[number] += 1

    def close(self) -> None:
        for handle in self._handles or ():
            handle.close()
        self._handles = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def load_spooled(path: str) -> Tuple[list, list]:
    """(consumers' curves, producers' curves) of one partition's spool file."""
    consumers, producers = [], []  # type: Tuple[list, list]
    if not os.path.exists(path):  # nothing was ever added
        return consumers, producers
    with open(path, "rb") as handle:
        while True:
            try:
                production, curve = _unpack(pickle.load(handle))
            except EOFError:
                break
            (producers if production else consumers).append(curve)
    return consumers, producers


def _pack(production: bool, curve):
    """What the spool writes of a :class:`~enercoop_core.flows.Curve`: its fields, the
    instants of consecutive points as ``(first, step_s, count)``, whole W that fit as
    int32 (4 B a point instead of 16 for instant and value). Other objects as they are."""
    if type(curve) is not Curve:
        return production, curve
    fields = dict(curve.__dict__)
    instants = np.asarray(curve.instants, dtype=np.int64)
    if instants.size > 1:
        step = int(instants[1] - instants[0])
        if bool((np.diff(instants) == step).all()):
            fields["instants"] = (int(instants[0]), step, int(instants.size))
    values = np.asarray(curve.values_w, dtype=np.float64)
    with np.errstate(invalid="ignore"):  # NaN, -0.0, fractions, huge W: kept as float64
        narrow = values.astype(np.int32)
        if narrow.astype(np.float64).tobytes() == values.tobytes():
            fields["values_w"] = narrow
    return production, fields


def _unpack(record):
    """The :class:`~enercoop_core.flows.Curve` of a :func:`_pack` record (same arrays,
    int64 instants and float64 W)."""
    production, fields = record
    if not isinstance(fields, dict):
        return production, fields
    if isinstance(fields["instants"], tuple):
        first, step, count = fields["instants"]
        fields["instants"] = first + step * np.arange(count, dtype=np.int64)
    fields["values_w"] = np.asarray(fields["values_w"], dtype=np.float64)
    return production, Curve(**fields)


def _profiled_by_partition(profiled, partitions: int) -> List[list]:
    groups = [[] for _ in range(partitions)]  # type: List[list]
    for consumer in profiled:
        groups[partition_of(consumer.prm, partitions)].append(consumer)
    return groups


def _spooled_partial(path: str, grid, profiled, coefficients) -> Balance:
    """One partition's balance; its curves are read here (in the worker), then dropped."""
    consumers, producers = load_spooled(path)
    return balance(consumers, producers, grid, profiled, coefficients)


def balance_spooled(spool: CurveSpool, grid: Grid, profiled: Sequence[ProfiledConsumer] = (),
                    coefficients=None, scheduler="serial") -> Balance:
    """The balance of a :class:`CurveSpool`'s curves partition by partition (each kernel
    loads only its partition's curves); the same floats as :func:`balance` when each
    partial sum is exact (whole W), and the same up to rounding otherwise."""
    spool.close()
    scheduler = _check_scheduler(scheduler)
    arguments = [(path, grid, group, coefficients) for path, group in
                 zip(spool.paths, _profiled_by_partition(profiled, spool.partitions))]
    if scheduler == "serial":
        parts = [_spooled_partial(*args) for args in arguments]
    else:
        parts = _run_dask(_spooled_partial, arguments, scheduler)
    return combine(parts)


class SpooledMatching:
    """The proof gathered partition by partition: :meth:`rows` (``"month"`` only),
    :meth:`consumer_coverage` and :meth:`check`, as on a
    :class:`~enercoop_core.balancing.matching.Matching`."""

    def __init__(self, rows, coverage, problems):
        self._rows, self._coverage, self._problems = rows, coverage, problems

    def rows(self, period: str = "month"):
        if period != "month":
            raise ValueError("a spooled proof has monthly rows only")
        return iter(self._rows)

    def consumer_coverage(self):
        return dict(self._coverage)

    def check(self):
        return list(self._problems)


def match_spooled(spool: CurveSpool, grid: Grid, result: Balance, producers=(),
                  profiled: Sequence[ProfiledConsumer] = (), coefficients=None
                  ) -> SpooledMatching:
    """The proof (:func:`~enercoop_core.balancing.matching.match`) of a spooled portfolio:
    every producer's matrix against one partition of consumers at a time, shared out by the
    portfolio's half-hourly totals of ``result``. Rows sorted by (period, producer PRM,
    consumer PRM); problems without repeats."""
    spool.close()
    production = [c for path in spool.paths for c in load_spooled(path)[1]]
    producer_prms, production_wh, _ = curve_matrix(production, grid)
    del production
    named = {producer.prm: producer for producer in producers}
    totals = (result.production_wh, result.consumption_wh)
    rows, coverage, problems = [], {}, []  # type: Tuple[list, dict, list]
    for path, group in zip(spool.paths, _profiled_by_partition(profiled, spool.partitions)):
        consumers = load_spooled(path)[0]
        part = portfolio_matrices(consumers, (), grid, group, coefficients)
        del consumers
        matching = Matching(Matrices(grid, part.consumer_prms, part.consumption,
                                     producer_prms, production_wh), named, totals=totals)
        rows.extend(matching.rows("month"))
        coverage.update(matching.consumer_coverage())
        problems.extend(p for p in matching.check() if p not in problems)
    rows.sort(key=lambda row: (row["period"], row["producer_prm"], row["consumer_prm"]))
    return SpooledMatching(rows, coverage, problems)
