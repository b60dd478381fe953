"""GitHub Actions' OIDC provider in IAM, made once per account, so each service's CI roles can trust its repository."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
GITHUB_AUDIENCE = "sts.amazonaws.com"
# IAM verifies GitHub's issuer against its own trusted CAs and ignores thumbprints since 2023, but the API still
# requires one: GitHub's published intermediate thumbprint, so no TLS lookup happens at plan time.
GITHUB_THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1"
CREATE = "create"


@dataclass
class GithubOidcProviderArgs:
    # CREATE, or the ARN of the account's existing provider: IAM allows one provider per issuer and account, so when
    # environments share an account only one of them creates it and the others name it.
    existing: str = CREATE
    tags: dict[str, str] = field(default_factory=dict)


class GithubOidcProvider(pulumi.ComponentResource):
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: GithubOidcProviderArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:identity:GithubOidcProvider", name, None, opts)
        if args.existing != CREATE:
            self.arn = pulumi.Output.from_input(args.existing)
        else:
            provider = aws.iam.OpenIdConnectProvider(
                f"{name}-provider",
                url=GITHUB_ISSUER,
                client_id_lists=[GITHUB_AUDIENCE],
                thumbprint_lists=[GITHUB_THUMBPRINT],
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.arn = provider.arn
        self.register_outputs({"arn": self.arn})
