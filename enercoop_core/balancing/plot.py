"""A PNG of a portfolio balance: production and consumption per half-hour (mean kW),
the surplus shaded green and the deficit red, in Paris time, labels in French or English.

Needs matplotlib (extra ``plot``). The figure is drawn with matplotlib's Agg canvas
directly (no pyplot, so no global backend is changed and no display is needed).
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from enercoop_core.balancing.grid import SLOT_S
from enercoop_core.balancing.portfolio import Balance
from enercoop_core.errors import EnercoopError
from enercoop_core.tariffs.calendar import PARIS

LABELS = {
    "fr": {"production": "Production renouvelable", "consumption": "Consommation",
           "surplus": "Excédent", "deficit": "Déficit", "power": "Puissance moyenne (kW)",
           "time": "Heure de Paris", "title": "Équilibre du portefeuille"},
    "en": {"production": "Renewable production", "consumption": "Consumption",
           "surplus": "Surplus", "deficit": "Deficit", "power": "Mean power (kW)",
           "time": "Paris time", "title": "Portfolio balance"},
}


class PlotUnavailableError(EnercoopError):
    """matplotlib is not installed."""


def plot_balance(result: Balance, path, lang: str = "fr", title: str = "") -> str:
    """Write the balance chart of ``result`` to ``path`` (PNG); returns the path."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise PlotUnavailableError(
            "plotting needs matplotlib: pip install 'enercoop-core[plot]'") from exc
    labels = LABELS.get(lang)
    if labels is None:
        raise EnercoopError("language must be one of %s" % ", ".join(sorted(LABELS)))
    # Mean kW over each half-hour = Wh / 0.5 h / 1000; drawn at the slot's middle.
    to_kw = 3600.0 / SLOT_S / 1000.0
    production = result.production_wh * to_kw
    consumption = result.consumption_wh * to_kw
    middles = result.grid.starts + SLOT_S // 2
    # Aware instants: positions stay in time order through the repeated autumn hour, and
    # the axis labels are Paris time.
    times = [dt.datetime.fromtimestamp(int(t), PARIS) for t in middles]
    figure = Figure(figsize=(11, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    axes.plot(times, production, color="#2e7d32", linewidth=1.0, label=labels["production"])
    axes.plot(times, consumption, color="#37474f", linewidth=1.0, label=labels["consumption"])
    axes.fill_between(times, consumption, production, where=production >= consumption,
                      interpolate=True, color="#66bb6a", alpha=0.35, label=labels["surplus"])
    axes.fill_between(times, consumption, production, where=production < consumption,
                      interpolate=True, color="#e53935", alpha=0.30, label=labels["deficit"])
    axes.xaxis_date(PARIS)
    axes.set_ylabel(labels["power"])
    axes.set_xlabel(labels["time"])
    axes.set_title(title or labels["title"])
    axes.set_ylim(bottom=min(0.0, float(np.nanmin(np.concatenate([production, consumption])))
                             if production.size else 0.0))
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper right", fontsize="small")
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(str(path), format="png")
    return str(path)
