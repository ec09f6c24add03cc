import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

import enercoop_core.billing
from enercoop_core import flows
from enercoop_core.billing.io import read_contracts
from enercoop_core.billing.network_check import check_network, classify, line_dates
from enercoop_core.billing.readings import from_records
from enercoop_core.tariffs.rates import Rates

DEMO = Path(enercoop_core.billing.__file__).parent / "data" / "demo"
R15 = sorted(str(p) for p in DEMO.glob("R15_*.xml"))
PRM = "30001000000001"  # demo C-0001: BTINFCU4, 6 kVA


def element(item, label, start, end, amount, quantity=None, unit=None, price=None, kva=None):
    parts = ["<Element_Valorise>", "<Id_EV>%s</Id_EV>" % item,
             "<Libelle_EV>%s</Libelle_EV>" % label, "<Date_Debut>%s</Date_Debut>" % start,
             "<Date_Fin>%s</Date_Fin>" % end]
    if quantity is not None:
        parts += ["<Quantite>%s</Quantite>" % quantity,
                  "<Unite_Quantite>%s</Unite_Quantite>" % unit]
    if price is not None:
        parts.append("<Prix_Unitaire>%s</Prix_Unitaire>" % price)
    parts += ["<Montant_HT>%s</Montant_HT>" % amount,
              "<Taux_TVA_Applicable>20</Taux_TVA_Applicable>", "<Categorie>ACHEM</Categorie>"]
    if kva is not None:
        parts += ["<Puissance_Souscrite>%s</Puissance_Souscrite>" % kva,
                  "<Formule_Tarifaire_Acheminement>BTINFCU4</Formule_Tarifaire_Acheminement>"]
    return "".join(parts + ["</Element_Valorise>"])


def valorisation(number, prm, elements, billing_type="CYCL", nature="01"):
    return ("<Donnees_Valorisation><Num_Valorisation>%s</Num_Valorisation>"
            "<Type_Facturation>%s</Type_Facturation><Total_Valorise_HT>0</Total_Valorise_HT>"
            "<Periode_Ante_Migration>false</Periode_Ante_Migration><Donnees_PRM><Id_PRM>%s</Id_PRM>"
            "</Donnees_PRM><Groupe_Valorise><Nature_EV>%s</Nature_EV>%s</Groupe_Valorise>"
            "</Donnees_Valorisation>" % (number, billing_type, prm, nature, "".join(elements)))


def f15(path, valorisations):
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><F15_Detail_Facturation><En_Tete_Flux>'
        "<Identifiant_Flux>F15</Identifiant_Flux><Libelle_Flux>test</Libelle_Flux>"
        "<Version_XSD>4.0.4</Version_XSD><Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>"
        "<Identifiant_Destinataire>COOPDEMO</Identifiant_Destinataire>"
        "<Date_Creation>2025-10-05T05:00:00</Date_Creation></En_Tete_Flux>"
        "<Rappel_En_Tete><Num_Facture>FAC-1</Num_Facture><Date_Facture>2025-10-04</Date_Facture>"
        "<Devise>EUR</Devise></Rappel_En_Tete>%s</F15_Detail_Facturation>" % "".join(valorisations),
        encoding="utf-8")
    return path


@pytest.fixture
def invoice(tmp_path):
    sept = [
        element("ASG-U", "Composante Gestion - Echu", "2025-09-01", "2025-09-30", "1.38", 30,
                "JOUR"),
        element("ASCL-0018-U", "Composante Comptage L 0-18 kVA - Echu", "2025-09-01",
                "2025-09-30", "1.81", 30, "JOUR"),
        element("ASSFCU4-0036-U", "Composante Soutirage CU4 0-36 kVA / Part fixe - Echu",
                "2025-09-01", "2025-09-30", "5.20", 30, "JOUR", kva=6),
        element("ASSVCU4-0036-2", "Composante Soutirage CU4 0-36 kVA / Part variable HPB",
                "2025-09-01", "2025-09-30", "2.99", 180, "KWH", "0.0166"),
        element("ASSVCU4-0036-1", "Composante Soutirage CU4 0-36 kVA / Part variable HCB",
                "2025-09-01", "2025-09-30", "1.10", 95, "KWH", "0.0116"),
    ]
    cancel_aug = [element("ASG-A", "Composante Gestion - Annul", "2025-08-01", "2025-08-31",
                          "1.43", 31, "JOUR")]
    service = [element("F180", "Deplacement vain", "2025-09-12", "2025-09-12", "24.00")]
    stranger = [element("ASG-U", "Composante Gestion - Echu", "2025-09-01", "2025-09-30", "1.38",
                        30, "JOUR")]
    return f15(tmp_path / "F15_test.xml", [
        valorisation("V1", PRM, sept), valorisation("V2", PRM, cancel_aug, "ANNUL"),
        valorisation("V3", PRM, service, "PRESTA", "02"),
        valorisation("V4", "30009999999999", stranger)])


