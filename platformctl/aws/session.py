"""boto3 clients built in one place; the standard AWS_* variables keep their meaning."""

from __future__ import annotations

import os
from typing import Any

from platformctl.config.env_vars import AWS_ENDPOINT_URL, AWS_REGION
from platformctl.errors import MissingToolError, PlatformctlError


def client(service: str, *, region: str | None = None) -> Any:
    """A boto3 client; AWS_ENDPOINT_URL (moto, LocalStack) is honoured by botocore itself.

    Raises:
        MissingToolError: no region is configured.
    """
    import boto3
    from botocore.config import Config
    from botocore.exceptions import NoRegionError

    chosen = region or os.environ.get(AWS_REGION) or os.environ.get("AWS_DEFAULT_REGION")
    try:
        return boto3.session.Session().client(
            service,
            region_name=chosen,
            endpoint_url=os.environ.get(AWS_ENDPOINT_URL) or None,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=20),
        )
    except NoRegionError:
        raise MissingToolError("No AWS region is configured.", hint="Pass --region or set AWS_REGION.") from None


def translate(exc: Exception, action: str) -> PlatformctlError:
    """Turn a botocore error raised while doing `action` into a sentence with the next step."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
        ProfileNotFound,
        SSOError,
        TokenRetrievalError,
    )

    if isinstance(exc, ProfileNotFound):
        profile = os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "?"
        return MissingToolError(
            f"The AWS profile '{profile}' (AWS_PROFILE) is not in your AWS config, so there are no credentials to {action}.",
            hint="Check its spelling against `aws configure list-profiles`, or unset AWS_PROFILE to use the default credentials.",
        )
    if isinstance(exc, (SSOError, TokenRetrievalError)):
        return MissingToolError(f"The AWS SSO session has no valid token to {action}.", hint="Run `aws sso login` (with --profile if you use one).")
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return MissingToolError(
            f"No AWS credentials to {action}.", hint="Set AWS_PROFILE (and run `aws sso login`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY."
        )
    if isinstance(exc, EndpointConnectionError):
        return PlatformctlError(f"Cannot reach AWS to {action}: {exc}.", hint="Check the network, AWS_REGION and AWS_ENDPOINT_URL.")
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "Error")
        message = exc.response.get("Error", {}).get("Message", "")
        if code in {"InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "UnrecognizedClientException"}:
            return MissingToolError(
                f"AWS refused the credentials while trying to {action} ({code}).", hint="Refresh them: `aws sso login`, or check AWS_PROFILE."
            )
        return PlatformctlError(f"AWS said {code} while trying to {action}: {message}.", hint="Check the permissions of the role you are using.")
    return PlatformctlError(
        f"Could not {action}: {exc}.", hint="Run `aws sts get-caller-identity` to see what the AWS CLI makes of these credentials."
    )
