"""SES (v2) sending for one domain: a DKIM-signed domain identity and a configuration set that requires TLS."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class EmailSendingArgs:
    domain: str  # e.g. mail.acme.example.com
    configuration_set_name: str  # e.g. acme-prod-email
    tags: dict[str, str] = field(default_factory=dict)


class EmailSending(pulumi.ComponentResource):
    """Mail leaves only over TLS, signed with Easy DKIM (2048-bit keys), with bounces and complaints suppressed.

    The DKIM CNAME records go in the domain's DNS: the tokens are an output for whoever owns that zone.
    """

    identity_arn: pulumi.Output[str]
    configuration_set_name: pulumi.Output[str]
    dkim_tokens: pulumi.Output[list[str]]

    def __init__(self, name: str, args: EmailSendingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:messaging:EmailSending", name, None, opts)
        configuration_set = aws.sesv2.ConfigurationSet(
            f"{name}-configuration-set",
            configuration_set_name=args.configuration_set_name,
            delivery_options={"tls_policy": "REQUIRE"},
            reputation_options={"reputation_metrics_enabled": True},
            sending_options={"sending_enabled": True},
            # Keep sending to addresses that bounced or complained and SES pauses the account.
            suppression_options={"suppressed_reasons": ["BOUNCE", "COMPLAINT"]},
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        identity = aws.sesv2.EmailIdentity(
            f"{name}-identity",
            email_identity=args.domain,
            configuration_set_name=configuration_set.configuration_set_name,
            dkim_signing_attributes={"next_signing_key_length": "RSA_2048_BIT"},
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.identity_arn = identity.arn
        self.configuration_set_name = configuration_set.configuration_set_name
        self.dkim_tokens = identity.dkim_signing_attributes.apply(lambda attrs: list(attrs.tokens or []) if attrs else [])
        self.register_outputs(
            {"identityArn": self.identity_arn, "configurationSetName": self.configuration_set_name, "dkimTokens": self.dkim_tokens}
        )
