"""The `bootstrap` use case: the S3 state bucket and KMS keys for one environment, named from platform.yaml and the account."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from platformctl.aws.state_backend import BackendReport, backend_names, ensure_state_backend
from platformctl.config.loader import load_platform
from platformctl.core.planning import check_environment
from platformctl.errors import PlatformctlError


def bootstrap_backend(
    env: str, *, aws_client: Callable[..., Any], identity: Callable[[], str], platform_file: Path | None = None, cwd: Path = Path(".")
) -> BackendReport:
    """Create (or inspect) the state backend of env in the primary region.

    Raises:
        UsageError: unknown environment; MissingToolError: no credentials or region; PlatformctlError: AWS refused.
    """
    loaded = load_platform(platform_file, cwd=cwd)
    check_environment(loaded, env)
    arn = identity()
    parts = arn.split(":")
    if len(parts) < 5 or not parts[4]:
        raise PlatformctlError(f"Cannot read the account id from the caller identity {arn}.")
    region = loaded.platform.regions.primary
    names = backend_names(organisation=loaded.platform.organisation, env=env, account=parts[4], region=region)
    return ensure_state_backend(names, s3=aws_client("s3", region=region), kms=aws_client("kms", region=region))
