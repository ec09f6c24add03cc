"""The removal policy of the people who left, and the LDAP GeneralizedTime it reads
(RFC 4517, section 3.3.13: ``YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|+hh[mm]|-hh[mm])``).
The plan's removals are in test_sync.py; against a real slapd in tests/ldap."""
import ast
import datetime as dt
from pathlib import Path

import pytest

from enercoop_core.cli import main
from enercoop_core.directory.removal import RemovalPolicy, generalized_time, removal_due
from enercoop_core.errors import InputError

UTC = dt.timezone.utc
ROOT = Path(__file__).resolve().parents[3]
ADDON = ROOT / "odoo_addons" / "enercoop_directory"


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    ("20261201145500Z", utc(2026, 12, 1, 14, 55)),          # what OpenLDAP writes
    ("20261201155500+0100", utc(2026, 12, 1, 14, 55)),      # Paris winter time
    ("20260701165500+02", utc(2026, 7, 1, 14, 55)),         # hours-only offset
    ("20261201013000+0230", utc(2026, 11, 30, 23, 0)),      # back across midnight
    ("20261231200000-0530", utc(2027, 1, 1, 1, 30)),        # forward across the year
    ("2026120114Z", utc(2026, 12, 1, 14)),                  # minutes and seconds left out
    ("202612011455Z", utc(2026, 12, 1, 14, 55)),
    ("2026120114.5Z", utc(2026, 12, 1, 14, 30)),            # a fraction of an hour
    ("202612011455,25Z", utc(2026, 12, 1, 14, 55, 15)),     # of a minute, comma
    ("20261201145500.123456Z", utc(2026, 12, 1, 14, 55, 0, 123456)),
    ("20161231235960Z", utc(2017, 1, 1, 0, 0)),             # a leap second
])
def test_generalized_time_is_read_as_utc(text, expected):
    assert generalized_time(text) == expected
    assert generalized_time(text).utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("text", [
    "", "yesterday", "20261201145500", "20261301145500Z", "20261232000000Z",
    "20261201245500Z", "20261201145500+2400", "20261201145500+0160", "2026-12-01T14:55:00Z",
    "20261201145500.Z", "99991231235959-0100", None, 20261201145500,
])
def test_anything_else_is_an_input_error(text):
    with pytest.raises(InputError) as err:
        generalized_time(text)
    assert "GeneralizedTime" in str(err.value)


def test_removal_is_due_at_exactly_the_delay():
    stamp = "20261001120000Z"
    at = utc(2026, 10, 31, 12)  # 30 days of 24 hours later
    assert removal_due(stamp, RemovalPolicy(days=30, now=at))
    assert not removal_due(stamp, RemovalPolicy(days=30, now=at - dt.timedelta(microseconds=1)))
    assert removal_due(stamp, RemovalPolicy(days=0, now=utc(2026, 10, 1, 12)))
    assert not removal_due(stamp, RemovalPolicy(days=0, now=utc(2026, 10, 1, 11, 59, 59)))
    # across the change to winter time (25 October 2026 in Paris) a day is still 24 hours
    paris = dt.timezone(dt.timedelta(hours=1))
    assert removal_due(stamp, RemovalPolicy(days=30, now=dt.datetime(2026, 10, 31, 13,
                                                                       tzinfo=paris)))
    assert not removal_due(stamp, RemovalPolicy(days=30, now=dt.datetime(2026, 10, 31, 12, 59,
                                                                           tzinfo=paris)))


def test_keep_policy_never_removes_nor_reads_the_stamp():
    keep = RemovalPolicy(now=utc(2099, 1, 1))
    assert not keep.removes
    assert not removal_due("not a time", keep)
    assert RemovalPolicy.of("keep", 30).days is None
    assert RemovalPolicy.of("delete", 30).days == 30


def test_now_is_stored_as_utc_naive_taken_as_utc_default_the_current_time():
    assert RemovalPolicy(days=1, now=dt.datetime(2026, 12, 1, 14)).now == utc(2026, 12, 1, 14)
    paris = dt.timezone(dt.timedelta(hours=1))
    assert RemovalPolicy(days=1, now=dt.datetime(2026, 12, 1, 15, tzinfo=paris)).now \
        == utc(2026, 12, 1, 14)
    before = dt.datetime.now(UTC)
    assert before <= RemovalPolicy(days=1).now <= dt.datetime.now(UTC)


@pytest.mark.parametrize("policy, days, field", [
    ("delete", -1, "removal_days"), ("delete", 1.5, "removal_days"),
    ("delete", "30", "removal_days"), ("delete", True, "removal_days"),
    ("delete", None, "removal_days"), ("delete", 10 ** 9, "removal_days"),
    ("remove", 30, "removal_policy"), (None, 30, "removal_policy"),
])
def test_bad_policy_settings_are_input_errors_naming_the_field(policy, days, field):
    with pytest.raises(InputError) as err:
        RemovalPolicy.of(policy, days)
    assert err.value.field == field


def test_bad_now_is_an_input_error():
    with pytest.raises(InputError) as err:
        RemovalPolicy(days=3, now="2026-12-01")
    assert err.value.field == "now"


def test_cli_takes_the_delay_with_help_and_refuses_a_negative_one(capsys):
    for command in ("plan", "sync"):
        with pytest.raises(SystemExit) as done:
            main(["directory", command, "--help"])
        assert done.value.code == 0
        out = " ".join(capsys.readouterr().out.split())
        assert "--remove-after DAYS" in out and "ou=former" in out
    with pytest.raises(SystemExit) as done:
        main(["directory", "plan", "--people", "p.json", "--uri", "ldap://127.0.0.1:1/",
              "--remove-after", "-3"])
    assert done.value.code == 2
    assert "--remove-after" in capsys.readouterr().err
    # too many days for a date: refused before anything talks to a server
    assert main(["directory", "plan", "--people", "p.json", "--uri", "ldap://127.0.0.1:1/",
                 "--remove-after", str(10 ** 9)]) == 2
    assert "--remove-after" in capsys.readouterr().err


# -- the rule stays in the core: the addon only hands the company's settings over ----------

def _addon_sources():
    sources = [p for p in ADDON.rglob("*.py") if "tests" not in p.relative_to(ADDON).parts]
    if not sources:
        pytest.skip("the enercoop_directory addon is not in this tree")
    return sources


def test_the_directory_addon_holds_no_removal_rule():
    """No date arithmetic, no GeneralizedTime, no search of the leavers' unit in the addon
    (its tests excepted): the delay is decided by enercoop_core.directory.removal."""
    found = []
    for path in _addon_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = node.attr if isinstance(node, ast.Attribute) else \
                node.id if isinstance(node, ast.Name) else None
            if name in ("timedelta", "strptime", "former_dn", "utcnow"):
                found.append("%s:%d %s" % (path.name, node.lineno, name))
            # a text literal (ast.Str on CPython 3.7, ast.Constant later)
            text = getattr(node, "value", getattr(node, "s", None)) \
                if type(node).__name__ in ("Constant", "Str") else None
            if isinstance(text, str) and "modifytimestamp" in text.lower():
                found.append("%s:%d %r" % (path.name, node.lineno, text))
    assert found == []


def test_the_directory_addon_hands_its_policy_to_the_core():
    text = "\n".join(p.read_text(encoding="utf-8") for p in _addon_sources())
    assert "RemovalPolicy.of(" in text and "removal=" in text
