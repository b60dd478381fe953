"""The one place where errors become a message, a hint and an exit code."""

from __future__ import annotations

import traceback as tb

from platformctl.cli import console
from platformctl.errors import ExitCode, PlatformctlError
from platformctl.files import path_error


def report(exc: BaseException, *, show_traceback: bool) -> int:
    """Print an error to stderr the way users should see it, and return the exit code."""
    stderr = console.err()
    if isinstance(exc, PlatformctlError):
        stderr.print(f"Error: {exc.message}", markup=False)
        for line in exc.details:
            stderr.print(f"  - {line}", markup=False)
        if exc.hint:
            stderr.print(f"Hint: {exc.hint}", markup=False)
        code = int(exc.exit_code)
    elif isinstance(exc, OSError) and exc.filename is not None:
        # A path the system refused (permissions, a read-only or full disk, a name too long) where no
        # command worded it yet: the user's to fix, so a usage error naming the path, not a "bug".
        stderr.print(f"Error: {path_error('use', exc.filename, exc, hint='').message}", markup=False)
        stderr.print("Hint: check that path and its permissions; rerun with --traceback if it is not one you gave.", markup=False)
        code = int(ExitCode.USAGE)
    elif isinstance(exc, KeyboardInterrupt):
        stderr.print("Interrupted.", markup=False)
        return int(ExitCode.INTERRUPTED)
    else:
        stderr.print(f"Error: unexpected {type(exc).__name__}: {exc}", markup=False)
        stderr.print("Hint: this is a bug in platformctl; rerun with --traceback and report the output.", markup=False)
        code = int(ExitCode.FAILED)
    if show_traceback:
        # Never with local variables: they may hold secrets.
        stderr.print("".join(tb.format_exception(exc)), markup=False)
    return code
