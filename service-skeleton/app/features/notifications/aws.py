"""`Notifier` on AWS: e-mail through SES v2, SMS and push through SNS (boto3, in a thread)."""

from __future__ import annotations

import asyncio
import json
from functools import partial
from typing import Any

from app.features.notifications.notifier import (
    Delivery,
    Notification,
    NotificationError,
)


class AwsNotifier:
    def __init__(
        self,
        *,
        ses: Any,
        sns: Any,
        email_from: str,
        configuration_set: str | None = None,
        sms_type: str = "Transactional",
        sms_sender_id: str | None = None,
    ) -> None:
        self._ses = ses
        self._sns = sns
        self.email_from = email_from
        self.configuration_set = configuration_set
        self.sms_type = sms_type
        self.sms_sender_id = sms_sender_id

    @classmethod
    def from_settings(cls, notify_settings: Any) -> AwsNotifier:
        import boto3  # clients honour AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SESV2 / _SNS

        return cls(
            ses=boto3.client("sesv2", region_name=notify_settings.region),
            sns=boto3.client("sns", region_name=notify_settings.region),
            email_from=notify_settings.email_from,
            configuration_set=notify_settings.ses_configuration_set,
            sms_type=notify_settings.sms_type,
            sms_sender_id=notify_settings.sms_sender_id,
        )

    async def _call(self, client: Any, method: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return await asyncio.to_thread(partial(getattr(client, method), **kwargs))
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise NotificationError(f"{method} refused: {error.get('Code')}: {error.get('Message')}") from exc
        except BotoCoreError as exc:
            raise NotificationError(f"{method} failed: {exc}") from exc

    async def send(self, notification: Notification) -> Delivery:
        if notification.channel == "email":
            message_id = await self._send_email(notification)
        elif notification.channel == "sms":
            message_id = await self._send_sms(notification)
        else:
            message_id = await self._send_push(notification)
        return Delivery(notification.channel, notification.to, message_id, "aws")

    async def _send_email(self, n: Notification) -> str:
        body: dict[str, Any] = {"Text": {"Data": n.text, "Charset": "UTF-8"}}
        if n.html:
            body["Html"] = {"Data": n.html, "Charset": "UTF-8"}
        kwargs: dict[str, Any] = {
            "FromEmailAddress": self.email_from,
            "Destination": {"ToAddresses": [n.to]},
            "Content": {"Simple": {"Subject": {"Data": n.subject or "", "Charset": "UTF-8"}, "Body": body}},
        }
        if self.configuration_set:
            kwargs["ConfigurationSetName"] = self.configuration_set
        response = await self._call(self._ses, "send_email", **kwargs)
        return str(response["MessageId"])

    async def _send_sms(self, n: Notification) -> str:
        attributes: dict[str, Any] = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": self.sms_type}}
        if self.sms_sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": self.sms_sender_id}
        response = await self._call(self._sns, "publish", PhoneNumber=n.to, Message=n.text, MessageAttributes=attributes)
        return str(response["MessageId"])

    async def _send_push(self, n: Notification) -> str:
        # One message, rendered per platform: SNS picks the key of the endpoint's platform.
        alert = {"title": n.subject, "body": n.text} if n.subject else {"body": n.text}
        message = {
            "default": n.text,
            "GCM": json.dumps({"notification": alert, "data": n.data}),
            "APNS": json.dumps({"aps": {"alert": alert}, **n.data}),
            "APNS_SANDBOX": json.dumps({"aps": {"alert": alert}, **n.data}),
        }
        target = {"TargetArn": n.to} if ":endpoint/" in n.to else {"TopicArn": n.to}
        response = await self._call(self._sns, "publish", Message=json.dumps(message), MessageStructure="json", **target)
        return str(response["MessageId"])

    async def close(self) -> None:
        for client in (self._ses, self._sns):
            close = getattr(client, "close", None)
            if close is not None:
                await asyncio.to_thread(close)
