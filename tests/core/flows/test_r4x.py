"""R4x (C1-C4 load curves): our own fixture over the autumn clock change, bad input."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from enercoop_core.cli import main
from enercoop_core.flows import Curve, detect, parse


def _read(path):
    run = parse(str(path))
    return list(run), run


def _variant(fixture_path, tmp_path, old, new, count=1):
    data = open(fixture_path("r4x_dst.xml"), "rb").read()
    assert old in data
    path = tmp_path / "r4x.xml"
    path.write_bytes(data.replace(old, new, count))
    return path


def test_detect_without_version(fixture_path):
    assert detect(fixture_path("r4x_dst.xml")) == ("R4x", None)


def test_instants_end_their_interval_across_the_autumn_change(fixture_path):
    curves, run = _read(fixture_path("r4x_dst.xml"))
    assert run.rejected == []
    power, voltage = curves
    assert isinstance(power, Curve)
    assert (power.prm, power.flow, power.version, power.direction, power.step_minutes) == (
        "60000000000001", "R4x", None, "withdrawal", 10)
    assert (power.quantity, power.unit) == ("active_power", "W")
    # first point 01:50+02:00 = 23:50 UTC starts [23:50, 00:00[: its instant is 00:00 UTC
    first = datetime(2025, 10, 26, 0, 0, tzinfo=timezone.utc).timestamp()
    assert power.instants[0] == first
    # 14 points of 10 minutes through the repeated hour, none lost or merged
    assert power.instants.size == 14
    assert np.all(np.diff(power.instants) == 600)
    assert power.values_w[0] == 120000.0  # 120 kW
    assert power.status.tolist()[:6] == ["R", "R", "R", "H", "S", "E"]
    assert power.quality.tolist() == [0, 0, 0, 0, -1, 1, 0, 0, 2, 0, 0, 1, 0, 0]
    assert np.isnan(power.values_w[4])
    assert power.dates == ["2025-10-26"]
    # energy of the valid points: sum(kW) x 1000 x 1/6 h
    valid = [120, 118, 117, 115, 113, 112, 111, 110, 109, 108, 107, 106, 105]
    assert power.energy_wh() == pytest.approx(sum(valid) * 1000 / 6)
    assert (voltage.quantity, voltage.unit, voltage.direction) == ("voltage", "V", None)
    assert voltage.values_w.tolist() == [20410.0, 20395.0]
    assert power.key != voltage.key
    as_json = power.to_dict()
    assert as_json["unit"] == "W" and as_json["points"][0]["status"] == "R"
    assert as_json["points"][0]["instant"] == "2025-10-26T02:00:00+02:00"


def test_reading_twice_gives_the_same_keys(fixture_path):
    first, _ = _read(fixture_path("r4x_dst.xml"))
    second, _ = _read(fixture_path("r4x_dst.xml"))
    assert [c.key for c in first] == [c.key for c in second]


@pytest.mark.parametrize("old, new, where, reason", [
    (b'Valeur_Point="118"', b'Valeur_Point="' + b"9" * 5000 + b'"',
     "Donnees_Point_Mesure[2]/@Valeur_Point", "integer"),
    (b'Statut_Point="H"', b'Statut_Point="Z"', "Donnees_Point_Mesure[4]/@Statut_Point",
     "unknown Statut_Point"),
    (b'Horodatage="2025-10-26T02:10:00+02:00"', b'Horodatage="0001-01-01T00:00:00+05:00"',
     "Donnees_Point_Mesure[3]/@Horodatage", "out of range"),
    (b'Horodatage="2025-10-26T02:10:00+02:00"', b'Horodatage="2025-10-26T02:00:00+02:00"',
     "@Horodatage", "same instant"),
    (b"<Granularite>10</Granularite>", b"<Granularite>0</Granularite>", "Granularite",
     "out of range"),
    (b"<Unite_Mesure>kW</Unite_Mesure>", b"<Unite_Mesure>MW</Unite_Mesure>", "Unite_Mesure",
     "unknown unit"),
    (b"<Grandeur_Metier>CONS</Grandeur_Metier>", b"<Grandeur_Metier>XX</Grandeur_Metier>",
     "Grandeur_Metier", "unknown"),
])
def test_a_bad_point_rejects_its_curve_naming_prm_and_path(fixture_path, tmp_path, old, new,
                                                           where, reason):
    path = _variant(fixture_path, tmp_path, old, new)
    curves, run = _read(path)
    assert [c.quantity for c in curves] == ["voltage"]  # the other curve is kept
    assert len(run.rejected) == 1
    rejection = run.rejected[0]
    assert (rejection.file, rejection.record) == (str(path), "60000000000001")
    assert rejection.path.startswith("Corps/Donnees_Courbe[1]")
    assert rejection.path.endswith(where) and reason in rejection.reason


def test_bad_prm_rejects_each_curve(fixture_path, tmp_path):
    path = _variant(fixture_path, tmp_path, b"<Identifiant_PRM>60000000000001",
                    b"<Identifiant_PRM>6000000000000")
    curves, run = _read(path)
    assert curves == []
    assert [r.reason.endswith("Corps/Donnees_Courbe[%d] rejected)" % n)
            for n, r in enumerate(run.rejected, 1)] == [True, True]
    assert all("14 digits" in r.reason for r in run.rejected)


def test_offsetless_time_stamps_in_the_repeated_hour(fixture_path, tmp_path):
    data = open(fixture_path("r4x_dst.xml"), "rb").read()
    for offset in (b"+02:00", b"+01:00"):
        data = data.replace(offset + b'" Valeur', b'" Valeur')
    path = tmp_path / "r4x.xml"
    path.write_bytes(data)
    curves, run = _read(path)
    assert run.rejected == []
    assert np.all(np.diff(curves[0].instants) == 600)  # second 02:xx read after the first


def test_cli_parse_csv_has_quantity_unit_status(fixture_path, capsys):
    assert main(["flows", "parse", fixture_path("r4x_dst.xml"), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[8:] == ["quantity", "unit", "instant", "value_w", "quality",
                                       "status"]
    assert len(lines) == 1 + 14 + 2 and lines[-1].split(",")[8:10] == ["voltage", "V"]


def test_own_fixture_is_schema_valid(shared_enedis, fixture_path):
    run = parse(fixture_path("r4x_dst.xml"), xsd_dir=str(shared_enedis / "xsd"))
    assert len(list(run)) == 2
    assert run.documents[0].xsd == "valid", run.documents[0].xsd


def test_shared_authored_sample(shared_enedis):
    run = parse(str(shared_enedis / "samples" / "R4x" / "R4Q_authored_example.xml"),
                xsd_dir=str(shared_enedis / "xsd"))
    curves = list(run)
    assert run.rejected == [] and len(curves) == 1
    assert curves[0].quality.tolist() == [0, -1]
