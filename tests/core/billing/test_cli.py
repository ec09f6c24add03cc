import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import enercoop_core.billing

DEMO = Path(enercoop_core.billing.__file__).parent / "data" / "demo"
FLOWS = sorted(str(p) for p in DEMO.glob("R1*.xml"))


def run(*args):
    return subprocess.run([sys.executable, "-m", "enercoop_core"] + list(args),
                          capture_output=True, text=True)


def test_bill_from_r15_and_r171_xml_through_flows():
    done = run("bill", "--contracts", str(DEMO / "contracts.csv"), "--offers",
               str(DEMO / "offers.csv"), "--readings", *FLOWS, "--period", "2025-09",
               "--format", "json")
    assert done.returncode == 0, done.stderr
    by_id = {b["contract_id"]: b for b in json.loads(done.stdout)}
    assert set(by_id) == {"C-0001", "C-0002", "C-0003", "C-0004", "C-0005", "C-0006"}
    # LU with a roll-over in the R15 files: 99 800 -> 99 990 kWh in September = 190 kWh
    assert by_id["C-0003"]["consumption_wh"] == {"BASE": 190000}
    # the BT > 36 kVA point's indexes come from the R171 file (Wh): HPB 93 000 000 - 90 000 000
    assert by_id["C-0006"]["consumption_wh"] == {"HPH": 0, "HCH": 0, "HPB": 3000000,
                                                 "HCB": 2000000}
    # distributor registers are preferred to the supplier's HP/HC ones (MU4: four classes)
    assert set(by_id["C-0002"]["consumption_wh"]) == {"HPH", "HCH", "HPB", "HCB"}
    for bill in by_id.values():
        assert sum(Decimal(l["amount"]) for l in bill["lines"]) == sum(
            Decimal(v["base"]) for v in bill["vat"]) == Decimal(bill["total_excl_vat"])


def test_bill_reports_rejected_flow_and_missing_reading(tmp_path):
    bad = tmp_path / "R15_bad.xml"
    bad.write_text("<R15><En_Tete_Flux><Identifiant_Flux>R15</Identifiant_Flux>",
                   encoding="utf-8")
    done = run("bill", "--contracts", str(DEMO / "contracts.csv"), "--offers",
               str(DEMO / "offers.csv"), "--readings", FLOWS[0], str(bad),
               "--period", "2025-09")
    # only the 2025-09-01 file: no index on 2025-10-01 and no history -> estimated from
    # annual_kwh; the truncated file is a rejection naming it, exit status 1
    assert done.returncode == 1
    assert "R15_bad.xml" in done.stderr and "ESTIMATED" in done.stdout


def test_bill_without_required_options_is_a_usage_error():
    done = run("bill", "--period", "2025-09")
    assert done.returncode == 2 and "--contracts" in done.stderr


def test_demo_runs_flows_to_bills_and_purchases():
    done = run("demo")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 flow files (R15 2.3.2, R171 1.2.0) -> 31 index readings, 0 rejected" in done.stdout
    assert "true-up of 2025-10" in done.stdout and "estimated" in done.stdout
    assert "P-0002" in done.stdout and "art. 293 B" in done.stdout
    assert "18 bills, 6 purchase invoices, 0 problems" in done.stdout


def _files(tmp_path, readings):
    contracts = tmp_path / "contracts.csv"
    contracts.write_text("contract_id,prm,fta,kva,offer,company,start\n"
                         "C1,12345678901234,BTINFCU4,6,BASE,coop-idf,2025-08-01\n",
                         encoding="utf-8")
    records = tmp_path / "readings.json"
    records.write_text(json.dumps([
        {"family": "index_reading", "prm": "12345678901234", "date": day, "nature": "real",
         "key": day, "registers": [{"time_class": c, "measure_class": "1", "value": v,
                                    "unit": "kWh"} for c, v in zip(("HPH", "HCH", "HPB", "HCB"),
                                                                   values)]}
        for day, values in readings]), encoding="utf-8")
    return ["--contracts", str(contracts), "--offers", str(DEMO / "offers.csv"),
            "--readings", str(records)]


def test_bill_any_period_from_to(tmp_path):
    # a move-out on 2025-10-17: --from 2025-09-01 --to 2025-10-16 (last day included)
    files = _files(tmp_path, [("2025-09-01", (0, 0, 1000, 0)), ("2025-10-17", (0, 0, 1460, 0))])
    done = run("bill", *files, "--from", "2025-09-01", "--to", "2025-10-16", "--format", "json")
    assert done.returncode == 0, done.stderr
    (bill,) = json.loads(done.stdout)
    assert (bill["period_start"], bill["period_end"]) == ("2025-09-01", "2025-10-17")
    lines = {}
    for line in bill["lines"]:
        lines.setdefault(line["code"], []).append(line)
    # demo offer 13.00 EUR/month: September 13.00/30 = 0.43333333 x 30 = 12.9999999 -> 13.00,
    # October 13.00/31 = 0.41935484 x 16 = 6.70967744 -> 6.71
    assert [l["amount"] for l in lines["subscription"]] == ["13.00", "6.71"]
    # 460 kWh x 0.1800 = 82.80; TURPE 7 CU4 HPB 1.66 c: 7.636 -> 7.64; accise 29.98 -> 13.79
    assert [l["amount"] for l in lines["energy_BASE"]] == ["82.80"]
    assert [l["amount"] for l in lines["turpe_c_HPB"]] == ["7.64"]
    assert [l["amount"] for l in lines["accise"]] == ["13.79"]


