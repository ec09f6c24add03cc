# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The seam between Odoo records and ``enercoop_core.payments``: conversions only, no rule.

- ``terms(company)``: the company's payment terms (pre-notification delay, return fee,
  dunning levels), from the core's ``data/terms.json`` by the company's code;
- ``mandate(record)``: an ``account.banking.mandate`` -> the core's checked ``Mandate``
  (reference, creditor identifier, IBAN, BIC); the core's error becomes a ValidationError
  in the model;
- ``schedule_versions(contract)``: a supply contract -> core billing versions carrying the
  contract's yearly estimate (``annual_kwh``) for the schedule;
- ``instalments(schedule)``: stored instalments -> core ``Instalment`` objects;
- ``open_items(invoices)``: open invoices -> core ``OpenItem`` objects for dunning;
- dates: ``to_date`` / ``to_odoo_date`` (Odoo date strings <-> ``datetime.date``).
"""
import dataclasses
from decimal import Decimal

from enercoop_core.billing.schedule import Instalment
from enercoop_core.payments.dunning import OpenItem
from enercoop_core.payments.mandates import make_mandate
from enercoop_core.payments.terms import load_terms

from odoo.addons.enercoop_energy import core_adapter as energy

to_date = energy.to_date
to_odoo_date = energy.to_odoo_date


def decimal(value):
    """A float amount of Odoo (Monetary) as Decimal EUR, to the cent."""
    return Decimal("%.2f" % (value or 0.0))


def company_code(company):
    return company.enercoop_code or "default"


def terms(company):
    """The core's payment terms of ``company`` (its own entry, else the default)."""
    return load_terms(company_code(company))


def mandate(record, last_collection=None):
    """The core ``Mandate`` of an ``account.banking.mandate`` (InputError/InvalidIdentifier
    from the core when a field is wrong). ``last_collection``: overrides the stored last
    debit date (a date), e.g. for the sequence type of the collections to come."""
    bank = record.partner_bank_id
    revoked = to_date(record.enercoop_revoked_on) if record.state in ("cancel", "expired") \
        else None
    last = last_collection or to_date(record.last_debit_date)
    return make_mandate(
        record.unique_mandate_reference or "", record.company_id.sepa_creditor_identifier or "",
        record.partner_id.name or bank.partner_id.name or "", bank.acc_number or "",
        bank.bank_id.bic or None, to_date(record.signature_date),
        recurrent=record.type != "oneoff", last_collection=last, revoked_on=revoked)


def schedule_versions(contract):
    """The contract's core billing versions with its yearly estimate in kWh."""
    annual = Decimal(str(contract.enercoop_annual_kwh)) if contract.enercoop_annual_kwh else None
    return [dataclasses.replace(version, annual_kwh=annual)
            for version in energy.contract_versions(contract)]


def readings(env, contract):
    """The core readings of the contract's delivery point (withdrawal)."""
    point = contract.delivery_point_id
    return energy.readings_by_point(env, point, direction="withdrawal").get(point.id, [])


def load_rates(env):
    return energy.load_rates(env)


def instalments(schedule, states=None):
    """Core ``Instalment`` objects of a schedule's stored instalments (all, or those whose
    state is in ``states``)."""
    rows = schedule.instalment_ids
    if states is not None:
        rows = rows.filtered(lambda row: row.state in states)
    return [Instalment(row.number, to_date(row.due_date), decimal(row.amount), row.note or "",
                       to_date(row.revised_on)) for row in rows.sorted("number")]


def open_items(invoices):
    """Core ``OpenItem`` objects of customer invoices (residual EUR, due date)."""
    return [OpenItem(str(inv.id), company_code(inv.company_id),
                     to_date(inv.date_due or inv.date_invoice), decimal(inv.residual))
            for inv in invoices]
