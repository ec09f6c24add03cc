"""Property tests: valid generated documents parse exactly; corrupted ones never crash."""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enercoop_core.flows import parse

from .builders import r15

PRM = st.from_regex(r"\A[0-9]{14}\Z")
REGISTER = st.tuples(st.sampled_from(["BASE", "HP", "HC", "HPH", "HCH", "HPB", "HCB"]),
                     st.sampled_from(["0", "1"]), st.integers(0, 10 ** 12))
READING = st.tuples(PRM, st.from_regex(r"\A[A-Z0-9]{1,12}\Z"),
                    # the engine refuses dates outside 1900-2199 (values.MIN_YEAR/MAX_YEAR)
                    st.dates(date(1900, 1, 1), date(2199, 12, 31)).map(
                        lambda d: d.isoformat() + "T00:00:00"),
                    st.lists(REGISTER, min_size=1, max_size=4))
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.lists(READING, min_size=1, max_size=5))
def test_valid_documents_parse_exactly(tmp_path, readings):
    path = tmp_path / "r15.xml"
    path.write_bytes(r15(readings))
    run = parse(str(path))
    records = list(run)
    assert run.rejected == []
    assert [r["prm"] for r in records] == [r[0] for r in readings]
    for record, (_, _, _, regs) in zip(records, readings):
        assert [(g["time_class"], g["direction"], g["value"]) for g in record["registers"]] == [
            (t, "withdrawal" if d == "0" else "injection", v) for t, d, v in regs]


@SETTINGS
@given(st.lists(READING, min_size=1, max_size=4), st.data())
def test_corrupted_documents_are_rejected_never_crash(tmp_path, readings, data):
    doc = r15(readings)
    mode = data.draw(st.sampled_from(["truncate", "flip", "bad_value", "bad_prm", "delete"]))
    if mode == "truncate":
        doc = doc[:data.draw(st.integers(0, len(doc) - 1))]
    elif mode == "flip":
        at = data.draw(st.integers(0, len(doc) - 1))
        doc = doc[:at] + bytes([data.draw(st.integers(0, 255))]) + doc[at + 1:]
    elif mode == "bad_value":
        doc = doc.replace(b"<Valeur>", b"<Valeur>x", 1)
    elif mode == "bad_prm":
        doc = doc.replace(b"<Id_PRM>", b"<Id_PRM>9", 1)
    else:
        tag = data.draw(st.sampled_from([b"Id_Releve", b"Date_Releve", b"Sens_Mesure",
                                         b"Id_Classe_Temporelle", b"Valeur"]))
        start = doc.index(b"<" + tag + b">")
        end = doc.index(b"</" + tag + b">") + len(tag) + 3
        doc = doc[:start] + doc[end:]
    path = tmp_path / "bad.xml"
    path.write_bytes(doc)
    run = parse(str(path))
    records = list(run)  # must not raise
    if mode in ("bad_value", "bad_prm", "delete"):
        assert run.rejected, "a corruption of a required field must be reported"
        assert len(records) == len(readings) - 1
    for rejection in run.rejected:
        assert rejection.file == str(path) and rejection.reason
    # every reading is either a record or covered by a rejection
    assert len(records) <= len(readings)
    if len(records) < len(readings):
        assert run.rejected
