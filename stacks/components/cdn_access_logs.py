"""CloudFront standard logging (v2) of one distribution into the platform's access-logs bucket."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class CdnAccessLogsArgs:
    resource_prefix: str  # f"{organisation}-{environment}"
    distribution_arn: pulumi.Input[str]
    logs_bucket_name: pulumi.Input[str]
    partition: pulumi.Input[str]
    suffix_path: str = "cloudfront/static/{yyyy}/{MM}/{dd}"
    tags: dict[str, str] = field(default_factory=dict)


class CdnAccessLogs(pulumi.ComponentResource):
    """Delivery source (the distribution), destination (the bucket) and the delivery between them.

    Why v2 and not the distribution's logging_config: v1 writes with S3 ACLs, which the data layer's
    buckets disable (BucketOwnerEnforced); v2 delivers through CloudWatch Logs under a bucket policy.
    CloudFront's delivery sources exist only in us-east-1: pass that region's provider in opts.
    """

    delivery_id: pulumi.Output[str]

    def __init__(self, name: str, args: CdnAccessLogsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:edge:CdnAccessLogs", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        source = aws.cloudwatch.LogDeliverySource(
            f"{name}-source",
            name=f"{args.resource_prefix}-cdn-access",
            log_type="ACCESS_LOGS",
            resource_arn=args.distribution_arn,
            tags=args.tags,
            opts=child,
        )
        destination = aws.cloudwatch.LogDeliveryDestination(
            f"{name}-destination",
            name=f"{args.resource_prefix}-cdn-access-logs-bucket",
            output_format="parquet",
            delivery_destination_configuration={
                "destination_resource_arn": pulumi.Output.concat("arn:", args.partition, ":s3:::", args.logs_bucket_name),
            },
            tags=args.tags,
            opts=child,
        )
        delivery = aws.cloudwatch.LogDelivery(
            f"{name}-delivery",
            delivery_source_name=source.name,
            delivery_destination_arn=destination.arn,
            s3_delivery_configurations=[{"suffix_path": args.suffix_path, "enable_hive_compatible_path": False}],
            tags=args.tags,
            opts=child,
        )
        self.delivery_id = delivery.id
        self.register_outputs({"delivery_id": self.delivery_id})
