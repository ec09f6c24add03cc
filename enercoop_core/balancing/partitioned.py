"""The portfolio balance partition-wise: the same numpy kernels on disjoint sets of PRMs.

In memory (:func:`balance_partitioned`), the distinct PRMs (consumers, producers and
profiled consumers together, in first-seen order) are cut into ``partitions``
contiguous runs; each run's curves, in input order, go through
:func:`enercoop_core.balancing.portfolio.balance` (one numpy pass, no ``(PRMs x
half-hours)`` matrix) and the partial balances are added in partition order by
:func:`~enercoop_core.balancing.portfolio.combine`. The order of the additions depends
only on the partitioning and the input order, never on the scheduler, so every scheduler
returns the very same floats; with whole W (R50) every sum is exact, so the single pass,
the partitioned and the spooled engines return the very same floats too.

Schedulers: ``"serial"`` (a plain loop); ``"threads"``, ``"processes"``, ``"sync"`` (Dask's
local schedulers through ``dask.delayed``); a ``dask.distributed.Client`` (its cluster);
``"auto"`` = ``"threads"`` when Dask is importable (extra ``dask``, Python >= 3.9), else
``"serial"``.

Lazy loading (:class:`CurveSpool`, :func:`balance_spooled`, :func:`spooled_matchings`,
what ``enercoop balance`` and the Odoo balance run use): curves are read as a stream and
each one is appended, as it comes, to its partition's temporary file (partition =
:func:`partition_of`, CRC-32 of the PRM modulo ``partitions``, so a PRM's curves always
meet in one partition; a record = a pickled header of the curve's fields, then its
arrays raw). Curves of one shape (regular instants, step, quality dtype: what R50 gives)
are first copied into their partition's batch of :data:`SPOOL_BATCH` rows, written as ONE
record (the rows' fields, then the whole block of W and of quality); any other curve
flushes its partition's open batch first, so the file keeps the order of the curves
added.

Given the ``grid`` of the balance, the spool also sums each curve as it comes
(:class:`~enercoop_core.balancing.placement.Totals`, in the order of the adds: the very
floats of :func:`balance`, whatever the W), so that :func:`balance_spooled` reads nothing
back; the files then serve the proof. When that cannot be done as the curves come (a
PRM whose curves overlap or mix on-grid and other curves, more than
:data:`STREAM_SLOW_ROWS` PRMs off the grid, another grid asked), or without ``grid``, each
partition's kernel reads back its own file (mapped, one partition at a time) and hands a
batch's whole-grid rows to :func:`~enercoop_core.balancing.placement.totals` as they lie
in the block (no Curve a row): the same additions in the same order as :func:`balance`
of :func:`load_spooled`'s curves.

Memory at any time: one input file's curves while spooling (a CSV file; one record of a
flow file) and one open batch per partition and kind (at most
:data:`SPOOL_BATCH_POINTS` float64 W and their quality, 3.4 MB for a month, and together
about :data:`SPOOL_OPEN_POINTS`, 72 MB with their quality, whatever the partitions), the running
sums (``grid.size`` floats, a float and a count per PRM); then one partition's curves (on
disk: the instants of consecutive points as first + step, whole W as uint16 (0 to 65,535
W) or int32, a quality the same at every point as one value; in memory about 9 B a
point). The balance builds no ``(PRMs x half-hours)`` matrix. The proof
(:func:`spooled_matchings`) holds every producer's ``(producers x half-hours)`` float64
matrix (producers are few) and one partition's consumer matrix at a time;
:func:`match_spooled` gathers every row. The spool files live in a temporary directory
(``TMPDIR``): workers of a Dask cluster must see it (same machine, or a shared
filesystem).
"""
from __future__ import annotations

import mmap
import os
import pickle
import shutil
import struct
import tempfile
import uuid
import zlib
from typing import Dict, List, Sequence, Tuple

import numpy as np

