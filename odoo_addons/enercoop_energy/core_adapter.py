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
- ``bill_of_invoice(invoice)``: the same ``Bill`` with its lines, VAT and totals, for the
  customer's bill (``enercoop_core.billing.statement``);
- ``supplier_of(company)`` / ``offer_names(company)``: the cooperative's particulars and its
  offers' commercial names as the core's statement takes them;
- ``period_bounds(text)``: ``YYYY-MM`` -> (first day, first day of the next month).
"""
import dataclasses
import datetime as dt
import json
import os
from decimal import Decimal
from functools import lru_cache

from enercoop_core.billing.model import Bill, BillLine, Contract, VatLine
from enercoop_core.billing.statement import Supplier
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


def _decimal(value):
    return Decimal(str(value or 0))


def _bill_line(line):
    last_day = to_date(line.energy_period_end) or to_date(line.invoice_id.energy_period_end)
    taxes = line.invoice_line_tax_ids.filtered(lambda t: t.amount_type == "percent")
    return BillLine(
        kind=line.energy_kind or "other", code=line.energy_code or "", label=line.name or "",
        time_class=line.energy_time_class or None,
        period_start=to_date(line.energy_period_start)
        or to_date(line.invoice_id.energy_period_start),
        period_end=last_day + dt.timedelta(days=1),
        quantity=_decimal(line.quantity), unit=line.energy_unit or "",
        unit_price=_decimal(line.energy_unit_price or line.price_unit),
        amount=_decimal(line.energy_amount).quantize(Decimal("0.00")),
        vat_rate=_decimal(taxes[:1].amount if taxes else 0), rate_ref=line.energy_rate_ref or "",
        rate_source=line.energy_rate_source or "", estimated=line.energy_estimated,
        true_up=line.energy_true_up)


def bill_of_invoice(invoice):
    """The core ``Bill`` of a stored energy invoice with its lines (the invoice lines that
    came from the core: ``energy_code`` set), its VAT per rate (``energy_vat_json``, the
    core's) and its totals (EUR)."""
    bill = bill_from_invoice(invoice)
    vat = tuple(VatLine(_decimal(v["rate"]), _decimal(v["base"]), _decimal(v["amount"]))
                for v in json.loads(invoice.energy_vat_json or "[]"))
    lines = tuple(_bill_line(line) for line in invoice.invoice_line_ids if line.energy_code)
    excl = sum((line.amount for line in lines), Decimal("0.00"))
    total_vat = sum((v.amount for v in vat), Decimal("0.00"))
    return dataclasses.replace(bill, lines=lines, vat=vat, total_excl_vat=excl,
                               total_vat=total_vat, total=excl + total_vat,
                               customer=invoice.partner_id.name or "")


def offer_names(company):
    """{offer code: commercial name} of the company's ``enercoop_offer_names`` lines
    (``CODE: name``); lines without a colon are ignored."""
    names = {}
    for line in (company.enercoop_offer_names or "").splitlines():
        code, colon, name = line.partition(":")
        if colon and code.strip() and name.strip():
            names[code.strip()] = name.strip()
    return names


def supplier_of(company, payment_methods=()):
    """The core's ``Supplier`` of a company (read in the bill's language): its name, the
    registered office, the customer service (``enercoop_customer_service``, else its phone
    and e-mail), the yearly mix and the self-reading terms."""
    partner = company.partner_id
    address = ", ".join(part for part in (
        partner.street, partner.street2, " ".join(p for p in (partner.zip, partner.city) if p))
        if part)
    service = company.enercoop_customer_service or " - ".join(
        p for p in (company.phone, company.email, company.website) if p)
    return Supplier(name=company.name or "", address=address, customer_service=service or "",
                    payment_methods=tuple(payment_methods),
                    energy_origin=company.enercoop_energy_mix or "",
                    self_reading=company.enercoop_self_reading or "")
