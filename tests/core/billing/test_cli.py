import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import enercoop_core.billing

DEMO = Path(enercoop_core.billing.__file__).parent / "data" / "demo"


def run(*args):
    return subprocess.run([sys.executable, "-m", "enercoop_core"] + list(args),
                          capture_output=True, text=True)


def test_bill_json_and_missing_rate_reported():
    done = run("bill", "--contracts", str(DEMO / "contracts.csv"), "--offers",
               str(DEMO / "offers.csv"), "--readings", str(DEMO / "readings.json"),
               "--period", "2025-09", "--format", "json")
    bills = json.loads(done.stdout)
    by_id = {b["contract_id"]: b for b in bills}
    assert set(by_id) == {"C-0001", "C-0002", "C-0003", "C-0004", "C-0005"}
    # LU with a roll-over: 99 800 -> 99 990 kWh in September = 190 kWh
    assert by_id["C-0003"]["consumption_wh"] == {"BASE": 190000}
    for bill in bills:
        assert sum(Decimal(l["amount"]) for l in bill["lines"]) == sum(
            Decimal(v["base"]) for v in bill["vat"]) == Decimal(bill["total_excl_vat"])
    # the BT > 36 kVA point has no accise rate: reported, exit status 1
    assert done.returncode == 1 and "C-0006" in done.stderr and "accise.csv" in done.stderr


def test_demo_runs():
    done = run("demo")
    assert done.returncode == 0
    assert "true-up of 2025-10" in done.stdout and "estimated" in done.stdout