def test_bill_period_options_are_checked(tmp_path):
    files = _files(tmp_path, [("2025-09-01", (0, 0, 1000, 0)), ("2025-10-01", (0, 0, 1100, 0))])
    both = run("bill", *files, "--period", "2025-09", "--from", "2025-09-01", "--to", "2025-09-30")
    assert both.returncode != 0 and "either --period or --from/--to" in both.stderr
    half = run("bill", *files, "--from", "2025-09-01")
    assert half.returncode != 0 and "--to" in half.stderr
    bad = run("bill", *files, "--from", "2025-09-01", "--to", "30/09/2025")
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr


def test_bill_held_for_review_is_not_written(tmp_path):
    # an index going down with no digit count: held with its reason, exit status 1
    files = _files(tmp_path, [("2025-09-01", (0, 0, 20000, 0)), ("2025-10-01", (0, 0, 165, 0))])
    done = run("bill", *files, "--period", "2025-09", "--format", "json")
    assert done.returncode == 1
    assert json.loads(done.stdout) == []
    assert "held for review: C1:" in done.stderr and "no dial digit count" in done.stderr


R15_HEAD = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<R15><En_Tete_Flux>"
            "<Identifiant_Flux>R15</Identifiant_Flux><Libelle_Flux>R15</Libelle_Flux>"
            "<Version_XSD>2.3.2</Version_XSD><Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>"
            "<Identifiant_Destinataire>COOP01</Identifiant_Destinataire>"
            "<Date_Creation>2025-11-02T04:10:00</Date_Creation>"
            "<Nature_Contrat>GRD-F</Nature_Contrat></En_Tete_Flux>")


def r15_base_readings(prm, readings):
    """An R15 document: BASE indexes ``[(id, day, kWh)]`` of one PRM, Motif_Releve CYCL, no
    serial number, no digit count (distributor and supplier registers)."""
    out = [R15_HEAD, "<PRM><Id_PRM>%s</Id_PRM>" % prm]
    for ident, day, kwh in readings:
        out.append("<Donnees_Releve><Id_Releve>%s</Id_Releve><Date_Releve>%sT00:00:00"
                   "</Date_Releve><Type_Compteur>CCB</Type_Compteur><Statut_Releve>INITIAL"
                   "</Statut_Releve><Motif_Releve>CYCL</Motif_Releve><Nature_Index>REEL"
                   "</Nature_Index>" % (ident, day))
        for tag in ("Classe_Temporelle_Distributeur", "Classe_Temporelle"):
            out.append("<%s><Id_Classe_Temporelle>BASE</Id_Classe_Temporelle>"
                       "<Libelle_Classe_Temporelle>Base</Libelle_Classe_Temporelle>"
                       "<Classe_Mesure>1</Classe_Mesure><Unite_Mesure>kWh</Unite_Mesure>"
                       "<Sens_Mesure>0</Sens_Mesure><Valeur>%d</Valeur></%s>" % (tag, kwh, tag))
        out.append("</Donnees_Releve>")
    return "".join(out) + "</PRM></R15>\n"


def test_r15_meter_change_without_serials_and_readings_of_any_day(tmp_path):
    # Real R15 history of a BTINFCUST 6 kVA household: read on the 7th; the meter changed on
    # Oct 15 with no serial numbers, the new meter's index (12 kWh) listed first. October
    # 2025 through the CLI: Oct 1 prorated between Sep 7 (44 700) and Oct 7 (45 000): 300 x
    # 24 / 30 = 240 -> 44 940; Oct 7 -> 15: 300 kWh on the old meter (45 300); new meter
    # 12 -> 177 on Nov 7, Nov 1 prorated: 165 x 17 / 23 = 121.956 -> 133.956. October:
    # 60 + 300 + 121.956 = 481.956 kWh; energy 0.18 -> 86.75, TURPE CU 4.84 c -> 23.33
    # (23.3267), accise 29.98 EUR/MWh -> 14.45 (14.4490)
    prm = "30002000000004"
    contracts = tmp_path / "contracts.csv"
    contracts.write_text("contract_id,prm,fta,kva,offer,company,start\n"
                         "MC,%s,BTINFCUST,6,BASE,coop-idf,2024-01-01\n" % prm, encoding="utf-8")
    flow = tmp_path / "R15_history.xml"
    flow.write_text(r15_base_readings(prm, [
        ("x0", "2025-09-07", 44700), ("x1", "2025-10-07", 45000), ("x3", "2025-10-15", 12),
        ("x2", "2025-10-15", 45300), ("x4", "2025-11-07", 177)]), encoding="utf-8")
    done = run("bill", "--contracts", str(contracts), "--offers", str(DEMO / "offers.csv"),
               "--readings", str(flow), "--period", "2025-10", "--format", "json")
    assert done.returncode == 0, done.stderr
    (bill,) = json.loads(done.stdout)
    assert bill["consumption_wh"] == {"BASE": 481956} and not bill["estimated"]
    amounts = {l["code"]: l["amount"] for l in bill["lines"]}
    assert (amounts["energy_BASE"], amounts["turpe_c_BASE"], amounts["accise"]) == (
        "86.75", "23.33", "14.45")
