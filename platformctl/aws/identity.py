"""Who the AWS credentials belong to, through STS."""

from __future__ import annotations

from platformctl.aws.session import client, translate


def sts_identity() -> str:
    """The caller ARN from STS.

    Raises:
        PlatformctlError: no usable credentials, or AWS could not be reached (translated, with the next step).
    """
    try:
        # STS answers in every region; us-east-1 keeps doctor working before a region is chosen.
        return str(client("sts", region="us-east-1").get_caller_identity()["Arn"])
    except Exception as exc:
        raise translate(exc, "read the caller identity") from None
