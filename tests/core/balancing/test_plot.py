from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from enercoop_core.balancing.grid import day_grid
from enercoop_core.balancing.portfolio import balance

from .builders import on_grid

pytest.importorskip("matplotlib")

from enercoop_core.balancing.plot import plot_balance  # noqa: E402
from enercoop_core.errors import EnercoopError  # noqa: E402


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_balance_chart_is_written(tmp_path, lang):
    grid = day_grid(dt.date(2025, 3, 30), dt.date(2025, 3, 31))  # 46 half-hours
    sun = np.clip(np.sin(np.linspace(-np.pi / 2, 3 * np.pi / 2, grid.size)), 0, None)
    result = balance([on_grid("C", grid, 1000.0)],
                     [on_grid("P", grid, 3000.0 * sun, "injection")], grid)
    path = plot_balance(result, tmp_path / ("b_%s.png" % lang), lang=lang)
    with open(path, "rb") as handle:
        data = handle.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5000


def test_unknown_language_is_refused(tmp_path):
    grid = day_grid(dt.date(2025, 6, 1), dt.date(2025, 6, 2))
    with pytest.raises(EnercoopError):
        plot_balance(balance([], [], grid), tmp_path / "x.png", lang="de")
