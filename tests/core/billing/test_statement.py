"""What a bill must tell a household (statement.py, data/bill_content.json).

Texts: Code de la consommation art. L224-7 (3° network operator's details, 4° subscribed power
and metering) and L224-12; arrêté du 18 avril 2012 relatif aux factures de fourniture
d'électricité ou de gaz naturel (art. 1: with staggered payments, a bill and a payment schedule
at least once a year; art. 13 payment methods; art. 14 overpayments below 25 EUR carried to the
next bill, from 25 EUR refunded within 15 days); Enedis dépannage 09 72 67 50 + the 2-digit
département; médiateur national de l'énergie, Libre réponse n° 59252, 75443 Paris Cedex 09
(service-public.fr F20820).

The September 2025 bill is the engine's hand-worked case (tests/core/billing/test_engine.py):
BTINFCU4 6 kVA, offer BASE (example grid), 300 kWh (HPB 200, HCB 100).
"""
import datetime as dt
import json
from decimal import Decimal as D

import pytest

from enercoop_core.billing.engine import bill_contract
from enercoop_core.billing.model import Contract
from enercoop_core.billing.readings import Reading, Register
from enercoop_core.billing.schedule import close_schedule, make_schedule
from enercoop_core.billing.statement import (
    Supplier,
    bill_content,
    departement,
    emergency_number,
    statement,
)
from enercoop_core.errors import InputError

PRM = "12345678901234"
SUPPLIER = Supplier(
    name="Coopérative d'exemple", address="1 rue de l'Exemple, 75011 Paris",
    customer_service="01 00 00 00 00, www.example.coop",
    payment_methods=("prélèvement SEPA", "chèque", "espèces (mandat compte)"),
    energy_origin="100 % renouvelable : hydraulique 70 %, éolien 20 %, solaire 10 %",
    self_reading="index relevé chaque jour par le compteur Linky ; prochaine facture vers le "
                 "5 du mois suivant")
ISSUED = dt.date(2025, 10, 3)
DUE = dt.date(2025, 10, 18)


def contract(**kw):
    return Contract("C1", PRM, "BTINFCU4", 6, "BASE", dt.date(2023, 8, 1), company="coop-idf",
                    customer="Alice Martin", **kw)


def reading(day, hpb, hcb, nature="real"):
    """Indexes in kWh; no winter consumption in these summer months."""
    return Reading(PRM, day, nature, tuple(
        Register("distributor", c, "withdrawal", kwh * 1000)
        for c, kwh in (("HPH", 0), ("HCH", 0), ("HPB", hpb), ("HCB", hcb))))


READINGS = [reading(dt.date(2025, 8, 1), 800, 400), reading(dt.date(2025, 9, 1), 1000, 500),
            reading(dt.date(2025, 10, 1), 1200, 600)]


@pytest.fixture()
def september(rates):
    return bill_contract([contract()], READINGS, dt.date(2025, 9, 1), dt.date(2025, 10, 1), rates)


@pytest.fixture()
def august(rates):
    return bill_contract([contract()], READINGS, dt.date(2025, 8, 1), dt.date(2025, 9, 1), rates)


def make(bill, **kw):
    args = dict(versions=[contract()], supplier=SUPPLIER, delivery_postcode="75011",
                issued=ISSUED, due_date=DUE, bill_number="F-2025-0042", readings=READINGS,
                offer_names={"BASE": "Offre Base 100 % renouvelable"})
    args.update(kw)
    return statement(bill, **args)


def test_the_data_cites_a_text_for_every_item():
    content = bill_content()
    keys = [item["key"] for item in content["items"]]
    assert len(keys) == len(set(keys))
    for item in content["items"]:
        assert ("arrêté du 18 avril 2012" in item["source"] or "Code de" in item["source"]), \
            item["key"]
        assert item["status"]
    # the items the brief and the texts ask for are all there
    assert {"offer", "prm", "tariff_option", "subscribed_power", "period", "indexes",
            "consumption", "amounts", "history", "amount_due", "instalments_paid",
            "distributor", "ombudsman", "estimate_basis", "payment_schedule",
            "overpayment"} <= set(keys)
    assert content["overpayment"]["refund_from_eur"] == "25"


