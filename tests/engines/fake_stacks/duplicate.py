"""A layer program with a bug the engine must catch: two resources of one type and name, so one URN."""

import pulumi_aws as aws


def program() -> None:
    for cidr in ("10.0.0.0/16", "10.1.0.0/16"):
        aws.ec2.Vpc("vpc", cidr_block=cidr)
