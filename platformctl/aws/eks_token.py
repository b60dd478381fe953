"""An EKS cluster's endpoint and a bearer token for it, from boto3: what `aws eks get-token` does, without the CLI.

The token is a presigned STS GetCallerIdentity URL that names the cluster in the signed
`x-k8s-aws-id` header, base64url-encoded behind `k8s-aws-v1.`; the cluster's authenticator
replays it to STS to learn who is calling. It is valid for 15 minutes.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from platformctl.aws.session import client, translate
from platformctl.errors import UsageError

TOKEN_PREFIX = "k8s-aws-v1."
_CLUSTER_HEADER = "x-k8s-aws-id"
_PRESIGN_SECONDS = 60  # what aws-iam-authenticator uses; EKS accepts the token for 15 minutes regardless


@dataclass(frozen=True)
class EksCluster:
    name: str
    endpoint: str
    certificate_authority: bytes  # PEM


def describe(name: str, *, region: str) -> EksCluster:
    """The cluster's API endpoint and CA.

    Raises:
        UsageError: there is no such cluster (exit 2).
        MissingToolError: no credentials or region (exit 3).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    eks = client("eks", region=region)
    try:
        cluster = eks.describe_cluster(name=name)["cluster"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise UsageError(
                f"There is no EKS cluster {name} in {region}.",
                hint="Check --env; the cluster layer creates it (`platformctl up --env ENV`).",
            ) from None
        raise translate(exc, f"describe EKS cluster {name}") from None
    except BotoCoreError as exc:
        raise translate(exc, f"describe EKS cluster {name}") from None
    return EksCluster(name, str(cluster["endpoint"]), base64.b64decode(cluster["certificateAuthority"]["data"]))


def token(name: str, *, region: str) -> str:
    """A bearer token for the cluster, in the form `aws eks get-token` prints.

    Raises:
        MissingToolError: no AWS credentials (exit 3).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    sts = client("sts", region=region)

    def name_the_cluster(request: Any, **_: Any) -> None:
        request.headers[_CLUSTER_HEADER] = name  # signed, so the token is good for this cluster only

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", name_the_cluster)
    try:
        url = sts.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=_PRESIGN_SECONDS, HttpMethod="GET")
    except (BotoCoreError, ClientError) as exc:
        raise translate(exc, f"sign a token for EKS cluster {name}") from None
    return TOKEN_PREFIX + base64.urlsafe_b64encode(str(url).encode()).decode().rstrip("=")
