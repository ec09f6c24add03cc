"""The ``enercoop`` command.

Each area of the core adds its own sub-commands from a ``cli`` module of its package
(``enercoop_core/flows/cli.py`` and so on) that defines ``register(subparsers)``; this
module only assembles them, so that an area's command lives beside its rules.

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

# Packages whose ``cli`` module registers sub-commands, in the order shown by --help.
COMMAND_MODULES = (
    "enercoop_core.flows.cli",
    "enercoop_core.billing.cli",
    "enercoop_core.tariffs.cli",
    "enercoop_core.balancing.cli",
    "enercoop_core.shares.cli",
    "enercoop_core.directory.cli",
    "enercoop_core.demo",
)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
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
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            if exc.name != name:  # a real import error inside the module: surface it
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
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
