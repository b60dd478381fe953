"""Reading an earlier plan document (for `plan --compare`): a clear refusal for anything that is not one."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from platformctl.errors import UsageError
from platformctl.plan.model import PLAN_SCHEMA_VERSION, Plan

REMAKE = "Write it again with `platformctl plan --env ENV --json --out FILE` from this version of platformctl."


def read_plan(path: Path, *, environment: str | None = None) -> Plan:
    """The plan document at path.

    Raises:
        UsageError: the file is missing, not JSON, not a plan, of another schema version, or of another environment.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"Cannot compare with {path}: the file does not exist.", hint=REMAKE) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read {path}: {getattr(exc, 'strerror', None) or exc}.", hint=REMAKE) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not a plan document: invalid JSON at line {exc.lineno}.", hint=REMAKE) from None
    if not isinstance(data, dict) or "layers" not in data:
        raise UsageError(f"{path} is not a plan document: it has no layers.", hint=REMAKE)
    version = data.get("schema_version")
    if version != PLAN_SCHEMA_VERSION:
        raise UsageError(f"{path} is a plan of schema version {version}; this platformctl reads version {PLAN_SCHEMA_VERSION}.", hint=REMAKE)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"{path} is not a valid plan document: {where}: {first['msg']}.", hint=REMAKE) from None
    if environment is not None and plan.environment != environment:
        hint = f"Compare with a plan of {environment}, or pass --env {plan.environment}."
        raise UsageError(f"{path} plans the {plan.environment} environment, not {environment}.", hint=hint)
    return plan
