"""external-dns with its own IRSA role, allowed to write records only at or below the environment's zone."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from stacks.components import addon_policies
from stacks.components.addon_release import RESTRICTED_CONTAINER, RESTRICTED_POD, ChartPin, install, service_account
from stacks.components.irsa_role import IrsaRole, IrsaRoleArgs

EXTERNAL_DNS_SERVICE_ACCOUNT = "external-dns"


@dataclass
class DnsAddonsArgs:
    provider: k8s.Provider
    name_prefix: str
    namespace: str
    zone_name: str  # e.g. prod.acme.example.com: the edge layer's zone for this environment
    owner_id: pulumi.Input[str]  # TXT ownership marker: this cluster never touches records another one made
    oidc_provider_arn: pulumi.Input[str]
    oidc_provider_url: pulumi.Input[str]
    chart: ChartPin
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class DnsAddons(pulumi.ComponentResource):
    """Route53 records for Ingresses and Services, restricted twice: by domain filter and by IAM condition."""

    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DnsAddonsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:addons:DnsAddons", name, None, opts)
        role = IrsaRole(
            f"{name}-irsa",
            IrsaRoleArgs(
                role_name=f"{args.name_prefix}-external-dns",
                oidc_provider_arn=args.oidc_provider_arn,
                oidc_provider_url=args.oidc_provider_url,
                namespace=args.namespace,
                service_account=EXTERNAL_DNS_SERVICE_ACCOUNT,
                policy=addon_policies.external_dns(args.zone_name),
                tags=args.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        install(
            f"{name}-external-dns",
            release_name="external-dns",
            pin=args.chart,
            namespace=args.namespace,
            provider=args.provider,
            parent=self,
            depends_on=args.depends_on,
            values={
                "provider": {"name": "aws"},
                "domainFilters": [args.zone_name],
                "sources": ["service", "ingress"],
                "policy": "upsert-only",  # never deletes a record it cannot prove it made
                "registry": "txt",
                "txtOwnerId": args.owner_id,
                "extraArgs": ["--aws-zone-type=public"],
                "serviceAccount": service_account(EXTERNAL_DNS_SERVICE_ACCOUNT, role.role_arn),
                "podSecurityContext": RESTRICTED_POD,
                "securityContext": RESTRICTED_CONTAINER,
            },
        )
        self.role_arn = role.role_arn
        self.register_outputs({"roleArn": self.role_arn})
