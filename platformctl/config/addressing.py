"""How a VPC CIDR is carved into subnet tiers: one rule, used by validation and by the stacks' config."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True)
class SubnetPlan:
    """Subnet CIDRs per tier, one per availability zone, in AZ order."""

    public: list[str]
    private: list[str]
    isolated: list[str]


def plan_subnets(cidr: str, azs: int) -> SubnetPlan:
    """Carve a VPC CIDR into public, private (app) and isolated (data) subnets.

    The private tier gets a quarter of the VPC per AZ (pods take VPC addresses through the VPC CNI);
    the last quarter is split in sixteenths for the public and isolated tiers.

    Args:
        cidr: the VPC CIDR, /16 to /20.
        azs: how many availability zones, 1 to 3.
    Returns:
        The subnet CIDRs per tier.
    Raises:
        ValueError: the CIDR is too small for the tiers.
    """
    vpc = ipaddress.ip_network(cidr)
    if vpc.prefixlen > 20 or not 1 <= azs <= 3:
        raise ValueError(f"{cidr} cannot hold 3 subnet tiers over {azs} AZs")
    quarters: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = list(vpc.subnets(new_prefix=vpc.prefixlen + 2))
    small = list(quarters[3].subnets(new_prefix=vpc.prefixlen + 5))
    return SubnetPlan(
        private=[str(quarters[i]) for i in range(azs)],
        public=[str(small[i]) for i in range(azs)],
        isolated=[str(small[4 + i]) for i in range(azs)],
    )
