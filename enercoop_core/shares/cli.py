"""``enercoop shares``: register of members, assembly votes, accounting moves.

Sub-commands (registered by :func:`register`):

- ``enercoop shares register LEDGER.json [--date D] [--current] [--csv] [--member N]``
- ``enercoop shares vote ASSEMBLY.json``
- ``enercoop shares moves LEDGER.json [--date D]``

File formats: :mod:`enercoop_core.shares.jsonio`.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

from enercoop_core.errors import InputError
from enercoop_core.shares.accounting import account_roles, ledger_moves
from enercoop_core.shares.assembly import record_attendance, roll_of_voters
from enercoop_core.shares.jsonio import assembly_from_dict, load_ledger, read_json
from enercoop_core.shares.register import member_history, register_at
from enercoop_core.shares.vote import tally

LEDGER_EXAMPLE = """\
example LEDGER.json (statutes "default" = the shipped example statutes):
  {"statutes": "default",
   "entries": [
    {"op": "subscription", "date": "2024-01-10", "member": 1, "class": "A", "quantity": 200,
     "new_member": {"name": "Alice Martin"}, "college": "founders"},
    {"op": "release", "date": "2024-01-10", "member": 1, "class": "A", "amount_eur": "20000.00"},
    {"op": "subscription", "date": "2024-02-01", "member": 2, "class": "A", "quantity": 3,
     "new_member": {"name": "SARL Soleil", "kind": "legal_entity",
                    "representative": "Jean Dupont"}, "college": "producers"},
    {"op": "release", "date": "2024-02-01", "member": 2, "class": "A", "amount_eur": "300.00"},
    {"op": "transfer", "date": "2024-05-02", "member": 2, "to_member": 3, "class": "A",
     "quantity": 1, "new_member": {"name": "Bob Durand"}, "college": "consumers"},
    {"op": "conversion", "date": "2024-06-01", "member": 1, "from_class": "A",
     "to_class": "B", "quantity": 10},
    {"op": "redemption", "date": "2025-01-15", "member": 3, "class": "A", "quantity": 1,
     "leaving": true},
    {"op": "college_change", "date": "2025-03-01", "member": 2, "college": "partners"},
    {"op": "subscription", "date": "2025-03-02", "member": 4, "class": "A", "quantity": 1,
     "new_member": {"name": "Chloe Petit"}, "college": "consumers", "ref": "SUB-0004"},
    {"op": "subscription", "date": "2025-03-02", "member": 5, "class": "A", "quantity": 1,
     "new_member": {"name": "David Roux"}, "college": "employees"}]}
ops: subscription, release (amount_eur), transfer (to_member; new_member + college to admit;
leaving), redemption (leaving, deduction_eur), conversion (from_class, to_class),
college_change. Every entry may carry "ref". A broken rule stops with exit code 2 and names
the entry, the member and the rule.
"""

VOTE_EXAMPLE = """\
example ASSEMBLY.json:
  {"ledger": "ledger.json",
   "date": "2025-06-14", "kind": "ordinary", "convocation": "first",
   "roll_date": "2025-05-31",
   "present": [1, 2], "postal": [4], "proxies": [{"from": 5, "to": 1}],
   "resolutions": [
     {"code": "1", "title": "Approval of the 2024 accounts",
      "votes": {"1": "yes", "2": "no", "4": "yes", "5": "yes"}},
     {"code": "2", "title": "Change of the statutes", "kind": "extraordinary",
      "votes": {"1": "yes", "2": "yes", "4": "abstain", "5": "no"}}]}
