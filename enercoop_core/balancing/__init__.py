"""Balancing: the half-hourly portfolio balance of the cooperative's renewable production
against its supply, profiles for meters without curves, forecasts, and the proof of which
production (with its guarantees of origin) covered which supply.

Modules, each one concept::

    grid         Grid, day_grid(start, end), month_grid("YYYY-MM"): half-hour UTC slots of
                 Paris days (46/48/50 a day); align(...) / align_curve(curve, grid):
                 energy-conserving alignment of curves of any step
    portfolio    ProfiledConsumer, portfolio_matrices(...), balance(...), combine(parts),
                 summarize(balance): supply and production per half-hour, totals, coverage
    placement    the kernels under them: curves placed on PRM rows x half-hours, summed in
                 one pass without a matrix (balance) or written into one (matrices)
    matching     Producer, match(matrices, producers) -> Matching (pro rata allocation,
                 monthly producer x consumer tables, conservation check)
    forecast     same_weekday_average(...), persistence(...), mae(...)
    partitioned  balance_partitioned(..., partitions=8, scheduler="auto"): the same kernels
                 per group of PRMs, on Dask when importable; CurveSpool, balance_spooled,
                 match_spooled: curves spooled per partition and loaded one partition at
                 a time (memory ~ 1 / partitions of the curves), serial or on Dask
    plot         plot_balance(balance, "out.png", lang="fr"): needs matplotlib
    io           read_curves(paths), read_profiled(path), read_producers(path)
    cli          ``enercoop balance``

Units: Wh (float64 inside the kernels, whole Wh in summaries and tables); instants are UTC
seconds that END their interval, as in the R50 flow.
"""