from enercoop_core.balancing.grid import SLOT_S, Grid
from enercoop_core.balancing.matching import Matching, add_problems
from enercoop_core.balancing.placement import STEP_MINUTES, Totals
from enercoop_core.balancing.portfolio import (
    Balance,
    Matrices,
    ProfiledConsumer,
    balance,
    balance_of_totals,
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
    if partitions < 1:
        raise InputError("partitions must be >= 1", field="partitions")
    # empty partitions left out: their zeros would change no float of the sums
    jobs = [job for job in _by_partition((consumers, producers, profiled), partitions)
            if any(job)] or [((), (), ())]
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


def _by_partition(kinds: Sequence[Sequence], partitions: int) -> List[tuple]:
    """Each partition's items of every kind (``kinds``: sequences of objects with a
    ``prm``), in input order: ``[(consumers, producers, profiled), ...]``. The distinct
    PRMs, in first-seen order over the kinds, are cut into ``partitions`` contiguous
    runs of equal sizes (+- 1), so that each kernel reads the curves in the order they
    lie in memory (a hash of the PRM would scatter its reads: 15 % slower)."""
    order = {}  # type: Dict[str, int]
    for items in kinds:
        for item in items:
            order.setdefault(item.prm, len(order))
    total = max(len(order), 1)
    jobs = [tuple([] for _ in kinds) for _ in range(partitions)]
    for kind, items in enumerate(kinds):
        lists = [job[kind] for job in jobs]
        for item in items:
            lists[order[item.prm] * partitions // total].append(item)
    return jobs


#: Bytes of each partition file's write buffer (fewer, larger writes).
SPOOL_BUFFER = 1 << 18

_LENGTH = struct.Struct("<I")  # a record's header length

#: Curves of one shape (regular instants, step, quality dtype) written as one record: at
#: most this many, and at most :data:`SPOOL_BATCH_POINTS` points in all (longer curves:
#: fewer rows, at least one).
SPOOL_BATCH = 256
SPOOL_BATCH_POINTS = 1 << 19  # 4 MB of float64 W
#: Points of all the partitions' open batches together (at least a row each):
#: 64 MB of float64 W, so that a spool of 100 partitions does not hold 100 full batches.
SPOOL_OPEN_POINTS = 1 << 23

#: PRMs whose curves are off the grid (other steps, shifted instants) that the spool's
#: running sums keep until the end (their points are aligned together); beyond, the
#: balance is summed from the files instead, partition by partition.
STREAM_SLOW_ROWS = 1000

#: The header's second item of a batch record (a curve's record has its fields there).
_BATCH = "batch"


class CurveSpool:
    """Curves spooled to one temporary file per partition (see module docstring).

    Use as a context manager (the directory is removed on exit); :meth:`add` every curve,
    then :meth:`close` before reading back (:func:`load_spooled`)."""

    def __init__(self, partitions: int, directory=None, grid: Grid = None):
        if partitions < 1:
            raise InputError("partitions must be >= 1", field="partitions")
        self.partitions = partitions
        #: the grid the balance is summed on while spooling (None: summed when read back)
        self.grid = grid
        self._totals = None if grid is None else (Totals(grid), Totals(grid))
        self._summed = None  # the streamed sums, once closed
        # the batch key of a curve whose instants are the grid's (see _batch_key)
        self._whole_key = None if grid is None else (
            grid.start_utc + SLOT_S, SLOT_S, grid.size, STEP_MINUTES)
        self.directory = tempfile.mkdtemp(prefix="enercoop-balance-", dir=directory)
        self.paths = [os.path.join(self.directory, "partition-%05d.spool" % number)
                      for number in range(partitions)]
        self.curves = [0] * partitions
        self._handles = None  # opened on the first add: one open file per partition
        self._ranges = {}  # type: Dict[tuple, bytes]
        # (partition, production) -> its open batch
        self._batches = {}  # type: Dict[tuple, _Batch]
        self._scratch = {}  # type: Dict[int, tuple]

    def add(self, curve, production: bool = False) -> None:
        """Append ``curve`` to its PRM's partition (``production``: a producer's curve).
        Its arrays must not change once added (the running sums read them by batches)."""
        if self._handles is None:
            self._handles = [open(path, "wb", buffering=SPOOL_BUFFER) for path in self.paths]
        number = partition_of(curve.prm, self.partitions)
        production = bool(production)
        key = _batch_key(curve, self._ranges)
        if self._totals is not None:
            stream = self._totals[production]
            if key is not None and key[:4] == self._whole_key:  # checked by _batch_key
                stream.add_whole(curve.prm, curve.values_w)
            else:
                stream.add(curve)
                if len(stream.sums.slow) > STREAM_SLOW_ROWS:  # too many kept: summed
                    self._totals = None  # when read back
        batch = self._batches.get((number, production))
        if batch is not None and batch.key != key and batch.fields:
            self._flush(number, batch)  # the file keeps the order of the curves added
        if key is None:
            header, arrays = _pack(production, curve, self._ranges)
            self._write(number, header, arrays)
        else:
            if batch is None or batch.key != key:
                batch = self._batches[number, production] = _Batch(
                    key, production, _batch_rows(key[2], self.partitions))
            batch.append(curve)
            if len(batch.fields) == len(batch.values):
                self._flush(number, batch)
        self.curves[number] += 1

    def _write(self, number: int, header: bytes, arrays) -> None:
        handle = self._handles[number]
        handle.write(_LENGTH.pack(len(header)))
        handle.write(header)
        for array in arrays:
            handle.write(array)

    def _flush(self, number: int, batch: _Batch) -> None:
        header, arrays = batch.pack(self._scratch)
        self._write(number, header, arrays)

    def streamed_totals(self, grid: Grid):
        """(consumers' sums, producers' sums) made while spooling (each what
        :func:`~enercoop_core.balancing.placement.totals` returns), or None when the spool
        was not given ``grid`` or could not sum as it went (:class:`Totals`: overlapping or
        mixed curves of one PRM; over :data:`STREAM_SLOW_ROWS` PRMs off the grid)."""
        self.close()
        if self._summed is None and self._totals is not None:
            results = tuple(stream.result() for stream in self._totals)
            self._summed = None if None in results else results
            self._totals = None  # their kept curves and batch freed
            if self._summed is None:
                self.grid = None
        if self.grid is None or self.grid != grid:
            return None
        return self._summed

    def close(self) -> None:
        for (number, _production), batch in sorted(self._batches.items()):
            if batch.fields:
                self._flush(number, batch)
        self._batches = {}
        for handle in self._handles or ():
            handle.close()
        self._handles = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def load_spooled(path: str, consumers: bool = True, producers: bool = True
                 ) -> Tuple[list, list]:
    """(consumers' curves, producers' curves) of one partition's spool file (a kind not
    asked for comes back empty, without being unpacked). Curves that share regular
    instants, or a quality the same at every point, share one read-only array of it."""
    out = ([], [])  # type: Tuple[list, list]
    for production, item in _records(path, (consumers, producers)):
        if type(item) is _Block:
            out[production].extend(item.curves())
        else:
            out[production].append(item)
    return out


class _Block:
    """A batch record read back: the curves' other fields, their shared instants, their W
    as written (``raw``: int32 or float64 rows, views of the file's bytes) and quality
    (``(spec, array)``)."""

    __slots__ = ("fields", "instants", "raw", "quality", "ranges", "__weakref__")

    def __init__(self, fields, instants, raw, quality, ranges):
        self.fields, self.instants, self.raw = fields, instants, raw
        self.quality, self.ranges = quality, ranges

    def grid_rows(self, ends_bytes: bytes):
        """``(prm, W row)`` of every curve when they all cover the grid whose end instants
        are ``ends_bytes`` (int64), their W as written (int32 when whole); else None
        (what :func:`~enercoop_core.balancing.placement.totals` asks of a block)."""
        if (self.fields[0]["step_minutes"] != STEP_MINUTES
                or self.instants.tobytes() != ends_bytes):
            return None
        return zip((fields["prm"] for fields in self.fields), self.raw)

    def curves(self) -> list:
        """The :class:`~enercoop_core.flows.Curve` objects, as :func:`_unpack` gives them
        one by one (float64 W; a quality the same at every point shared, read-only)."""
        spec, quality = self.quality
        rows = [quality] * len(self.fields) if spec[0] == "fill" else [
            _unpack(("fill", spec[1], row.size, row[0].item()), b"", 0, self.ranges)[0]
            if bool((row == row[0]).all()) else row for row in quality]
        values = self.raw.astype(np.float64)  # one copy for the block
        return [Curve(**dict(fields, instants=self.instants, values_w=line, quality=row))
                for fields, line, row in zip(self.fields, values, rows)]


def _records(path: str, wanted):
    """``(production, Curve or other object or _Block)`` of each record of a spool file
    whose kind is ``wanted`` (``(consumers, producers)``), in file order."""
    if not os.path.exists(path) or not os.path.getsize(path):  # nothing was ever added
        return
    with open(path, "rb") as handle:
        # mapped, not read: the arrays are views of the page cache (no copy, no fresh
        # memory); the map lives as long as they do
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(data, "madvise"):  # Python >= 3.8
        data.madvise(mmap.MADV_SEQUENTIAL)
    view, at, ranges = memoryview(data), 0, {}  # type: Tuple[memoryview, int, dict]
    while at < len(data):
        (length,) = _LENGTH.unpack_from(data, at)
        production, fields, specs = pickle.loads(view[at + 4:at + 4 + length])
        at += 4 + length
        if fields is None:  # not a Curve: pickled whole
            if wanted[production]:
                yield production, specs
            continue
        batch = fields == _BATCH
        if batch:
            fields, specs = specs
        if not wanted[production]:
            at += sum(_spec_bytes(spec) for spec in specs)
            continue
        if batch:  # the W left as written: the kernel reads int32 rows as well
            instants, at = _unpack(specs[0], data, at, ranges)
            _kind, dtype, shape = specs[1]
            raw = np.frombuffer(data, dtype=dtype, count=shape[0] * shape[1], offset=at)
            at += raw.nbytes
            quality, at = _unpack(specs[2], data, at, ranges)
            yield production, _Block(fields, instants, raw.reshape(shape),
                                     (specs[2], quality), ranges)
        else:
            arrays = []
            for spec in specs:
                array, at = _unpack(spec, data, at, ranges)
                arrays.append(array)
            fields.update(zip(_ARRAYS, arrays))
            yield production, Curve(**fields)


_ARRAYS = ("instants", "values_w", "quality")


def _pack(production: bool, curve, ranges: Dict[tuple, bytes]):
    """(header, arrays to write after it) of a record. A
    :class:`~enercoop_core.flows.Curve`'s arrays are written raw, except the instants of
    consecutive points (``("range", first, step_s, count)``), whole W that fit in int32
    (``"whole"``: 4 B a point instead of 8) and a quality that is the same for every point (one
    value). ``ranges``: bytes of the ranges met so far (the spool's). Other objects are
    pickled whole."""
    if type(curve) is not Curve:
        return pickle.dumps((production, None, curve), pickle.HIGHEST_PROTOCOL), []
    fields = dict(curve.__dict__)
    instants = np.ascontiguousarray(fields.pop("instants"), dtype=np.int64)
    values = np.ascontiguousarray(fields.pop("values_w"), dtype=np.float64)
    quality = np.ascontiguousarray(fields.pop("quality"))
    specs, arrays = [("raw", "<i8", instants.shape)], [instants]
    if instants.size > 1:
        key = (int(instants[0]), int(instants[1] - instants[0]), int(instants.size))
        if instants.tobytes() == _regular(ranges, key):
            specs, arrays = [("range",) + key], []
    with np.errstate(invalid="ignore"):  # NaN, -0.0, fractions, huge W: kept as float64
        narrow = values.astype("<i4")
        back = narrow.astype(np.float64)
    if back.tobytes() == values.tobytes():  # the same bits (-0.0 and NaN kept apart)
        specs.append(("whole", "<i4", values.shape))
        arrays.append(narrow)
    else:
        specs.append(("raw", "<f8", values.shape))
        arrays.append(values.astype("<f8", copy=False))
    if quality.ndim == 1 and quality.size and bool((quality == quality[0]).all()):
        specs.append(("fill", quality.dtype.str, quality.size, quality[0].item()))
    else:
        specs.append(("raw", quality.dtype.str, quality.shape))
        arrays.append(quality)
    header = pickle.dumps((production, fields, tuple(specs)), pickle.HIGHEST_PROTOCOL)
    return header, arrays


def _regular(ranges: Dict[tuple, bytes], key: tuple) -> bytes:
    """Bytes (int64) of the instants ``first + step * k`` of ``key = (first, step, count)``."""
    regular = ranges.get(key)
    if regular is None:
        if len(ranges) > 256:
            ranges.clear()
        regular = ranges[key] = (key[0] + key[1] * np.arange(key[2], dtype=np.int64)
                                 ).tobytes()
    return regular


_INT64, _FLOAT64 = np.dtype(np.int64), np.dtype(np.float64)


def _batch_key(curve, ranges: Dict[tuple, bytes]):
    """``(first, step_s, count, step_minutes, quality dtype)`` of a curve that can join a
    batch (a :class:`~enercoop_core.flows.Curve` with int64 regular instants, float64 W,
    a quality per point, no status), else None."""
    if type(curve) is not Curve or curve.status is not None:
        return None
    inst, values, quality = curve.instants, curve.values_w, curve.quality
    ndarray = np.ndarray
    if type(inst) is not ndarray or type(values) is not ndarray or type(quality) is not ndarray:
        return None
    if (inst.dtype != _INT64 or values.dtype != _FLOAT64
            or quality.dtype.kind not in "biu"):  # a quality of numbers, written raw
        return None
    shape = inst.shape
    if len(shape) != 1 or shape[0] < 2 or values.shape != shape or quality.shape != shape:
        return None
    data = inst.tobytes()
    first, second = _TWO_INT64.unpack_from(data)
    key = (first, second - first, shape[0])
    regular = ranges.get(key)
    if data != (regular if regular is not None else _regular(ranges, key)):
        return None
    return key + (curve.step_minutes, quality.dtype)


_TWO_INT64 = struct.Struct("=qq")  # the first two instants, in the array's (native) order


#: Whole W of a batch written in the first of these that keeps them all: 2 B a point for
#: 0 to 65,535 W (a household), 4 B up to 2 GW.
_WHOLE = ("<u2", "<i4")


def _batch_rows(count: int, partitions: int = 1) -> int:
    """Rows of a batch of curves of ``count`` points in a spool of ``partitions``: at most
    :data:`SPOOL_BATCH`, :data:`SPOOL_BATCH_POINTS` points, and the spool's share of
    :data:`SPOOL_OPEN_POINTS` (one open batch a partition: fewer rows with more
    partitions, so that the open batches together stay bounded)."""
    return max(1, min(SPOOL_BATCH, SPOOL_BATCH_POINTS // count,
                      SPOOL_OPEN_POINTS // (count * partitions)))


class _Batch:
    """Curves of one batch key waiting to be written as one record: their W and quality
    copied into two ``(rows, count)`` buffers (:func:`_batch_rows`), their other fields
    in a list."""

    __slots__ = ("key", "production", "fields", "values", "quality")

    def __init__(self, key: tuple, production: bool, rows: int):
        self.key, self.production, self.fields = key, production, []  # type: list
        self.values = np.empty((rows, key[2]), dtype=np.float64)
        self.quality = np.empty((rows, key[2]), dtype=key[4])

    def append(self, curve) -> None:
        row = len(self.fields)
        self.values[row] = curve.values_w
        self.quality[row] = curve.quality
        fields = curve.__dict__.copy()
        del fields["instants"], fields["values_w"], fields["quality"]
        self.fields.append(fields)

    def pack(self, scratch: dict):
        """(header, arrays) of the batch's record (the specs of :func:`_pack`, for the
        whole block: W as uint16 or int32 when every one is whole), then the batch emptied.
        ``scratch``: the spool's work buffers (count -> arrays), reused from batch to
        batch (fresh ones would cost a page fault every 4 kB)."""
        count, size = len(self.fields), self.key[2]
        values, quality = self.values[:count], self.quality[:count]
        buffers = scratch.get(size)
        if buffers is None or len(buffers[0]) < count:
            scratch.clear()
            shape = (len(self.values), size)
            buffers = scratch[size] = ([np.empty(shape, dtype=whole) for whole in _WHOLE]
                                       + [np.empty(shape, dtype=np.float64),
                                          np.empty(shape, dtype=bool)])
        *narrows, back, same = (buffer[:count] for buffer in buffers)
        specs, arrays = [("range",) + self.key[:3]], []
        for narrow in narrows:  # the narrowest whole type that keeps every W
            with np.errstate(invalid="ignore"):  # NaN, -0.0, fractions, huge W: float64
                np.copyto(narrow, values, casting="unsafe")
            np.copyto(back, narrow)
            # the same bits (-0.0 and NaN kept apart)
            if bool(np.equal(back.view(np.int64), values.view(np.int64), out=same).all()):
                specs.append(("whole", narrow.dtype.str, values.shape))
                arrays.append(narrow)
                break
        else:
            specs.append(("raw", "<f8", values.shape))
            arrays.append(values)
        first = quality[0, 0]
        if bool(np.equal(quality, first, out=same).all()):
            specs.append(("fill", quality.dtype.str, quality.shape[1], first.item()))
        else:
            specs.append(("raw", quality.dtype.str, quality.shape))
            arrays.append(quality)
        header = pickle.dumps((self.production, _BATCH, (self.fields, tuple(specs))),
                              pickle.HIGHEST_PROTOCOL)
        self.fields = []
        return header, arrays  # written before the buffers are used again


def _spec_bytes(spec) -> int:
    """Bytes an array of ``spec`` takes in the file."""
    if spec[0] not in ("raw", "whole"):
        return 0
    return np.dtype(spec[1]).itemsize * int(np.prod(spec[2], dtype=np.int64))


def _unpack(spec, data: bytes, at: int, ranges: dict):
    """(the array of ``spec`` read from ``data`` at ``at``, the offset after it): int64
    instants, float64 W, the quality as it was."""
    if spec[0] == "range":
        instants = ranges.get(spec)
        if instants is None:
            _kind, first, step, count = spec
            instants = ranges[spec] = first + step * np.arange(count, dtype=np.int64)
            instants.setflags(write=False)
        return instants, at
    if spec[0] == "fill":
        quality = ranges.get(spec)
        if quality is None:
            _kind, dtype, count, value = spec
            quality = ranges[spec] = np.full(count, value, dtype=dtype)
            quality.setflags(write=False)
        return quality, at
    _kind, dtype, shape = spec
    count = int(np.prod(shape, dtype=np.int64))
    array = np.frombuffer(data, dtype=dtype, count=count, offset=at).reshape(shape)
    at += array.nbytes
    if spec[0] == "whole":  # whole W as int32
        return array.astype(np.float64), at
    return array.astype(array.dtype.newbyteorder("="), copy=True), at


def _profiled_by_partition(profiled, partitions: int) -> List[list]:
    groups = [[] for _ in range(partitions)]  # type: List[list]
    for consumer in profiled:
        groups[partition_of(consumer.prm, partitions)].append(consumer)
    return groups


def _spooled_partial(path: str, grid, profiled, coefficients) -> Balance:
    """One partition's balance; its curves are read here (in the worker), then dropped.
    :func:`balance` of its records: a batch record's whole-grid rows go to the kernel's
    batches as rows of its block, without a Curve each (the same additions in the same
    order as for :func:`load_spooled`'s curves: the same floats)."""
    kinds = ([], [])  # type: Tuple[list, list]
    for production, item in _records(path, (True, True)):
        kinds[production].append(item)
    return balance(kinds[0], kinds[1], grid, profiled, coefficients)


def balance_spooled(spool: CurveSpool, grid: Grid, profiled: Sequence[ProfiledConsumer] = (),
                    coefficients=None, scheduler="serial") -> Balance:
    """The balance of a :class:`CurveSpool`'s curves partition by partition (each kernel
    loads only its partition's curves); the same floats as :func:`balance` when each
    partial sum is exact (whole W), and the same up to rounding otherwise."""
    spool.close()
    scheduler = _check_scheduler(scheduler)
    streamed = spool.streamed_totals(grid)
    if streamed is not None:  # summed while spooling: nothing to read back
        return balance_of_totals(grid, streamed[0], streamed[1], profiled, coefficients)
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


def spooled_matchings(spool: CurveSpool, grid: Grid, result: Balance, producers=(),
                      profiled: Sequence[ProfiledConsumer] = (), coefficients=None):
    """The proof of a spooled portfolio one partition of consumers at a time: a
    :class:`~enercoop_core.balancing.matching.Matching` per partition (partition order),
    every producer's matrix against that partition's consumers, shared out by the
    portfolio's half-hourly totals of ``result`` (so each partition's rows are those of
    the whole portfolio's proof). Memory: the producers' matrix, then one partition's
    consumer matrix at a time (the previous one freed once the caller moves on)."""
    spool.close()
    production = [c for path in spool.paths for c in load_spooled(path, consumers=False)[1]]
    producer_prms, production_wh, _ = curve_matrix(production, grid)
    del production
    named = {producer.prm: producer for producer in producers}
    totals = (result.production_wh, result.consumption_wh)
    for path, group in zip(spool.paths, _profiled_by_partition(profiled, spool.partitions)):
        consumers = load_spooled(path, producers=False)[0]
        part = portfolio_matrices(consumers, (), grid, group, coefficients)
        del consumers
        yield Matching(Matrices(grid, part.consumer_prms, part.consumption,
                                producer_prms, production_wh), named, totals=totals)
        del part


def match_spooled(spool: CurveSpool, grid: Grid, result: Balance, producers=(),
                  profiled: Sequence[ProfiledConsumer] = (), coefficients=None
                  ) -> SpooledMatching:
    """The proof (:func:`~enercoop_core.balancing.matching.match`) of a spooled portfolio,
    gathered from :func:`spooled_matchings`: rows sorted by (period, producer PRM,
    consumer PRM); problems without repeats. Holds every producer x consumer row: for a
    large portfolio, use :func:`spooled_matchings` partition by partition."""
    rows, coverage, problems = [], {}, []  # type: Tuple[list, dict, list]
    for matching in spooled_matchings(spool, grid, result, producers, profiled,
                                      coefficients):
        rows.extend(matching.rows("month"))
        coverage.update(matching.consumer_coverage())
        add_problems(problems, matching.check())
    rows.sort(key=lambda row: (row["period"], row["producer_prm"], row["consumer_prm"]))
    return SpooledMatching(rows, coverage, problems)
