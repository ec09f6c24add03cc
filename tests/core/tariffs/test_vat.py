"""VAT: bases, rates and the VAT of the amounts at one rate (rounded once per rate)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from enercoop_core.billing.model import vat_summary
from enercoop_core.tariffs import vat
from enercoop_core.tariffs.taxes import Taxes


def line(amount, rate):
    return SimpleNamespace(amount=Decimal(amount), vat_rate=Decimal(rate))


def test_every_base_has_a_rate_in_the_bundled_table():
    taxes = Taxes()
    for base in vat.BASES:
        for segment in ("C5", "C4"):
            assert vat.rate_percent(taxes.vat(dt.date(2025, 9, 1), segment, base)) > 0


def test_rate_percent_of_no_row_is_zero():
    assert vat.rate_percent(None) == 0


def test_vat_is_rounded_once_per_rate_half_up():
    lines = [line("0.02", "20"), line("0.02", "20"), line("0.02", "20"), line("10.10", "5.5")]
    assert vat.bases_by_rate(lines) == {Decimal(20): Decimal("0.06"),
                                        Decimal("5.5"): Decimal("10.10")}
    # 0.06 x 20 % = 0.012 -> 0.01 once per rate (per line it would be 3 x 0.004 -> 0.00);
    # 10.10 x 5.5 % = 0.5555 -> 0.56; 0.25 x 10 % = 0.025 -> 0.03 (half-up)
    assert vat.amount(Decimal("0.06"), Decimal(20)) == Decimal("0.01")
    assert vat.amount(Decimal("10.10"), Decimal("5.5")) == Decimal("0.56")
    assert vat.amount(Decimal("0.25"), Decimal(10)) == Decimal("0.03")
    summary = vat_summary(lines)
    assert [(v.rate, v.base, v.amount) for v in summary] == [
        (Decimal("5.5"), Decimal("10.10"), Decimal("0.56")),
        (Decimal(20), Decimal("0.06"), Decimal("0.01"))]