@pytest.mark.parametrize("item, label, expected", [
    ("ASG-U", "Composante Gestion - Echu", ("cg", None)),
    ("ASCGCU-E", "Composante gestion client CU - Echoir", ("cg", None)),
    ("ASCL-0018-U", "Composante Comptage L 0-18 kVA - Echu", ("cc", None)),
    ("ASSFMU4-0036-F", "Composante Soutirage MU4 0-36 kVA / Part fixe - Factu", ("b", None)),
    ("ASSVCU4-0036-4", "Composante Soutirage CU4 0-36 kVA / Part variable HPH", ("c", "HPH")),
    ("ASSVMU4-0036-3-A", "", ("c", "HCH")),  # rank 3 of a four-class option
    ("ASSVMU2-0918-1", "Composante Soutirage MU2 - 9-18 kVA / Part variable HC", ("c", "HC")),
    ("ASSVLU1-0036-1", "Composante Soutirage LU SDT - 0-36 kVA / Part variable", ("c", "BASE")),
    ("CSHPH", "Soutirage HP saison haute", ("c", "HPH")),  # the flows test fixture's codes
    ("VEASHCE", "Composante soutirage HCE", ("c", "HCB")),  # F12 low season wording
    ("FSOUECHU", "Composante soutirage part fixe - Echu", ("b", None)),
])
def test_classify_f15_and_f12_codes(item, label, expected):
    assert classify({"item_id": item, "label": label}) == expected


def test_classify_leaves_non_turpe_lines_out():
    for item in ("F180", "AR_CA", "ASSVCU4ACC-0036-5", "INTERETS_RETARD"):
        component, reason = classify({"item_id": item, "label": "x"})
        assert component is None and reason


def test_line_dates_inclusive_unless_day_count_says_otherwise():
    assert line_dates({"start": "2025-09-01", "end": "2025-09-30", "quantity": "30",
                       "unit": "JOUR"}) == (dt.date(2025, 9, 1), dt.date(2025, 10, 1))
    assert line_dates({"start": "2025-09-01", "end": "2025-10-01", "quantity": "30",
                       "unit": "JOUR"}) == (dt.date(2025, 9, 1), dt.date(2025, 10, 1))
    assert line_dates({"start": "2025-09-12", "end": "2025-09-12"}) == (
        dt.date(2025, 9, 12), dt.date(2025, 9, 13))


def test_check_by_prm_and_component(invoice):
    contracts = read_contracts(DEMO / "contracts.csv")
    readings = from_records(list(flows.parse(R15)))
    run = flows.parse([str(invoice)])
    records = list(run)
    assert not run.rejected
    report = check_network(contracts, records, Rates.load(), dt.date(2025, 9, 1),
                           dt.date(2025, 10, 1), readings)
    got = {c.component: (c.billed, c.expected, c.ok) for c in report.components}
    # engine, September 2025 (30 days, TURPE 7): cg 16.80/365 = 0.04602740 x 30 -> 1.38;
    # cc 22.00/365 = 0.06027397 x 30 -> 1.81; b 10.11 x 6 / 365 = 0.16619178 x 30 -> 4.99
    assert got["cg"] == (D("1.38"), D("1.38"), True)
    assert got["cc"] == (D("1.81"), D("1.81"), True)
    assert got["b"] == (D("5.20"), D("4.99"), False)  # 0.21 EUR over the tolerance
    # energy on the R15 readings: HPB 5000 -> 5180 = 180 kWh x 0.0166 = 2.988 -> 2.99;
    # HCB 3000 -> 3090 = 90 kWh (the operator billed 95) x 0.0116 = 1.044 -> 1.04
    assert got["c_HPB"] == (D("2.99"), D("2.99"), True)
    assert got["c_HCB"] == (D("1.10"), D("1.04"), False)
    hcb = [l for l in report.lines if l.component == "c_HCB"][0]
    assert (hcb.billed_kwh, hcb.expected_kwh, hcb.note) == (D("95"), D("90"), "kWh from readings")
    assert [c.component for c in report.differences] == ["b", "c_HCB"] and not report.ok
    # a TURPE line of a PRM without contract cannot be checked; a service is out of scope
    assert [(r["item_id"], r["prm"], why) for r, why in report.unchecked] == [
        ("ASG-U", "30009999999999", "no contract for PRM 30009999999999")]
    assert [(r["item_id"], r["nature_code"]) for r, _ in report.not_turpe] == [("F180", "02")]
    assert len(report.lines) == 5  # the August cancellation is outside the period


