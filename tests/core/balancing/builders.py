"""Small hand-made inputs of the balancing tests."""
from __future__ import annotations

import datetime as dt

import numpy as np

from enercoop_core.flows import Curve


def curve(prm, ends, values_w, step=30, direction="withdrawal"):
    """A Curve from end instants (UTC s) and mean powers (W)."""
    ends = np.asarray(ends, dtype=np.int64)
    values = np.asarray(values_w, dtype=np.float64)
    return Curve(flow="TEST", version=None, key=prm, source={"file": None, "member": None},
                 prm=prm, direction=direction, step_minutes=step, dates=[], instants=ends,
                 values_w=values, quality=np.zeros(ends.size, dtype=np.int8))


def on_grid(prm, grid, values_w, direction="withdrawal"):
    """A 30-minute curve with one value per slot of ``grid`` (scalar broadcast)."""
    values = np.broadcast_to(np.asarray(values_w, dtype=np.float64), (grid.size,))
    return curve(prm, grid.ends, values, direction=direction)


def coefficients_csv(path, sub_profile, start, end, weight=lambda local: 1.0):
    """An Enedis-layout coefficient file: half-hours of Paris days [start, end), the
    horodate ENDING each half-hour (UTC offset +00:00), coefficient ``weight(local start)``."""
    from enercoop_core.balancing.grid import day_grid
    from enercoop_core.tariffs.calendar import PARIS
    grid = day_grid(start, end)
    lines = ["horodate;sous_profil;categorie;coefficient_prepare"]
    for begin in grid.starts.tolist():
        stamp = dt.datetime.fromtimestamp(begin + 1800, dt.timezone.utc).isoformat()
        local = dt.datetime.fromtimestamp(begin, PARIS)
        lines.append("%s;%s;RES;%s" % (stamp, sub_profile, repr(float(weight(local)))))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
