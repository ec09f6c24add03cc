"""Meter histories as they really are: meter changes, roll-overs, physical bounds, indexes read
on rate-change dates, contracts whose FTA, power and categories disagree.

Rates used (bundled tables): TURPE 7 BTINFCU4 from 2025-08-01 (CRE délib. n° 2025-78 / Enedis
brochure 'TURPE 7 HTA/BT - Tarifs en vigueur au 1er août 2025' pp.16-17: c HPB 1.66 c EUR/kWh),
accise household 29.98 EUR/MWh (2025-08-01, secondary sources) and 30.85 (2026-02-01, see
tariffs/data/README.md), demo offer BASE 0.1800 EUR/kWh.
"""
import datetime as dt
from decimal import Decimal as D

import pytest

from enercoop_core.billing.engine import bill_contract, check_contract
from enercoop_core.billing.model import Contract
from enercoop_core.billing.readings import from_record
from enercoop_core.billing.review import ReviewHold, bound_reasons, class_half_hours
from enercoop_core.errors import InputError

PRM = "12345678901234"


def contract(fta="BTINFCU4", kva=6, offer="BASE", start=dt.date(2025, 8, 1), **kw):
    return Contract("C1", PRM, fta, kva, offer, start, company="coop-idf", **kw)


def reading(day, kwh, classes=("HPH", "HCH", "HPB", "HCB"), serial=None, **extra):
    """A real reading; ``kwh`` one figure per class (or one for all)."""
    values = kwh if isinstance(kwh, (list, tuple)) else [kwh] + [0] * (len(classes) - 1)
    registers = [{"owner": "distributor", "time_class": c, "measure_class": "1",
                  "direction": "withdrawal", "value": str(v), "unit": "kWh"}
                 for c, v in zip(classes, values)]
    digits = extra.pop("digits", None)
    if digits:
        for reg in registers:
            reg["digits"] = digits
    rec = {"family": "index_reading", "prm": PRM, "date": day, "nature": "real",
           "key": "%s/%s" % (day, extra.get("qualification") or extra.get("reason") or ""),
           "registers": registers, "meter_serial": serial}
    rec.update(extra)
    return from_record(rec)


def test_meter_change_without_serial_is_held_never_billed_as_rollover(rates):
    # the case: the old meter read 20 000 kWh on Sep 1, the new one 165 kWh on Oct 1,
    # no serials, no digit count: a roll-over would bill ~80 000 kWh; held for review instead
    readings = [reading("2025-09-01", 20000), reading("2025-10-01", 165)]
    with pytest.raises(ReviewHold) as held:
        bill_contract([contract()], readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1), rates)
    assert held.value.record == "C1" and "no dial digit count" in held.value.reasons[0]


def test_rollover_beyond_the_physical_bound_is_held(rates):
    # a 5-digit dial makes the roll-over computable: 100 000 - 20 000 + 165 = 80 165 kWh, but
    # 6 kVA x 30 days x 24 h = 4 320 kWh at most in September 2025: held with its reason
    # (low season: the HPB register)
    readings = [reading("2025-09-01", [0, 0, 20000, 0], digits=5),
                reading("2025-10-01", [0, 0, 165, 0], digits=5)]
    with pytest.raises(ReviewHold) as held:
        bill_contract([contract()], readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1), rates)
    bill = held.value.bill
    assert bill is not None and bill.review == held.value.reasons
    assert bill.consumption_wh["HPB"] == 80165000
    assert "4320 kWh" in held.value.reasons[0]


def test_a_genuine_rollover_near_the_top_of_the_dial_is_billed(rates):
    # 99 900 -> 100 kWh on a 5-digit dial: 200 kWh (September: low season, HPB register)
    readings = [reading("2025-09-01", [0, 0, 99900, 0], digits=5),
                reading("2025-10-01", [0, 0, 100, 0], digits=5)]
    bill = bill_contract([contract()], readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1), rates)
    assert bill.consumption_wh["HPB"] == 200000


