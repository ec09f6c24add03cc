"""R50: 30-minute load curves of C5 delivery points (withdrawal).

One :class:`~enercoop_core.flows.records.Curve` per ``PRM`` block, all its
``Donnees_Releve`` days together. Each ``PDC/H`` time stamp ENDS its interval; ``V`` is the
mean active power over the interval in W; ``IV`` 0 is a sound value, 1 a doubtful one; a
point sent with ``H`` only has no value (NaN, quality -1). The step is the header's
``Pas_Publication`` (minutes, 30 by default). A time stamp without UTC offset is read as
Paris civil time; in the repeated hour of the autumn change, a time that does not move
forward is read as its second occurrence.

Speed: a block whose points all carry ``H`` with a UTC offset, ``V`` in plain digits and
``IV`` 0 or 1 (what Enedis publishes) is read column-wise: the texts of each column are
gathered in one pass each and converted to numpy arrays at once, time stamps through a
per-document memo (the same half-hours recur in every PRM block). Any other block goes
through the point-by-point reader, which gives the exact path of a bad point. Plain PRM
blocks of that regular shape are read from their bytes (:mod:`.rawpath`): the columns
are the same texts, converted by the same code.
"""
from __future__ import annotations

import hashlib
from operator import itemgetter
from typing import Dict, Iterator, List, Optional

import numpy as np

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, name
from enercoop_core.flows.errors import FieldError
from enercoop_core.flows.rawpath import Fallback
from enercoop_core.flows.records import (QUALITY_DOUBTFUL, QUALITY_MISSING, QUALITY_OK,
                                         QUALITY_UNQUALIFIED, Curve)

KIND = "R50"
SUPPORTED_MAJORS = ("1",)
TAGS = ("PRM",)
_IV = {"0": QUALITY_OK, "1": QUALITY_DOUBTFUL}
_NAN = float("nan")
_FLAGS = frozenset(_IV)
#: Time stamps memoised per document at most (the memo is dropped beyond).
_MEMO_MAX = 200000


def read(events, ctx: Context) -> Iterator:
    step_text = ctx.header.get("Pas_Publication") or "30"
    try:  # minutes: a day at most
        step = v.bounded_integer(step_text, "En_Tete_Flux/Pas_Publication", 1, 1440)
    except FieldError as exc:
        yield ctx.reject_field(None, exc)
        return
    memo = {}  # type: Dict[str, int]
    last = []  # type: list  # [time stamps, instants] of the last regular block
    for _tag, prm_elem in events:
        raw = None
        days = []
        for item in prm_elem:
            tag = item.tag
            if tag == "Donnees_Releve":
                days.append(item)
            elif tag == "Id_PRM":
                raw = item.text
        try:
            prm = v.prm(raw, "PRM/Id_PRM")
            if not days:
                raise FieldError("PRM/Donnees_Releve", "no Donnees_Releve in the PRM block")
            columns = _columns(prm_elem, days, memo, last)
            if columns is None:
                columns = _points(days)
            yield _curve(prm, ctx, step, *columns)
        except FieldError as exc:
            yield ctx.reject(raw, exc.path,
                             exc.message + " (the whole PRM curve is rejected)")
        if len(memo) > _MEMO_MAX:
            memo.clear()


