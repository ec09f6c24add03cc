# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The seam between Odoo records and ``enercoop_core``: conversions only, no rule, no rate.

- ``to_date(value)`` / ``to_odoo_date(day)``: Odoo date strings <-> ``datetime.date``;
- ``load_rates(env)`` / ``load_purchase_tariffs(env)``: the core's rate tables, with the
  cooperative's offers and purchase grids named by system parameters (defaults: the grids
  shipped with ``enercoop_core`` for the demo);
- ``lifecycle_versions(contracts)``: supply contracts -> the core lifecycle's versions in
  force (``enercoop_core.contracts.lifecycle.Version``, ids as references);
- ``contract_versions(contract)``: a supply contract -> core billing ``Contract`` versions,
  one per stored version in force;
- ``readings_by_point(env, points)``: meter readings -> core ``Reading`` objects per point;
- ``bill_from_invoice(invoice)``: a stored energy invoice -> the core ``Bill`` the engine
  needs as ``prior_bills`` (period, consumption and indexes, estimated flags);
- ``period_bounds(text)``: ``YYYY-MM`` -> (first day, first day of the next month).
"""
import datetime as dt
import json
import os
from decimal import Decimal
from functools import lru_cache

from enercoop_core.billing.model import Bill, Contract
from enercoop_core.billing.readings import from_records
from enercoop_core.contracts.lifecycle import Version, in_force
from enercoop_core.period import month
from enercoop_core.tariffs.purchase import PurchaseTariffs
from enercoop_core.tariffs.rates import Rates

PARAM_OFFERS = "enercoop_energy.offers_file"  # shared with supply_contract.py
PARAM_PURCHASE_PRICES = "enercoop_energy.purchase_prices_csv"
PARAM_PURCHASE_INDEX = "enercoop_energy.purchase_index_csv"


def _demo(name):
    import enercoop_core
    return os.path.join(os.path.dirname(os.path.abspath(enercoop_core.__file__)), "billing",
                        "data", "demo", name)


def _param(env, key, default_name):
    # sudo: system parameters are readable by administrators only; these are file names
    value = env["ir.config_parameter"].sudo().get_param(key)
    return value or _demo(default_name)


@lru_cache(None)
def _rates(offers_path, mtime):
    return Rates.load(offers_path)


@lru_cache(None)
def _tariffs(prices_path, index_path, mtime):
    return PurchaseTariffs.from_csv(prices_path, index_path or None)


def load_rates(env):
    """TURPE and taxes bundled with the core plus the offers grid of ``PARAM_OFFERS``."""
    path = _param(env, PARAM_OFFERS, "offers.csv")
    return _rates(path, os.path.getmtime(path))


def load_purchase_tariffs(env):
    prices = _param(env, PARAM_PURCHASE_PRICES, "purchase_prices.csv")
    index = _param(env, PARAM_PURCHASE_INDEX, "purchase_index.csv")
    return _tariffs(prices, index, os.path.getmtime(prices))


def period_bounds(text):
    """``YYYY-MM`` -> (start, end) local dates, end exclusive (core's rule)."""
    return month(text)


def to_date(value):
    """An Odoo date string (or date) as a ``datetime.date``; None when empty."""
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.datetime.strptime(value[:10], "%Y-%m-%d").date()


def to_odoo_date(day):
    """A ``datetime.date`` as an Odoo date string (False when None)."""
    return day.isoformat() if day else False


def inclusive_end(end):
    """The core's exclusive ``end`` (or None) as Odoo's last day (date string, or False)."""
    return to_odoo_date(end - dt.timedelta(days=1) if end else None)


def exclusive_end(last_day):
    """Odoo's ``date_end`` (last day supplied, or empty) as the core's exclusive end."""
    day = to_date(last_day)
    return day + dt.timedelta(days=1) if day else None


def lifecycle_versions(contracts):
    """The core lifecycle's versions in force of ``contracts`` (supply contracts): the
    stored versions (``version_ids``) clipped to each contract's dates; contract and
    version ids as their references."""
    result = []
    for contract in contracts:
        stored = [Version(contract=contract.id, start=to_date(v.date_start), end=None,
                          fta=v.fta or "", kva=v.subscribed_kva or 0,
                          offer=v.offer_code or "", state=contract.state, ref=v.id)
                  for v in contract.version_ids]
        result.extend(in_force(stored, to_date(contract.date_start),
                               exclusive_end(contract.date_end)))
    return result


def contract_versions(contract):
    """Core billing ``Contract`` versions of a supply contract: one per stored version in
    force (its FTA, subscribed kVA and offer over its dates); the point gives the PRM and
    off-peak hours. Odoo's ``date_end`` is the last day supplied; the core's ``end`` is
    exclusive (the day after)."""
    point = contract.delivery_point_id
    return [Contract(
        contract_id=contract.name or str(contract.id), prm=point.prm, fta=version.fta,
        kva=int(version.kva), offer=version.offer, start=version.start, end=version.end,
        company=contract.company_id.enercoop_code or "default",
        offpeak=point.offpeak_hours or "", customer=contract.partner_id.name or "")
        for version in lifecycle_versions(contract)]


def readings_by_point(env, points, direction=None):
    """{point id: [core Reading]} of ``enercoop.meter.reading`` rows (one row per register):
    the rows go back to the flow records they came from (``_to_core_records``) and through the
    core's ``readings.from_records`` (corrections and cancellations applied there)."""
    domain = [("delivery_point_id", "in", points.ids)]
    if direction:
        domain.append(("direction", "=", direction))
    rows = env["enercoop.meter.reading"].search(domain, order="date, id")
    by_point = {p.id: [] for p in points}
    for row in rows:
        by_point[row.delivery_point_id.id].append(row.id)
    return {point_id: from_records(rows.browse(ids)._to_core_records()) if ids else []
            for point_id, ids in by_point.items()}


def _json_dict(text):
    return {k: int(v) for k, v in json.loads(text or "{}").items()}


def bill_from_invoice(invoice):
    """The core ``Bill`` of a stored energy invoice, as ``prior_bills`` needs it."""
    zero = Decimal("0.00")
    return Bill(
        contract_id=invoice.energy_contract_id.name or str(invoice.energy_contract_id.id),
        prm=invoice.delivery_point_id.prm,
        period_start=to_date(invoice.energy_period_start),
        period_end=to_date(invoice.energy_period_end) + dt.timedelta(days=1),  # exclusive
        lines=(), vat=(),
        total_excl_vat=zero, total_vat=zero, total=zero, estimated=invoice.energy_estimated,
        consumption_wh=_json_dict(invoice.energy_consumption_json),
        start_index_wh=_json_dict(invoice.energy_start_index_json),
        end_index_wh=_json_dict(invoice.energy_end_index_json),
        end_estimated=invoice.energy_end_estimated)
