"""R50: 30-minute load curves of C5 delivery points (withdrawal).

One :class:`~enercoop_core.flows.records.Curve` per ``PRM`` block, all its
``Donnees_Releve`` days together. Each ``PDC/H`` time stamp ENDS its interval; ``V`` is the
mean active power over the interval in W; ``IV`` 0 is a sound value, 1 a doubtful one; a
point sent with ``H`` only has no value (NaN, quality -1). The step is the header's
``Pas_Publication`` (minutes, 30 by default). A time stamp without UTC offset is read as
Paris civil time; in the repeated hour of the autumn change, a time that does not move
forward is read as its second occurrence.
"""
from __future__ import annotations

import hashlib
from typing import Iterator

import numpy as np

from enercoop_core.flows import values as v
from enercoop_core.flows.common import Context, child, name
from enercoop_core.flows.errors import FieldError
from enercoop_core.flows.records import (QUALITY_DOUBTFUL, QUALITY_MISSING, QUALITY_OK,
                                         QUALITY_UNQUALIFIED, Curve)

KIND = "R50"
SUPPORTED_MAJORS = ("1",)
TAGS = ("PRM",)
_IV = {"0": QUALITY_OK, "1": QUALITY_DOUBTFUL}
_NAN = float("nan")


def read(events, ctx: Context) -> Iterator:
    step_text = ctx.header.get("Pas_Publication") or "30"
    try:
        step = v.integer(step_text, "En_Tete_Flux/Pas_Publication")
        if step <= 0:
            raise FieldError("En_Tete_Flux/Pas_Publication", "step must be positive")
    except FieldError as exc:
        yield ctx.reject_field(None, exc)
        return
    for _tag, prm_elem in events:
        raw = getattr(child(prm_elem, "Id_PRM"), "text", None)
        try:
            prm = v.prm(raw, "PRM/Id_PRM")
            yield _curve(prm_elem, prm, ctx, step)
        except FieldError as exc:
            yield ctx.reject(raw, exc.path,
                             exc.message + " (the whole PRM curve is rejected)")


def _curve(prm_elem, prm: str, ctx: Context, step: int) -> Curve:
    instants = []
    values = []
    quality = []
    dates = []
    utc = v.utc_seconds
    rank = 0
    for day in prm_elem:
        if name(day.tag) != "Donnees_Releve":
            continue
        rank += 1
        path = "PRM/Donnees_Releve[%d]" % rank
        previous = None
        point = 0
        for item in day:
            tag = item.tag
            if tag == "PDC" or name(tag) == "PDC":
                point += 1
                h = vv = iv = None
                for part in item:
                    ptag = part.tag
                    if ptag == "H":
                        h = part.text
                    elif ptag == "V":
                        vv = part.text
                    elif ptag == "IV":
                        iv = part.text
                    else:
                        local = name(ptag)
                        if local == "H":
                            h = part.text
                        elif local == "V":
                            vv = part.text
                        elif local == "IV":
                            iv = part.text
                ppath = "%s/PDC[%d]" % (path, point)
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
            elif name(tag) == "Date_Releve":
                dates.append(v.required(item.text, path + "/Date_Releve"))
    if rank == 0:
        raise FieldError("PRM/Donnees_Releve", "no Donnees_Releve in the PRM block")
    inst = np.array(instants, dtype=np.int64)
    vals = np.array(values, dtype=np.float64)
    qual = np.array(quality, dtype=np.int8)
    if inst.size > 1 and np.any(np.diff(inst) <= 0):
        order = np.argsort(inst, kind="stable")
        inst, vals, qual = inst[order], vals[order], qual[order]
        if np.any(np.diff(inst) == 0):
            raise FieldError("PRM/Donnees_Releve/PDC/H", "two points with the same instant")
    digest = hashlib.sha1(",".join(dates).encode("ascii", "replace")).hexdigest()[:12]
    return Curve(flow=KIND, version=ctx.version, key=ctx.key(prm, digest),
                 source=ctx.source, prm=prm, direction="withdrawal", step_minutes=step,
                 dates=dates, instants=inst, values_w=vals, quality=qual)
