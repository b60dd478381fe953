"""The IAM OIDC provider of an EKS cluster's issuer, so service accounts assume IAM roles (IRSA)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# SHA-1 thumbprint of the root CA (Starfield Services Root CA - G2, which chains Amazon Root CA 1) behind every
# regional EKS OIDC issuer, oidc.eks.<region>.amazonaws.com. IAM verifies these issuers against its own trusted CAs
# and ignores the value, but the API still requires one; a constant avoids a TLS lookup at plan time.
EKS_OIDC_ROOT_CA_THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
IRSA_AUDIENCE = "sts.amazonaws.com"


@dataclass
class OidcProviderArgs:
    issuer_url: pulumi.Input[str]  # the cluster's identities[0].oidcs[0].issuer
    tags: dict[str, str] = field(default_factory=dict)


class OidcProvider(pulumi.ComponentResource):
    arn: pulumi.Output[str]
    url: pulumi.Output[str]

    def __init__(self, name: str, args: OidcProviderArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:cluster:OidcProvider", name, None, opts)
        provider = aws.iam.OpenIdConnectProvider(f"{name}-provider", url=args.issuer_url, client_id_lists=[IRSA_AUDIENCE],
                                                 thumbprint_lists=[EKS_OIDC_ROOT_CA_THUMBPRINT], tags=args.tags,
                                                 opts=pulumi.ResourceOptions(parent=self))
        self.arn = provider.arn
        self.url = pulumi.Output.from_input(args.issuer_url)
        self.register_outputs({"arn": self.arn, "url": self.url})