def test_emergency_number_is_the_enedis_number_of_the_departement():
    assert emergency_number("75011") == "09 72 67 50 75"
    assert emergency_number("44000") == "09 72 67 50 44"  # Nantes, selectra.info's example
    assert emergency_number("01000") == "09 72 67 50 01"
    assert departement("31000") == "31"
    for bad in ("7501", "20000", "97400", ""):
        with pytest.raises(InputError) as err:
            emergency_number(bad)
        assert err.value.field == "delivery_postcode"
    with pytest.raises(InputError):
        emergency_number("75011", distributor="unknown-eld")


def test_a_monthly_bill_shows_every_required_item_hand_worked(september, august):
    st = make(september, history=[august])
    assert st.complete, st.missing
    assert [m.key for m in st.mentions] == [i["key"] for i in bill_content()["items"]]
    assert st["offer"] == "Offre Base 100 % renouvelable"
    assert st["prm"] == PRM and st["subscribed_power"] == 6
    assert st["tariff_option"] == {"fta": "BTINFCU4", "time_classes": ["HCB", "HCH", "HPB", "HPH"],
                                   "priced_classes": ["BASE"]}
    assert st["period"] == {"start": dt.date(2025, 9, 1), "end": dt.date(2025, 10, 1), "days": 30}
    hpb = [i for i in st["indexes"] if i.time_class == "HPB"][0]
    assert (hpb.start_date, hpb.start_kwh, hpb.start_nature) == (dt.date(2025, 9, 1), D("1000"),
                                                                 "real")
    assert (hpb.end_date, hpb.end_kwh, hpb.end_nature) == (dt.date(2025, 10, 1), D("1200"), "real")
    assert st["consumption"]["HPB"] == D("200") and st["consumption"]["HCB"] == D("100")
    amounts = st["amounts"]
    # supply = subscription 13.00 + energy 300 x 0.18 = 54.00 -> 67.00
    assert amounts["supply"] == D("67.00")
    # network = cg 1.38 + cc 1.81 + b 4.99 + c HPB 3.32 + c HCB 1.16 = 12.66
    assert amounts["network"] == D("12.66")
    # CTA 8.17 x 21.93 % = 1.79; accise 300 kWh x 29.98 EUR/MWh = 8.99; VAT 20 % of 90.44
    assert (amounts["cta"], amounts["accise"]) == (D("1.79"), D("8.99"))
    assert amounts["vat"] == {D("20"): D("18.09")} and amounts["other"] == {}
    assert amounts["supply"] + amounts["network"] + amounts["cta"] + amounts["accise"] \
        == amounts["total_excl_vat"] == D("90.44")
    assert st["amount_due"] == {"amount": D("108.53"), "due_date": DUE}
    # history: August 2025, 200 + 100 kWh, real
    (past,) = st["history"]
    assert (past.period_start, past.kwh, past.estimated) == (dt.date(2025, 8, 1), D("300"), False)
    assert st["distributor"]["emergency_phone"] == "09 72 67 50 75"
    assert "Libre réponse n° 59252, 75443 Paris Cedex 09" in st["ombudsman"]["postal_address"]
    assert st["ombudsman"]["website"] == "www.energie-mediateur.fr"
    assert st["regulated"].startswith("prix non réglementés")
    data = json.loads(json.dumps(st.as_dict()))  # plain data, for a PDF or an Odoo report
    assert data["mentions"][0]["label_fr"].startswith("Fournisseur")
    assert {m["key"]: m["value"] for m in data["mentions"]}["amount_due"] == {
        "amount": "108.53", "due_date": "2025-10-18"}
    # not on instalments, not estimated, no credit: those items are not required
    required = {m.key for m in st.mentions if m.required}
    assert not {"instalments_paid", "payment_schedule", "estimate_basis", "overpayment"} & required


def test_missing_particulars_are_reported_never_dropped(september):
    st = make(september, supplier=Supplier("", "", ""), bill_number="", due_date=None)
    assert set(st.missing) == {"supplier", "bill_number", "amount_due", "payment_methods",
                               "energy_origin", "self_reading"}
    with pytest.raises(InputError) as err:
        make(september, bill_number="", strict=True)
    assert err.value.field == "bill_number" and err.value.record == "C1"


