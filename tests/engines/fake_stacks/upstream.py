"""A tiny layer program for engine tests: a VPC, a protected key in another region, a secret."""

import pulumi
import pulumi_aws as aws

from stacks.outputs import Layer, export_outputs


def program() -> None:
    config = pulumi.Config()
    vpc = aws.ec2.Vpc("vpc", cidr_block=config.require("vpcCidr"), tags=config.require_object("tags"))
    other = aws.Provider("other-region", region="eu-central-1")
    key = aws.kms.Key("key", enable_key_rotation=True, opts=pulumi.ResourceOptions(provider=other, protect=True))
    aws.secretsmanager.SecretVersion("secret", secret_id=key.arn, secret_string=pulumi.Output.secret("canary-s3cr3t-value"))
    export_outputs(Layer.NETWORK, {"vpcId": vpc.id, "logsKeyArn": key.arn, "azs": ["a", "b"], "vpcCidr": pulumi.Output.secret("hidden")})
