"""What platformctl tells people to run next, in one place: it names only commands this version has.

When a command lands or is renamed, change the lines here (and the comments of templates/platform/platform.yaml.j2,
templates/service/service.yaml.j2 and README.md.j2, then `python scripts/sync-skeleton.py`);
tests/cli/test_named_commands.py fails on any that name a command the CLI does not have.
"""

from __future__ import annotations


def after_plan(env: str) -> str:
    return (f"Next: `platformctl up --env {env}` applies it (`platformctl doctor` checks what that needs: the Pulumi CLI, "
            "AWS credentials, a state backend from `platformctl bootstrap`).")

APP_INTRO = "Start with `platformctl plan --env prod`: it shows every resource the platform needs, with no AWS account needed."

# What doctor says each tool is needed for (its "needed for" column and `required_for` in --json).
FOR_APPLYING = "applying the platform"
FOR_DEPLOYING = "deploying services"
DOCTOR_ALL_GOOD = "Everything applying the platform and deploying services need is here."
