"""Judge an Odoo 11 `--test-enable` log: did every addon test module run, and pass?

Usage: python3 odoo_test_report.py LOG ADDONS_DIR ADDON[,ADDON...] ODOO_EXIT_CODE

Fails (exit 1) when Odoo exited non-zero, when the log holds an ERROR or CRITICAL line
or a unittest FAIL, when a `tests/test_*.py` module of an addon did not run (forgotten in
`tests/__init__.py`, or the addon did not install), or when no test ran at all.
Prints the offending lines, then a last line "PASSED FAILED summary words".
"""
from __future__ import annotations

import os
import re
import sys

RAN = re.compile(r"odoo\.addons\.(\w+)\.tests\.(\w+): Ran (\d+) tests? in")
RUNNING = re.compile(r"odoo\.modules\.module: odoo\.addons\.(\w+)\.tests\.(\w+) running tests\.")
COUNTS = re.compile(r"\((?:failures=(\d+))?(?:, )?(?:errors=(\d+))?(?:, )?(?:skipped=(\d+))?\)\s*$")
BAD = re.compile(r" (ERROR|CRITICAL) |\bFAIL(ED)?\b")


def expected_modules(addons_dir, addons):
    """{(addon, test module)} for every tests/test_*.py of the addons."""
    wanted = set()
    for addon in addons:
        folder = os.path.join(addons_dir, addon, "tests")
        if os.path.isdir(folder):
            for name in os.listdir(folder):
                if name.startswith("test_") and name.endswith(".py"):
                    wanted.add((addon, name[:-3]))
    return wanted


def main(argv):
    log_path, addons_dir, addons, exit_code = argv[0], argv[1], argv[2].split(","), int(argv[3])
    try:
        with open(log_path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        lines = ["test.sh CRITICAL no Odoo log at %s: Odoo did not run" % log_path]
    ran = {}
    started = set()
    failed = skipped = 0
    bad_lines = []
    for line in lines:
        match = RAN.search(line)
        if match:
            ran[(match.group(1), match.group(2))] = int(match.group(3))
        match = RUNNING.search(line)
        if match:
            started.add((match.group(1), match.group(2)))
        if "odoo.addons." in line and ".tests." in line:
            counts = COUNTS.search(line)
            if counts and any(counts.groups()):
                fails, errors, skips = (int(g or 0) for g in counts.groups())
                failed += fails + errors
                skipped += skips
        if BAD.search(line):
            bad_lines.append(line)
    total = sum(ran.values())
    missing = sorted(expected_modules(addons_dir, addons) - started)
    problems = []
    if exit_code != 0:
        problems.append("odoo exited with code %d" % exit_code)
    if bad_lines:
        problems.append("%d ERROR/FAIL log lines" % len(bad_lines))
    if missing:
        problems.append("test modules that did not run: %s"
                        % ", ".join("%s.tests.%s" % m for m in missing))
    if total == 0:
        problems.append("no test ran")
    for line in bad_lines[:60]:
        print("  " + line[:300])
    if len(bad_lines) > 60:
        print("  ... %d more" % (len(bad_lines) - 60))
    passed = max(total - failed - skipped, 0)
    addons_with_tests = sorted({addon for addon, _ in ran})
    summary = "%d passed, %d failed, %d skipped in %d test modules of %s" % (
        passed, failed, skipped, len(ran), ", ".join(addons_with_tests) or "no addon")
    if problems:
        summary += "; " + "; ".join(problems)
    print("%d %d %s" % (passed, max(failed, 1) if problems else 0, summary))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