def test_physical_bound_total_and_per_time_class(rates):
    c = contract()
    sep_start, sep_end = dt.date(2025, 9, 1), dt.date(2025, 10, 1)
    # 6 kVA x 720 h = 4 320 kWh: exactly the bound is plausible, one kWh more is not
    assert bound_reasons([c], sep_start, sep_end, {"BASE": 4320000}) == []
    assert bound_reasons([c], sep_start, sep_end, {"BASE": 4321000})
    # October 2025 has 745 hours (26 Oct: 25 h, summer time ends): 6 x 745 = 4 470 kWh
    oct_start, oct_end = dt.date(2025, 10, 1), dt.date(2025, 11, 1)
    assert sum(class_half_hours(oct_start, oct_end, "", "1").values()) == 1490
    assert bound_reasons([c], oct_start, oct_end, {"BASE": 4470000}) == []
    # off-peak 22:00-06:00 = 8 h a day: HC at most 6 x 8 x 30 = 1 440 kWh in September,
    # even when the total is far below 4 320 kWh
    hphc = contract(offpeak="22:00-06:00")
    assert bound_reasons([hphc], sep_start, sep_end, {"HP": 0, "HC": 1440000}) == []
    reasons = bound_reasons([hphc], sep_start, sep_end, {"HP": 0, "HC": 1441000})
    assert len(reasons) == 1 and "HC" in reasons[0] and "1440 kWh" in reasons[0]
    # four classes without off-peak hours: bound per season (September is low season:
    # HPH + HCH must be zero)
    assert bound_reasons([c], sep_start, sep_end, {"HPH": 1000, "HCH": 0, "HPB": 0, "HCB": 0})


def test_same_day_installation_first_in_input_is_billed(rates):
    # old meter 20 000 -> 20 300 kWh removed on Sep 17; new meter installed at 0 the same day,
    # 165 kWh on Oct 1. Input order: installation before removal; C15 Code_Qualification
    # (1 before / 2 after, C15 guide v5.1.3 §3.2.3.1.2.1) orders them.
    readings = [reading("2025-09-01", [0, 0, 20000, 0]),
                reading("2025-09-17", [0, 0, 0, 0], qualification="after", reason="CMAT"),
                reading("2025-09-17", [0, 0, 20300, 0], qualification="before", reason="CMAT"),
                reading("2025-10-01", [0, 0, 165, 0])]
    bill = bill_contract([contract()], readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1), rates)
    assert bill.consumption_wh == {"HPH": 0, "HCH": 0, "HPB": 465000, "HCB": 0}
    # the 300 kWh of Sep 1..17 and the 165 kWh of Sep 17..Oct 1 are each on their own days
    # (one rate row all month: one line of 465 kWh; HPB 465 x 0.0166 = 7.719 -> 7.72)
    hpb = [l for l in bill.lines if l.code == "turpe_c_HPB"]
    assert [(l.quantity, l.amount) for l in hpb] == [(D("465.000"), D("7.72"))]
    # the indexes the bill was worked out from, in order, for the bill's mentions
    assert [r[0] for r in bill.index_readings] == [dt.date(2025, 9, 1), dt.date(2025, 9, 17),
                                                   dt.date(2025, 9, 17), dt.date(2025, 10, 1)]


def test_real_index_on_a_rate_change_date_is_used(rates):
    # 2026-01-15 .. 2026-02-15 with a real index on 2026-02-01 (accise household 29.98 ->
    # 30.85 EUR/MWh): 600 kWh before, 100 kWh after, not 700 kWh spread by days
    readings = [reading("2026-01-15", [1000, 0, 0, 0]), reading("2026-02-01", [1600, 0, 0, 0]),
                reading("2026-02-15", [1700, 0, 0, 0])]
    bill = bill_contract([contract()], readings, dt.date(2026, 1, 15), dt.date(2026, 2, 15),
                         rates)
    accise = [(l.period_start, l.quantity, l.amount) for l in bill.lines if l.code == "accise"]
    # 600 x 29.98 / 1000 = 17.988 -> 17.99 ; 100 x 30.85 / 1000 = 3.085 -> 3.09 (half-up)
    assert accise == [(dt.date(2026, 1, 15), D("600.000"), D("17.99")),
                      (dt.date(2026, 2, 1), D("100.000"), D("3.09"))]
    # spread by days it would have been 700 x 17 / 31 = 383.870 kWh in January; the offer's
    # price does not change on Feb 1, so its line stays one line of 700 kWh
    energy = [l.quantity for l in bill.lines if l.code == "energy_BASE"]
    assert energy == [D("700.000")]


