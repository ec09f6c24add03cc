"""Counting the votes on a resolution: one member one vote, weighted colleges.

Arithmetic (exact, with :class:`fractions.Fraction`; percentages are rounded only for
display):

1. Each member counted at the assembly (present, represented or voting by post) has one
   vote, whatever their number of shares, in the college they sit in on the roll date.
   A ballot is ``"yes"``, ``"no"`` or ``"abstain"``; abstentions, blank votes and
   members who did not vote are not votes cast.
2. In each college: ``yes_share = yes / (yes + no)`` and ``no_share = no / (yes + no)``.
3. Weights: the statutory weight of each college (percent). A college in which no vote
   was cast (no member on the roll, none attending, or all abstaining) is *empty*: its
   weight is redistributed to the other colleges pro rata to their statutory weights, i.e.
   ``applied_weight = weight / (sum of the weights of the non-empty colleges)``.
4. ``weighted_yes = sum(applied_weight x yes_share)``, likewise ``weighted_no``; they sum
   to 100 % whenever a vote was cast.
   Statutes without weights: ``weighted_yes = total yes / total votes cast``.
5. The resolution is adopted when ``weighted_yes`` is greater than the statutory majority
   (or at least it, when the majority is not strict: e.g. 2/3 for an extraordinary
   assembly). A tie (``weighted_yes == weighted_no``) is not a majority: with a strict
   majority of one half the resolution is rejected, outcome ``"tie"``.
6. Without quorum there is no decision: outcome ``"no_quorum"``; with no vote cast at
   all, outcome ``"no_votes"``.

Two ways in, one count: :func:`tally` takes one ballot per member (with the checked
attendance); :func:`tally_totals` takes the totals per college that an assembly's
scrutineers enter (:class:`CollegeVotes`: members on the roll, present, represented, by
post; yes, no, abstain), the quorum then being computed from those head counts.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

from enercoop_core.shares.assembly import (
    Attendance, Quorum, percent, quorum, quorum_of_counts)
from enercoop_core.shares.errors import BallotError
from enercoop_core.shares.statutes import FIRST, ORDINARY, AssemblyRules, Statutes

YES = "yes"
NO = "no"
ABSTAIN = "abstain"
CHOICES = (YES, NO, ABSTAIN)

ADOPTED = "adopted"
REJECTED = "rejected"
TIE = "tie"
NO_QUORUM = "no_quorum"
NO_VOTES = "no_votes"


@dataclass(frozen=True)
class Resolution:
    """A resolution put to the vote: ``code`` (e.g. ``"1"``), ``title``, ``kind``
    (``"ordinary"`` / ``"extraordinary"``: which quorum and majority apply)."""

    code: str
    title: str
    kind: str = ORDINARY


@dataclass(frozen=True)
class CollegeTally:
    """Votes of one college. ``on_roll``: its members on the roll; ``counted``: present,
    represented or by post; ``yes``/``no``/``abstain``: ballots; ``not_voted``: counted
    members without a ballot. ``statutory_weight`` and ``applied_weight`` are fractions of
    1 (None / share of votes cast when the statutes do not weight colleges)."""

    college: str
    label: str
    on_roll: int
    counted: int
    yes: int
    no: int
    abstain: int
    not_voted: int
    statutory_weight: Optional[Fraction]
    applied_weight: Fraction

    @property
    def cast(self) -> int:
        return self.yes + self.no

    @property
    def empty(self) -> bool:
        return self.cast == 0

    @property
    def yes_share(self) -> Fraction:
        return Fraction(self.yes, self.cast) if self.cast else Fraction(0)

    @property
    def no_share(self) -> Fraction:
        return Fraction(self.no, self.cast) if self.cast else Fraction(0)

    @property
    def weighted_yes(self) -> Fraction:
        return self.applied_weight * self.yes_share

    @property
    def weighted_no(self) -> Fraction:
        return self.applied_weight * self.no_share


@dataclass(frozen=True)
class ResolutionResult:
    """Result of one resolution, with everything needed to show the arithmetic."""

    resolution: Resolution
    quorum: Quorum
    weighted: bool
    colleges: Tuple[CollegeTally, ...]
    weighted_yes: Fraction
    weighted_no: Fraction
    majority: Fraction
    majority_strict: bool
    outcome: str

    @property
    def adopted(self) -> bool:
        return self.outcome == ADOPTED

    @property
    def tie(self) -> bool:
        return self.weighted_yes == self.weighted_no and any(not c.empty for c in self.colleges)

    def explain(self) -> str:
        """The arithmetic as text, one line per college, then the weighted totals."""
        r = self.resolution
        lines = ["Resolution %s: %s (%s; adopted if yes %s %s %% of votes cast)"
                 % (r.code, r.title, r.kind, ">" if self.majority_strict else ">=",
                    percent(self.majority)),
                 "  " + self.quorum.explain()]
        header = "  %-18s %5s %5s %4s %4s %5s %7s %9s %9s %8s %8s %10s %10s" % (
            "college", "roll", "count", "yes", "no", "abst", "no vote", "weight", "applied",
            "yes", "no", "w. yes", "w. no")
        lines.append(header)
        active_weight = sum((c.statutory_weight for c in self.colleges
                             if c.statutory_weight is not None and not c.empty), Fraction(0))
        for c in self.colleges:
            weight = "%s %%" % percent(c.statutory_weight) if self.weighted else "-"
            if c.empty:
                lines.append("  %-18s %5d %5d %4d %4d %5d %7d %9s %9s   empty: no vote cast%s"
                             % (c.college, c.on_roll, c.counted, c.yes, c.no, c.abstain,
                                c.not_voted, weight, "0.00 %",
                                ", weight redistributed pro rata" if self.weighted else ""))
                continue
            lines.append("  %-18s %5d %5d %4d %4d %5d %7d %9s %9s %8s %8s %10s %10s" % (
                c.college, c.on_roll, c.counted, c.yes, c.no, c.abstain, c.not_voted, weight,
                "%s %%" % percent(c.applied_weight), "%s %%" % percent(c.yes_share),
                "%s %%" % percent(c.no_share), "%s %%" % percent(c.weighted_yes),
                "%s %%" % percent(c.weighted_no)))
        if self.weighted and any(c.empty for c in self.colleges) and active_weight:
            lines.append("  applied weight = statutory weight / %s %% (weights of the colleges "
                         "where votes were cast)" % percent(active_weight))
        lines.append("  weighted yes = sum(applied weight x yes share) = %s %%; weighted no "
                     "= %s %%" % (percent(self.weighted_yes), percent(self.weighted_no)))
        verdict = {ADOPTED: "ADOPTED", REJECTED: "REJECTED",
                   TIE: "TIE: no majority, REJECTED",
                   NO_QUORUM: "NO DECISION: quorum not met",
                   NO_VOTES: "NO DECISION: no vote cast"}[self.outcome]
        lines.append("  -> %s" % verdict)
        return "\n".join(lines)


@dataclass(frozen=True)
class CollegeVotes:
    """Head counts of one college on a resolution: ``on_roll`` members on the roll of
    voters; ``present`` in person, ``represented`` by proxy, ``postal`` voting by post
    (together: counted); ``yes``/``no``/``abstain`` ballots (at most the counted members;
    the counted members without a ballot did not vote)."""

    college: str
    on_roll: int
    present: int
    represented: int = 0
    postal: int = 0
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def counted(self) -> int:
        return self.present + self.represented + self.postal

    @property
    def not_voted(self) -> int:
        return self.counted - self.yes - self.no - self.abstain


def _rules(resolution: Resolution, statutes: Statutes) -> AssemblyRules:
    rules = statutes.assemblies.get(resolution.kind)
    if rules is None:
        raise BallotError("no rules for %r resolutions in the statutes" % resolution.kind)
    return rules


def _checked_choices(resolution: Resolution, attendance: Attendance,
                     ballots: Union[Mapping[int, str], Iterable[Tuple[int, str]]]
                     ) -> Dict[int, str]:
    """Member number -> choice, each ballot checked (known choice, once, counted member)."""
    pairs = ballots.items() if isinstance(ballots, Mapping) else ballots
    choices: Dict[int, str] = {}
    for number, choice in pairs:
        if number in choices:
            raise BallotError("votes twice on resolution %s" % resolution.code, member=number)
        if choice not in CHOICES:
            raise BallotError("unknown choice %r on resolution %s (expected %s)"
                              % (choice, resolution.code, ", ".join(CHOICES)), member=number)
        if number not in attendance.counted:
            raise BallotError("votes on resolution %s but is neither present, represented "
                              "nor voting by post" % resolution.code, member=number)
        choices[number] = choice
    return choices


def _votes_by_college(attendance: Attendance, choices: Mapping[int, str],
                      statutes: Statutes) -> Tuple[CollegeVotes, ...]:
    """The ballots and the attendance summed per college (statutes' colleges first)."""
    rows: Dict[str, Dict[str, int]] = {c.code: {} for c in statutes.colleges}
    represented = attendance.represented
    for voter in attendance.roll.voters:
        row = rows.setdefault(voter.college, {})
        row["on_roll"] = row.get("on_roll", 0) + 1
        number = voter.number
        if number in attendance.counted:
            kind = ("present" if number in attendance.present
                    else "represented" if number in represented else "postal")
            row[kind] = row.get(kind, 0) + 1
            choice = choices.get(number)
            if choice is not None:
                row[choice] = row.get(choice, 0) + 1
    return tuple(CollegeVotes(code, row.get("on_roll", 0), row.get("present", 0),
                              row.get("represented", 0), row.get("postal", 0),
                              row.get(YES, 0), row.get(NO, 0), row.get(ABSTAIN, 0))
                 for code, row in rows.items())


def _college_tallies(votes: Sequence[CollegeVotes], statutes: Statutes
                     ) -> Tuple[CollegeTally, ...]:
    """Each college's tally with its applied weight (steps 2 and 3 of the module doc)."""
    weighted = statutes.weighted
    total_cast = sum(v.yes + v.no for v in votes)
    weights: Dict[str, Fraction] = {}
    active = Fraction(0)
    if weighted:
        weights = {c.code: Fraction(c.weight_pct) / 100 for c in statutes.colleges}
        active = sum((weights[v.college] for v in votes if v.yes + v.no), Fraction(0))
    tallies = []
    for v in votes:
        cast = v.yes + v.no
        if weighted:
            applied = weights[v.college] / active if cast else Fraction(0)
        else:
            applied = Fraction(cast, total_cast) if total_cast else Fraction(0)
        try:
            label = statutes.college(v.college).label
        except KeyError:
            label = v.college
        tallies.append(CollegeTally(v.college, label, v.on_roll, v.counted, v.yes, v.no,
                                    v.abstain, v.not_voted,
                                    weights.get(v.college) if weighted else None, applied))
    return tuple(tallies)


def _result(resolution: Resolution, votes: Sequence[CollegeVotes], statutes: Statutes,
            rules: AssemblyRules, quorum_result: Quorum) -> ResolutionResult:
    """Weighted totals and outcome (steps 4 to 6 of the module doc)."""
    tallies = _college_tallies(votes, statutes)
    weighted_yes = sum((t.weighted_yes for t in tallies), Fraction(0))
    weighted_no = sum((t.weighted_no for t in tallies), Fraction(0))
    if not quorum_result.met:
        outcome = NO_QUORUM
    elif sum(t.cast for t in tallies) == 0:
        outcome = NO_VOTES
    elif (weighted_yes > rules.majority if rules.majority_strict
          else weighted_yes >= rules.majority):
        outcome = ADOPTED
    elif weighted_yes == weighted_no:
        outcome = TIE
    else:
        outcome = REJECTED
    return ResolutionResult(resolution, quorum_result, statutes.weighted, tallies,
                            weighted_yes, weighted_no, rules.majority, rules.majority_strict,
                            outcome)


def tally(resolution: Resolution, attendance: Attendance,
          ballots: Union[Mapping[int, str], Iterable[Tuple[int, str]]], statutes: Statutes,
          convocation: str = FIRST) -> ResolutionResult:
    """Count the ``ballots`` (member number -> ``"yes"`` / ``"no"`` / ``"abstain"``; a
    mapping or (member, choice) pairs) of the members counted in ``attendance``.

    Raises :class:`BallotError` for a ballot of a member neither present, represented
    nor voting by post, a member voting twice, or an unknown choice."""
    rules = _rules(resolution, statutes)
    choices = _checked_choices(resolution, attendance, ballots)
    votes = _votes_by_college(attendance, choices, statutes)
    return _result(resolution, votes, statutes, rules,
                   quorum(attendance, rules, convocation))


def _check_totals(resolution: Resolution, totals: Iterable[CollegeVotes],
                  statutes: Statutes) -> Dict[str, CollegeVotes]:
    known = {c.code for c in statutes.colleges}
    by_college: Dict[str, CollegeVotes] = {}
    for votes in totals:
        where = "college %s on resolution %s" % (votes.college, resolution.code)
        if votes.college not in known:
            raise BallotError("%s: no such college in the statutes" % where)
        if votes.college in by_college:
            raise BallotError("%s: totals given twice" % where)
        counts = (votes.on_roll, votes.present, votes.represented, votes.postal,
                  votes.yes, votes.no, votes.abstain)
        if any(not isinstance(n, int) or n < 0 for n in counts):
            raise BallotError("%s: counts must be whole numbers >= 0, got %r"
                              % (where, counts))
        if votes.counted > votes.on_roll:
            raise BallotError("%s: %d members counted but only %d on the roll"
                              % (where, votes.counted, votes.on_roll))
        if votes.not_voted < 0:
            raise BallotError("%s: %d ballots but only %d members present, represented or "
                              "voting by post" % (where, votes.yes + votes.no + votes.abstain,
                                                  votes.counted))
        by_college[votes.college] = votes
    return by_college


def tally_totals(resolution: Resolution, totals: Iterable[CollegeVotes], statutes: Statutes,
                 convocation: str = FIRST) -> ResolutionResult:
    """Count a resolution from the totals per college (:class:`CollegeVotes`): weighted
    result, quorum (from the head counts, summed over the colleges) and majority per the
    statutes, the same arithmetic as :func:`tally`. A college of the statutes without
    totals counts as nobody on the roll.

    Raises :class:`BallotError` for an unknown college, a college given twice, a negative
    count, more members counted than on the roll or more ballots than members counted."""
    rules = _rules(resolution, statutes)
    by_college = _check_totals(resolution, totals, statutes)
    votes = tuple(by_college.get(c.code, CollegeVotes(c.code, 0, 0))
                  for c in statutes.colleges)
    quorum_result = quorum_of_counts(sum(v.on_roll for v in votes),
                                     sum(v.present for v in votes),
                                     sum(v.represented for v in votes),
                                     sum(v.postal for v in votes), rules, convocation)
    return _result(resolution, votes, statutes, rules, quorum_result)
