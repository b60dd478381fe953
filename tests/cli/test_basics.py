"""--help, --version, usage errors and the error boundary."""

from __future__ import annotations

import subprocess
import sys

from platformctl import __version__
from platformctl.wiring import Wiring
from tests.cli.runner import run


def test_help_lists_every_command(capsys) -> None:
    result = run(capsys, "--help")
    assert result.code == 0
    for command in ("init", "plan", "doctor"):
        assert command in result.stdout


def test_version(capsys) -> None:
    result = run(capsys, "--version")
    assert result.code == 0 and result.stdout.strip() == f"platformctl {__version__}"


def test_unknown_option_is_a_usage_error_with_exit_2(capsys) -> None:
    result = run(capsys, "plan", "--bogus")
    assert result.code == 2
    assert "No such option" in result.stderr and "Traceback" not in result.stderr


def test_help_does_not_import_pulumi_boto3_or_kubernetes() -> None:
    code = (
        "import sys\n"
        "from platformctl.cli.app import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('pulumi', 'pulumi_aws', 'boto3', 'botocore', 'kubernetes', 'pydantic', 'jinja2') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY=\n" in done.stdout, f"--help imported heavy modules: {done.stdout.splitlines()[-1]}"


class _BrokenEngine:
    def plan(self, layers, **_: object):
        raise RuntimeError("kaboom")


def test_unexpected_error_is_one_sentence_and_traceback_only_on_request(capsys) -> None:
    broken = lambda: Wiring(planning_engine=_BrokenEngine)  # noqa: E731 - a fresh root per run, as the CLI builds one
    result = run(capsys, "plan", wiring=broken())
    assert result.code == 1
    assert "unexpected RuntimeError: kaboom" in result.stderr and "Traceback" not in result.stderr
    result = run(capsys, "--traceback", "plan", wiring=broken())
    assert result.code == 1 and "Traceback" in result.stderr
    result = run(capsys, "plan", "--traceback", wiring=broken())
    assert result.code == 1 and "Traceback" in result.stderr, "--traceback after the command works too"


def test_traceback_from_the_environment(capsys, monkeypatch) -> None:
    from platformctl.config.settings import Settings

    monkeypatch.setenv("PLATFORMCTL_TRACEBACK", "1")
    result = run(capsys, "plan", wiring=Wiring(settings_factory=Settings, planning_engine=_BrokenEngine))
    assert result.code == 1 and "Traceback" in result.stderr