def _columns(prm_elem, days: List, memo: Dict[str, int], last: Optional[list] = None):
    """Column-wise read of a regular block, or None when it is not regular.

    Regular: every ``Donnees_Releve`` has one non-empty ``Date_Releve`` and points only;
    every ``PDC`` has exactly ``H``, ``V`` (at most 15 digits) and ``IV`` (0 or 1), in this
    order, so the three columns align; time stamps without offset only when they all move
    forward (else the autumn hour needs the ordered reader). ``last`` keeps the time stamps
    and instants of the previous block: PRM blocks of one file share their half-hours.
    """
    dates = [item.text for item in prm_elem.iter("Date_Releve")]
    if len(dates) != len(days) or None in dates:
        return None
    dates = [date.strip() for date in dates]
    if "" in dates:
        return None
    # one pass in document order: a regular block reads H, V, IV, H, V, IV ...
    texts = [item.text for item in prm_elem.iter("H", "V", "IV")]
    count = len(texts) // 3
    if len(texts) != 3 * count:
        return None
    if not count:
        return (dates, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64),
                np.zeros(0, dtype=np.int8))
    if sum(len(day) for day in days) - len(days) != count:  # children but Date_Releve
        return None
    sizes = [len(item) for item in prm_elem.iter("PDC")]
    if len(sizes) != count or sizes.count(3) != count:
        return None
    hs, vs, ivs = texts[0::3], texts[1::3], texts[2::3]
    # the V column is where the V elements are (so V and IV line up in every PDC); an H
    # slot holding anything but a time stamp fails its conversion below
    if vs != [item.text for item in prm_elem.iter("V")]:
        return None
    if None in vs or not _FLAGS.issuperset(ivs):
        return None
    values = "".join(vs)
    if not (values.isdigit() and values.isascii()) or max(map(len, vs)) > 15:
        return None
    if last and last[0] == hs:  # the same half-hours as the block before (with offsets)
        inst = last[1]
    else:
        inst = _instants(hs, memo, last)
        if inst is None:
            return None
    vals = np.array(list(map(int, vs)), dtype=np.float64)
    qual = np.frombuffer("".join(ivs).encode("ascii"), dtype=np.uint8).astype(np.int8) - 48
    return dates, inst, vals, qual


def _instants(hs: List[str], memo: Dict[str, int], last: Optional[list]):
    """int64 UTC seconds of the time stamps ``hs`` (memoised when they have an offset), or
    None when one is not a time stamp or, without offsets, they do not all move forward
    (the autumn hour: the ordered reader reads it). Kept in ``last`` for the next block."""
    offsetless = False
    try:
        instants = [memo[h] for h in hs]
    except KeyError:
        instants = []
        for h in hs:
            instant = memo.get(h)
            if instant is None:
                try:
                    instant, had_offset = v.utc_seconds(h, "")
                except FieldError:
                    return None
                if had_offset:
                    memo[h] = instant
                else:
                    offsetless = True
            instants.append(instant)
    inst = np.array(instants, dtype=np.int64)
    if offsetless and np.any(np.diff(inst) <= 0):
        return None
    if last is not None and not offsetless:
        inst.setflags(write=False)  # shared by the curves of this file
        last[:] = [hs, inst]
    return inst


def _points(days: List):
    """Point-by-point read of a block (any shape); FieldError names the bad point."""
    instants = []
    values = []
    quality = []
    dates = []
    utc = v.utc_seconds
    for rank, day in enumerate(days, 1):
        path = "PRM/Donnees_Releve[%d]" % rank
        previous = None  # type: Optional[int]
        point = 0
        for item in day:
            tag = name(item.tag)
            if tag == "PDC":
                point += 1
                h = vv = iv = None
                ppath = "%s/PDC[%d]" % (path, point)
                seen = set()
                for part in item:
                    local = name(part.tag)
                    if local in seen and local in ("H", "V", "IV"):
                        raise FieldError("%s/%s[2]" % (ppath, local),
                                         "a point with two <%s>" % local)
                    seen.add(local)
                    if local == "H":
                        h = part.text
                    elif local == "V":
                        vv = part.text
                    elif local == "IV":
                        iv = part.text
                if h is None:
                    raise FieldError(ppath + "/H", "point without time stamp")
                instant, had_offset = utc(h, ppath + "/H")
                if previous is not None and instant <= previous and not had_offset:
                    instant, _ = utc(h, ppath + "/H", 1)
                previous = instant
                instants.append(instant)
                if vv is None:
                    values.append(_NAN)
                    quality.append(QUALITY_MISSING)
                else:
                    values.append(v.integer(vv, ppath + "/V"))
                    if iv is None:
                        quality.append(QUALITY_UNQUALIFIED)
                    else:
                        code = _IV.get(iv.strip())
                        if code is None:
                            raise FieldError(ppath + "/IV", "unknown IV %r" % iv)
                        quality.append(code)
            elif tag == "Date_Releve":
                dates.append(v.required(item.text, path + "/Date_Releve"))
    return (dates, np.array(instants, dtype=np.int64), np.array(values, dtype=np.float64),
            np.array(quality, dtype=np.int8))