"ledger" is a path relative to the assembly file, or an inline ledger object. The roll of
voters is the members on roll_date; each counts one vote in their college; college
weights come from the statutes, an empty college's weight is shared pro rata. Exit code 0
when every resolution reached a decision, 1 when one had no quorum or no vote cast.
"""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not an ISO date: %r" % text) from None


def register(subparsers) -> None:
    """Add ``shares`` and its sub-commands to the ``enercoop`` parser."""
    shares = subparsers.add_parser(
        "shares", help="cooperative shares: register of members, votes, accounting moves",
        description="SCIC share capital and governance: the register of members derived "
                    "from a share ledger, general-assembly votes with weighted colleges, "
                    "and the accounting moves of the ledger.")
    sub = shares.add_subparsers(dest="shares_command", metavar="SUBCOMMAND")
    shares.set_defaults(handler=lambda args: (shares.print_help(), 2)[1])

    reg = sub.add_parser(
        "register", help="print the register of members at a date",
        description="Check a share ledger against the statutes and print the register of "
                    "members (numbered rows, college, entry/exit dates, shares per class, "
                    "capital subscribed and paid up) as it stood on a date.",
        epilog=LEDGER_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    reg.add_argument("ledger", type=Path, metavar="LEDGER.json")
    reg.add_argument("--date", type=_date, help="register as of this day (default: the "
                     "last entry's date)")
    reg.add_argument("--current", action="store_true",
                     help="leave out members who have left")
    reg.add_argument("--csv", action="store_true", help="CSV on stdout instead of a table")
    reg.add_argument("--member", type=int, metavar="N",
                     help="print the history of member N instead")
    reg.set_defaults(handler=_register)

    vote = sub.add_parser(
        "vote", help="count the votes of a general assembly, showing the arithmetic",
        description="Draw the roll of voters from the ledger, check attendance and proxies "
                    "(per-holder limit from the statutes), check the quorum and count each "
                    "resolution: one member one vote, colleges weighted by the statutes.",
        epilog=VOTE_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    vote.add_argument("assembly", type=Path, metavar="ASSEMBLY.json")
    vote.set_defaults(handler=_vote)

    moves = sub.add_parser(
        "moves", help="print the accounting moves of a share ledger",
        description="Print the balanced accounting moves of each ledger entry, by account "
                    "role with the usual French PCG account, and the refunds owed.",
        epilog=LEDGER_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    moves.add_argument("ledger", type=Path, metavar="LEDGER.json")
    moves.add_argument("--date", type=_date, help="entries up to this day")
    moves.set_defaults(handler=_moves)


def _register(args) -> int:
    ledger = load_ledger(args.ledger)
    if args.member is not None:
        print("History of member %d" % args.member)
        for line in member_history(ledger, args.member):
            balance = ", ".join("%s %d" % item for item in sorted(line.balance.items()))
            print("  #%-4d %s  %-60s  holds: %s" % (line.seq, line.date, line.description,
                                                  balance or "nothing"))
        return 0
    on = args.date or (ledger.effects[-1].date if len(ledger) else dt.date.today())
    reg = register_at(ledger, on, include_former=not args.current)
    classes = reg.share_classes
    header = (["number", "name", "kind", "representative", "college", "entry_date",
               "exit_date"] + ["shares_%s" % code for code in classes]
              + ["subscribed_eur", "released_eur", "unpaid_eur"])
    rows = [[row.number, row.name, row.kind, row.representative, row.college,
             row.entry_date, row.exit_date or ""] + [row.holdings.get(c, 0) for c in classes]
            + [row.subscribed_eur, row.released_eur, row.unpaid_eur] for row in reg.rows]
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return 0
    print("Register of members on %s (%s)" % (on, ledger.statutes.name))
    fmt = "%6s  %-40s %-13s %-18s %-10s %-10s" + " %6s" * len(classes) + " %13s %13s %11s"
    print(fmt % tuple(["No", "Name", "Kind", "College", "Entry", "Exit"]
                      + list(classes) + ["Subscribed", "Paid up", "Unpaid"]))
    for row in reg.rows:
        name = row.name + (" (rep. %s)" % row.representative if row.representative else "")
        print(fmt % tuple([row.number, name[:40], row.kind, row.college, row.entry_date,
                           row.exit_date or ""] + [row.holdings.get(c, 0) for c in classes]
                          + [row.subscribed_eur, row.released_eur, row.unpaid_eur]))
    capital = ledger.capital(on)
    print("Members: %d current, %d former. Capital: subscribed %s EUR, paid up %s EUR, "
          "unpaid %s EUR; floor %s EUR (highest reached %s EUR)."
          % (len(reg.members), len(reg.rows) - len(reg.members), capital.subscribed_eur,
             capital.released_eur, capital.unpaid_eur, capital.floor_eur, capital.highest_eur))
    return 0


def _vote(args) -> int:
    data = read_json(args.assembly)
    parsed = assembly_from_dict(data, file=str(args.assembly), base=args.assembly.parent)
    ledger, assembly = parsed["ledger"], parsed["assembly"]
    statutes = ledger.statutes
    roll = roll_of_voters(ledger, assembly.roll_day)
    attendance = record_attendance(roll, parsed["present"], parsed["proxies"],
                                   parsed["postal"], statutes.proxy_limit)
    print("%s assembly of %s, %s convocation; roll of voters drawn on %s: %d members"
          % (assembly.kind.capitalize(), assembly.date, assembly.convocation,
             assembly.roll_day, len(roll)))
    holders = sorted({p.holder for p in attendance.proxies})
    if holders:
        print("Proxies: " + "; ".join(
            "member %d holds %d (limit %d)" % (h, attendance.proxies_held(h),
                                               statutes.proxy_limit) for h in holders))
    undecided = 0
    for resolution, ballots in parsed["resolutions"]:
        result = tally(resolution, attendance, ballots, statutes, assembly.convocation)
        print()
        print(result.explain())
        if result.outcome in ("no_quorum", "no_votes"):
            undecided += 1
    return 1 if undecided else 0


def _moves(args) -> int:
    ledger = load_ledger(args.ledger)
    roles = account_roles()
    for move in ledger_moves(ledger, args.date):
        print("%s  #%d %s%s" % (move.date, move.seq, move.kind,
                                " (ref %s)" % move.ref if move.ref else ""))
        for line in move.lines:
            account = roles[line.role].pcg_account if line.role in roles else "?"
            print("    %-6s %-26s %12s %12s  member %s class %s  %s" % (
                account, line.role, line.debit or "", line.credit or "", line.member,
                line.share_class, line.label))
        if not move.balanced:  # pragma: no cover - a defect, not a user error
            raise InputError("unbalanced move #%d" % move.seq)
    refunds = [r for r in ledger.refunds() if args.date is None or r.redemption_date <= args.date]
    for refund in refunds:
        print("refund to member %d: %s EUR (%d %s, nominal %s EUR, deduction %s EUR) due by %s"
              % (refund.member, refund.amount_eur, refund.quantity, refund.share_class,
                 refund.value_eur, refund.deduction_eur, refund.due_date))
    return 0
