"""A tiny layer program that reads the upstream layer through a StackReference."""

import json

import pulumi
import pulumi_aws as aws

from stacks.outputs import Layer, export_outputs, reference


def program() -> None:
    network = reference(Layer.NETWORK)
    group = aws.ec2.SecurityGroup("group", vpc_id=network.get("vpcId"), description="test")
    aws.iam.Policy("policy", policy=network.get("logsKeyArn").apply(lambda arn: json.dumps({"Resource": arn})))
    zones = aws.get_availability_zones()
    export_outputs(Layer.CLUSTER, {"clusterName": group.id, "kubernetesVersion": zones.names[0]})
