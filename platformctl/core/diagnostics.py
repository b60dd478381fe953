"""The doctor use case: which tools and credentials this machine has, each with the fix."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from platformctl.next_steps import FOR_DEPLOYING
from platformctl.system import CommandRunner

Status = Literal["ok", "missing", "error"]
MINIMUM_PYTHON = (3, 11)


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str
    fix: str | None  # None only for a check that passed
    required_for: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.status != "ok" and not self.fix:
            raise ValueError(f"the failing check {self.name!r} has no fix: every failing check must say how to fix it")

    @property
    def blocking(self) -> bool:
        return self.status != "ok" and bool(self.required_for)


@dataclass(frozen=True)
class DoctorReport:
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not any(c.blocking for c in self.checks)

    def to_document(self) -> dict[str, Any]:
        """The `--json` document."""
        return {"healthy": self.healthy, "checks": [asdict(check) for check in self.checks]}


def diagnose(*, runner: CommandRunner, identity: Callable[[], str], state_url: str | None = None) -> DoctorReport:
    """Check Python, what the cloud commands need (the same checks `up` makes), kubectl, docker and graphviz."""
    from platformctl.core.prerequisites import cloud_checks

    checks = [_python()]
    checks.extend(cloud_checks(state_url=state_url, runner=runner, identity=identity))
    checks.append(_tool(runner, "kubectl", ["kubectl", "version", "--client"], (FOR_DEPLOYING,),
                        "Install kubectl: https://kubernetes.io/docs/tasks/tools/"))
    checks.append(_tool(runner, "docker", ["docker", "--version"], (), "Install Docker to build service images locally (CI builds them otherwise)."))
    checks.append(_tool(runner, "dot", ["dot", "-V"], (), "Install graphviz (apt-get install graphviz) to render plan diagrams."))
    return DoctorReport(checks)


def _python() -> CheckResult:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] >= MINIMUM_PYTHON:
        return CheckResult("python", "ok", version, None, ("all",))
    return CheckResult("python", "error", f"{version} is older than 3.11", "Install Python 3.11 or newer.", ("all",))


def _tool(runner: CommandRunner, name: str, argv: list[str], required_for: tuple[str, ...], fix: str) -> CheckResult:
    path = runner.which(argv[0])
    if path is None:
        return CheckResult(name, "missing", "not found on PATH", fix, required_for)
    code, text = runner.run(argv)
    first = text.splitlines()[0] if text else ""
    if code != 0:
        return CheckResult(name, "error", f"{path} failed: {first}", fix, required_for)
    return CheckResult(name, "ok", f"{first} ({path})", None, required_for)
