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
                         stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    assert "usage: enercoop" in out


def test_no_command_is_usage_error(capsys):
    assert main([]) == 2
