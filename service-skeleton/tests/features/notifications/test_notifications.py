"""Notifications against a real moto server (SES v2, SNS) and the local outbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.api.services import services
from app.features.notifications import Notification, NotificationError, NotifySettings, build_notifier
from app.features.notifications.aws import AwsNotifier
from app.features.notifications.metrics import InstrumentedNotifier
from app.features.notifications.notifier import InvalidNotification
from app.features.notifications.outbox import OutboxNotifier

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account


def _moto_backend(service: str) -> Any:
    """moto keeps its state in this process (the server runs in a thread): read what was "sent"."""
    if service == "ses":
        from moto.ses.models import ses_backends

        return ses_backends[ACCOUNT][REGION]
    from moto.sns.models import sns_backends

    return sns_backends[ACCOUNT][REGION]


@pytest.fixture
def notifier(aws: str) -> AwsNotifier:
    import boto3

    boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity="no-reply@skeleton.example")
    return AwsNotifier.from_settings(NotifySettings(region=REGION, email_from="no-reply@skeleton.example"))


@pytest.mark.integration
async def test_email_through_sesv2_from_a_verified_identity(notifier: AwsNotifier) -> None:
    delivery = await notifier.send(
        Notification.email(to="ada@example.com", subject="Welcome", text="Hello Ada", html="<p>Hello Ada</p>")
    )
    assert delivery.backend == "aws" and delivery.message_id
    [sent] = _moto_backend("ses").sent_messages
    assert sent.source == "no-reply@skeleton.example"
    assert sent.destinations["ToAddresses"] == ["ada@example.com"]
    assert sent.subject == "Welcome"
    assert "Hello Ada" in sent.body


@pytest.mark.integration
async def test_unverified_sender_is_a_notification_error(aws: str) -> None:
    notifier = AwsNotifier.from_settings(NotifySettings(region=REGION, email_from="nobody@unverified.example"))
    with pytest.raises(NotificationError, match="send_email refused: MessageRejected"):
        await notifier.send(Notification.email(to="ada@example.com", subject="s", text="t"))


@pytest.mark.integration
async def test_sms_through_sns_to_a_phone_number(aws: str) -> None:
    notifier = AwsNotifier.from_settings(NotifySettings(region=REGION, sms_sender_id="Skeleton"))
    delivery = await notifier.send(Notification.sms(to="+14155550100", text="Your code is 123456"))
    assert _moto_backend("sns").sms_messages[delivery.message_id] == ("+14155550100", "Your code is 123456")


@pytest.mark.integration
async def test_push_to_a_platform_endpoint(aws: str) -> None:
    import boto3

    sns = boto3.client("sns", region_name=REGION)
    app_arn = sns.create_platform_application(
        Name="skeleton-android", Platform="GCM", Attributes={"PlatformCredential": "server-key"}
    )["PlatformApplicationArn"]
    endpoint_arn = sns.create_platform_endpoint(PlatformApplicationArn=app_arn, Token="device-token-1")["EndpointArn"]
    notifier = AwsNotifier.from_settings(NotifySettings(region=REGION))

    delivery = await notifier.send(
        Notification.push(to=endpoint_arn, title="Order shipped", text="Your order is on its way", data={"order": "42"})
    )

    endpoint = _moto_backend("sns").platform_endpoints[endpoint_arn]
    message = json.loads(endpoint.messages[delivery.message_id])
    assert message["default"] == "Your order is on its way"
    gcm = json.loads(message["GCM"])
    assert gcm == {"notification": {"title": "Order shipped", "body": "Your order is on its way"}, "data": {"order": "42"}}


@pytest.mark.integration
async def test_push_to_a_topic_reaches_its_sqs_subscriber(aws: str) -> None:
    import boto3

    sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
    topic_arn = sns.create_topic(Name="skeleton-broadcast")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="listener")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    notifier = AwsNotifier.from_settings(NotifySettings(region=REGION))

    await notifier.send(Notification.push(to=topic_arn, text="maintenance at 22:00"))

    [received] = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"]
    assert json.loads(received["Body"])["Message"] == "maintenance at 22:00"  # SNS sends `default` to SQS


def test_notifications_are_validated_per_channel() -> None:
    with pytest.raises(InvalidNotification, match="E.164"):
        Notification.sms(to="0155 5555", text="x")
    with pytest.raises(InvalidNotification, match="e-mail"):
        Notification.email(to="not-an-address", subject="s", text="t")
    with pytest.raises(InvalidNotification, match="ARN"):
        Notification.push(to="device-token", text="x")


async def test_outbox_records_every_channel_and_filters(tmp_path: Path) -> None:
    outbox = OutboxNotifier(tmp_path / "out" / "outbox.jsonl", email_from="me@example.com")
    await outbox.send(Notification.email(to="a@example.com", subject="Hi", text="one"))
    await outbox.send(Notification.sms(to="+14155550100", text="two"))
    await outbox.send(Notification.push(to="arn:aws:sns:us-east-1:1:app/GCM/x/y", text="three", data={"k": 1}))

    everything = outbox.read()
    assert [e["text"] for e in everything] == ["one", "two", "three"]
    assert everything[0]["from"] == "me@example.com"
    assert [e["channel"] for e in outbox.read(channel="sms")] == ["sms"]
    assert [e["text"] for e in outbox.read(limit=1)] == ["three"]  # the newest
    assert outbox.read(to="a@example.com")[0]["subject"] == "Hi"


def test_build_notifier_picks_outbox_locally_and_aws_elsewhere(settings_factory: Callable[..., Any], tmp_path: Path) -> None:
    local = build_notifier(settings_factory(), NotifySettings(outbox_path=tmp_path / "o.jsonl"))
    assert isinstance(local, OutboxNotifier)
    prod_like = build_notifier(
        settings_factory(environment="staging", secret_key="s" * 40, database_url="postgresql+asyncpg://u@h/db"),
        NotifySettings(region=REGION),
    )
    assert isinstance(prod_like, AwsNotifier)


async def test_outbox_endpoint_is_local_only_and_needs_a_user(
    client_factory: Callable[..., Any],
    auth_header: Callable[..., dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFY_OUTBOX_PATH", str(tmp_path / "outbox.jsonl"))
    async with client_factory(features=["notifications"]) as client:
        await services(client.app).get(InstrumentedNotifier).send(Notification.sms(to="+14155550100", text="hello"))
        assert (await client.get("/notifications/outbox")).status_code == 401
        body = (await client.get("/notifications/outbox?channel=sms", headers=auth_header())).json()
        assert body["count"] == 1 and body["items"][0]["text"] == "hello"
        metrics = (await client.get("/metrics")).text
        assert 'notifications_total{backend="outbox",channel="sms",outcome="sent"} 1.0' in metrics
    monkeypatch.setenv("NOTIFY_BACKEND", "aws")
    monkeypatch.setenv("NOTIFY_REGION", REGION)
    async with client_factory(features=["notifications"]) as client:
        assert (await client.get("/notifications/outbox", headers=auth_header())).status_code == 404