def test_readings_between_real_indexes_spread_by_days_only_inside_them(rates):
    # Sep 1 .. Oct 1 with a real index on Sep 11: 100 kWh over 10 days, 290 over 20 days;
    # one rate row all month, so the bill has one 390 kWh line: exact either way
    readings = [reading("2025-09-01", [0, 0, 0, 0]), reading("2025-09-11", [0, 0, 100, 0]),
                reading("2025-10-01", [0, 0, 390, 0])]
    bill = bill_contract([contract()], readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1), rates)
    assert bill.consumption_wh["HPB"] == 390000


@pytest.mark.parametrize("changes, field", [
    ({"kva": 48}, "kva"),                               # BTINFCU4 is BT <= 36 kVA
    ({"fta": "BTSUPCU4", "kva": 30}, "kva"),            # BT > 36 kVA needs 37..250 kVA
    ({"fta": "BTSUPCU4", "kva": 300}, "kva"),           # above 250 kVA: HTA
    ({"segment": "C4"}, "segment"),                     # BTINF* is C5
    ({"accise_category": "sme"}, "accise_category"),    # 6 kVA is 'ménages et assimilés'
    ({"fta": "BTSUPCU4", "kva": 60, "accise_category": "household"}, "accise_category"),
    ({"fta": "BTXXX"}, "fta"),
    ({"meter": "analogue"}, "meter"),
])
def test_inconsistent_contract_is_refused(rates, changes, field):
    c = contract(**changes)
    with pytest.raises(InputError) as err:
        check_contract(c)
    assert err.value.field == field and err.value.record == "C1"
    readings = [reading("2025-09-01", 0), reading("2025-10-01", 100)]
    with pytest.raises(InputError):
        bill_contract([c], readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1), rates)


def test_consistent_contracts_pass():
    check_contract(contract())
    check_contract(contract(fta="BTSUPCU4", kva=60, segment="C4", accise_category="sme"))
    check_contract(contract(kva=36, segment="C5", accise_category="household"))


def test_estimated_end_continues_the_last_real_index_of_the_period(rates):
    # real indexes Sep 1 (HPB 1 000 kWh) and Sep 21 (1 200): no index on Oct 1. The estimate
    # starts from Sep 21 at the average of those 20 days (10 kWh a day): 10 days -> 100 kWh,
    # so 300 kWh for September, never an estimate below the real Sep 21 index
    readings = [reading("2025-09-01", [0, 0, 1000, 0]), reading("2025-09-21", [0, 0, 1200, 0])]
    bill = bill_contract([contract()], readings, dt.date(2025, 9, 1), dt.date(2025, 10, 1), rates)
    assert bill.estimated and bill.end_estimated
    assert bill.consumption_wh["HPB"] == 300000
    assert bill.end_index_wh["HPB"] == 1300000


def test_same_day_meter_change_without_codes_or_serials_ordered_by_continuity(rates):
    # An R15 meter change as a new user met it: no serial numbers, no digit count, Motif_Releve
    # CYCL on both same-day readings, the new meter's (12 kWh) listed before the old one's
    # (45 300 kWh). The old meter's removal index is the one that continues Oct 1's 45 000;
    # the new meter's installation index is the one Nov 1's 177 continues: 300 + 165 = 465 kWh,
    # not a falling index (held) nor a roll-over.
    classes = ("BASE",)
    readings = [reading("2025-10-01", 45000, classes, reason="CYCL"),
                reading("2025-10-15", 12, classes, reason="CYCL"),
                reading("2025-10-15", 45300, classes, reason="CYCL"),
                reading("2025-11-01", 177, classes, reason="CYCL")]
    cust = contract(fta="BTINFCUST")
    bill = bill_contract([cust], readings, dt.date(2025, 10, 1), dt.date(2025, 11, 1), rates)
    assert bill.consumption_wh == {"BASE": 465000}
    # the bill's indexes in the order they were read: old meter's removal, then new meter's
    assert [i["BASE"] for _d, _n, i in bill.index_readings] == [45000000, 45300000, 12000,
                                                                177000]
    # TURPE 7 CU (brochure p.18): 4.84 c EUR/kWh x 465 = 22.506 -> 22.51; offer 0.18 -> 83.70;
    # accise 29.98 EUR/MWh x 0.465 = 13.9407 -> 13.94
    amounts = {l.code: l.amount for l in bill.lines}
    assert (amounts["turpe_c_BASE"], amounts["energy_BASE"], amounts["accise"]) == (
        D("22.51"), D("83.70"), D("13.94"))
    # a bill opening on the change day starts from the new meter's index, one closing on it
    # ends on the old meter's
    after = bill_contract([cust], readings, dt.date(2025, 10, 15), dt.date(2025, 11, 1), rates)
    before = bill_contract([cust], readings, dt.date(2025, 10, 1), dt.date(2025, 10, 15), rates)
    assert (before.consumption_wh, after.consumption_wh) == ({"BASE": 300000}, {"BASE": 165000})
    # a falling index with nothing to tell the sides apart is still held, never guessed
    with pytest.raises(ReviewHold):
        bill_contract([cust], [readings[0], readings[3]], dt.date(2025, 10, 1),
                      dt.date(2025, 11, 1), rates)


