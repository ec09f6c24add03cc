import subprocess
import sys

from enercoop_core import __version__
from enercoop_core.cli import main


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_lists_commands_and_exit_code():
    out = subprocess.run([sys.executable, "-m", "enercoop_core", "--help"],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    assert "usage: enercoop" in out


def test_no_command_is_usage_error(capsys):
    assert main([]) == 2


def test_help_does_not_import_the_heavy_modules():
    code = ("import sys; from enercoop_core.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('numpy', 'lxml', 'enercoop_core.flows.engine') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert "flows" in out and "directory" in out


def test_listed_help_lines_are_those_the_modules_register():
    import argparse

    from enercoop_core.cli import COMMANDS, build_parser
    full = build_parser()
    actions = [a for a in full._actions if isinstance(a, argparse._SubParsersAction)][0]
    registered = {choice.dest: choice.help for choice in actions._choices_actions}
    assert {name: helptext for name, _module, helptext in COMMANDS
            if name in registered} == registered
