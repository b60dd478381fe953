"""The environment's public Route53 zone: created here, or an existing one named by config."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class DnsZoneArgs:
    zone_name: str
    existing_zone_id: str = ""  # empty: create the zone
    tags: dict[str, str] = field(default_factory=dict)


class DnsZone(pulumi.ComponentResource):
    """A public hosted zone, with a CAA record so that only ACM (Amazon) may issue its certificates."""

    zone_id: pulumi.Output[str]
    zone_name: pulumi.Output[str]
    name_servers: pulumi.Output[Sequence[str]]

    def __init__(self, name: str, args: DnsZoneArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:edge:DnsZone", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if args.existing_zone_id:
            # An adopted zone is the organisation's: we add records to it, never replace or delete it.
            self.zone_id = pulumi.Output.from_input(args.existing_zone_id)
            self.name_servers = pulumi.Output.from_input([])
        else:
            zone = aws.route53.Zone(
                f"{name}-zone",
                name=args.zone_name,
                comment=f"Public zone of {args.zone_name}, delegated from the apex; managed by platformctl",
                force_destroy=False,
                tags=args.tags,
                opts=child,
            )
            self.zone_id = zone.zone_id
            self.name_servers = zone.name_servers
        self.zone_name = pulumi.Output.from_input(args.zone_name)
        aws.route53.Record(
            f"{name}-caa",
            zone_id=self.zone_id,
            name=args.zone_name,
            type="CAA",
            ttl=3600,
            records=['0 issue "amazon.com"', '0 issuewild "amazon.com"'],
            opts=child,
        )
        self.register_outputs({"zone_id": self.zone_id, "zone_name": self.zone_name, "name_servers": self.name_servers})
