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
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Dict, Iterable, List, Mapping, Optional, Tuple, Union

from enercoop_core.shares.assembly import Attendance, Quorum, percent, quorum
from enercoop_core.shares.errors import BallotError
from enercoop_core.shares.statutes import FIRST, ORDINARY, Statutes

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


def tally(resolution: Resolution, attendance: Attendance,
          ballots: Union[Mapping[int, str], Iterable[Tuple[int, str]]], statutes: Statutes,
          convocation: str = FIRST) -> ResolutionResult:
    """Count the ``ballots`` (member number -> ``"yes"`` / ``"no"`` / ``"abstain"``; a
    mapping or (member, choice) pairs) of the members counted in ``attendance``.

    Raises :class:`BallotError` for a ballot of a member neither present, represented
    nor voting by post, a member voting twice, or an unknown choice."""
    rules = statutes.assemblies.get(resolution.kind)
    if rules is None:
        raise BallotError("no rules for %r resolutions in the statutes" % resolution.kind)
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

    counted = attendance.counted
    per_college: Dict[str, List[int]] = {c.code: [0, 0, 0, 0, 0, 0] for c in statutes.colleges}
    for voter in attendance.roll.voters:
        row = per_college.setdefault(voter.college, [0, 0, 0, 0, 0, 0])
        row[0] += 1
        if voter.number in counted:
            row[1] += 1
            choice = choices.get(voter.number)
            index = {YES: 2, NO: 3, ABSTAIN: 4}.get(choice, 5)
            row[index] += 1

    weighted = statutes.weighted
    total_cast = sum(row[2] + row[3] for row in per_college.values())
    weights: Dict[str, Fraction] = {}
    if weighted:
        weights = {c.code: Fraction(c.weight_pct) / 100 for c in statutes.colleges}
        active = sum((weights[code] for code, row in per_college.items() if row[2] + row[3]),
                     Fraction(0))
    tallies = []
    for code, row in per_college.items():
        cast = row[2] + row[3]
        if weighted:
            applied = weights[code] / active if cast else Fraction(0)
        else:
            applied = Fraction(cast, total_cast) if total_cast else Fraction(0)
        try:
            label = statutes.college(code).label
        except KeyError:
            label = code
        tallies.append(CollegeTally(code, label, row[0], row[1], row[2], row[3], row[4],
                                    row[5], weights.get(code) if weighted else None, applied))
    weighted_yes = sum((t.weighted_yes for t in tallies), Fraction(0))
    weighted_no = sum((t.weighted_no for t in tallies), Fraction(0))

    quorum_result = quorum(attendance, rules, convocation)
    if not quorum_result.met:
        outcome = NO_QUORUM
    elif total_cast == 0:
        outcome = NO_VOTES
    elif (weighted_yes > rules.majority if rules.majority_strict
          else weighted_yes >= rules.majority):
        outcome = ADOPTED
    elif weighted_yes == weighted_no:
        outcome = TIE
    else:
        outcome = REJECTED
    return ResolutionResult(resolution, quorum_result, weighted, tuple(tallies), weighted_yes,
                            weighted_no, rules.majority, rules.majority_strict, outcome)
