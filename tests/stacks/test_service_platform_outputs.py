"""What the layers give service stacks: GitHub's OIDC provider (identity), the secrets key and the database resource id
(data), the ALB's access-log delivery (data), the public entry's host and the rate-limit store (addons)."""

from __future__ import annotations

import pytest

from platformctl.config.loader import LoadedPlatform
from platformctl.core.planning import build_plan
from platformctl.engines.embedded.runner import EmbeddedEngine
from tests.stacks.conftest import fake_upstream, named, of_type, sample_platform
from tests.stacks.test_data import bucket_part, policy, statements

OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
EXISTING = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_identity_creates_githubs_oidc_provider_and_exports_it(layer_plan, env: str) -> None:
    plan = layer_plan("identity", env)
    provider = named(plan, OIDC, "github-provider")
    assert provider.inputs["url"] == "https://token.actions.githubusercontent.com", f"{provider.name}: GitHub Actions' issuer"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"], f"{provider.name}: tokens for STS only"
    assert plan.outputs["githubOidcProviderArn"] == "(known after apply: github-provider.arn)", "identity: exports the provider for CI roles"


def test_identity_reuses_the_accounts_provider_when_platform_yaml_names_it() -> None:
    loaded = sample_platform()
    identity = loaded.platform.identity.model_copy(update={"github_oidc_provider_arn": EXISTING})
    shared = LoadedPlatform(loaded.platform.model_copy(update={"identity": identity}), "test: provider exists", False)
    plan = build_plan(engine=EmbeddedEngine(), loaded=shared, env="dev", layers=["identity"], upstream=fake_upstream("identity", shared)).layer("identity")
    assert not plan.by_type(OIDC), "identity: IAM holds one provider per issuer and account; an existing one must not be created again"
    assert plan.outputs["githubOidcProviderArn"] == EXISTING, "identity: exports the existing provider"


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_data_exports_the_secrets_key_and_the_database_resource_id(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    assert plan.outputs["secretsKeyArn"] == "(known after apply: keys-secrets.arn)", "data: the services' secrets key"
    assert plan.outputs["dbResourceId"] == "(known after apply: postgres-primary.resourceId)", "data: what rds-db:connect ARNs name"


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_the_access_logs_bucket_admits_alb_log_delivery_under_its_prefix_only(layer_plan, env: str) -> None:
    plan = layer_plan("data", env)
    found = [
        s
        for s in statements(policy(bucket_part(plan, "aws:s3/bucketPolicy:BucketPolicy", "access-logs"), "policy"))
        if s["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    ]
    assert len(found) == 1, "access-logs: must admit the ELB log delivery service (the public entry's ALB)"
    (grant,) = found
    assert grant["Action"] == "s3:PutObject" and grant["Resource"].endswith("/alb/*"), f"access-logs: ALB logs under alb/ only, not {grant['Resource']}"
    assert "aws:SourceAccount" in grant["Condition"]["StringEquals"], "access-logs: only this account's load balancers"


def test_public_subnets_in_the_addons_config_are_the_networks() -> None:
    from platformctl.config.stack_config import layer_config

    platform = sample_platform().platform
    for env in ("dev", "prod"):
        addons, network = layer_config(platform, env, "addons"), layer_config(platform, env, "network")
        assert addons["publicSubnetCidrs"] == network["publicSubnetCidrs"], f"{env}: Kong admits the ALB's subnets, which are the network's public ones"


def test_the_rate_limit_store_runs_restricted_and_keeps_nothing(layer_plan) -> None:
    plan = layer_plan("addons", "prod")
    (store,) = [d for d in of_type(plan, "kubernetes:apps/v1:Deployment") if d.name == "rate-limits-deployment"]
    pod = store.inputs["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert pod["securityContext"]["runAsNonRoot"] and container["securityContext"]["readOnlyRootFilesystem"], f"{store.name}: Pod Security restricted"
    assert container["args"][:4] == ["--save", "", "--appendonly", "no"], f"{store.name}: counters only, nothing written to disk"
    assert [v for v in pod["volumes"] if "persistentVolumeClaim" in v] == [], f"{store.name}: no persistent volume"
