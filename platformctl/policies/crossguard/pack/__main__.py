"""The CrossGuard entry point: every platformctl rule as a pulumi-policy policy, run by `pulumi preview`/`up`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The pack is a folder inside the installed platformctl package; its rules are imported from there.
sys.path.insert(0, str(Path(__file__).resolve().parents[4]))

from pulumi_policy import EnforcementLevel, Policy, PolicyPack, ResourceValidationPolicy, StackValidationPolicy

from platformctl.config.env_vars import POLICY_CONTEXT
from platformctl.policies.crossguard.validators import context_from_env, policy_specs

LEVELS = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY}


def main() -> None:
    raw = os.environ.get(POLICY_CONTEXT)
    if not raw:
        sys.exit(f"{POLICY_CONTEXT} is not set: the cloud engine passes the environment's policy context to this pack")
    policies: list[Policy] = []
    for spec in policy_specs(context_from_env(raw)):
        cls = ResourceValidationPolicy if spec.kind == "resource" else StackValidationPolicy
        policies.append(cls(name=spec.name, description=spec.description, validate=spec.validate, enforcement_level=LEVELS[spec.enforcement_level]))
    PolicyPack(name="platformctl", policies=policies)


main()