def test_self_read_index_is_a_measured_index(rates):
    # R15 Nature_Index AUTO-RELEVE (flows: nature "self_read"): an index the customer read on
    # the meter, billed as measured (not replaced by an estimate), its nature kept for the
    # bill's mention of the index (arrêté du 18 avril 2012: nature of the index)
    classes = ("BASE",)
    readings = [reading("2025-11-01", 5000, classes),
                reading("2025-12-01", 5200, classes, nature="self_read")]
    bill = bill_contract([contract(fta="BTINFCUST")], readings, dt.date(2025, 11, 1),
                         dt.date(2025, 12, 1), rates)
    assert not bill.estimated and bill.consumption_wh == {"BASE": 200000}
    assert [n for _d, n, _i in bill.index_readings] == ["real", "self_read"]


def test_month_between_readings_of_other_days_is_prorated(rates):
    # Real histories are read on any day (here the 6th-7th), the bill covers the calendar
    # month: the index of Nov 1 is prorated between the real ones of Oct 7 (5 000 kWh) and
    # Nov 6 (5 300): 300 kWh x 25 / 30 days = 250 -> 5 250 kWh; that of Dec 1 between Nov 6
    # and Dec 6 (5 660): 360 x 25 / 30 = 300 -> 5 600. November: 5 600 - 5 250 = 350 kWh,
    # measured (not estimated: both ends of each stretch are real indexes).
    classes = ("BASE",)
    readings = [reading("2025-10-07", 5000, classes), reading("2025-11-06", 5300, classes),
                reading("2025-12-06", 5660, classes)]
    cust = contract(fta="BTINFCUST")
    bill = bill_contract([cust], readings, dt.date(2025, 11, 1), dt.date(2025, 12, 1), rates)
    assert not bill.estimated and bill.consumption_wh == {"BASE": 350000}
    assert [(d, n, i["BASE"]) for d, n, i in bill.index_readings] == [
        (dt.date(2025, 11, 1), "prorated", 5250000), (dt.date(2025, 11, 6), "real", 5300000),
        (dt.date(2025, 12, 1), "prorated", 5600000)]
    # 350 x 0.18 = 63.00; TURPE CU 4.84 c -> 16.94; accise 29.98 EUR/MWh -> 10.493 -> 10.49
    amounts = {l.code: l.amount for l in bill.lines}
    assert (amounts["energy_BASE"], amounts["turpe_c_BASE"], amounts["accise"]) == (
        D("63.00"), D("16.94"), D("10.49"))
    # December starts where November ended (nothing billed twice or lost); its end has no
    # real index after it: estimated from the last two real ones (360 / 30 x 26 days = 312)
    december = bill_contract([cust], readings, dt.date(2025, 12, 1), dt.date(2026, 1, 1), rates)
    assert december.start_index_wh == bill.end_index_wh and december.estimated
    assert december.consumption_wh == {"BASE": 60000 + 312000}
    # billed as if Dec 6 were not read yet: the end is estimated (300 / 30 x 25 days = 250)
    early = bill_contract([cust], readings, dt.date(2025, 11, 1), dt.date(2025, 12, 1), rates,
                          prorate_end=False)
    assert early.end_estimated and early.consumption_wh == {"BASE": 50000 + 250000}
    with pytest.raises(InputError) as err:  # no real index before Oct 1
        bill_contract([cust], readings, dt.date(2025, 10, 1), dt.date(2025, 11, 1), rates)
    assert err.value.field == "readings"


