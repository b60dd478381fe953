"""Least-privilege IAM policy documents of the add-ons that call AWS (pure functions of resolved values)."""

from __future__ import annotations

import json
from typing import Any

ELB_TAG = "elbv2.k8s.aws/cluster"


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)


def alb_controller(cluster_name: str) -> str:
    """AWS Load Balancer Controller: reads freely, but changes only load balancers and security groups it tagged for this cluster."""
    owned = {"StringEquals": {f"aws:ResourceTag/{ELB_TAG}": cluster_name}}
    tagging_new = {"StringEquals": {f"aws:RequestTag/{ELB_TAG}": cluster_name}}
    elb = "arn:aws:elasticloadbalancing:*:*:"
    return document(
        {"Sid": "ServiceLinkedRole", "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
         "Condition": {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}},
        {"Sid": "Read", "Effect": "Allow", "Resource": "*", "Action": [
            "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
            "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
            "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools",
            "ec2:GetSecurityGroupsForVpc", "elasticloadbalancing:Describe*", "acm:ListCertificates", "acm:DescribeCertificate",
            "iam:ListServerCertificates", "iam:GetServerCertificate", "cognito-idp:DescribeUserPoolClient",
            "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
            "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection"]},
        {"Sid": "CreateTagged", "Effect": "Allow", "Resource": "*", "Condition": tagging_new,
         "Action": ["ec2:CreateSecurityGroup", "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]},
        {"Sid": "TagOnCreate", "Effect": "Allow", "Action": ["ec2:CreateTags", "elasticloadbalancing:AddTags"], "Condition": tagging_new,
         "Resource": ["arn:aws:ec2:*:*:security-group/*", f"{elb}targetgroup/*/*", f"{elb}loadbalancer/net/*/*", f"{elb}loadbalancer/app/*/*"]},
        {"Sid": "ChangeOwned", "Effect": "Allow", "Resource": "*", "Condition": owned, "Action": [
            "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags",
            "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
            "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
            "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:AddTags",
            "elasticloadbalancing:RemoveTags"]},
        # Listeners, rules and targets carry no tag of their own: they are scoped by ARN to load balancers and target groups.
        {"Sid": "ListenersAndTargets", "Effect": "Allow", "Action": [
            "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule",
            "elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule",
            "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
            "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:SetWebAcl"],
         "Resource": [f"{elb}loadbalancer/*", f"{elb}listener/*", f"{elb}listener-rule/*", f"{elb}targetgroup/*/*"]},
    )


def external_dns(zone_name: str) -> str:
    """external-dns: change records only at or below zone_name; list zones and records to find them."""
    return document(
        {"Sid": "ChangeRecordsBelowZone", "Effect": "Allow", "Action": "route53:ChangeResourceRecordSets",
         "Resource": "arn:aws:route53:::hostedzone/*",
         "Condition": {"ForAllValues:StringLike": {"route53:ChangeResourceRecordSetsNormalizedRecordNames": [zone_name, f"*.{zone_name}"]}}},
        # Records and tags are read per zone; only ListHostedZones has no resource to scope to.
        {"Sid": "ListRecordsAndTags", "Effect": "Allow", "Resource": "arn:aws:route53:::hostedzone/*",
         "Action": ["route53:ListResourceRecordSets", "route53:ListTagsForResource"]},
        {"Sid": "ListZones", "Effect": "Allow", "Resource": "*", "Action": "route53:ListHostedZones"},
    )


def fluent_bit(log_group_arn: str) -> str:
    """Fluent Bit: create streams in and put events to its own log group, nothing else."""
    return document(
        {"Sid": "ShipToOwnGroup", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [log_group_arn, f"{log_group_arn}:log-stream:*"]},
    )


def external_secrets(secret_arns: list[str], key_arn: str, region: str) -> str:
    """External Secrets Operator: read only the secrets this layer syncs into the cluster, decrypting through Secrets Manager only."""
    return document(
        {"Sid": "ReadSyncedSecrets", "Effect": "Allow", "Resource": sorted(secret_arns),
         "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]},
        {"Sid": "DecryptThroughSecretsManager", "Effect": "Allow", "Resource": key_arn, "Action": "kms:Decrypt",
         "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}}},
    )


def cluster_autoscaler(cluster_name: str) -> str:
    """cluster-autoscaler: resize only the node groups EKS tagged as owned by this cluster."""
    return document(
        {"Sid": "ScaleOwnedGroups", "Effect": "Allow", "Resource": "*",
         "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
         "Condition": {"StringEquals": {f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster_name}": "owned"}}},
        {"Sid": "Read", "Effect": "Allow", "Resource": "*", "Action": [
            "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
            "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
            "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup"]},
    )


def karpenter(cluster_name: str, region: str, node_role_arn: str, queue_arn: str) -> str:
    """Karpenter: launch and terminate only instances, templates and instance profiles tagged for this cluster."""
    ec2 = f"arn:aws:ec2:{region}:*:"
    owned = {f"aws:ResourceTag/kubernetes.io/cluster/{cluster_name}": "owned"}
    requested = {f"aws:RequestTag/kubernetes.io/cluster/{cluster_name}": "owned", "aws:RequestTag/eks:eks-cluster-name": cluster_name}
    launched = [f"{ec2}{kind}/*" for kind in ("fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request")]
    return document(
        {"Sid": "LaunchFromSharedResources", "Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
         "Resource": [f"{ec2}{kind}/*" for kind in ("image", "snapshot", "security-group", "subnet")]},
        {"Sid": "LaunchFromOwnTemplates", "Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
         "Resource": f"{ec2}launch-template/*", "Condition": {"StringEquals": owned, "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"}}},
        {"Sid": "LaunchTagged", "Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
         "Resource": launched, "Condition": {"StringEquals": requested, "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"}}},
        {"Sid": "TagOnLaunch", "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": launched,
         "Condition": {"StringEquals": {**requested, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"]}}},
        {"Sid": "TagOwnedInstances", "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": f"{ec2}instance/*", "Condition": {"StringEquals": owned}},
        {"Sid": "DeleteOwned", "Effect": "Allow", "Action": ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
         "Resource": [f"{ec2}instance/*", f"{ec2}launch-template/*"], "Condition": {"StringEquals": owned}},
        {"Sid": "RegionalRead", "Effect": "Allow", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": region}}, "Action": [
            "ec2:DescribeAvailabilityZones", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceTypeOfferings",
            "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory",
            "ec2:DescribeSubnets"]},
        {"Sid": "AmiParameters", "Effect": "Allow", "Action": "ssm:GetParameter", "Resource": f"arn:aws:ssm:{region}::parameter/aws/service/*"},
        {"Sid": "Pricing", "Effect": "Allow", "Action": "pricing:GetProducts", "Resource": "*"},
        {"Sid": "InterruptionQueue", "Effect": "Allow", "Resource": queue_arn,
         "Action": ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]},
        {"Sid": "PassNodeRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": node_role_arn,
         "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}},
        {"Sid": "CreateTaggedInstanceProfiles", "Effect": "Allow", "Resource": "arn:aws:iam::*:instance-profile/*",
         "Action": ["iam:CreateInstanceProfile", "iam:TagInstanceProfile"],
         "Condition": {"StringEquals": {f"aws:RequestTag/kubernetes.io/cluster/{cluster_name}": "owned",
                                        "aws:RequestTag/topology.kubernetes.io/region": region}}},
        {"Sid": "ChangeOwnInstanceProfiles", "Effect": "Allow", "Resource": "arn:aws:iam::*:instance-profile/*",
         "Action": ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
         "Condition": {"StringEquals": {f"aws:ResourceTag/kubernetes.io/cluster/{cluster_name}": "owned",
                                        "aws:ResourceTag/topology.kubernetes.io/region": region}}},
        {"Sid": "ReadInstanceProfiles", "Effect": "Allow", "Action": "iam:GetInstanceProfile", "Resource": "arn:aws:iam::*:instance-profile/*"},
        {"Sid": "ClusterEndpoint", "Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": f"arn:aws:eks:{region}:*:cluster/{cluster_name}"},
    )

