from __future__ import annotations

import csv
import datetime as dt
import json
import sys

import pytest

from enercoop_core.balancing.grid import local_label, month_grid
from enercoop_core.cli import main

from ..flows.builders import r50
from .builders import coefficients_csv

MARCH = month_grid("2025-03")  # 1486 half-hours (spring change on the 30th)


def write_curves(path, curves):
    """curves: [(prm, direction or None, watts)] constant over March 2025."""
    with open(str(path), "w", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["prm", "direction", "instant", "value_w", "quality"])
        for prm, direction, watts in curves:
            for end in MARCH.ends.tolist():
                writer.writerow([prm, direction or "", local_label(end), watts, 0])
    return str(path)


@pytest.fixture
def files(tmp_path):
    curves = write_curves(tmp_path / "curves.csv", [("C1", None, 1000), ("C2", None, 200),
                                                   ("P2", "injection", 300)])
    production = write_curves(tmp_path / "production.csv", [("P1", None, 1200)])
    producers = tmp_path / "producers.csv"
    producers.write_text("prm,name,technology\nP1,Moulin de la Dore,hydro\n"
                         "P2,Parc de Bégawatts,wind\n", encoding="utf-8")
    return {"curves": curves, "production": production, "producers": str(producers),
            "tmp": tmp_path}


def test_json_summary_and_proof(files, capsys):
    proof = files["tmp"] / "proof.csv"
    code = main(["balance", "--curves", files["curves"], "--production", files["production"],
                 "--producers", files["producers"], "--period", "2025-03", "--format", "json",
                 "--matching", str(proof)])
    out = capsys.readouterr()
    assert code == 0, out.err
    data = json.loads(out.out)
    summary = data["summary"]
    # per half-hour: consumption 500 + 100 = 600 Wh, production 600 + 150 = 750 Wh
    assert summary["slots"] == 1486
    assert summary["consumption_wh"] == 600 * 1486
    assert summary["production_wh"] == 750 * 1486
    assert summary["balance_wh"] == 150 * 1486
    assert summary["coverage_ratio"] == 1.0 and summary["surplus_hours"] == 743.0
    assert summary["start"] == "2025-03-01T00:00:00+01:00"
    # M = 600; A(P1,C1) = 600 x 600/750 x 500/600 = 400 Wh per half-hour, and so on
    allocated = {(r["producer_prm"], r["consumer_prm"]): r["allocated_wh"]
                 for r in data["matching"]}
    assert allocated == {("P1", "C1"): 400 * 1486, ("P1", "C2"): 80 * 1486,
                         ("P2", "C1"): 100 * 1486, ("P2", "C2"): 20 * 1486}
    assert data["coverage"]["C2"]["share"] == 1.0
    with open(str(proof), encoding="utf-8") as handle:
        rows = {(r["producer_prm"], r["consumer_prm"]): r for r in csv.DictReader(handle)}
    assert rows["P1", "C1"]["producer"] == "Moulin de la Dore"
    assert rows["P1", "C1"]["period"] == "2025-03"
    assert rows["P2", "C2"]["allocated_wh"] == str(20 * 1486)
    assert data["problems"] == []


def test_csv_is_half_hourly(files, capsys):
    assert main(["balance", "--curves", files["curves"], "--production", files["production"],
                 "--period", "2025-03", "--format", "csv"]) == 0
    rows = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert rows[0] == ["instant_end", "consumption_wh", "production_wh", "balance_wh"]
    assert len(rows) == 1 + 1486
    assert rows[1] == ["2025-03-01T00:30:00+01:00", "600.0", "750.0", "150.0"]


def test_text_with_profiled_consumers_and_plot(files, capsys):
    coefficients = coefficients_csv(files["tmp"] / "coef.csv", "RES1_BASE", dt.date(2025, 1, 1),
                                    dt.date(2026, 1, 1))
    profiled = files["tmp"] / "profiled.csv"
    profiled.write_text("prm;sub_profile;energy_kwh;basis\nX1;RES1_BASE;3650;annual\n")
    args = ["balance", "--curves", files["curves"], "--production", files["production"],
            "--producers", files["producers"], "--profiles", str(coefficients),
            "--profiled", str(profiled), "--period", "2025-03"]
    try:
        import matplotlib  # noqa: F401
        args += ["--plot", str(files["tmp"] / "b.png")]
    except ImportError:
        pass
    assert main(args) == 0
    out = capsys.readouterr().out
    # 3650 kWh a year, flat half-hourly profile over 2025 (17520 half-hours): March has
    # 1486 of them, so 3650 x 1486 / 17520 = 309.58 kWh; 891.6 + 309.6 = 1201.2 kWh
    assert "consumption   1 201.2 kWh" in out, out
    # 600 + 3650000 / 17520 = 808.3 Wh consumed against 750 produced every half-hour
    assert "deficit 86.7 kWh over 743.0 h" in out
    assert "consumers 3, producers 2" in out
    assert "Moulin de la Dore" in out
    if "--plot" in args:
        assert (files["tmp"] / "b.png").stat().st_size > 0


