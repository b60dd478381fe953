"""The messaging layer's plan: encrypted job queues with DLQs, encrypted topics, SES with DKIM and TLS, SMS limits."""

from __future__ import annotations

import json

import pytest

from platformctl.config.loader import LoadedPlatform
from platformctl.config.platform_file import Queue
from platformctl.config.stack_config import common_config
from platformctl.core.planning import build_plan
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.plan.model import LayerPlan, PlanResource
from tests.stacks.conftest import assert_platform_tags, fake_upstream, of_type, one_of_type, sample_platform

ENVS = ["dev", "prod"]
QUEUE = "aws:sqs/queue:Queue"
DAY = 86_400


def _queues(plan: LayerPlan) -> tuple[dict[str, PlanResource], dict[str, PlanResource]]:
    """(main queues, dead-letter queues), keyed by the platform.yaml queue name."""
    main, dead = {}, {}
    for r in of_type(plan, QUEUE):
        role = r.name.rsplit("-", 1)[1]
        queue_name = r.name.removeprefix("queue-").rsplit("-", 1)[0]
        (dead if role == "dlq" else main)[queue_name] = r
    return main, dead


def _key(plan: LayerPlan) -> PlanResource:
    return one_of_type(plan, "aws:kms/key:Key")


def _fifo_plan(env: str) -> LayerPlan:
    loaded = sample_platform()
    messaging = loaded.platform.messaging.model_copy(
        update={"queues": [*loaded.platform.messaging.queues, Queue(name="orders", fifo=True, content_based_deduplication=True, max_receive_count=3)]}
    )
    platform = loaded.platform.model_copy(update={"messaging": messaging})
    custom = LoadedPlatform(platform, "test: sample with a FIFO queue", False)
    return build_plan(engine=EmbeddedEngine(), loaded=custom, env=env, layers=["messaging"], upstream=fake_upstream("messaging", custom)).layer("messaging")


@pytest.mark.parametrize("env", ENVS)
def test_messaging_key_rotates_and_its_policy_names_no_wildcard_principal(layer_plan, env: str) -> None:
    key = _key(layer_plan("messaging", env))
    assert key.inputs.get("enableKeyRotation") is True, f"{key.name}: the messaging KMS key must rotate (enableKeyRotation)"
    policy = json.loads(key.inputs["policy"])
    for statement in policy["Statement"]:
        principal = statement["Principal"]
        values = [principal] if isinstance(principal, str) else [v for vs in principal.values() for v in ([vs] if isinstance(vs, str) else vs)]
        assert "*" not in values, f"{key.name}: key policy statement {statement.get('Sid')} must not allow the '*' principal"
    services = {s["Principal"].get("Service"): s for s in policy["Statement"] if "Service" in s["Principal"]}
    for service in ("sqs.amazonaws.com", "sns.amazonaws.com"):
        assert service in services, f"{key.name}: key policy must let {service} use the key"
        condition = services[service].get("Condition", {})
        assert condition.get("StringEquals", {}).get("aws:SourceAccount"), (
            f"{key.name}: {service} may use the key only for this account (aws:SourceAccount condition)"
        )
        assert "kms:*" not in services[service]["Action"], f"{key.name}: {service} gets only what encryption needs, not kms:*"
    assert key.protect is (env == "prod"), f"{key.name}: the messaging key is protected in production only"


@pytest.mark.parametrize("env", ENVS)
def test_every_configured_queue_has_a_dead_letter_queue_and_redrive_policy(layer_plan, env: str) -> None:
    plan = layer_plan("messaging", env)
    configured = {q.name: q for q in sample_platform().platform.messaging.queues}
    main, dead = _queues(plan)
    assert set(main) == set(configured), f"messaging: queues {sorted(main)} differ from platform.yaml {sorted(configured)}"
    assert set(dead) == set(configured), f"messaging: every queue needs a dead-letter queue (have {sorted(dead)})"
    for name, queue in main.items():
        redrive = json.loads(queue.inputs["redrivePolicy"])
        assert redrive["maxReceiveCount"] == configured[name].max_receive_count, f"{queue.name}: maxReceiveCount must come from platform.yaml"
        assert redrive["deadLetterTargetArn"] == f"(known after apply: {dead[name].name}.arn)", (
            f"{queue.name}: the redrive policy must target its own dead-letter queue {dead[name].name}"
        )
        assert queue.inputs["name"] == f"acme-{env}-{name}", f"{queue.name}: physical name must be <org>-<env>-<queue>"
        assert queue.inputs["visibilityTimeoutSeconds"] == configured[name].visibility_timeout_seconds, f"{queue.name}: visibility timeout from config"
        assert queue.inputs["messageRetentionSeconds"] == configured[name].retention_days * DAY, f"{queue.name}: retention from config"
    for dlq in dead.values():
        assert dlq.inputs["messageRetentionSeconds"] == 14 * DAY, f"{dlq.name}: a dead-letter queue keeps messages 14 days"


