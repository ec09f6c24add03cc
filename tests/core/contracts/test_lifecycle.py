"""The contract lifecycle on C15 / C12 events: every path of ``apply_event`` and the
versions in force. Events are flows records (as :mod:`enercoop_core.flows.c15` gives
them), the last tests read our own C15 and C12 fixtures through the flows engine."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from enercoop_core import flows
from enercoop_core.billing.contract_events import ACTIVATE, TERMINATE, UPDATE
from enercoop_core.contracts import lifecycle as lc
from enercoop_core.contracts.lifecycle import (ACTIVE, DRAFT, TERMINATED, DropVersion,
                                               EndContract, Event, NewVersion,
                                               StartContract, Unchanged, UpdatePoint,
                                               Version, apply_event, change_terms,
                                               in_force)

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "flows", "fixtures")
PRM = "30000000000001"


def d(text):
    return dt.date.fromisoformat(text)


def version(contract, start, end=None, fta="BTINFCU4", kva=6, offer="BASE", state=ACTIVE,
            ref=None):
    return Version(contract, d(start), d(end) if end else None, fta, kva, offer, state,
                   ref if ref is not None else "%s@%s" % (contract, start))


def event(code, day, fta="BTINFCU4", kva=6, **extra):
    record = {"family": "contract_event", "prm": PRM, "event": code,
              "date": "%sT00:00:00+01:00" % day, "fta": fta, "subscribed_kva": kva}
    record.update(extra)
    return record


# ---------------------------------------------------------------------- versions in force
def test_in_force_clips_to_the_contract_and_chains_the_versions():
    stored = [version(1, "2024-06-01", fta="BTINFMU4"), version(1, "2024-01-01"),
              version(1, "2025-01-01", kva=9), version(1, "2026-01-01", kva=12)]
    got = in_force(stored, d("2024-03-01"), d("2025-07-01"))
    assert [(v.start, v.end, v.fta, v.kva) for v in got] == [
        (d("2024-03-01"), d("2024-06-01"), "BTINFCU4", 6),
        (d("2024-06-01"), d("2025-01-01"), "BTINFMU4", 6),
        (d("2025-01-01"), d("2025-07-01"), "BTINFCU4", 9)]


def test_in_force_stretches_the_first_version_back_and_keeps_one_version():
    got = in_force([version(1, "2025-03-10")], d("2025-03-01"), None)
    assert [(v.start, v.end) for v in got] == [(d("2025-03-01"), None)]
    # every version starting after the end: the first one still gives the terms
    got = in_force([version(1, "2025-03-10")], d("2025-01-01"), d("2025-02-01"))
    assert [(v.start, v.end) for v in got] == [(d("2025-01-01"), d("2025-02-01"))]
    assert in_force([], d("2025-01-01"), None) == []


def test_of_two_versions_of_one_day_the_last_given_wins():
    got = in_force([version(1, "2025-01-01", kva=6), version(1, "2025-01-01", kva=9)],
                   d("2025-01-01"), None)
    assert [v.kva for v in got] == [9]


# ---------------------------------------------------------------------- activation
@pytest.mark.parametrize("code", ["MES", "PMES", "CFNE"])
def test_activation_of_the_draft_contract_from_the_event_day(code):
    versions = [version(7, "2025-03-01", state=DRAFT)]
    outcome = apply_event(versions, event(code, "2025-03-01", "BTINFMU4", 9))
    assert (outcome.effect, outcome.contract, outcome.refusal) == (ACTIVATE, 7, None)
    assert outcome.changes == (StartContract(7, d("2025-03-01")),
                               NewVersion(7, d("2025-03-01"), "BTINFMU4", 9, "BASE"),
                               UpdatePoint("BTINFMU4", 9))


def test_activation_with_the_terms_in_force_writes_no_version():
    outcome = apply_event([version(7, "2025-03-01", state=DRAFT)],
                          event("MES", "2025-03-01"))
    assert outcome.changes == (StartContract(7, d("2025-03-01")), UpdatePoint("BTINFCU4", 6))


def test_activation_before_the_planned_start_moves_the_first_version():
    planned = version(7, "2025-03-10", state=DRAFT)
    outcome = apply_event([planned], event("CFNE", "2025-03-01", kva=9))
    assert outcome.changes == (StartContract(7, d("2025-03-01")),
                               NewVersion(7, d("2025-03-01"), "BTINFCU4", 9, "BASE"),
                               DropVersion(7, planned), UpdatePoint("BTINFCU4", 9))


def test_activation_after_the_planned_start_supersedes_the_earlier_versions():
    first = version(7, "2025-01-01", "2025-02-01", state=DRAFT)
    second = version(7, "2025-02-01", kva=9, state=DRAFT)
    outcome = apply_event([first, second], event("MES", "2025-03-01", fta="", kva=None))
    assert outcome.changes == (StartContract(7, d("2025-03-01")),
                               NewVersion(7, d("2025-03-01"), "BTINFCU4", 9, "BASE"),
                               DropVersion(7, first), DropVersion(7, second))


def test_activation_takes_the_latest_draft_then_the_latest_contract():
    old = version(1, "2023-01-01", "2024-01-01", state=TERMINATED)
    draft = version(2, "2024-06-01", state=DRAFT)
    later = version(3, "2025-01-01", "2025-02-01", state=TERMINATED)
    assert apply_event([old, draft, later], event("MES", "2025-03-01")).contract == 2
    # no draft: the latest contract (by start, then id) is reactivated
    tie = version(4, "2025-01-01", "2025-02-01", state=TERMINATED)
    outcome = apply_event([old, later, tie], event("MES", "2025-03-01"))
    assert outcome.contract == 4
    assert outcome.changes[0] == StartContract(4, d("2025-03-01"))


def test_activation_of_an_active_contract_is_a_change_of_terms():
    running = version(5, "2024-01-01")
    outcome = apply_event([running], event("MES", "2025-03-01", kva=9))
    assert outcome.changes == (NewVersion(5, d("2025-03-01"), "BTINFCU4", 9, "BASE"),
                               UpdatePoint("BTINFCU4", 9))
    again = apply_event([running], event("MES", "2024-01-01"))
    assert isinstance(again.changes[0], Unchanged)


def test_activation_without_contract_is_refused():
    outcome = apply_event([], event("MES", "2025-03-01"))
    assert outcome.changes == ()
    assert outcome.refusal.reason == lc.NO_CONTRACT
    assert outcome.refusal.message == (
        "event MES: no supply contract to activate on PRM %s" % PRM)


# ---------------------------------------------------------------------- termination
@pytest.mark.parametrize("code", ["RES", "CFNS"])
def test_termination_ends_the_active_contract_the_day_before(code):
    versions = [version(1, "2023-01-01", "2024-01-01", state=TERMINATED),
                version(2, "2024-01-01"), version(3, "2025-06-01", state=DRAFT)]
    outcome = apply_event(versions, event(code, "2025-03-15", "BTINFMU4", 9))
    assert (outcome.effect, outcome.contract) == (TERMINATE, 2)
    # the point keeps its terms on a termination
    assert outcome.changes == (EndContract(2, d("2025-03-14")),)


def test_termination_on_the_first_day_keeps_one_day_supplied():
    outcome = apply_event([version(2, "2025-03-15")], event("RES", "2025-03-15"))
    assert outcome.changes == (EndContract(2, d("2025-03-15")),)


def test_termination_again_is_unchanged_and_without_active_contract_refused():
    ended = version(2, "2024-01-01", "2025-03-15", state=TERMINATED)
    outcome = apply_event([ended], event("CFNS", "2025-03-15"))
    assert outcome.contract == 2 and outcome.refusal is None
    assert [type(c) for c in outcome.changes] == [Unchanged]
    refused = apply_event([ended], event("CFNS", "2025-04-01"))
    assert refused.refusal.reason == lc.NO_ACTIVE_CONTRACT
    assert refused.refusal.message == "event CFNS: no active supply contract on PRM %s" % PRM
    assert apply_event([], event("RES", "2025-04-01")).refusal.reason == lc.NO_ACTIVE_CONTRACT


# ---------------------------------------------------------------------- changes of terms
@pytest.mark.parametrize("code", ["MCT", "MDCTR"])
def test_option_or_power_change_is_a_new_version(code):
    versions = [version(2, "2024-01-01")]
    outcome = apply_event(versions, event(code, "2025-03-20", "BTINFMU4", 12))
    assert (outcome.effect, outcome.contract) == (UPDATE, 2)
    assert outcome.changes == (NewVersion(2, d("2025-03-20"), "BTINFMU4", 12, "BASE"),
                               UpdatePoint("BTINFMU4", 12))


def test_the_same_terms_again_change_nothing():
    versions = [version(2, "2024-01-01", "2025-03-20"),
                version(2, "2025-03-20", fta="BTINFMU4", kva=12)]
    outcome = apply_event(versions, event("MCT", "2025-03-20", "BTINFMU4", 12))
    assert outcome.contract == 2
    assert isinstance(outcome.changes[0], Unchanged)
    assert "in force on 2025-03-20" in outcome.changes[0].reason
    assert not any(isinstance(c, NewVersion) for c in outcome.changes)


def test_event_before_the_current_version_inserts_a_version_point_kept():
    versions = [version(2, "2024-01-01", "2025-06-01"), version(2, "2025-06-01", kva=12)]
    outcome = apply_event(versions, event("MCT", "2025-03-01", "BTINFMU4", 6))
    # MU4 from 1 March until the version of 1 June; the point keeps the latest terms
    assert outcome.changes == (NewVersion(2, d("2025-03-01"), "BTINFMU4", 6, "BASE"),)


def test_event_outside_the_contract_changes_no_version():
    running = [version(2, "2025-01-01")]
    before = apply_event(running, event("MCT", "2024-12-01", kva=9))
    assert [type(c) for c in before.changes] == [Unchanged]
    assert "before the contract's start" in before.changes[0].reason
    ending = [version(2, "2025-01-01", "2025-04-01")]
    after = change_terms(ending, d("2025-04-01"), kva=9)
    assert [type(c) for c in after] == [Unchanged]
    assert "after the contract's last day 2025-03-31" in after[0].reason


def test_change_without_active_contract_updates_the_point_only():
    outcome = apply_event([version(2, "2025-01-01", state=DRAFT)],
                          event("MCT", "2025-03-01", kva=9))
    assert outcome.contract is None
    assert outcome.changes == (Unchanged(None, "no active supply contract"),
                               UpdatePoint("BTINFCU4", 9))


def test_unknown_code_has_no_effect_but_its_terms_count():
    outcome = apply_event([version(2, "2024-01-01")], event("AUTRE", "2025-03-01", kva=9))
    assert outcome.effect is None and outcome.contract == 2
    assert outcome.changes[0] == NewVersion(2, d("2025-03-01"), "BTINFCU4", 9, "BASE")
    # an event without FTA or power: nothing for the point
    bare = apply_event([version(2, "2024-01-01")], event("COU", "2025-03-01", "", None))
    assert [type(c) for c in bare.changes] == [Unchanged]


def test_change_terms_of_the_offer_from_a_day():
    versions = in_force([version(2, "2024-01-01")], d("2024-01-01"), None)
    assert change_terms(versions, d("2025-01-01"), offer="HPHC") == [
        NewVersion(2, d("2025-01-01"), "BTINFCU4", 6, "HPHC")]


# ---------------------------------------------------------------------- refusals
def test_unhandled_option_or_time_class_is_refused_by_field():
    versions = [version(2, "2024-01-01", state=DRAFT)]
    hta = apply_event(versions, event("MES", "2025-03-01", "HTA5", None))
    assert (hta.refusal.reason, hta.refusal.field, hta.refusal.values[:2]) == (
        lc.FTA_NOT_HANDLED, "fta", ("HTA5", "MES"))
    assert hta.refusal.message.startswith(
        "tariff option HTA5 of event MES is not one the supply contracts handle (BTINFCU4, ")
    assert hta.changes == ()
    hpe = apply_event(versions, event("MES", "2025-03-01", "BTSUPCU4", None, subscribed_powers=[
        {"time_class": "HPH", "value": 60}, {"time_class": "HPE", "value": 60}]))
    assert (hpe.refusal.reason, hpe.refusal.field, hpe.refusal.values[:2]) == (
        lc.CLASSES_NOT_HANDLED, "subscribed_powers", ("HPE", "MES"))
    assert "time classes HPE of event MES are not ones" in hpe.refusal.message


@pytest.mark.parametrize("date,kva,field", [
    (None, 6, "date"), ("01/03/2025", 6, "date"), ("2025-03-01", "six", "subscribed_kva")])
def test_unreadable_day_or_power_is_refused(date, kva, field):
    record = event("MCT", "2025-03-01", kva=kva)
    record["date"] = date if date != "2025-03-01" else record["date"]
    outcome = apply_event([version(2, "2024-01-01")], record)
    assert outcome.refusal.field == field
    assert "event MCT" in outcome.refusal.message
    assert outcome.changes == ()


def test_event_from_a_record_and_as_given():
    record = event(" mct ", "2025-03-20", kva="6.5")
    parsed = Event.from_record(record)
    assert (parsed.code, parsed.day, parsed.kva) == ("MCT", d("2025-03-20"), 6)
    assert apply_event([version(2, "2024-01-01")], parsed) == apply_event(
        [version(2, "2024-01-01")], record)


# ---------------------------------------------------------------------- through the flows
def _events(name):
    return [r for r in flows.parse([os.path.join(FIXTURES, name)])
            if r["family"] == "contract_event"]


def test_c15_fixture_switch_in_and_termination():
    switch_in, termination = _events("c15_v5.xml")
    draft = [version(1, "2025-03-01", state=DRAFT)]
    assert apply_event(draft, switch_in).changes == (
        StartContract(1, d("2025-03-01")),
        NewVersion(1, d("2025-03-01"), "BTINFMU4", 9, "BASE"), UpdatePoint("BTINFMU4", 9))
    assert apply_event([version(2, "2024-01-01")], termination).changes == (
        EndContract(2, d("2025-03-14")),)


def test_c12_codes_as_the_c12_reader_gives_them():
    hta, outgoing, option = _events("c12_v1.xml")
    versions = [version(3, "2024-01-01", fta="BTSUPCU4", kva=60)]
    # C2-C4 options and classes the supply contracts do not handle
    assert apply_event(versions, hta).refusal.reason == lc.FTA_NOT_HANDLED
    # C12's CFN (either way) has no effect on the contract: the terms only
    assert contract_code(outgoing) == ("CFN", None)
    assert [type(c) for c in apply_event(versions, outgoing).changes] == [Unchanged,
                                                                          UpdatePoint]
    # a change of option without Nature_Evenement: a version when the FTA differs
    assert contract_code(option) == (None, None)
    mu4 = [version(3, "2024-01-01", fta="BTSUPLU4", kva=60)]
    assert apply_event(mu4, option).changes[0] == NewVersion(
        3, d("2025-01-15"), "BTSUPCU4", 60, "BASE")
    # MES and RES mean in C12 what they mean in C15
    assert apply_event([version(3, "2025-01-01", fta="BTSUPCU4", kva=60, state=DRAFT)],
                       dict(outgoing, event="MES")).effect == ACTIVATE
    assert apply_event(versions, dict(outgoing, event="RES")).changes[0] == EndContract(
        3, d("2025-02-27"))


def contract_code(record):
    return record["event"], lc.contract_effect(record["event"])
