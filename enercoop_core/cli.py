"""The ``enercoop`` command.

Each area of the core adds its own sub-commands from a ``cli`` module of its package
(``enercoop_core/flows/cli.py`` and so on) that defines ``register(subparsers)``; this
module only assembles them, so that an area's command lives beside its rules.

Start-up stays quick: only the module of the command being run is imported (the flows
engine pulls numpy and lxml in); the others appear in ``enercoop --help`` through their
one-line help in :data:`COMMANDS` (``tests/core/test_cli.py`` checks it is the line each
module registers).

Exit codes: 0 success, 1 the work ran but found problems (rejected records, failed
checks), 2 bad usage or unreadable input, 130 interrupted.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

from enercoop_core import __version__
from enercoop_core.errors import EnercoopError

#: Sub-commands in the order shown by --help: (name, module registering it, its help line).
COMMANDS = (
    ("flows", "enercoop_core.flows.cli",
     "read Enedis flows (R15, R151, R171, R17, R50, R4x, R64, R67, C15, C12, F15, F12)"),
    ("bill", "enercoop_core.billing.cli",
     "bill contracts for a month or any period; monthly payment schedules; "
     "check network invoices; producer purchases"),
    ("balance", "enercoop_core.balancing.cli",
     "half-hourly balance of production against supply for a month"),
    ("shares", "enercoop_core.shares.cli",
     "cooperative shares: register of members, votes, accounting moves"),
    ("directory", "enercoop_core.directory.cli", "synchronise the ERP's partners into OpenLDAP"),
    ("demo", "enercoop_core.demo", "bill the bundled sample data and print a summary"),
)
COMMAND_MODULES = tuple(module for _name, module, _help in COMMANDS)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _command(argv: Optional[List[str]]) -> Optional[str]:
    """The sub-command named in ``argv`` (the first word that is not an option), if any."""
    for word in argv or ():
        if not word.startswith("-"):
            return word
    return None


def build_parser(argv: Optional[List[str]] = None, full: bool = True) -> argparse.ArgumentParser:
    """The ``enercoop`` parser. ``full``: every area registers its sub-commands; else only
    the area of the command in ``argv``, the others being listed by their help line."""
    parser = argparse.ArgumentParser(
        prog="enercoop",
        description=(
            "Tools of a renewable-electricity supplier cooperative: read Enedis flows, "
            "price and bill consumption, balance the portfolio, keep the share register."),
        epilog="Run 'enercoop COMMAND --help' for the options and an example of each command.",
    )
    parser.add_argument("--version", action="version",
                        version="enercoop %s" % __version__)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = None if full else _command(argv)
    for command, name, helptext in COMMANDS:
        if not full and command != wanted:
            subparsers.add_parser(command, help=helptext)  # listed; never run from here
            continue
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            if exc.name != name:  # a real import error inside the module: surface it
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv, full=False)
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.handler(args) or 0)
    except EnercoopError as exc:
        print("enercoop: error: %s" % exc, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("enercoop: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
