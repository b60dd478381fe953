"""The machine's side effects that the core needs, behind small Protocols: running commands and telling time."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Sequence
from typing import Protocol


class CommandRunner(Protocol):
    """Finds and runs external commands (pulumi, kubectl, dot …)."""

    def which(self, name: str) -> str | None: ...

    def run(self, argv: Sequence[str]) -> tuple[int, str]: ...


class Clock(Protocol):
    """Wall time and waiting; tests pass a clock that advances only when told."""

    def now(self) -> float:
        """Seconds since the epoch (wall time: Lease timestamps are compared across machines)."""
        ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def spent_blocking(self, seconds: float) -> None:
        """A blocking call (a watch that stayed quiet) has just used up to `seconds` of real time.

        A real clock has moved by itself; a test clock advances, so waits are tested without waiting.
        """
        ...


class SystemRunner:
    """Runs real commands, bounded in time."""

    def __init__(self, *, timeout: float = 20.0) -> None:
        self.timeout = timeout

    def which(self, name: str) -> str | None:
        return shutil.which(name)

    def run(self, argv: Sequence[str]) -> tuple[int, str]:
        try:
            done = subprocess.run(list(argv), capture_output=True, text=True, timeout=self.timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return 1, str(exc)
        return done.returncode, (done.stdout or done.stderr).strip()


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))

    def spent_blocking(self, seconds: float) -> None:
        return None
