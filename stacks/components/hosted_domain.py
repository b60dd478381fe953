"""The Cognito hosted domain (prefix domain): where the hosted UI and the OAuth 2.0 endpoints live."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class HostedDomainArgs:
    prefix: str  # e.g. acme-prod-auth; Cognito refuses prefixes containing aws, amazon or cognito
    user_pool_id: pulumi.Input[str]
    region: pulumi.Input[str]


class HostedDomain(pulumi.ComponentResource):
    """https://<prefix>.auth.<region>.amazoncognito.com serves /oauth2/authorize, /oauth2/token and the login pages."""

    hostname: pulumi.Output[str]

    def __init__(self, name: str, args: HostedDomainArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:identity:HostedDomain", name, None, opts)
        domain = aws.cognito.UserPoolDomain(
            f"{name}-domain",
            domain=args.prefix,
            user_pool_id=args.user_pool_id,
            # Classic hosted UI: managed login (2) shows an error page until every client has a branding style.
            managed_login_version=1,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.hostname = pulumi.Output.concat(domain.domain, ".auth.", args.region, ".amazoncognito.com")
        self.register_outputs({"hostname": self.hostname})
