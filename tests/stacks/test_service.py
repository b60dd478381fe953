"""The service stack under the mock runtime: a service with every feature and one with none, in dev and prod.

Every property the platform promises a service is asserted on the plan: least-privilege IAM with no `*` where AWS
allows scoping, CI trust limited to the repository (and for deploy to its protected environment), encryption,
redrive, the database role without a password, secrets under its path, a restricted namespace, Kong on Redis.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from platformctl.plan.model import LayerPlan, PlanResource
from tests.stacks.conftest import named, of_type
from tests.stacks.service_plans import service_plan

ENVS = ["dev", "prod"]
KINDS = ["all", "none"]
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
GITHUB = "token.actions.githubusercontent.com"
UNSCOPABLE = {"ecr:GetAuthorizationToken"}  # AWS offers no resource-level permission for it


def _doc(resource: PlanResource, key: str) -> dict[str, Any]:
    value = resource.inputs[key]
    return json.loads(value) if isinstance(value, str) else value


def _statements(resource: PlanResource, key: str = "policy") -> list[dict[str, Any]]:
    return list(_doc(resource, key)["Statement"])


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _by_sid(resource: PlanResource) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in _statements(resource)}


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("kind", KINDS)
def test_no_iam_policy_grants_star_where_aws_allows_scoping(kind: str, env: str) -> None:
    plan = service_plan(kind, env)
    policies = of_type(plan, ROLE_POLICY)
    for policy in policies:
        for statement in _statements(policy):
            assert statement["Effect"] == "Allow", f"{policy.name}: statement {statement.get('Sid')} must allow (rule: no deny-lists standing in for scoping)"
            actions = set(_as_list(statement["Action"]))
            for resource in _as_list(statement["Resource"]):
                if resource == "*":
                    assert actions <= UNSCOPABLE, f"{policy.name}: {sorted(actions - UNSCOPABLE)} on '*' (rule: least privilege, scope what AWS can scope)"
                assert not resource.endswith(":*") or "secretsmanager" in resource, (
                    f"{policy.name}: {resource} is a wildcard account-wide ARN (rule: least privilege)"
                )


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("kind", KINDS)
def test_pod_role_is_assumable_by_its_own_service_account_only(kind: str, env: str) -> None:
    plan = service_plan(kind, env)
    service = "orders" if kind == "all" else "ledger"
    role = named(plan, ROLE, "pod-role")
    assert role.inputs["name"] == f"acme-{env}-{service}", "pod-role: name must be <org>-<env>-<service> (rule: one role per service and environment)"
    (statement,) = _statements(role, "assumeRolePolicy")
    condition = statement["Condition"]["StringEquals"]
    subjects = {v for k, v in condition.items() if k.endswith(":sub")}
    assert subjects == {f"system:serviceaccount:{service}:{service}"}, f"pod-role: trusts {subjects} (rule: IRSA bound to its service account only)"
    assert any(k.endswith(":aud") and v == "sts.amazonaws.com" for k, v in condition.items()), "pod-role: audience must be sts (rule: IRSA)"
    account = named(plan, "kubernetes:core/v1:ServiceAccount", "namespace-service-account")
    assert account.inputs["metadata"]["namespace"] == service and account.inputs["metadata"]["name"] == service, "namespace-service-account: the pod's account"
    assert account.inputs["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == "(known after apply: pod-role.arn)", (
        "namespace-service-account: bound to pod-role"
    )


@pytest.mark.parametrize("env", ENVS)
def test_pod_policy_of_the_full_service_names_only_its_own_resources(env: str) -> None:
    plan = service_plan("all", env)
    grants = _by_sid(named(plan, ROLE_POLICY, "pod-policy"))
    queues = {f"(known after apply: queue-{q}-{part}.arn)" for q in ("orders-jobs", "emails") for part in ("queue", "dlq")}
    assert set(grants["OwnQueues"]["Resource"]) == queues, f"pod-policy: OwnQueues on {grants['OwnQueues']['Resource']} (rule: its own queues and DLQs only)"
    assert grants["QueueEncryption"]["Resource"] == "(known after apply: messaging.messagingKeyArn)", "pod-policy: the messaging key, for SQS SSE-KMS"
    assert grants["QueueEncryption"]["Condition"]["StringEquals"]["kms:ViaService"].startswith("sqs."), "pod-policy: key use only through SQS"
    assert set(grants["OwnPrefix"]["Resource"]) == {f"(known after apply: data.{b}BucketArn)/orders/*" for b in ("uploads", "exports")}, (
        "pod-policy: objects under orders/ only (rule: its own S3 prefix)"
    )
    assert grants["ListOwnPrefix"]["Condition"]["StringLike"]["s3:prefix"] == ["orders/*"], "pod-policy: listing only its prefix"
    secrets = grants["OwnSecrets"]["Resource"]
    assert f"arn:aws:secretsmanager:eu-west-1:(known after apply: account id):secret:acme/{env}/services/orders/*" in secrets, (
        f"pod-policy: {secrets} (rule: its secrets path)"
    )
    assert grants["DatabaseIamAuth"]["Resource"].endswith(":dbuser:(known after apply: data.dbResourceId)/orders"), (
        "pod-policy: rds-db:connect as its own user only"
    )
    assert grants["SendEmail"]["Resource"] == ["(known after apply: messaging.sesIdentityArn)"], (
        "pod-policy: SES on the platform's identity only (notifications)"
    )
    assert grants["PublishNotifications"]["Action"] == "sns:Publish", "pod-policy: SNS publish only"
    assert grants["OwnIndices"]["Resource"] == "(known after apply: data.searchDomainArn)/orders-*", "pod-policy: its own OpenSearch indices only (search)"


@pytest.mark.parametrize("env", ENVS)
def test_pod_policy_of_a_featureless_service_has_its_secrets_and_nothing_else(env: str) -> None:
    plan = service_plan("none", env)
    grants = _by_sid(named(plan, ROLE_POLICY, "pod-policy"))
    assert set(grants) == {"OwnSecrets", "SecretsEncryption"}, f"pod-policy: {sorted(grants)} (rule: SQS, S3, SES, SNS, RDS only when its service.yaml asks)"
    assert grants["OwnSecrets"]["Resource"] == [f"arn:aws:secretsmanager:eu-west-1:(known after apply: account id):secret:acme/{env}/services/ledger/*"], (
        "pod-policy: an internal service reads no gateway credential"
    )


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("kind", KINDS)
def test_deploy_role_trusts_its_repository_and_protected_environment_only(kind: str, env: str) -> None:
    plan = service_plan(kind, env)
    service, repository = ("orders", "acme-shop/orders") if kind == "all" else ("ledger", "acme/ledger")
    github_env = "production" if env == "prod" else env
    role = named(plan, ROLE, "ci-deploy")
    assert role.inputs["name"] == f"{service}-{env}-ci-deploy", "ci-deploy: the name the CI workflow assumes"
    (statement,) = _statements(role, "assumeRolePolicy")
    assert statement["Principal"]["Federated"] == "(known after apply: identity.githubOidcProviderArn)", "ci-deploy: trusts GitHub's OIDC provider"
    assert statement["Condition"]["StringEquals"] == {f"{GITHUB}:aud": "sts.amazonaws.com"}, "ci-deploy: audience sts"
    assert statement["Condition"]["StringLike"] == {f"{GITHUB}:sub": [f"repo:{repository}:environment:{github_env}"]}, (
        f"ci-deploy: {statement['Condition']['StringLike']} (rule: its repository's protected environment only)"
    )
    (grant,) = _statements(named(plan, ROLE_POLICY, "ci-deploy-policy"))
    assert grant["Action"] == "eks:DescribeCluster", "ci-deploy-policy: describe the cluster only"
    assert grant["Resource"] == "arn:aws:eks:eu-west-1:(known after apply: account id):cluster/(known after apply: cluster.clusterName)", (
        "ci-deploy-policy: its cluster only"
    )
    association = named(plan, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "ci-deploy-namespace")
    assert association.inputs["accessScope"] == {"type": "namespace", "namespaces": [service]}, "ci-deploy-namespace: EKS access scoped to its namespace"
    assert association.inputs["policyArn"].endswith("/AmazonEKSEditPolicy"), "ci-deploy-namespace: edit, not admin"
    assert named(plan, "aws:eks/accessEntry:AccessEntry", "ci-deploy-access").inputs["type"] == "STANDARD", "ci-deploy-access: a standard access entry"


@pytest.mark.parametrize("kind", KINDS)
def test_registry_and_build_role_live_in_the_production_stack_only(kind: str) -> None:
    assert not of_type_or_none(service_plan(kind, "dev"), "aws:ecr/repository:Repository"), (
        "dev: the ECR repository is made once, by prod's stack (rule: one per account)"
    )
    prod = service_plan(kind, "prod")
    service, repository = ("orders", "acme-shop/orders") if kind == "all" else ("ledger", "acme/ledger")
    repo = named(prod, "aws:ecr/repository:Repository", "image-repository")
    assert repo.inputs["name"] == service, "image-repository: named after the service, as CI pushes"
    assert repo.inputs["imageTagMutability"] == "IMMUTABLE", "image-repository: immutable tags"
    assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}, "image-repository: scan on push"
    assert repo.inputs["encryptionConfigurations"][0]["encryptionType"] == "KMS", "image-repository: KMS encryption"
    assert repo.protect, "image-repository: protected in production"
    rules = json.loads(named(prod, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "image-lifecycle").inputs["policy"])["rules"]
    counts = [r["selection"]["countNumber"] for r in rules if r["selection"]["countType"] == "imageCountMoreThan"]
    assert counts and counts[0] >= 30, f"image-lifecycle: keeps {counts} images (rule: the newest N, more than every deploy history)"
    build = named(prod, ROLE, "ci-build")
    assert build.inputs["name"] == f"{service}-ci-build", "ci-build: the name the CI workflow assumes"
    (statement,) = _statements(build, "assumeRolePolicy")
    assert statement["Condition"]["StringLike"] == {f"{GITHUB}:sub": [f"repo:{repository}:ref:refs/heads/main"]}, "ci-build: its repository's main branch only"
    grants = _by_sid(named(prod, ROLE_POLICY, "ci-build-policy"))
    assert grants["PushOwnRepository"]["Resource"] == "(known after apply: image-repository.arn)", "ci-build-policy: push to its repository only"
    assert "ecr:PutImage" in grants["PushOwnRepository"]["Action"], "ci-build-policy: may push"


def of_type_or_none(plan: LayerPlan, type_token: str) -> list[PlanResource]:
    return plan.by_type(type_token)


@pytest.mark.parametrize("env", ENVS)
def test_queues_follow_the_messaging_conventions(env: str) -> None:
    plan = service_plan("all", env)
    for queue in ("orders-jobs", "emails"):
        main = named(plan, "aws:sqs/queue:Queue", f"queue-{queue}-queue")
        dlq = named(plan, "aws:sqs/queue:Queue", f"queue-{queue}-dlq")
        physical = f"acme-{env}-orders-{queue.removeprefix('orders-')}"
        assert main.inputs["name"] == physical, f"queue-{queue}: {main.inputs['name']}, must be <org>-<env>-<service>-<queue> (rule: no clash)"
        for q in (main, dlq):
            assert q.inputs["kmsMasterKeyId"] == "(known after apply: messaging.messagingKeyArn)", f"{q.name}: the messaging key (rule: encryption at rest)"
        redrive = json.loads(main.inputs["redrivePolicy"])
        assert redrive["deadLetterTargetArn"] == f"(known after apply: queue-{queue}-dlq.arn)" and redrive["maxReceiveCount"] >= 1, (
            f"{main.name}: redrive to its DLQ"
        )
        for role in ("queue", "dlq"):
            (deny,) = json.loads(named(plan, "aws:sqs/queuePolicy:QueuePolicy", f"queue-{queue}-{role}-tls-only").inputs["policy"])["Statement"]
            assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}, (
                f"queue-{queue}-{role}: TLS only (rule: in transit)"
            )
    assert not service_plan("none", env).by_type("aws:sqs/queue:Queue"), "ledger: no jobs, no queues"


@pytest.mark.parametrize("env", ENVS)
def test_database_role_is_made_by_a_job_that_alone_sees_the_master_credential(env: str) -> None:
    plan = service_plan("all", env)
    job = named(plan, "kubernetes:batch/v1:Job", "database-bootstrap-job")
    assert job.inputs["metadata"]["namespace"] == "platform-system", "database-bootstrap-job: runs in the platform's namespace, not the service's"
    container = job.inputs["spec"]["template"]["spec"]["containers"][0]
    env_vars = {e["name"]: e for e in container["env"]}
    assert "value" not in env_vars["PGPASSWORD"] and env_vars["PGPASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "db-bootstrap-orders", (
        "database-bootstrap-job: the master password comes from a Secret, never the plan (rule: no secret in plan or state)"
    )
    sql = env_vars["BOOTSTRAP_SQL"]["value"]
    assert "GRANT rds_iam TO orders" in sql and "PASSWORD" not in sql.upper(), "database-bootstrap-job: an IAM-authenticated role without password"
    assert "CREATE DATABASE orders OWNER orders" in sql, "database-bootstrap-job: its own database"
    assert container["securityContext"]["readOnlyRootFilesystem"] and job.inputs["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"], (
        "database-bootstrap-job: restricted Pod Security"
    )
    grants = _by_sid(named(plan, ROLE_POLICY, "database-bootstrap-irsa-policy"))
    assert grants["ReadMasterSecret"]["Resource"] == "(known after apply: data.dbMasterSecretArn)", "database-bootstrap-irsa-policy: the master secret only"
    (trust,) = _statements(named(plan, ROLE, "database-bootstrap-irsa-role"), "assumeRolePolicy")
    assert "system:serviceaccount:platform-system:db-bootstrap-orders" in trust["Condition"]["StringEquals"].values(), (
        "database-bootstrap-irsa-role: the Job's account only"
    )
    assert not service_plan("none", env).by_type("kubernetes:batch/v1:Job"), "ledger: database: false makes no database"


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("kind", KINDS)
def test_secrets_live_under_its_path_with_the_platform_key_and_sync_as_its_pod(kind: str, env: str) -> None:
    plan = service_plan(kind, env)
    service = "orders" if kind == "all" else "ledger"
    names = {"all": {"app", "stripe"}, "none": {"app"}}[kind]
    for secret in names:
        resource = named(plan, "aws:secretsmanager/secret:Secret", f"secrets-{secret}")
        assert resource.inputs["name"] == f"acme/{env}/services/{service}/{secret}", f"{resource.name}: under its own path"
        assert resource.inputs["kmsKeyId"] == "(known after apply: data.secretsKeyArn)", (
            f"{resource.name}: the platform's secrets key (rule: encryption at rest)"
        )
    store = named(plan, "kubernetes:external-secrets.io/v1beta1:SecretStore", "secrets-store")
    assert store.inputs["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]["name"] == service, (
        "secrets-store: reads as the pod (its IRSA role), nothing more"
    )
    sync = named(plan, "kubernetes:external-secrets.io/v1beta1:ExternalSecret", "secrets-sync")
    assert {d["remoteRef"]["key"] for d in sync.inputs["spec"]["data"]} == {f"acme/{env}/services/{service}/{n}" for n in names}, (
        "secrets-sync: every secret of the service"
    )


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("kind", KINDS)
def test_namespace_is_restricted_and_denies_by_default(kind: str, env: str) -> None:
    plan = service_plan(kind, env)
    service = "orders" if kind == "all" else "ledger"
    namespace = named(plan, "kubernetes:core/v1:Namespace", "namespace-namespace")
    labels = namespace.inputs["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted", f"namespace-namespace: Pod Security {mode} restricted"
    assert labels["platform.io/namespace-role"] == "app", "namespace-namespace: labelled an app namespace (Kong and telemetry allow it by label)"
    policies = {
        r.inputs["metadata"]["name"]: r.inputs["spec"]
        for r in of_type(plan, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
        if r.inputs["metadata"]["namespace"] == service
    }
    deny = policies["default-deny"]
    assert deny["podSelector"] == {} and deny["ingress"] == [] and deny["egress"] == [], "default-deny: every pod, no traffic by default"
    (source,) = policies["allow-from-gateway"]["ingress"][0]["from"]
    assert source == {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}}, "allow-from-gateway: Kong's namespace only"


@pytest.mark.parametrize("env", ENVS)
def test_public_service_route_verifies_jwt_by_kid_and_rate_limits_in_redis(env: str) -> None:
    plan = service_plan("all", env)
    plugins = {r.inputs["metadata"]["name"]: r.inputs for r in of_type(plan, "kubernetes:configuration.konghq.com/v1:KongPlugin")}
    limit = plugins["orders-rate-limit"]
    assert limit["plugin"] == "rate-limiting" and limit["config"]["policy"] == "redis", "gateway-rate-limit: counted in Redis (local multiplies by replicas)"
    assert limit["config"]["redis"]["host"] == "(known after apply: addons.rateLimitRedisHost)", "gateway-rate-limit: counts in the addons layer's store"
    assert "password" not in json.dumps(limit).lower(), "gateway-rate-limit: no credential in a plugin (the store admits Kong's pods only)"
    jwt = plugins["orders-jwt"]
    assert jwt["plugin"] == "jwt" and jwt["config"]["key_claim_name"] == "kid", "gateway-jwt: the user pool's credential chosen by the token's kid"
    assert "exp" in jwt["config"]["claims_to_verify"], "gateway-jwt: expired tokens refused"
    assert not plan.by_type("kubernetes:configuration.konghq.com/v1:KongConsumer"), (
        "a service makes no consumer: the kid credentials live on the platform's one user-pool consumer (Kong wants each key once)"
    )
    route = named(plan, "kubernetes:networking.k8s.io/v1:Ingress", "gateway-route").inputs
    assert route["metadata"]["annotations"]["konghq.com/plugins"] == "orders-jwt,orders-rate-limit", "gateway-route: both plugins on the route"
    assert route["spec"]["rules"][0]["host"] == "(known after apply: addons.publicEntryHostname)", "gateway-route: on the public entry's host"
    assert route["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/orders/", "gateway-route: under its own path"


@pytest.mark.parametrize("env", ENVS)
def test_internal_service_has_no_route_or_consumer_at_the_gateway(env: str) -> None:
    plan = service_plan("none", env)
    assert not [r for r in plan.resources if r.type.startswith("kubernetes:configuration.konghq.com")], "ledger: internal, nothing at Kong"
    assert not plan.by_type("kubernetes:networking.k8s.io/v1:Ingress"), "ledger: internal, no route"
    assert plan.outputs["routePath"] is None, "ledger: no public path"


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_taggable_aws_resource_carries_the_service_tag(kind: str, env: str) -> None:
    plan = service_plan(kind, env)
    service = "orders" if kind == "all" else "ledger"
    untaggable = {
        "aws:iam/rolePolicy:RolePolicy",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:sqs/queuePolicy:QueuePolicy",
        "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    }
    checked = [r for r in plan.resources if r.custom and r.type.startswith("aws:") and r.type not in untaggable]
    assert checked, "no AWS resources to check"
    for resource in checked:
        assert (resource.inputs.get("tags") or {}).get("service") == service, f"{resource.name} ({resource.type}): missing tag service={service}"


def test_service_depends_on_exactly_the_layers_its_program_references() -> None:
    from stacks.layer_table import SERVICE_DEPENDS_ON
    from tests.engines.test_layer_table import referenced_layers

    used = referenced_layers("service")
    declared = {layer.value for layer in SERVICE_DEPENDS_ON}
    assert used == declared, f"stacks/service reads {sorted(used)} through reference(), stacks/layer_table.py SERVICE_DEPENDS_ON lists {sorted(declared)}"
