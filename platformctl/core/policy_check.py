"""The policy use case: judge a plan against the rule set with platform.yaml's promises and waivers."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

from platformctl.config.loader import LoadedPlatform
from platformctl.errors import PolicyViolationError, UsageError
from platformctl.plan.model import Plan
from platformctl.policies.context import context_for
from platformctl.policies.evaluate import PolicyReport, evaluate, views
from platformctl.policies.model import Severity
from platformctl.policies.rules import ALL_RULES, RULES_BY_ID
from platformctl.policies.waivers import check_waivers, waivers_for


class PolicyLevel(StrEnum):
    """mandatory: a mandatory failure fails the command (exit 4); advisory: every verdict is only reported."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"


def parse_level(value: str) -> PolicyLevel:
    """The --policy-level value, or a UsageError naming the choices."""
    try:
        return PolicyLevel(value.lower())
    except ValueError:
        raise UsageError(f"'{value}' is not a policy level.", hint="Use --policy-level mandatory or --policy-level advisory.") from None


def is_partial(plan: Plan) -> bool:
    """Whether the plan lacks a built layer (`plan --layer`): rules across resources would see gaps, not violations."""
    from platformctl.engines.layers import layer_names

    return bool(set(layer_names()) - {layer.name for layer in plan.layers})


def check_plan(*, plan: Plan, loaded: LoadedPlatform, today: date, partial: bool | None = None) -> PolicyReport:
    """Evaluate every rule that applies to the plan's environment.

    Args:
        plan: the plan document.
        loaded: the platform whose promises (RPO, RTO, regions) and waivers apply.
        today: the date waivers are checked against.
        partial: the plan holds only some layers, so rules that span resources are skipped (they would see
            gaps); found out from the plan when None.
    Returns:
        The verdicts, failures first.
    Raises:
        UsageError: the plan's environment is not in the platform file.
        ConfigError: a waiver names a rule that does not exist.
    """
    platform = loaded.platform
    if plan.environment not in platform.environments:
        raise UsageError(
            f"The plan is of environment '{plan.environment}', which {loaded.source} does not define.",
            hint="Pass the platform.yaml the plan was made from with --file.",
        )
    waivers = platform.policies.waivers
    check_waivers(waivers, RULES_BY_ID)
    if partial is None:
        partial = is_partial(plan)
    rules = [r for r in ALL_RULES if not partial or r.check is not None]
    return evaluate(
        views(plan.resources()), context_for(platform, plan.environment), waivers=waivers_for(waivers, plan.environment), today=today, rules=rules
    )


def enforce(report: PolicyReport, level: PolicyLevel) -> None:
    """Raise PolicyViolationError (exit 4) when a mandatory rule failed and the level is mandatory."""
    failures = report.failures(Severity.MANDATORY)
    if level is PolicyLevel.MANDATORY and failures:
        raise PolicyViolationError(
            f"{len(failures)} mandatory policy check(s) failed in {report.environment}.",
            hint="Fix them (each verdict names the remediation), waive one in platform.yaml under policies.waivers with a reason "
            "and an expiry, or pass --policy-level advisory to report without failing.",
        )


def read_plan(path: Path) -> Plan:
    """The plan document at path (as `plan --out` or `plan --json` wrote it).

    Raises:
        UsageError: the file is missing or not a plan document.
    """
    from pydantic import ValidationError

    try:
        return Plan.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror}.", hint="Write a plan with `platformctl plan --out PLAN.json`.") from None
    except ValidationError as exc:
        raise UsageError(
            f"{path} is not a platformctl plan document ({exc.error_count()} problem(s)).",
            hint="Write one with `platformctl plan --env ENV --out PLAN.json`.",
        ) from None
