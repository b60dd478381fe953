"""What the cloud commands need before anything starts, checked in one place so `doctor` and `up` say the same words."""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

from platformctl.config.env_vars import AWS_REGION, STATE_URL
from platformctl.core.diagnostics import CheckResult, Status
from platformctl.engines.cloud.cli_version import check_pulumi_cli
from platformctl.errors import MissingToolError, PlatformctlError
from platformctl.next_steps import FOR_DEPLOYING
from platformctl.system import CommandRunner

NEEDED_FOR = ("up", "preview", "destroy", "refresh", "drift")


def cloud_checks(*, state_url: str | None, runner: CommandRunner, identity: Callable[[], str], env_hint: str = "ENV") -> list[CheckResult]:
    """The Pulumi CLI and its version, the state backend, its region, and AWS credentials: each ok or with the fix."""
    checks: list[CheckResult] = []
    try:
        checks.append(CheckResult("pulumi", "ok", f"Pulumi CLI {check_pulumi_cli(runner)}", None, NEEDED_FOR))
    except MissingToolError as missing:
        checks.append(CheckResult("pulumi", "missing", missing.message, missing.hint, NEEDED_FOR))
    checks.append(_backend(state_url, env_hint))
    checks.append(_region(state_url))
    checks.append(credentials_check(identity, (*NEEDED_FOR, "bootstrap", FOR_DEPLOYING)))
    return checks


# Every failing check carries its fix (the README promises one): this is the fix when nothing more precise is known.
CREDENTIALS_FIX = "Run `aws sts get-caller-identity` to see what the AWS CLI makes of your credentials; `aws configure` or `aws sso login` sets them up."


def credentials_check(identity: Callable[[], str], needs: tuple[str, ...]) -> CheckResult:
    """Who the credentials belong to, or what is wrong with them and the fix (never an exception: doctor reports)."""
    try:
        return CheckResult("aws credentials", "ok", identity(), None, needs)
    except PlatformctlError as exc:
        status: Status = "missing" if isinstance(exc, MissingToolError) else "error"
        return CheckResult("aws credentials", status, exc.message, exc.hint or CREDENTIALS_FIX, needs)
    except Exception as exc:  # doctor reports; it never fails on what it was asked to check
        return CheckResult("aws credentials", "error", f"{type(exc).__name__}: {exc}", CREDENTIALS_FIX, needs)


def require_cloud(*, state_url: str | None, runner: CommandRunner, identity: Callable[[], str], env: str) -> None:
    """Raise the first missing prerequisite as a MissingToolError (exit 3), in doctor's words."""
    for check in cloud_checks(state_url=state_url, runner=runner, identity=identity, env_hint=env):
        if check.status != "ok":
            raise MissingToolError(check.detail, hint=check.fix)


def _backend(state_url: str | None, env_hint: str) -> CheckResult:
    fix = (f"Run `platformctl bootstrap --env {env_hint}` and set {STATE_URL} to the URL it prints "
           f"(or {STATE_URL}=file:///path/to/folder for a local backend).")
    if not state_url:
        return CheckResult("state backend", "missing", f"No state backend is configured ({STATE_URL} is not set).", fix, NEEDED_FOR)
    if urlparse(state_url).scheme not in {"s3", "file"}:
        return CheckResult("state backend", "error", f"{STATE_URL} must be s3://… or file://…, not {state_url}.", fix, NEEDED_FOR)
    return CheckResult("state backend", "ok", state_url, None, NEEDED_FOR)


def _region(state_url: str | None) -> CheckResult:
    parsed = urlparse(state_url or "")
    region = parse_qs(parsed.query).get("region", [None])[0] or os.environ.get(AWS_REGION) or os.environ.get("AWS_DEFAULT_REGION")
    if parsed.scheme == "s3" and not region:
        return CheckResult("aws region", "missing", "No AWS region for the state bucket.",
                           f"Add ?region=… to {STATE_URL} (bootstrap prints it) or set {AWS_REGION}.", NEEDED_FOR)
    return CheckResult("aws region", "ok", region or "from platform.yaml (regions.primary)", None, NEEDED_FOR)