def _curve(prm: str, ctx: Context, step: int, dates, inst, vals, qual) -> Curve:
    if inst.size > 1 and np.any(np.diff(inst) <= 0):
        order = np.argsort(inst, kind="stable")
        inst, vals, qual = inst[order], vals[order], qual[order]
        if np.any(np.diff(inst) == 0):
            raise FieldError("PRM/Donnees_Releve/PDC/H", "two points with the same instant")
    digest = hashlib.sha1(",".join(dates).encode("ascii", "replace")).hexdigest()[:12]
    return Curve(flow=KIND, version=ctx.version, key=ctx.key(prm, digest),
                 source=ctx.source, prm=prm, direction="withdrawal", step_minutes=step,
                 dates=dates, instants=inst, values_w=vals, quality=qual)


# -- raw fast path (see rawpath): plain PRM blocks read from their text list ------------

def plan_layout(layout):
    """Text indexes of a block of the regular shape: ``Id_PRM``, then days each of one
    ``Date_Releve`` and points of exactly ``H``, ``V``, ``IV`` (Fallback otherwise)."""
    ident = None
    dates, hs, vs, ivs = [], [], [], []
    for child in layout.root.children:
        if child.name == "Id_PRM" and child.text is not None:
            ident = child.text
            continue
        if child.name != "Donnees_Releve" or len(child.children) < 2:
            raise Fallback()
        head = child.children[0]
        if head.name != "Date_Releve" or head.text is None:
            raise Fallback()
        dates.append(head.text)
        for point in child.children[1:]:
            parts = point.children
            if (point.name != "PDC" or len(parts) != 3 or
                    [p.name for p in parts] != ["H", "V", "IV"] or
                    None in [p.text for p in parts]):
                raise Fallback()
            hs.append(parts[0].text)
            vs.append(parts[1].text)
            ivs.append(parts[2].text)
    if ident is None or not dates:
        raise Fallback()
    return ident, itemgetter(*dates), itemgetter(*hs), itemgetter(*vs), itemgetter(*ivs)


def read_layout(texts, plan, ctx: Context) -> list:
    """The curve (or rejection) of one plain PRM block, as :func:`read` gives it through
    its column reader; Fallback whenever that reader would not take the block."""
    ident, dates_at, hs_at, vs_at, ivs_at = plan
    state = ctx.extra.get("r50")
    if state is None:
        try:
            step = v.bounded_integer(ctx.header.get("Pas_Publication") or "30",
                                     "En_Tete_Flux/Pas_Publication", 1, 1440)
        except FieldError:
            raise Fallback() from None
        state = ctx.extra["r50"] = (step, {}, [])
    step, memo, last = state
    raw = texts[ident] or None
    try:
        prm = v.prm(raw, "PRM/Id_PRM")
        columns = _fast_columns(texts, dates_at, hs_at, vs_at, ivs_at, memo, last)
        out = [_curve(prm, ctx, step, *columns)]
    except FieldError as exc:
        out = [ctx.reject(raw, exc.path, exc.message + " (the whole PRM curve is rejected)")]
    if len(memo) > _MEMO_MAX:
        memo.clear()
    return out


def _fast_columns(texts, dates_at, hs_at, vs_at, ivs_at, memo, last):
    dates = dates_at(texts)
    dates = [dates.strip()] if isinstance(dates, str) else [d.strip() for d in dates]
    if "" in dates:
        raise Fallback()
    hs, vs, ivs = _tuple(hs_at(texts)), _tuple(vs_at(texts)), _tuple(ivs_at(texts))
    if not _FLAGS.issuperset(ivs) or "" in vs:
        raise Fallback()
    values = "".join(vs)
    if not (values.isdigit() and values.isascii()) or max(map(len, vs)) > 15:
        raise Fallback()
    if last and last[0] == hs:
        inst = last[1]
    else:
        inst = _instants(hs, memo, last)
        if inst is None:
            raise Fallback()
    vals = np.array(list(map(int, vs)), dtype=np.float64)
    qual = np.frombuffer("".join(ivs).encode("ascii"), dtype=np.uint8).astype(np.int8) - 48
    return dates, inst, vals, qual


def _tuple(found):
    return (found,) if isinstance(found, str) else found
