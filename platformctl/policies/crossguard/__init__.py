"""The rule set as a Pulumi CrossGuard policy pack, for `pulumi preview` and `up` run by the cloud engine."""

from __future__ import annotations

from pathlib import Path


def pack_path() -> Path:
    """The policy pack folder (PulumiPolicy.yaml, __main__.py, requirements.txt) shipped inside the package.

    The cloud engine passes it as `--policy-pack <path>` and the environment's policy context in
    PLATFORMCTL_POLICY_CONTEXT (see validators.context_to_env).
    """
    return Path(__file__).parent / "pack"