@pytest.mark.parametrize("env", ENVS)
def test_dead_letter_queues_accept_redrive_only_from_their_source_queue(layer_plan, env: str) -> None:
    plan = layer_plan("messaging", env)
    main, dead = _queues(plan)
    allows = {r.inputs["queueUrl"]: r for r in of_type(plan, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy")}
    for name, dlq in dead.items():
        allow = allows.get(f"(known after apply: {dlq.name}.url)")
        assert allow, f"{dlq.name}: the dead-letter queue needs a redrive_allow_policy"
        policy = json.loads(allow.inputs["redriveAllowPolicy"])
        assert policy == {"redrivePermission": "byQueue", "sourceQueueArns": [f"(known after apply: {main[name].name}.arn)"]}, (
            f"{dlq.name}: redrive allowed only from {main[name].name} (byQueue)"
        )


@pytest.mark.parametrize("env", ENVS)
def test_queues_are_encrypted_with_the_messaging_key_and_tls_only(layer_plan, env: str) -> None:
    plan = layer_plan("messaging", env)
    key_arn = f"(known after apply: {_key(plan).name}.arn)"
    policies = {r.inputs["queueUrl"]: json.loads(r.inputs["policy"]) for r in of_type(plan, "aws:sqs/queuePolicy:QueuePolicy")}
    for queue in of_type(plan, QUEUE):
        assert queue.inputs.get("kmsMasterKeyId") == key_arn, f"{queue.name}: SQS must be encrypted with the messaging KMS key"
        assert queue.inputs.get("sqsManagedSseEnabled") is not True, f"{queue.name}: KMS, not SQS-managed SSE"
        assert queue.protect is (env == "prod"), f"{queue.name}: queues are protected in production only"
        assert queue.inputs["tags"]["environment"] == env, f"{queue.name}: tagged with the environment"
        deny = policies[f"(known after apply: {queue.name}.url)"]["Statement"][0]
        assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}, (
            f"{queue.name}: the queue policy must deny requests without TLS"
        )


@pytest.mark.parametrize("env", ENVS)
def test_fifo_queue_and_its_dlq_are_fifo_named_dot_fifo(env: str) -> None:
    plan = _fifo_plan(env)
    main, dead = _queues(plan)
    for queue in (main["orders"], dead["orders"]):
        assert queue.inputs.get("fifoQueue") is True, f"{queue.name}: a FIFO queue (and its DLQ) must set fifoQueue"
        assert queue.inputs["name"].endswith(".fifo"), f"{queue.name}: SQS needs FIFO queue names to end in .fifo"
        assert queue.inputs.get("contentBasedDeduplication") is True, f"{queue.name}: content-based deduplication from config"
    assert json.loads(main["orders"].inputs["redrivePolicy"])["maxReceiveCount"] == 3, "orders: maxReceiveCount from config"
    for name in ("jobs", "emails"):
        assert not main[name].inputs.get("fifoQueue"), f"{main[name].name}: standard queues stay standard"
        assert not main[name].inputs["name"].endswith(".fifo"), f"{main[name].name}: only FIFO queues end in .fifo"


@pytest.mark.parametrize("env", ENVS)
def test_topics_are_the_configured_ones_encrypted_with_the_messaging_key(layer_plan, env: str) -> None:
    plan = layer_plan("messaging", env)
    key_arn = f"(known after apply: {_key(plan).name}.arn)"
    topics = of_type(plan, "aws:sns/topic:Topic")
    expected = {f"acme-{env}-{t}" for t in sample_platform().platform.messaging.topics}
    assert {t.inputs["name"] for t in topics} == expected, f"messaging: SNS topics must be {sorted(expected)}"
    for topic in topics:
        assert topic.inputs.get("kmsMasterKeyId") == key_arn, f"{topic.name}: SNS topics must be encrypted with the messaging KMS key"
    for policy in of_type(plan, "aws:sns/topicPolicy:TopicPolicy"):
        statements = json.loads(policy.inputs["policy"])["Statement"]
        assert any(s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}} for s in statements), (
            f"{policy.name}: the topic policy must deny publishing without TLS"
        )
        assert all(s["Principal"] != {"AWS": "*"} for s in statements if s["Effect"] == "Allow"), f"{policy.name}: no Allow to everyone"


