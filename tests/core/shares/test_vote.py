from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enercoop_core.shares.assembly import Proxy, record_attendance, roll_of_voters
from enercoop_core.shares.errors import BallotError
from enercoop_core.shares.ledger import Ledger
from enercoop_core.shares.statutes import load_statutes
from enercoop_core.shares.vote import Resolution, tally

from .conftest import D, join, statutes_dict

# members 1-4 consumers (weight 50 %), 5-6 producers (30 %), 7 employees (20 %)
COLLEGES = ["consumers"] * 4 + ["producers"] * 2 + ["employees"]
ORDINARY = Resolution("1", "Approval of the accounts")
EXTRA = Resolution("2", "Change of statutes", "extraordinary")


def make_ledger(statutes):
    return Ledger(statutes, [join(n, 2, c) for n, c in enumerate(COLLEGES, start=1)])


def vote(statutes, ballots, present=None, proxies=(), resolution=ORDINARY,
         convocation="first"):
    roll = roll_of_voters(make_ledger(statutes), D(2022, 1, 1))
    present = sorted(ballots) if present is None else present
    attendance = record_attendance(roll, present, proxies, proxy_limit=statutes.proxy_limit)
    return tally(resolution, attendance, ballots, statutes, convocation)


def by_college(result):
    return {c.college: c for c in result.colleges}


def test_weighted_vote_shows_the_arithmetic(statutes):
    ballots = {1: "yes", 2: "yes", 3: "yes", 4: "no", 5: "no", 6: "no", 7: "yes"}
    result = vote(statutes, ballots)
    consumers = by_college(result)["consumers"]
    assert (consumers.yes, consumers.no, consumers.yes_share) == (3, 1, Fraction(3, 4))
    # 50 % x 3/4 + 30 % x 0 + 20 % x 1 = 57.5 % yes; 50 % x 1/4 + 30 % x 1 = 42.5 % no
    assert result.weighted_yes == Fraction(575, 1000)
    assert result.weighted_no == Fraction(425, 1000)
    assert result.outcome == "adopted" and result.adopted and not result.tie
    text = result.explain()
    assert "weighted yes = sum(applied weight x yes share) = 57.50 %; weighted no = 42.50 %" \
        in text
    assert "-> ADOPTED" in text


def test_weighted_vote_with_an_empty_college(statutes):
    # employees absent: its 20 % goes pro rata to consumers (50/80) and producers (30/80)
    ballots = {1: "yes", 2: "yes", 3: "yes", 4: "no", 5: "no", 6: "no"}
    result = vote(statutes, ballots)
    colleges = by_college(result)
    assert colleges["employees"].empty and colleges["employees"].applied_weight == 0
    assert colleges["consumers"].applied_weight == Fraction(5, 8)
    assert colleges["producers"].applied_weight == Fraction(3, 8)
    # yes = 5/8 x 3/4 = 15/32 = 46.875 %; no = 5/8 x 1/4 + 3/8 = 17/32
    assert (result.weighted_yes, result.weighted_no) == (Fraction(15, 32), Fraction(17, 32))
    assert result.outcome == "rejected"
    assert "applied weight = statutory weight / 80.00 %" in result.explain()
    assert "empty: no vote cast, weight redistributed pro rata" in result.explain()


def test_a_college_that_only_abstains_is_empty(statutes):
    ballots = {1: "yes", 2: "yes", 3: "yes", 4: "no", 5: "no", 6: "no", 7: "abstain"}
    result = vote(statutes, ballots)
    assert by_college(result)["employees"].abstain == 1
    assert result.weighted_yes == Fraction(15, 32)


def test_tie_is_rejected_even_with_more_members_for(statutes):
    # 4 members for, 3 against; but 50 % yes vs 30 % + 20 % no
    ballots = {1: "yes", 2: "yes", 3: "yes", 4: "yes", 5: "no", 6: "no", 7: "no"}
    result = vote(statutes, ballots)
    assert result.weighted_yes == result.weighted_no == Fraction(1, 2)
    assert result.tie and result.outcome == "tie" and not result.adopted
    assert "TIE: no majority, REJECTED" in result.explain()


def test_unweighted_tie_and_one_member_one_vote():
    data = statutes_dict()
    for college in data["colleges"]:
        college.pop("weight_pct")
    statutes = load_statutes(data)
    ballots = {1: "yes", 2: "yes", 5: "no", 7: "no", 3: "abstain"}
    result = vote(statutes, ballots)
    assert not result.weighted
    assert (result.weighted_yes, result.outcome) == (Fraction(1, 2), "tie")
    ballots[6] = "yes"
    result = vote(statutes, ballots)
    # 3 yes of 5 cast, whatever the shares held
    assert (result.weighted_yes, result.outcome) == (Fraction(3, 5), "adopted")
    assert by_college(result)["consumers"].applied_weight == Fraction(2, 5)


def test_extraordinary_two_thirds_reached_exactly(statutes):
    # only consumers vote: 2 yes / 1 no = 2/3, adopted at ">= 2/3"
    result = vote(statutes, {1: "yes", 2: "yes", 3: "no"}, present=[1, 2, 3],
                  resolution=EXTRA)
    assert result.weighted_yes == Fraction(2, 3) and result.outcome == "adopted"
    assert "adopted if yes >= 66.67 %" in result.explain()


def test_proxies_vote_for_the_givers(statutes):
    result = vote(statutes, {1: "yes", 2: "yes", 3: "no"}, present=[1],
                  proxies=[Proxy(2, 1), Proxy(3, 1)])
    assert by_college(result)["consumers"].counted == 3
    assert result.quorum.represented == 2
    assert by_college(result)["consumers"].not_voted == 0


def test_no_quorum_and_no_votes(statutes):
    result = vote(statutes, {1: "yes"})  # 1 of 7 < 1/4
    assert result.outcome == "no_quorum" and "quorum not met" in result.explain()
    assert vote(statutes, {1: "yes"}, convocation="second").outcome == "adopted"
    result = vote(statutes, {1: "abstain", 2: "abstain"})
    assert result.outcome == "no_votes"
    result = vote(statutes, {1: "yes"}, present=[1, 2, 3])
    assert by_college(result)["consumers"].not_voted == 2


def test_ballot_errors(statutes):
    with pytest.raises(BallotError):   # member 4 not attending
        vote(statutes, {1: "yes", 4: "no"}, present=[1, 2])
    with pytest.raises(BallotError):
        vote(statutes, {1: "maybe"})
    roll = roll_of_voters(make_ledger(statutes), D(2022, 1, 1))
    attendance = record_attendance(roll, [1, 2])
    with pytest.raises(BallotError) as info:
        tally(ORDINARY, attendance, [(1, "yes"), (1, "no")], statutes)
    assert info.value.member == 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["yes", "no", "abstain", None]), min_size=7, max_size=7))
def test_weighted_shares_sum_to_100_percent(choices):
    statutes = load_statutes(statutes_dict())
    ballots = {n: c for n, c in enumerate(choices, start=1) if c}
    result = vote(statutes, ballots, present=list(range(1, 8)),
                  convocation="second")
    cast = sum(c.cast for c in result.colleges)
    if not cast:
        assert result.outcome == "no_votes"
        return
    assert result.weighted_yes + result.weighted_no == 1
    assert sum(c.applied_weight for c in result.colleges) == 1
    for college in result.colleges:
        if not college.empty:  # redistribution never lowers a weight
            assert college.applied_weight >= college.statutory_weight
    assert result.adopted == (result.weighted_yes > Fraction(1, 2))
    assert result.tie == (result.weighted_yes == Fraction(1, 2))