def test_without_readings_energy_is_priced_on_billed_kwh_and_cancellation(invoice):
    contracts = read_contracts(DEMO / "contracts.csv")
    report = check_network(contracts, list(flows.parse([str(invoice)])), Rates.load())
    got = {c.component: c for c in report.components}
    # 95 kWh x 0.0116 = 1.102 -> 1.10: the unit price matches, no difference
    assert (got["c_HCB"].expected, got["c_HCB"].ok) == (D("1.10"), True)
    # cg: September +1.38, August cancelled: written 1.43, read as a credit -1.43; the
    # engine's August: 16.80/365 = 0.04602740 x 31 = 1.4268494 -> 1.43, cancelled -> -1.43
    assert (got["cg"].billed, got["cg"].expected, got["cg"].lines) == (D("-0.05"), D("-0.05"), 2)
    assert "cancellation" in got["cg"].notes
    assert [c.component for c in report.differences] == ["b"]


def test_cli_bill_check(invoice):
    done = subprocess.run(
        [sys.executable, "-m", "enercoop_core", "bill", "check", "--contracts",
         str(DEMO / "contracts.csv"), "--network", str(invoice), "--period", "2025-09",
         "--readings"] + R15 + ["--format", "json"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # differences found
    out = json.loads(done.stdout)
    diffs = {(c["prm"], c["component"]): c["difference"] for c in out["components"] if not c["ok"]}
    assert diffs == {(PRM, "b"): "0.21", (PRM, "c_HCB"): "0.06"}
    text = subprocess.run(
        [sys.executable, "-m", "enercoop_core", "bill", "check", "--contracts",
         str(DEMO / "contracts.csv"), "--network", str(invoice), "--period", "2025-09",
         "--tolerance", "0.25"], capture_output=True, text=True)
    # without readings and with a 0.25 EUR tolerance only the unknown PRM remains: exit 1
    assert text.returncode == 1 and "DIFFERENCE" not in text.stdout
    assert "no contract for PRM 30009999999999" in text.stdout


def test_f12_records_for_a_bt_over_36_kva_point():
    contracts = read_contracts(DEMO / "contracts.csv")  # C-0006: BTSUPCU4, 60 kVA
    common = {"family": "network_invoice_line", "flow": "F12", "category": "network",
              "prm": "30001000000006", "invoice_number": "F12-1", "vat_rate": "20"}
    records = [
        dict(common, item_id="FCGEECHU", label="Composante gestion - Echu",
             nature_code="CGEST", start="2025-09-01", end="2025-09-30", quantity="30",
             unit="JOUR", amount="17.90", debit_credit="Y"),
        dict(common, item_id="VEASHPE", label="Composante soutirage HPE", nature_code="CSV",
             start="2025-09-01", end="2025-09-30", quantity="3000", unit="KWH",
             amount="63.90", debit_credit="Y"),
        dict(common, item_id="VEASHCE", label="Composante soutirage HCE", nature_code="CSV",
             start="2025-09-01", end="2025-09-30", quantity="2000", unit="KWH",
             amount="30.40", debit_credit="Z"),  # a credit: read as -30.40
    ]
    report = check_network(contracts, records, Rates.load())
    got = {c.component: (c.billed, c.expected, c.ok) for c in report.components}
    # cg 217.80 / 365 = 0.59671233 x 30 = 17.9013699 -> 17.90
    assert got["cg"] == (D("17.90"), D("17.90"), True)
    # HPE = HPB for BT > 36 kVA: 3000 kWh x 2.13 c = 63.90
    assert got["c_HPB"] == (D("63.90"), D("63.90"), True)
    # HCE = HCB, credited: 2000 kWh x 1.52 c = 30.40, expected -30.40
    assert got["c_HCB"] == (D("-30.40"), D("-30.40"), True)
    assert report.ok


def test_f12_overrun_duration_checked_against_cmdps_alpha():
    # F12 guide v1.14.2 annexe 7.6.7: VDDE 'Durée de dépassement' (code récapitulatif CMDPS);
    # TURPE 7 brochure p.15: CMDPS = 12.41 EUR x h. 2.5 h -> 31.025 -> 31.03 (half-up)
    contracts = read_contracts(DEMO / "contracts.csv")  # C-0006: BTSUPCU4, 60 kVA
    record = {"family": "network_invoice_line", "flow": "F12", "category": "network",
              "prm": "30001000000006", "invoice_number": "F12-2", "vat_rate": "20",
              "item_id": "VDDE", "label": "Durée de dépassement", "nature_code": "CMDPS",
              "start": "2025-09-01", "end": "2025-09-30", "quantity": "2.5", "unit": "H",
              "amount": "31.03", "debit_credit": "Y"}
    assert classify(record) == ("cmdps", None)
    report = check_network(contracts, [record], Rates.load())
    assert [(c.component, c.billed, c.expected, c.ok) for c in report.components] == [
        ("cmdps", D("31.03"), D("31.03"), True)]
    wrong = check_network(contracts, [dict(record, amount="37.23")], Rates.load())
    assert not wrong.ok and wrong.differences[0].difference == D("6.20")
