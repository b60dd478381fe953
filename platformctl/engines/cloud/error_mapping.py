"""The Automation API's errors, translated where the SDK is called into sentences with the next step."""

from __future__ import annotations

import re
from typing import Any

from platformctl.engines.base import LayerOperationError, LockHolder, StackLockedError
from platformctl.engines.cloud.event_stream import OperationLog, clean
from platformctl.errors import MissingToolError, UsageError

# The DIY (S3, file) backends' lock message, pkg/backend/diy/lock.go: one line per lock file.
_LOCK_LINE = re.compile(r"(?P<path>\S+\.json): created by (?P<user>[^@\s]+)@(?P<host>\S+) \(pid (?P<pid>\d+)\) at (?P<at>\S+)")
_ERROR_LINE = re.compile(r"^\s*error: (?P<text>.+)$", re.MULTILINE)


def lock_holders(stderr: str) -> list[LockHolder]:
    """Who holds the stack's lock, read from the CLI's error text."""
    return [
        LockHolder(user=m["user"], host=m["host"], pid=int(m["pid"]), acquired=m["at"], path=m["path"])
        for m in _LOCK_LINE.finditer(stderr)
    ]


def translate(exc: BaseException, *, layer: str, stack: str, operation: str, log: OperationLog | None = None) -> BaseException:
    """Our error for an exception raised by pulumi.automation during `operation` on a layer's stack.

    Anything that is not an Automation API error is returned unchanged (a bug, shown as one).
    """
    from pulumi import automation as auto

    where = f"layer {layer} (stack {stack})"
    if isinstance(exc, auto.errors.InvalidVersionError):
        return MissingToolError(f"The Pulumi CLI does not fit this SDK: {exc}", hint="Upgrade the Pulumi CLI, or run `platformctl plan` for an offline plan.")
    if isinstance(exc, FileNotFoundError) and "pulumi" in str(exc):
        return MissingToolError("The Pulumi CLI is not on PATH.", hint="Install it, or run `platformctl plan` for an offline plan.")
    if not isinstance(exc, auto.CommandError):
        return exc
    stderr, stdout = _streams(exc)
    if isinstance(exc, auto.ConcurrentUpdateError):
        holders = lock_holders(stderr)
        who = "; ".join(h.describe() for h in holders) or "held by another update"
        return StackLockedError(
            f"Another update holds the lock of {where}: {who}.",
            holders=holders,
            hint=f"Wait for it (--wait-for-lock), or if that update is dead, `platformctl unlock --env {stack} --layer {layer}`.",
        )
    if isinstance(exc, auto.StackNotFoundError):
        return UsageError(f"The stack of {where} does not exist in the state backend.", hint=f"Run `platformctl up --env {stack} --layer {layer}` first.")
    first = (log.first_error if log else None) or first_error_line(stderr) or first_error_line(stdout) or f"pulumi {operation} failed"
    urn = (log.first_error_urn or log.failed_urn) if log else None
    if isinstance(exc, (auto.errors.RuntimeError, auto.errors.CompilationError)):
        hint = "This is a bug in the stack program: rerun with --traceback and report it."
        return LayerOperationError(f"The program of {where} failed: {first}", urn=urn, hint=hint)
    return LayerOperationError(f"pulumi {operation} of {where} failed: {first}", urn=urn, hint=_hint_for(first, layer, stack))


def first_error_line(text: str) -> str | None:
    match = _ERROR_LINE.search(text)
    return clean(match["text"]) if match else None


def _streams(exc: Any) -> tuple[str, str]:
    # CommandError keeps only str(CommandResult): "\n code: …\n stdout: …\n stderr: …".
    text = str(exc)
    stdout, _, stderr = text.partition("\n stderr: ")
    return stderr, stdout.partition("\n stdout: ")[2]


def _hint_for(first: str, layer: str, stack: str) -> str:
    lowered = first.lower()
    if "no credentials" in lowered or "could not find credentials" in lowered or "expiredtoken" in lowered:
        return "Set AWS_PROFILE (and run `aws sso login`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY."
    if "passphrase" in lowered:
        return "Set PULUMI_CONFIG_PASSPHRASE for a local backend, or PLATFORMCTL_SECRETS_PROVIDER to the KMS key `bootstrap` made."
    return f"Fix the cause, then `platformctl up --env {stack} --resume` reruns the failed and blocked layers."

