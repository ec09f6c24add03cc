"""Counting a resolution from the totals per college entered by the scrutineers."""
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enercoop_core.shares.errors import BallotError
from enercoop_core.shares.statutes import load_statutes
from enercoop_core.shares.vote import CollegeVotes, tally_totals

from .conftest import D, statutes_dict
from .test_vote import COLLEGES, EXTRA, ORDINARY, vote

# the roll of test_vote: 4 consumers (50 %), 2 producers (30 %), 1 employee (20 %)
ON_ROLL = {"consumers": 4, "producers": 2, "employees": 1}


def totals(**rows):
    """college=(present, yes, no, abstain), the others nobody present."""
    return [CollegeVotes(code, ON_ROLL[code], *(rows.get(code, (0,))[:1]),
                         yes=rows.get(code, (0, 0, 0, 0))[1],
                         no=rows.get(code, (0, 0, 0, 0))[2],
                         abstain=rows.get(code, (0, 0, 0, 0))[3])
            for code in ON_ROLL]


def test_weighted_totals_show_the_arithmetic(statutes):
    # consumers 3 yes 1 no, producers 2 no, employees 1 yes:
    # 50 % x 3/4 + 20 % x 1 = 57.5 % yes (the same count as test_vote's first case)
    result = tally_totals(ORDINARY, totals(consumers=(4, 3, 1, 0), producers=(2, 0, 2, 0),
                                           employees=(1, 1, 0, 0)), statutes)
    assert (result.weighted_yes, result.weighted_no) == (Fraction(23, 40), Fraction(17, 40))
    assert result.outcome == "adopted"
    assert result.quorum.counted == 7 and result.quorum.on_roll == 7
    assert "weighted yes = sum(applied weight x yes share) = 57.50 %" in result.explain()


def test_quorum_from_the_head_counts(statutes):
    # 1 present of 7 on the roll < 1/4: no decision, whatever the ballots
    result = tally_totals(ORDINARY, totals(consumers=(1, 1, 0, 0)), statutes)
    assert result.outcome == "no_quorum" and not result.quorum.met
    assert tally_totals(ORDINARY, totals(consumers=(1, 1, 0, 0)), statutes,
                        "second").outcome == "adopted"
    # represented and postal members count towards the quorum as present ones do
    votes = [CollegeVotes("consumers", 4, present=1, represented=1, postal=0, yes=2)]
    result = tally_totals(ORDINARY, votes + totals()[1:], statutes)
    assert (result.quorum.present, result.quorum.represented, result.quorum.met) \
        == (1, 1, True)


def test_extraordinary_majority_from_totals(statutes):
    result = tally_totals(EXTRA, totals(consumers=(3, 2, 1, 0)), statutes)
    assert result.weighted_yes == Fraction(2, 3) and result.outcome == "adopted"


def test_bad_totals_are_refused_naming_the_college(statutes):
    with pytest.raises(BallotError, match="college consumers on resolution 1: 5 ballots "
                                          "but only 4 members present"):
        tally_totals(ORDINARY, totals(consumers=(4, 3, 1, 1)), statutes)
    with pytest.raises(BallotError, match="no such college"):
        tally_totals(ORDINARY, [CollegeVotes("robots", 1, 1, yes=1)], statutes)
    with pytest.raises(BallotError, match="given twice"):
        tally_totals(ORDINARY, totals() + totals()[:1], statutes)
    with pytest.raises(BallotError, match="only 4 on the roll"):
        tally_totals(ORDINARY, [CollegeVotes("consumers", 4, 5)], statutes)
    with pytest.raises(BallotError, match="whole numbers"):
        tally_totals(ORDINARY, [CollegeVotes("consumers", 4, 2, yes=-1)], statutes)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["yes", "no", "abstain", None]), min_size=7, max_size=7))
def test_totals_count_as_the_same_ballots_do(choices):
    """The totals of any set of ballots give the per-member tally's result."""
    statutes = load_statutes(statutes_dict())
    ballots = {n: c for n, c in enumerate(choices, start=1) if c}
    by_ballots = vote(statutes, ballots, present=list(range(1, 8)))
    rows = {}
    for number, college in enumerate(COLLEGES, start=1):
        row = rows.setdefault(college, [0, 0, 0, 0])
        row[0] += 1
        choice = ballots.get(number)
        if choice:
            row[["yes", "no", "abstain"].index(choice) + 1] += 1
    by_totals = tally_totals(ORDINARY, totals(**{c: tuple(r) for c, r in rows.items()}),
                             statutes)
    assert (by_totals.weighted_yes, by_totals.weighted_no, by_totals.outcome) \
        == (by_ballots.weighted_yes, by_ballots.weighted_no, by_ballots.outcome)
    assert by_totals.explain() == by_ballots.explain()


def test_attendance_by_college_feeds_the_totals(statutes):
    from enercoop_core.shares.assembly import (
        Proxy, attendance_by_college, record_attendance, roll_of_voters)

    from .test_vote import make_ledger
    roll = roll_of_voters(make_ledger(statutes), D(2022, 1, 1))
    attendance = record_attendance(roll, [1, 5], [Proxy(2, 1)], postal=[7])
    counts = attendance_by_college(attendance)
    assert counts == {"consumers": (4, 1, 1, 0), "producers": (2, 1, 0, 0),
                      "employees": (1, 0, 0, 1)}
    votes = [CollegeVotes(code, *row, yes=1) for code, row in counts.items()]
    result = tally_totals(ORDINARY, votes, statutes)
    assert (result.quorum.present, result.quorum.represented, result.quorum.postal) \
        == (2, 1, 1)
    assert result.weighted_yes == 1 and result.outcome == "adopted"
