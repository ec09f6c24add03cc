"""Estimated consumption when a reading is missing, flagged as estimated.

From the PRM's history: the average daily Wh per register class between its last two real
readings (same meter), times the days to estimate. Without such history: from the contract's
profile, ``annual_kwh`` spread flat over 365 days and split by ``class_shares`` (even shares
by default). Estimates are whole Wh, rounded down.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Dict, Sequence

from enercoop_core.billing.consumption import difference
from enercoop_core.billing.model import Contract
from enercoop_core.billing.readings import Reading
from enercoop_core.errors import InputError


class EstimateError(InputError):
    """No history and no profile to estimate a missing reading from."""


def estimate_consumption(contract: Contract, history: Sequence[Reading], classes: Sequence[str],
                         days: int, before: dt.date) -> Dict[str, int]:
    """Wh per class for ``days`` days, from real readings up to ``before`` or the profile."""
    real = sorted((r for r in history if not r.estimated and r.day <= before and r.prm == contract.prm),
                  key=lambda r: r.day)
    if len(real) >= 2:
        older, latest = real[-2], real[-1]
        span = (latest.day - older.day).days
        if span > 0 and (older.meter_serial == latest.meter_serial):
            used = difference(older, latest)
            if set(used) == set(classes):
                return {c: used[c] * days // span for c in classes}
    if contract.annual_kwh is None:
        raise EstimateError("no history and no annual_kwh to estimate %s" % contract.prm,
                            record=contract.contract_id, field="annual_kwh")
    shares = dict(contract.class_shares) or {c: Decimal(1) / len(classes) for c in classes}
    total = Decimal(contract.annual_kwh) * 1000 * days / 365
    return {c: int(total * Decimal(shares.get(c, 0))) for c in classes}
