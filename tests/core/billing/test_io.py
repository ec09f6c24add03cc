"""Bad contracts, readings and offers files: a clear error naming the file, the record and the
field, never a traceback (developers' guide: 'no input crashes the program')."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

import enercoop_core.billing
from enercoop_core.billing.io import read_contracts, read_records
from enercoop_core.errors import InputError
from enercoop_core.tariffs.rates import Rates

DEMO = Path(enercoop_core.billing.__file__).parent / "data" / "demo"
HEADER = "contract_id,prm,fta,kva,offer,company,start,end\n"


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, content, record, field, words", [
    ("c.csv", HEADER + "X,30002000000001,BTINFCU4,6,BASE,coop-idf,2024-13-01,\n", "2", "start",
     "not an ISO date"),
    ("c.csv", HEADER + "X,30002000000001,BTINFCU4,6,BASE,coop-idf,2024-01-01,2023-01-01\n",
     "2", "end", "must be after start"),
    ("c.csv", HEADER + "X,30002000000001,BTINFCU4,6,BASE,coop-idf,2024-01-01,,extra\n", "2",
     None, "more cells than header columns"),
    ("c.csv", HEADER + "X,30002000000001,BTINFCU4,6.5,BASE,coop-idf,2024-01-01,\n", "2",
     "kva", "not a whole number"),  # never truncated to 6 kVA
    ("c.csv", HEADER + "X,30002000000001,BTINFCU4,6,BASE,coop-idf,2024-01-01,\n"
     "X,30002000000001,BTINFCU4,9,BASE,coop-idf,2025-01-01,\n", "3", "start", "overlaps"),
    ("c.csv", b"\xff\xfe" + HEADER.encode(), None, None, "not UTF-8"),
    ("c.json", "[1, 2]", "1", None, "not an object"),
    ("c.json", '[{"contract_id": "X",', None, None, "not valid JSON"),
])
def test_bad_contracts_file_names_file_record_and_field(tmp_path, name, content, record, field,
                                                        words):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError) as err:
        read_contracts(path)
    assert err.value.file == name and err.value.record == record
    assert err.value.field == field and words in err.value.message


def test_missing_files_are_input_errors(tmp_path):
    with pytest.raises(InputError) as err:
        read_contracts(tmp_path / "none.csv")
    assert "none.csv" in str(err.value) and "cannot read" in str(err.value)
    with pytest.raises(InputError) as err:
        Rates.load(tmp_path / "offers.csv")
    assert "offers.csv" in str(err.value)


def test_offers_value_must_be_a_number(tmp_path):
    path = write(tmp_path, "offers.csv", (
        "valid_from,valid_to,company,offer,component,kva,time_class,value,unit,source,status\n"
        "2025-08-01,,coop-idf,BASE,subscription,6,,12,60,EUR/month,board,adopted\n"))
    with pytest.raises(InputError) as err:  # a decimal comma shifted the columns
        Rates.load(path)
    assert (err.value.file, err.value.record) == ("offers.csv", "2")
    assert "more cells than header columns" in err.value.message
    path.write_text(path.read_text(encoding="utf-8").replace("12,60", "12.6O"),
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        Rates.load(path)
    assert (err.value.file, err.value.record, err.value.field) == ("offers.csv", "2", "value")


def test_bad_json_readings_are_rejected_naming_the_file(tmp_path):
    rejected = []
    broken = write(tmp_path, "r.json", '[{"prm": 1')
    lines = write(tmp_path, "r.jsonl", '{"prm": "1"}\n[3]\n')
    assert read_records([str(broken), str(lines)], rejected) == []
    assert [(e.file, e.record) for _r, e in rejected] == [("r.json", None), ("r.jsonl", "2")]


def test_cli_never_shows_a_traceback(tmp_path):
    contracts = write(tmp_path, "c.json", "[1]")
    done = subprocess.run([sys.executable, "-m", "enercoop_core", "bill", "--contracts",
                           str(contracts), "--offers", str(DEMO / "offers.csv"), "--readings",
                           str(write(tmp_path, "r.json", "{")), "--period", "2025-10"],
                          capture_output=True, text=True)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "c.json, record 1: not an object" in done.stderr
    done = subprocess.run([sys.executable, "-m", "enercoop_core", "bill", "--contracts",
                           str(DEMO / "contracts.csv"), "--offers", str(DEMO / "offers.csv"),
                           "--readings", str(write(tmp_path, "r.json", json.dumps([{}]))),
                           "--period", "2025-10"], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
