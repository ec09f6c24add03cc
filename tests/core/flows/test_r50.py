from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enercoop_core.flows import Curve, parse
from enercoop_core.flows import r50 as r50_reader

from .builders import day_points, r50

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _curves(tmp_path, data, name="r50.xml"):
    path = tmp_path / name
    path.write_bytes(data)
    run = parse(str(path))
    return list(run), run


def test_dst_days_have_46_and_50_points(tmp_path):
    spring, autumn, plain = date(2025, 3, 30), date(2025, 10, 26), date(2025, 1, 15)
    curves, run = _curves(tmp_path, r50([("30000000000071", [spring]),
                                         ("30000000000072", [autumn]),
                                         ("30000000000073", [plain])]))
    assert run.rejected == []
    assert [c.instants.size for c in curves] == [46, 50, 48]
    for curve in curves:
        assert isinstance(curve, Curve)
        assert curve.instants.dtype == np.int64 and curve.values_w.dtype == np.float64
        assert np.all(np.diff(curve.instants) == 1800)
        assert curve.step_minutes == 30 and curve.direction == "withdrawal"
    # 2025-01-15: the first point, 00:30+01:00, ends the 23:30Z-00:00Z... interval
    assert curves[2].instants[0] == 1736897400  # 2025-01-14T23:30:00Z
    assert curves[2].instants[-1] == 1736982000  # 2025-01-15T23:00:00Z = next midnight
    # values are rank x 10 W: energy = sum(10..480) W x 0.5 h = 115 200 / 2 Wh
    assert curves[2].energy_wh() == sum(range(10, 490, 10)) * 0.5


def test_offsetless_autumn_hour_is_read_in_order(tmp_path):
    autumn = date(2025, 10, 26)
    curves, run = _curves(tmp_path, r50([("30000000000074", [autumn])], with_offset=False))
    assert run.rejected == []
    expected = [instant for _, instant in day_points(autumn)]
    assert curves[0].instants.tolist() == expected


def test_missing_and_doubtful_points(tmp_path):
    data = r50([("30000000000075", [date(2025, 1, 15)])]).decode()
    data = data.replace("<V>20</V><IV>0</IV>", "", 1).replace("<IV>0</IV>", "<IV>1</IV>", 1)
    data = data.replace("<V>40</V><IV>0</IV>", "<V>40</V>", 1)
    curves, run = _curves(tmp_path, data.encode())
    curve = curves[0]
    assert curve.quality[:4].tolist() == [1, -1, 0, 2]
    assert np.isnan(curve.values_w[1]) and curve.values_w[0] == 10.0
    as_json = curve.to_dict()
    assert as_json["points"][1] == {"instant": "2025-01-15T01:00:00+01:00", "value_w": None,
                                    "quality": -1}
    assert as_json["points"][0]["instant"] == "2025-01-15T00:30:00+01:00"


def test_bad_point_rejects_the_curve_with_path(tmp_path):
    data = r50([("30000000000076", [date(2025, 1, 15)]),
                ("30000000000077", [date(2025, 1, 15)])]).decode()
    data = data.replace("<V>30</V>", "<V>3O</V>", 1)
    curves, run = _curves(tmp_path, data.encode())
    assert [c.prm for c in curves] == ["30000000000077"]
    assert run.rejected[0].record == "30000000000076"
    assert run.rejected[0].path == "PRM/Donnees_Releve[1]/PDC[3]/V"


def _prm_block(tmp_path, data):
    """The first PRM element of an R50 document, and its Donnees_Releve days."""
    from lxml import etree
    root = etree.fromstring(data)
    prm = root.find("PRM")
    return prm, prm.findall("Donnees_Releve")


@SETTINGS
@given(st.dictionaries(st.integers(1, 50), st.sampled_from([
    "no_v", "no_iv", "iv1", "negative", "spaced", "extra", "swap"]), max_size=3),
       st.sampled_from([date(2025, 1, 15), date(2025, 3, 30), date(2025, 10, 26)]),
       st.booleans())
def test_column_reader_agrees_with_point_reader(tmp_path, edits, day, with_offset):
    """Whatever the irregularities, the fast column-wise read (when it accepts the block)
    gives exactly what the point-by-point read gives."""
    data = r50([("30000000000078", [day])], with_offset=with_offset).decode()
    points = data.split("<PDC>")
    applied = set()
    for rank, edit in sorted(edits.items()):
        if rank >= len(points):
            continue
        applied.add(edit)
        point = points[rank]
        if edit == "no_v":
            point = point.replace("<V>%d</V>" % (rank * 10), "", 1)
        elif edit == "no_iv":
            point = point.replace("<IV>0</IV>", "", 1)
        elif edit == "iv1":
            point = point.replace("<IV>0</IV>", "<IV>1</IV>", 1)
        elif edit == "negative":
            point = point.replace("<V>%d</V>" % (rank * 10), "<V>-%d</V>" % rank, 1)
        elif edit == "spaced":
            point = point.replace("<V>%d</V>" % (rank * 10), "<V> %d </V>" % rank, 1)
        elif edit == "extra":
            point = point.replace("<IV>", "<X>1</X><IV>", 1)
        elif edit == "swap":
            point = point.replace("<V>%d</V><IV>0</IV>" % (rank * 10),
                                  "<IV>0</IV><V>%d</V>" % (rank * 10), 1)
        points[rank] = point
    prm, days = _prm_block(tmp_path, "<PDC>".join(points).encode())
    fast = r50_reader._columns(prm, days, {})
    slow = r50_reader._points(days)
    # V after IV ("swap") is read point by point: the columns are taken in document order
    regular = applied <= {"iv1"} and (with_offset or day.month != 10)
    assert (fast is not None) == regular
    if fast is None:
        return
    assert fast[0] == slow[0]
    for got, want in zip(fast[1:], slow[1:]):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_time_stamp_memo_is_shared_across_blocks(tmp_path):
    days = [date(2025, 1, 15), date(2025, 1, 16)]
    curves, run = _curves(tmp_path, r50([("30000000000079", days),
                                         ("30000000000080", days)]))
    assert run.rejected == []
    assert curves[0].instants.tolist() == curves[1].instants.tolist()
    assert curves[0].instants.size == 96 and curves[0].quality.dtype == np.int8
    assert curves[0].dates == ["2025-01-15", "2025-01-16"]


def test_irregular_point_is_read_point_by_point(tmp_path):
    data = r50([("30000000000081", [date(2025, 1, 15)])]).decode()
    data = data.replace("<V>30</V>", "<V>-3</V>", 1).replace("<IV>0</IV>", "<IV>2</IV>", 1)
    curves, run = _curves(tmp_path, data.encode())
    assert curves == []
    assert run.rejected[0].path == "PRM/Donnees_Releve[1]/PDC[1]/IV"
    data = data.replace("<IV>2</IV>", "<IV>0</IV>", 1)
    curves, run = _curves(tmp_path, data.encode())
    assert run.rejected == [] and curves[0].values_w[2] == -3.0