def test_an_estimated_bill_states_its_basis_and_the_nature_of_its_index(rates, september):
    october = bill_contract([contract()], READINGS, dt.date(2025, 10, 1), dt.date(2025, 11, 1),
                            rates)
    assert october.end_estimated
    st = make(october, history=[september])
    assert "estimate_basis" in {m.key for m in st.mentions if m.required}
    assert "daily average between the last two real readings" in st["estimate_basis"]
    hpb = [i for i in st["indexes"] if i.time_class == "HPB"][0]
    assert (hpb.start_nature, hpb.end_nature) == ("real", "estimated")
    # the estimate: Sept. daily average 200 kWh / 30 days x 31 days = 206.666 -> 206.666 kWh
    assert st["consumption"]["HPB"] == D("206.666")
    assert st.complete


def test_a_final_bill_on_instalments_shows_the_instalments_and_the_refund(rates):
    readings = [reading(dt.date(2024, 8, 1), 0, 0), reading(dt.date(2025, 8, 1), 2400, 1200)]
    sched = make_schedule([contract()], readings, dt.date(2025, 8, 1), rates,
                          first_due=dt.date(2025, 8, 5))
    move_out = dt.date(2025, 10, 17)
    readings.append(reading(move_out, 2500, 1250))  # only 150 kWh before leaving
    final = close_schedule(sched, [contract()], move_out, readings, rates)
    st = make(final.bill, settlement=final, schedule=sched, readings=readings, due_date=None)
    assert st.complete, st.missing
    paid = st["instalments_paid"]
    assert [p[1] for p in paid] == [dt.date(2025, 8, 5), dt.date(2025, 9, 5), dt.date(2025, 10, 5)]
    assert st["amount_due"]["amount"] == final.balance < 0
    assert st["amount_due"]["due_date"] is None
    # a credit: refunded (final bill), within 15 days (arrêté du 18 avril 2012 art. 14)
    assert st["overpayment"] == {"amount": -final.balance, "action": "refund",
                                 "refund_within_days": 15}
    assert len(st["payment_schedule"]) == 12


def test_the_true_up_is_the_yearly_bill_with_its_summary(rates):
    def four(day, hph, hch, hpb, hcb):
        return Reading(PRM, day, "real", tuple(
            Register("distributor", c, "withdrawal", kwh * 1000)
            for c, kwh in (("HPH", hph), ("HCH", hch), ("HPB", hpb), ("HCB", hcb))))
    from enercoop_core.billing.schedule import true_up
    readings = [four(dt.date(2024, 8, 1), 0, 0, 0, 0),
                four(dt.date(2025, 8, 1), 1200, 800, 1000, 600),
                four(dt.date(2026, 8, 1), 2700, 1700, 2000, 1200)]
    sched = make_schedule([contract()], readings, dt.date(2025, 8, 1), rates,
                          first_due=dt.date(2025, 8, 5))
    settled = true_up(sched, [contract()], readings, rates, due_date=dt.date(2026, 8, 20),
                      next_priced_on=dt.date(2026, 7, 31))
    st = make(settled.bill, settlement=settled, readings=readings, due_date=dt.date(2026, 8, 20))
    assert st.complete, st.missing
    assert "yearly_summary" in {m.key for m in st.mentions if m.required}
    # the year of test_schedule.py's true-up (4000 kWh, total 1544.57): subscription 156.00 +
    # cg 16.80 + cc 22.00 + b 60.66 = 255.46; energy 720.00 + TURPE energy 171.64 = 891.64;
    # CTA 11.00 + 7.40 + accise 60.45 + 61.19 = 140.04; nothing else
    assert st["yearly_summary"] == {
        "subscription_excl_vat": D("255.46"), "consumption_excl_vat": D("891.64"),
        "options_excl_vat": D("0.00"), "taxes_excl_vat": D("140.04"),
        "total_incl_vat": D("1544.57")}
    # 12 x 117.84 = 1414.08 paid; 1544.57 - 1414.08 = 130.49 due; the next schedule is shown
    assert st["amount_due"] == {"amount": D("130.49"), "due_date": dt.date(2026, 8, 20)}
    assert len(st["instalments_paid"]) == 12
    assert st["payment_schedule"][0] == (1, dt.date(2026, 8, 5), D("128.54"))
