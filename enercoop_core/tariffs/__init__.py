"""Date-effective rate tables and time-class calendars.

- :mod:`~enercoop_core.tariffs.table`: generic dated CSV table (``RateTable``, ``RateRow``,
  ``split_period``); a missing date raises ``MissingRateError(table, date)``.
- :mod:`~enercoop_core.tariffs.turpe`: ``Turpe().management/metering/power/energy(day, fta...)``.
- :mod:`~enercoop_core.tariffs.taxes`: ``Taxes().accise(day, category)``, ``.cta(day)``,
  ``.vat(day, segment, base)``.
- :mod:`~enercoop_core.tariffs.offers`: ``Offers.from_csv(path)`` cooperative price grids.
- :mod:`~enercoop_core.tariffs.purchase`: ``PurchaseTariffs.from_csv(prices, index=None)``.
- :mod:`~enercoop_core.tariffs.calendar`: ``time_class(instant, offpeak, scheme)`` and the
  vectorised ``time_classes(utc_seconds, offpeak, scheme)``.

Tables shipped in ``tariffs/data`` (see ``data/README.md`` for sources and open points).
"""
