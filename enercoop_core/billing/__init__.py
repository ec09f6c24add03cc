"""Billing: consumption -> priced, taxed, explained bill lines (Decimal EUR, one rounding per line).

Public API (plain dataclasses in, plain dataclasses out):

- ``model.Contract(contract_id, prm, fta, kva, offer, start, end=None, company="default",
  offpeak="", customer="", annual_kwh=None, class_shares=())``: one contract version.
- ``model.Bill`` (``lines``, ``vat``, ``total_excl_vat``, ``total_vat``, ``total``,
  ``estimated``, ``consumption_wh``, ``start_index_wh``, ``end_index_wh``, ``end_estimated``) and
  ``model.BillLine`` (``kind`` in energy / subscription / turpe_fixed / turpe_energy / cta /
  accise, ``code``, ``label``, ``time_class``, ``period_start``, ``period_end`` (exclusive),
  ``quantity``, ``unit``, ``unit_price``, ``amount``, ``vat_rate`` (%), ``rate_ref``
  (``table:line``), ``rate_source`` (official text + confirmation status), ``estimated``,
  ``true_up``); one BillLine maps to one invoice line.
- ``readings.from_records(records, rejected=None) -> [Reading]``: adapter from the flows
  engine's ``index_reading`` dicts (values normalised to integer Wh).
- ``engine.bill_contract(versions, readings, start, end, rates, prior_bills=()) -> Bill``:
  the per-contract path (estimates a missing end index; trues up earlier estimated bills).
- ``engine.price_period(versions, start, end, consumption_wh, rates) -> [BillLine]``.
- ``batch.bill_batch(start, end, fta, kva, company, offer, scheme, consumption_wh, rates)
  -> BatchResult`` (cents per row; same figures as the per-contract path).
- ``io.read_contracts(path)``, ``io.read_records(paths, rejected)``, ``io.bill_to_dict(bill)``.
- Rates: ``enercoop_core.tariffs.rates.Rates.load(offers_csv)``.

CLI: ``enercoop bill`` (``billing/cli.py``) and ``enercoop demo`` (``enercoop_core/demo.py``).
"""