def test_prorated_index_keeps_each_class_in_its_season(rates):
    # TURPE seasons (brochure p.17: high season November to March): the winter registers HPH
    # and HCH only count from Nov 1, the summer ones HPB and HCB only until Oct 31. Readings
    # Oct 16, Nov 16, Dec 16 (HPH, HCH, HPB, HCB kWh):
    #   Oct 16 -> Nov 16: HPH +150, HCH +60 over the 15 winter days, HPB +160, HCB +80 over
    #   the 16 summer days: Nov 1 index = Oct 16's + 0 winter, + all the summer kWh
    #   = (100, 50, 1160, 580); by plain days HPB would have been 1000 + 160 x 16/31.
    #   Nov 16 -> Dec 16: HPH +150, HCH +60 over 30 winter days: Dec 1 = (325, 140, 1160, 580)
    # November: HPH 225, HCH 90, no summer kWh; TURPE CU4 HPH 7.49 c x 225 = 16.8525 -> 16.85,
    # HCH 3.97 c x 90 = 3.573 -> 3.57; offer BASE 0.18 x 315 = 56.70; accise 0.02998 x 315
    # = 9.4437 -> 9.44
    readings = [reading("2025-10-16", [100, 50, 1000, 500]),
                reading("2025-11-16", [250, 110, 1160, 580]),
                reading("2025-12-16", [400, 170, 1160, 580])]
    cust = contract(offpeak="22:00-06:00")
    bill = bill_contract([cust], readings, dt.date(2025, 11, 1), dt.date(2025, 12, 1), rates)
    assert bill.start_index_wh == {"HPH": 100000, "HCH": 50000, "HPB": 1160000, "HCB": 580000}
    assert bill.consumption_wh == {"HPH": 225000, "HCH": 90000, "HPB": 0, "HCB": 0}
    amounts = {l.code: l.amount for l in bill.lines}
    assert (amounts["turpe_c_HPH"], amounts["turpe_c_HCH"], amounts["energy_BASE"],
            amounts["accise"]) == (D("16.85"), D("3.57"), D("56.70"), D("9.44"))
    assert "turpe_c_HPB" not in amounts


def test_distributor_estimate_between_real_indexes_gives_way_to_the_prorated_index(rates):
    # R15 Nature_Index ESTIME on Nov 1 (5 290 kWh) between real indexes of Oct 1 (5 000) and
    # Dec 1 (5 600): both months are billed on the real 600 kWh prorated by days,
    # 600 x 31 / 61 = 304.918 kWh for October and 295.082 for November (together 600: the
    # same Nov 1 index in both bills), not on the distributor's estimate
    classes = ("BASE",)
    readings = [reading("2025-10-01", 5000, classes),
                reading("2025-11-01", 5290, classes, nature="estimated"),
                reading("2025-12-01", 5600, classes)]
    cust = contract(fta="BTINFCUST")
    october = bill_contract([cust], readings, dt.date(2025, 10, 1), dt.date(2025, 11, 1), rates)
    november = bill_contract([cust], readings, dt.date(2025, 11, 1), dt.date(2025, 12, 1),
                             rates)
    assert (october.consumption_wh, november.consumption_wh) == (
        {"BASE": 304918}, {"BASE": 295082})
    assert not october.estimated and not november.estimated
    assert october.end_index_wh == november.start_index_wh == {"BASE": 5304918}


def test_registers_that_cannot_be_priced_name_the_contract(rates):
    # a BTINFCU4 point (four TURPE classes) whose readings carry a BASE register only
    readings = [reading("2025-11-01", 100, ("BASE",)), reading("2025-12-01", 200, ("BASE",))]
    with pytest.raises(InputError) as err:
        bill_contract([contract()], readings, dt.date(2025, 11, 1), dt.date(2025, 12, 1), rates)
    assert (err.value.record, err.value.field) == ("C1", "time_class")
    assert str(err.value).startswith("record C1, field time_class: cannot price")


def test_the_same_readings_delivered_twice_change_nothing(rates):
    # the same R15 content in two files (or imported again): same bill, each index once
    classes = ("BASE",)
    readings = [reading("2025-10-01", 45000, classes), reading("2025-10-15", 12, classes),
                reading("2025-10-15", 45300, classes), reading("2025-11-01", 177, classes)]
    cust = contract(fta="BTINFCUST")
    once = bill_contract([cust], readings, dt.date(2025, 10, 1), dt.date(2025, 11, 1), rates)
    twice = bill_contract([cust], readings + list(readings), dt.date(2025, 10, 1),
                          dt.date(2025, 11, 1), rates)
    assert twice.lines == once.lines and twice.index_readings == once.index_readings
    assert len(twice.index_readings) == 4
