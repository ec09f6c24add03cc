"""Estimated consumption when a reading is missing, flagged as estimated.

From the PRM's history: the average daily Wh per register class between its last two real
readings (same meter), times the days to estimate. Without such history: from the contract's
``annual_kwh`` split by ``class_shares`` (even shares by default), spread over the year

- by the Enedis profile coefficients (:class:`~enercoop_core.billing.profiles.
  ProfileCoefficients`) when they are given and the contract names a ``profile``: per class
  with the sub-profile ``<profile>_<class>`` when the file has one for every class (e.g.
  ``RES2_HP``/``RES2_HC``), else the whole consumption with the sub-profile ``profile`` itself
  (e.g. ``RES1_BASE``): ``Wh = annual_kwh x 1000 x class_share x share(sub, period)``;
- flat otherwise: ``Wh = annual_kwh x 1000 x class_share x days / 365``.

Estimates are whole Wh, rounded down.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Dict, Sequence

from enercoop_core.billing.consumption import difference
from enercoop_core.billing.model import Contract
from enercoop_core.billing.readings import Reading
from enercoop_core.errors import InputError


NOISE_WH = Decimal("0.000001")


class EstimateError(InputError):
    """No history and no profile to estimate a missing reading from."""


def estimate_consumption(contract: Contract, history: Sequence[Reading], classes: Sequence[str],
                         days: int, before: dt.date, profiles=None) -> Dict[str, int]:
    """Wh per class for the ``days`` days from ``before``, from real readings up to ``before``
    or, without history, from ``annual_kwh`` and the profile (see the module doc)."""
    real = sorted((r for r in history
                   if not r.estimated and r.day <= before and r.prm == contract.prm),
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
    annual_wh = Decimal(contract.annual_kwh) * 1000
    end = before + dt.timedelta(days=days)
    if profiles is not None and contract.profile:
        def whole(value):  # floor, ignoring float noise below 1e-6 Wh in the shares
            return int(value + NOISE_WH)
        per_class = ["%s_%s" % (contract.profile, c) for c in classes]
        if all(profiles.has(sub) for sub in per_class):
            return {c: whole(annual_wh * Decimal(shares.get(c, 0))
                             * Decimal(repr(profiles.share(sub, before, end))))
                    for c, sub in zip(classes, per_class)}
        year_share = Decimal(repr(profiles.share(contract.profile, before, end)))
        return {c: whole(annual_wh * Decimal(shares.get(c, 0)) * year_share) for c in classes}
    total = annual_wh * days / 365
    return {c: int(total * Decimal(shares.get(c, 0))) for c in classes}
