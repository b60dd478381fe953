"""A tiny layer program that reads the upstream layer through a StackReference."""

import json

import pulumi_aws as aws

from stacks.outputs import Layer, export_outputs, reference


def program() -> None:
    network = reference(Layer.NETWORK)
    group = aws.ec2.SecurityGroup("group", vpc_id=network.get("vpcId"), description="test")
    aws.iam.Policy("policy", policy=network.get("logsKeyArn").apply(lambda arn: json.dumps({"Resource": arn})))
    # A secret output of the upstream layer stays secret downstream.
    # (tags: a property the provider does not itself mark secret)
    aws.ec2.Vpc("copy", cidr_block="10.1.0.0/16", tags={"upstreamCidr": network.get("vpcCidr")})
    # A number only the cloud knows (a launch template's version) stays unknown, and an apply on
    # it does not run, as in Pulumi's own preview.
    template = aws.ec2.LaunchTemplate("lt", name_prefix="nodes")
    aws.ec2.Instance("vm", launch_template={"id": template.id, "version": template.latest_version.apply(lambda v: str(v + 1))})
    zones = aws.get_availability_zones()
    export_outputs(Layer.CLUSTER, {"clusterName": group.id, "kubernetesVersion": zones.names[0]})
