"""Billing: consumption -> priced, taxed, explained bill lines (Decimal EUR, one rounding per line).

Public API (plain dataclasses in, plain dataclasses out):

- ``model.Contract(contract_id, prm, fta, kva, offer, start, end=None, company="default",
  offpeak="", customer="", annual_kwh=None, class_shares=(), profile="", segment="",
  accise_category="", accise_attestation="", meter="", meter_digits=None,
  kva_by_class=())``: one contract version; ``engine.check_contract(c)`` refuses a version
  whose FTA, segment, kVA and accise category disagree (called by the engine).
- ``model.Bill`` (``lines``, ``vat``, ``total_excl_vat``, ``total_vat``, ``total``,
  ``estimated``, ``consumption_wh``, ``start_index_wh``, ``end_index_wh``, ``end_estimated``,
  ``index_readings`` ((day, nature, {class: Wh}) of the indexes used, in order), ``review``) and
  ``model.BillLine`` (``kind`` in energy / subscription / turpe_fixed / turpe_energy / cta /
  accise, ``code``, ``label``, ``time_class``, ``period_start``, ``period_end`` (exclusive),
  ``quantity``, ``unit``, ``unit_price``, ``amount``, ``vat_rate`` (%), ``rate_ref``
  (``table:line``), ``rate_source`` (official text + confirmation status), ``estimated``,
  ``true_up``); one BillLine maps to one invoice line.
- ``readings.from_records(records, rejected=None) -> [Reading]``: adapter from the flows
  engine's ``index_reading`` dicts (values normalised to integer Wh).
- ``engine.bill_contract(versions, readings, start, end, rates, prior_bills=()) -> Bill``:
  the per-contract path (estimates a missing end index; trues up earlier estimated bills;
  real indexes inside the period split the energy; BT > 36 kVA CMDPS from R171 ``DD``);
  raises ``review.ReviewHold`` (``reasons``, ``record``, ``bill``) when the consumption cannot
  be right (falling index without digit count, above kVA x hours): never issue it.
- ``engine.price_period(versions, start, end, consumption_wh, rates, segments=None)
  -> [BillLine]``; ``engine.plan_period`` + ``engine.price_runs`` / ``engine.run_quantity``:
  the same in two halves (plan once, price many consumptions).
- ``batch.bill_batch(start, end, fta, kva, company, offer, scheme, consumption_wh, rates)
  -> BatchResult`` (cents per row; same figures as the per-contract path); string key
  columns may be given as ``batch.Coded(codes, labels)``.
- ``readings.Reading`` also carries ``qualification`` (C15 before/after), ``durations_s``
  (R171 overrun seconds per class); registers a ``quantity`` (only ``index`` is subtracted).
- ``engine.price_period(..., turpe_only=True)``: the TURPE lines alone (no offer needed).
- ``purchase.PurchaseContract(contract_id, prm, producer, tariff, start, end=None, index=None,
  vat_regime="liable"|"franchise", producer_vat_number="")``;
  ``purchase.purchase_invoice(contract, readings, start, end, tariffs, taxes=None)
  -> PurchaseInvoice`` (self-billing: ``lines`` of kind ``purchase``, ``vat`` empty under the
  franchise en base, ``mentions`` "Autofacturation" [+ "TVA non applicable, art. 293 B du
  CGI"]); ``purchase.purchase_lines(contract, start, end, injection_wh, tariffs, taxes=None)``.
- ``network_check.check_network(contracts, records, rates, start=None, end=None, readings=(),
  tolerance=Decimal("0.05")) -> NetworkCheckReport`` (``components`` by PRM and component
  cg/cc/b/c_<class>, ``lines``, ``unchecked`` [(record, reason)], ``differences``, ``ok``);
  ``network_check.classify(record) -> (component, time_class)``.
- ``io.read_contracts(path)``, ``io.read_purchase_contracts(path)``,
  ``io.read_records(paths, rejected)`` (JSON records, or flow files through
  ``enercoop_core.flows.parse``), ``io.bill_to_dict(bill_or_invoice)``.
- Rates: ``enercoop_core.tariffs.rates.Rates.load(offers_csv=None)``;
  ``enercoop_core.tariffs.purchase.PurchaseTariffs.from_csv(prices_csv, index_csv=None)``.

CLI: ``enercoop bill`` (supply bills), ``enercoop bill check`` (F15/F12 network invoice
check), ``enercoop bill purchases`` (producers' self-billing) in ``billing/cli.py``;
``enercoop demo`` (``enercoop_core/demo.py``: demo flow files -> flows -> bills and purchase
invoices).
"""
