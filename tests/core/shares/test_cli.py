import json

import pytest

from enercoop_core.cli import main
from enercoop_core.shares import cli

from .conftest import statutes_dict


def example(text, stop):
    return json.loads(text.split("\n", 1)[1].split(stop)[0])


@pytest.fixture
def files(tmp_path):
    (tmp_path / "ledger.json").write_text(json.dumps(example(cli.LEDGER_EXAMPLE, "ops:")))
    (tmp_path / "assembly.json").write_text(json.dumps(example(cli.VOTE_EXAMPLE, '"ledger" is')))
    return tmp_path


def test_register_of_the_epilog_example(files, capsys):
    assert main(["shares", "register", str(files / "ledger.json")]) == 0
    out = capsys.readouterr().out
    assert "Register of members on 2025-03-02" in out
    assert "SARL Soleil (rep. Jean Dupont)" in out
    assert "Members: 4 current, 1 former" in out
    # 190 A + 2 B + 2 A + 1 A + 1 A = 194 x 100 + 2 x 500 = 20400.00 EUR
    assert "subscribed 20400.00 EUR, paid up 20200.00 EUR, unpaid 200.00 EUR" in out


def test_register_csv_date_and_history(files, capsys):
    assert main(["shares", "register", str(files / "ledger.json"), "--csv",
                 "--date", "2024-05-02"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("number,name,kind,representative,college")
    assert lines[3] == "3,Bob Durand,person,,consumers,2024-05-02,,1,0,100.00,100.00,0.00"
    assert main(["shares", "register", str(files / "ledger.json"), "--member", "3"]) == 0
    out = capsys.readouterr().out
    assert "redeemed 1 A, refund 100.00 EUR due by 2030-01-15 (left)" in out


def test_vote_of_the_epilog_example(files, capsys):
    assert main(["shares", "vote", str(files / "assembly.json")]) == 0
    out = capsys.readouterr().out
    # resolution 1: consumers, founders, employees yes; partners no; producers and local
    # authorities empty: yes = (30 + 10 + 10) / 70, no = 20 / 70
    assert "weighted yes = sum(applied weight x yes share) = 71.43 %; weighted no = 28.57 %" \
        in out
    assert out.count("-> ADOPTED") == 2
    assert "member 1 holds 1 (limit 5)" in out


def test_vote_without_quorum_exits_1(files, capsys):
    data = json.loads((files / "assembly.json").read_text())
    data.update(present=[], postal=[], proxies=[], kind="extraordinary")
    data["resolutions"] = [{"title": "X", "votes": {}}]
    (files / "small.json").write_text(json.dumps(data))
    assert main(["shares", "vote", str(files / "small.json")]) == 1
    assert "quorum not met" in capsys.readouterr().out


def test_moves(files, capsys):
    assert main(["shares", "moves", str(files / "ledger.json")]) == 0
    out = capsys.readouterr().out
    assert "4567   member_refund_payable" in out
    assert "refund to member 3: 100.00 EUR" in out


def test_rule_errors_exit_2_with_the_message(tmp_path, capsys):
    ledger = {"statutes": statutes_dict(), "entries": [
        {"op": "subscription", "date": "2021-01-04", "member": 1, "class": "A",
         "quantity": 1, "new_member": {"name": "Alice"}, "college": "consumers"}]}
    (tmp_path / "bad.json").write_text(json.dumps(ledger))
    assert main(["shares", "register", str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err
    assert "member 1" in err and "rule min_per_member" in err and "entries[0]" in err


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["shares", "vote", "--help"])
    assert "example ASSEMBLY.json" in capsys.readouterr().out
    assert main(["shares"]) == 2