@pytest.mark.parametrize("env", ENVS)
def test_ses_sends_from_the_mail_subdomain_with_dkim_and_required_tls(layer_plan, env: str) -> None:
    plan = layer_plan("messaging", env)
    identity = one_of_type(plan, "aws:sesv2/emailIdentity:EmailIdentity")
    assert identity.inputs["emailIdentity"] == "mail.acme.example.com", f"{identity.name}: SES identity is <email_from_subdomain>.<domain>"
    assert identity.inputs.get("dkimSigningAttributes", {}).get("nextSigningKeyLength") == "RSA_2048_BIT", (
        f"{identity.name}: Easy DKIM with 2048-bit keys must sign outgoing mail"
    )
    config_set = one_of_type(plan, "aws:sesv2/configurationSet:ConfigurationSet")
    assert identity.inputs.get("configurationSetName") == config_set.inputs["configurationSetName"] == f"acme-{env}-email", (
        f"{identity.name}: the identity must use the {config_set.name} configuration set by default"
    )
    assert config_set.inputs.get("reputationOptions", {}).get("reputationMetricsEnabled") is True, f"{config_set.name}: reputation metrics on"
    assert config_set.inputs.get("deliveryOptions", {}).get("tlsPolicy") == "REQUIRE", f"{config_set.name}: delivery must require TLS"


@pytest.mark.parametrize("env", ENVS)
def test_sms_preferences_are_transactional_with_the_configured_sender_and_spend_cap(layer_plan, env: str) -> None:
    sms = one_of_type(layer_plan("messaging", env), "aws:sns/smsPreferences:SmsPreferences")
    messaging = sample_platform().platform.messaging
    assert sms.inputs.get("defaultSmsType") == "Transactional", f"{sms.name}: SMS type must be Transactional"
    assert sms.inputs.get("defaultSenderId") == messaging.sms_sender_id, f"{sms.name}: sender id from platform.yaml"
    assert sms.inputs.get("monthlySpendLimit") == messaging.sms_monthly_spend_limit_usd, f"{sms.name}: monthly spend limit from platform.yaml"


@pytest.mark.parametrize("env", ENVS)
def test_outputs_are_keyed_by_queue_and_topic_name(layer_plan, env: str) -> None:
    plan = layer_plan("messaging", env)
    main, dead = _queues(plan)
    outputs = plan.outputs
    for name, queue in main.items():
        assert outputs["queueUrls"][name] == f"(known after apply: {queue.name}.url)", f"queueUrls.{name} must be {queue.name}'s URL"
        assert outputs["queueArns"][name] == f"(known after apply: {queue.name}.arn)", f"queueArns.{name} must be {queue.name}'s ARN"
        assert outputs["deadLetterQueueArns"][name] == f"(known after apply: {dead[name].name}.arn)", f"deadLetterQueueArns.{name}"
    topics = {t.inputs["name"].removeprefix(f"acme-{env}-"): t for t in of_type(plan, "aws:sns/topic:Topic")}
    assert outputs["topicArns"] == {k: f"(known after apply: {t.name}.arn)" for k, t in topics.items()}, "topicArns keyed by topic name"
    assert outputs["messagingKeyArn"] == f"(known after apply: {_key(plan).name}.arn)", "messagingKeyArn is the messaging key"
    assert outputs["sesConfigurationSet"] == f"acme-{env}-email"


@pytest.mark.parametrize("env", ENVS)
def test_every_child_is_parented_to_a_messaging_component(layer_plan, env: str) -> None:
    plan = layer_plan("messaging", env)
    components = {r.urn for r in plan.resources if r.type.startswith("platform:messaging:")}
    for r in plan.resources:
        if r.custom and not r.type.startswith("pulumi:"):
            assert r.parent in components, f"{r.name}: must be created inside a platform:messaging component (parent=self)"


# Policies, aliases, redrive permissions and the account's SMS preferences take no tags in AWS.
NOT_TAGGABLE = {
    "aws:kms/alias:Alias", "aws:sns/smsPreferences:SmsPreferences", "aws:sns/topicPolicy:TopicPolicy",
    "aws:sqs/queuePolicy:QueuePolicy", "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
}


@pytest.mark.parametrize("env", ENVS)
def test_every_taggable_resource_carries_the_platform_tags(layer_plan, env: str) -> None:
    tags = common_config(sample_platform().platform, env)["tags"]
    # The key, the SES configuration set and identity, the topic and the sample's queues with their DLQs.
    assert_platform_tags(layer_plan("messaging", env), tags, NOT_TAGGABLE, at_least=8)
