"""What a deploy did, step by step: the typed result `deploy` and `rollback` return, and its JSON form."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from platformctl.errors import ExitCode

# outcome -> exit code; the README's table says the same.
OUTCOME_EXIT = {
    "deployed": ExitCode.OK,
    "applied": ExitCode.OK,  # --no-wait
    "diff": ExitCode.OK,
    "rolled-back": ExitCode.ROLLED_BACK,
    "rollback-failed": ExitCode.FAILED,
    "failed": ExitCode.FAILED,  # nothing to roll back to, or a failed migration (the old version still serves)
}


@dataclass
class Step:
    name: str
    started: float  # clock time
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class DeployEvent:
    """Progress for the CLI to draw: `kind` is step, progress, log or warning."""

    kind: str
    message: str


@dataclass
class DeployReport:
    service: str
    env: str
    namespace: str
    outcome: str = "failed"
    message: str = ""
    revision: int | None = None
    image: str = ""
    digest: str = ""
    rolled_back_to: int | None = None
    steps: list[Step] = field(default_factory=list)
    migration_log: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # events and log lines of the pod that failed
    diff: list[dict[str, Any]] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    prune_pending: list[str] = field(default_factory=list)  # stale objects left in prod without --prune
    warnings: list[str] = field(default_factory=list)
    verification: dict[str, Any] | None = None

    @property
    def exit_code(self) -> ExitCode:
        return OUTCOME_EXIT[self.outcome]

    def to_json(self) -> str:
        document = asdict(self)
        document["exitCode"] = int(self.exit_code)
        return json.dumps(document, indent=2, sort_keys=True) + "\n"
