"""EKS access and ECR digests through boto3, against moto in server mode on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import urllib.parse

import boto3
import pytest

from platformctl.aws import eks_token
from platformctl.aws.ecr import resolve_digest
from platformctl.errors import UsageError
from platformctl.kubernetes.connection import ClusterRef, eks_configuration
from platformctl.rendering.image_ref import parse_image

pytestmark = pytest.mark.integration
REGION = "eu-west-1"


def _cluster(name: str = "acme-staging") -> dict:
    eks = boto3.client("eks", region_name=REGION)
    return eks.create_cluster(name=name, roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig={"subnetIds": ["subnet-1", "subnet-2"]})["cluster"]


def test_the_token_is_a_presigned_get_caller_identity_for_this_cluster(moto_endpoint: str) -> None:
    token = eks_token.token("acme-staging", region=REGION)
    assert token.startswith("k8s-aws-v1.") and "=" not in token
    url = base64.urlsafe_b64decode(token.removeprefix("k8s-aws-v1.") + "==").decode()
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert query["Action"] == "GetCallerIdentity" and query["X-Amz-Expires"] == "60"
    assert "x-k8s-aws-id" in query["X-Amz-SignedHeaders"].split(";"), "the cluster name is signed into the token"
    assert query["X-Amz-Credential"].endswith(f"/{REGION}/sts/aws4_request"), "signed for STS in the cluster's region"
    assert url.startswith(moto_endpoint), "AWS_ENDPOINT_URL is honoured (in AWS: the regional STS endpoint)"
    # (moto's server routes presigned query-string requests to S3, so replaying the URL there proves nothing.)


def test_the_configuration_points_at_the_cluster_with_its_ca_and_a_bearer_token(moto_endpoint: str) -> None:
    created = _cluster()
    configuration = eks_configuration(ClusterRef("staging", "acme-staging", REGION))
    assert configuration.host == created["endpoint"]
    assert configuration.api_key["authorization"].startswith("k8s-aws-v1.") and configuration.api_key_prefix["authorization"] == "Bearer"
    with open(configuration.ssl_ca_cert, "rb") as handle:
        assert handle.read() == base64.b64decode(created["certificateAuthority"]["data"])


def test_a_missing_cluster_is_bad_input(moto_endpoint: str) -> None:
    with pytest.raises(UsageError, match="There is no EKS cluster acme-dev in eu-west-1"):
        eks_token.describe("acme-dev", region=REGION)


def _push(repository: str, tag: str) -> str:
    ecr = boto3.client("ecr", region_name=REGION)
    ecr.create_repository(repositoryName=repository)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "config": {}, "layers": []})
    return str(ecr.put_image(repositoryName=repository, imageManifest=manifest, imageTag=tag)["image"]["imageId"]["imageDigest"])


def test_a_tag_resolves_to_the_digest_ecr_holds(moto_endpoint: str) -> None:
    digest = _push("acme/orders", "3f2a1c9")
    image = parse_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/orders:3f2a1c9")
    assert digest.startswith("sha256:") and resolve_digest(image) == digest


def test_an_unknown_tag_is_bad_input(moto_endpoint: str) -> None:
    _push("acme/orders", "3f2a1c9")
    with pytest.raises(UsageError, match="ECR has no image acme/orders:nope"):
        resolve_digest(parse_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/orders:nope"))


def test_a_tag_outside_ecr_cannot_be_resolved() -> None:
    with pytest.raises(UsageError, match="not an ECR repository"):
        resolve_digest(parse_image("ghcr.io/acme/orders:1.0"))


def test_render_resolves_a_tag_through_ecr(moto_endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    from platformctl.paths import skeleton_dir
    from tests.cli.runner import run
    from tests.rendering.deploy_fixtures import OUTPUTS

    digest = _push("acme/skeleton", "3f2a1c9")
    result = run(
        capsys,
        "render",
        "--env",
        "prod",
        "--dir",
        str(skeleton_dir()),
        "--outputs",
        str(OUTPUTS),
        "--image",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/skeleton:3f2a1c9",
    )
    assert result.code == 0, result.stderr
    assert f'image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/skeleton@{digest}"' in result.stdout
    assert 'app.kubernetes.io/version: "3f2a1c9"' in result.stdout