def test_r50_curve_of_one_day_is_reported_incomplete(tmp_path, capsys):
    flow = tmp_path / "R50.xml"
    flow.write_bytes(r50([("01234567890123", [dt.date(2025, 3, 30)])]))
    code = main(["balance", "--curves", str(flow), "--period", "2025-03", "--format", "json"])
    out = capsys.readouterr()
    assert code == 1
    data = json.loads(out.out)
    # 46 points of rank x 10 W, half an hour each: 10 x 0.5 x (46 x 47 / 2) = 5405 Wh
    assert data["summary"]["consumption_wh"] == 5405
    assert "01234567890123: %d half-hour(s)" % (1486 - 46) in out.err


def test_bad_input_exits_2(files, capsys):
    assert main(["balance", "--curves", files["curves"], "--period", "March"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert main(["balance", "--curves", files["curves"], "--period", "2025-03",
                 "--profiled", files["producers"]]) == 2


def test_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["balance", "--help"])
    assert "example:" in capsys.readouterr().out


def run_json(files, capsys, *more):
    code = main(["balance", "--curves", files["curves"], "--production", files["production"],
                 "--producers", files["producers"], "--period", "2025-03", "--format", "json"]
                + list(more))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_partitions_give_the_same_report(files, capsys):
    one = run_json(files, capsys, "--partitions", "1")
    assert run_json(files, capsys, "--partitions", "7") == one
    assert run_json(files, capsys) == one  # the default
    assert one["summary"]["consumption_wh"] == 600 * 1486


def test_bad_partitions_exit_2(files, capsys):
    assert main(["balance", "--curves", files["curves"], "--period", "2025-03",
                 "--partitions", "0"]) == 2
    assert "--partitions" in capsys.readouterr().err


def test_scheduler_without_dask_names_the_extra(files, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)  # import dask -> ImportError
    assert main(["balance", "--curves", files["curves"], "--period", "2025-03",
                 "--scheduler", "local"]) == 2
    assert "enercoop-core[dask]" in capsys.readouterr().err


def test_scheduler_local_cluster_gives_the_same_report(files, capsys):
    pytest.importorskip("distributed")
    serial = run_json(files, capsys, "--partitions", "3")
    assert run_json(files, capsys, "--partitions", "3", "--scheduler", "local") == serial


@pytest.mark.parametrize("address", ["nonsense://x", "tcp://127.0.0.1:9"])
def test_unreachable_scheduler_exits_2(files, capsys, monkeypatch, address):
    pytest.importorskip("distributed")
    from enercoop_core.balancing import cli
    monkeypatch.setattr(cli, "CONNECT_TIMEOUT_S", 1)
    assert main(["balance", "--curves", files["curves"], "--period", "2025-03",
                 "--scheduler", address]) == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err


def test_partitioned_command_equals_the_single_pass_engine(tmp_path, capsys):
    import numpy as np

    from enercoop_core.balancing.io import read_curves
    from enercoop_core.balancing.portfolio import balance

    rng = np.random.RandomState(7)
    path = tmp_path / "many.csv"
    with open(str(path), "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["prm", "direction", "instant", "value_w"])
        for n in range(12):
            direction = "injection" if n % 4 == 0 else "withdrawal"
            for end, watts in zip(MARCH.ends.tolist()[::3], rng.randint(0, 5000, 1486)):
                writer.writerow(["%014d" % n, direction, local_label(end), watts])
    curves, _ = read_curves([str(path)])
    single = balance([c for c in curves if c.direction == "withdrawal"],
                     [c for c in curves if c.direction == "injection"], MARCH)
    assert main(["balance", "--curves", str(path), "--period", "2025-03", "--format", "csv",
                 "--partitions", "5"]) == 1  # every third half-hour only: incomplete
    rows = list(csv.reader(capsys.readouterr().out.splitlines()))[1:]
    assert [float(r[1]) for r in rows] == single.consumption_wh.round(3).tolist()
    assert [float(r[2]) for r in rows] == single.production_wh.round(3).tolist()
    assert sum(float(r[2]) for r in rows) > 0


def test_proof_csv_is_one_sorted_file_whatever_the_partitions(tmp_path, capsys):
    """The --matching rows come partition by partition, each sorted into a file, then
    merged: the same bytes as one sort of every row, for any --partitions; the text
    summary's per-producer totals come from the same rows."""
    curves = write_curves(tmp_path / "curves.csv",
                          [("C%02d" % n, None, 100 + 37 * n) for n in range(23)]
                          + [("P%d" % n, "injection", 900 * n + 50) for n in range(3)])
    outputs, texts = [], []
    for partitions in (1, 4, 9):
        proof = tmp_path / ("proof-%d.csv" % partitions)
        assert main(["balance", "--curves", curves, "--period", "2025-03", "--partitions",
                     str(partitions), "--matching", str(proof)]) == 0
        texts.append(capsys.readouterr().out)
        outputs.append(proof.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert texts[0] == texts[1] == texts[2] and "P2" in texts[0]
    with open(str(tmp_path / "proof-4.csv"), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 * 23
    keys = [(r["period"], r["producer_prm"], r["consumer_prm"]) for r in rows]
    assert keys == sorted(keys)
