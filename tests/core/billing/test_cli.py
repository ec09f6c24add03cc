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
