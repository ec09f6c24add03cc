import datetime as dt
from decimal import Decimal

import pytest

from enercoop_core.errors import InputError, MissingRateError
from enercoop_core.tariffs.table import RateTable, split_period
from enercoop_core.tariffs.taxes import Taxes
from enercoop_core.tariffs.turpe import Turpe


def write(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_lookup_boundaries_and_missing(tmp_path):
    table = RateTable.from_csv(write(tmp_path, (
        "valid_from,valid_to,k,value,source,status\n"
        "2025-01-01,2025-08-01,a,1,s,P\n"
        "2025-08-01,,a,2,s,P\n")), ("k",))
    assert table.lookup(dt.date(2025, 7, 31), "a").values["value"] == "1"
    assert table.lookup(dt.date(2025, 8, 1), "a").values["value"] == "2"
    assert table.lookup(dt.date(2025, 8, 1), "a").ref == "t.csv:3"
    with pytest.raises(MissingRateError) as err:
        table.lookup(dt.date(2024, 12, 31), "a")
    assert err.value.table == "t.csv" and err.value.date == dt.date(2024, 12, 31)
    assert table.boundaries(dt.date(2025, 7, 1), dt.date(2025, 9, 1)) == [dt.date(2025, 8, 1)]


def test_overlap_is_rejected(tmp_path):
    with pytest.raises(InputError):
        RateTable.from_csv(write(tmp_path, (
            "valid_from,valid_to,k,value,source,status\n"
            "2025-01-01,2025-09-01,a,1,s,P\n2025-08-01,,a,2,s,P\n")), ("k",))


def test_split_period():
    assert split_period(dt.date(2025, 7, 15), dt.date(2025, 8, 15),
                        [dt.date(2025, 8, 1), dt.date(2025, 9, 1)]) == [
        (dt.date(2025, 7, 15), dt.date(2025, 8, 1)), (dt.date(2025, 8, 1), dt.date(2025, 8, 15))]


def test_bundled_turpe7_figures_and_gap():
    turpe = Turpe()
    day = dt.date(2025, 8, 1)
    assert turpe.management(day, "BTINFCU4").values["value"] == "16.80"
    assert turpe.power(day, "BTINFMU4").values["value"] == "12.12"
    assert turpe.energy(day, "BTINFMUDT", "HC").values["value"] == "3.50"
    assert turpe.power(day, "BTSUPLU4").values["value"] == "30.16"
    assert "P*" in turpe.energy(day, "BTINFCU4", "HPH").status
    # cg/cc of the 2025-02-01 grid are not confirmed: no row, an error naming table and date
    with pytest.raises(MissingRateError) as err:
        turpe.management(dt.date(2025, 3, 1), "BTINFCU4")
    assert "turpe.csv" in str(err.value) and "2025-03-01" in str(err.value)


def test_taxes_vat_change_and_cta():
    taxes = Taxes()
    assert taxes.vat(dt.date(2025, 7, 31), "C5", "subscription").values["rate_percent"] == "5.5"
    assert taxes.vat(dt.date(2025, 8, 1), "C5", "subscription").values["rate_percent"] == "20"
    assert taxes.vat(dt.date(2025, 7, 31), "C5", "energy").values["rate_percent"] == "20"
    assert taxes.cta(dt.date(2025, 8, 1)).values["rate_percent"] == "21.93"
    assert taxes.cta(dt.date(2026, 2, 1)).values["rate_percent"] == "15.00"
    assert taxes.accise(dt.date(2025, 8, 1), "household").values["eur_per_mwh"] == "29.98"
    # Feb 2026: the arrêté's tarif normal 25.19 + the ZNI majoration 5.66 (the same for every
    # category: PME 20.92 + 5.66 = 26.58 in the same text) = 30.85, not the printed 30.35
    household = taxes.accise(dt.date(2026, 2, 1), "household")
    assert household.values["eur_per_mwh"] == "30.85" and "30,35" in household.source
    sme = taxes.accise(dt.date(2026, 2, 1), "sme").values["eur_per_mwh"]
    assert Decimal("25.19") + Decimal(sme) - Decimal("20.92") == Decimal("30.85")


@pytest.mark.parametrize("day, rate, status", [
    ("2025-01-31", "20.50", "P for January 2025"),  # impots.gouv: 20,5 in January 2025
    ("2025-02-01", "26.23", "P confirmed"),  # impots.gouv: from 1 Feb 2025
    ("2025-08-01", "25.79", "S"),  # 20.90 + 4.89 ZNI
    ("2026-01-31", "25.79", "S"),
    ("2026-02-01", "26.58", "P*"),  # arrêté du 27 janvier 2026
])
def test_accise_sme_rows(day, rate, status):
    row = Taxes().accise(dt.date.fromisoformat(day), "sme")
    assert row.values["eur_per_mwh"] == rate and row.status.startswith(status)


def test_purchase_vat_row():
    row = Taxes().vat(dt.date(2025, 9, 1), "producer", "purchase")
    assert row.values["rate_percent"] == "20" and "293 B" in row.source
