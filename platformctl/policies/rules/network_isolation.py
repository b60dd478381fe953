"""Network isolation: nothing public that need not be, data stores unreachable from outside the VPC."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from platformctl.policies.inputs import get, is_true, is_unknown, of_types, references, target_of
from platformctl.policies.model import Control, Outcome, PolicyContext, ResourceView, Rule, Severity

_ISOLATION = Control.NETWORK_ISOLATION
BUCKET = "aws:s3/bucket:Bucket"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
_ANYWHERE = {"0.0.0.0/0", "::/0"}
_PUBLIC_PORTS = {80, 443}


def _public_access_block(_: str, inputs: Mapping[str, Any]) -> str | None:
    off = [k for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets") if not is_true(inputs.get(k))]
    return f"public access is not fully blocked ({', '.join(off)} off)" if off else None


def _every_bucket_blocked(resources: Sequence[ResourceView], _: PolicyContext) -> Iterable[Outcome]:
    buckets = list(of_types(resources, BUCKET))
    covered = {t.name for c in of_types(resources, PUBLIC_ACCESS_BLOCK) if (t := target_of(c, "bucket", buckets, "bucket"))}
    for bucket in buckets:
        yield bucket, None if bucket.name in covered else "has no public access block"


def _default_sg_closed(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if not inputs.get("ingress") and not inputs.get("egress") else "the VPC's default security group allows traffic"


def _rds_private(_: str, inputs: Mapping[str, Any]) -> str | None:
    return "the instance is publicly accessible" if is_true(inputs.get("publiclyAccessible")) else None


def _eks_private(_: str, inputs: Mapping[str, Any]) -> str | None:
    if is_true(get(inputs, "vpcConfig.endpointPublicAccess", True)):
        return "the Kubernetes API endpoint is reachable from the internet"
    return None


def _internet_ingress(_: str, inputs: Mapping[str, Any]) -> str | None:
    source = inputs.get("cidrIpv4") or inputs.get("cidrIpv6")
    if source not in _ANYWHERE:
        return None
    ports = set(range(int(inputs.get("fromPort", 0) or 0), int(inputs.get("toPort", 65535) or 65535) + 1))
    if inputs.get("ipProtocol") == "tcp" and ports <= _PUBLIC_PORTS:
        return None
    return f"opens {inputs.get('ipProtocol')} {inputs.get('fromPort')}-{inputs.get('toPort')} to the internet"


def _imdsv2(type_token: str, inputs: Mapping[str, Any]) -> str | None:
    options = get(inputs, "spec.metadataOptions") if type_token.startswith("kubernetes:") else inputs.get("metadataOptions")
    if get(options or {}, "httpTokens") != "required":
        return "instance metadata v1 is allowed (httpTokens is not required)"
    if float(get(options or {}, "httpPutResponseHopLimit", 2) or 2) > 1:
        return "pods can reach the node's instance metadata (hop limit above 1)"
    return None


def _search_in_vpc(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if get(inputs, "vpcOptions.subnetIds") else "the domain has a public endpoint (no vpcOptions)"


def _namespace_restricted(_: str, inputs: Mapping[str, Any]) -> str | None:
    labels = get(inputs, "metadata.labels") or {}
    if labels.get("platform.io/namespace-role") != "app":
        return None
    return None if labels.get("pod-security.kubernetes.io/enforce") == "restricted" else "app namespace does not enforce the restricted pod security standard"


def _default_deny_per_app_namespace(resources: Sequence[ResourceView], _: PolicyContext) -> Iterable[Outcome]:
    denied = set()
    for policy in of_types(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy"):
        spec = policy.inputs.get("spec") or {}
        if spec.get("podSelector") == {} and set(spec.get("policyTypes") or []) >= {"Ingress", "Egress"} and not spec.get("ingress") and not spec.get("egress"):
            denied.add(get(policy.inputs, "metadata.namespace"))
    for namespace in of_types(resources, "kubernetes:core/v1:Namespace"):
        name = get(namespace.inputs, "metadata.name")
        if (get(namespace.inputs, "metadata.labels") or {}).get("platform.io/namespace-role") == "app":
            yield namespace, None if name in denied else f"namespace {name} has no default-deny NetworkPolicy"


def _data_store_groups(resources: Sequence[ResourceView]) -> dict[str, ResourceView]:
    """Logical names of the security groups guarding data stores -> the data store."""
    groups: dict[str, ResourceView] = {}
    for store in of_types(resources, "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:opensearch/domain:Domain"):
        sources = [store.inputs.get("vpcSecurityGroupIds"), store.inputs.get("securityGroupIds"), get(store.inputs, "vpcOptions.securityGroupIds")]
        for name in references(sources):
            groups[name] = store
    return groups


def _vpc_cidrs(resources: Sequence[ResourceView]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(v.inputs["cidrBlock"]) for v in of_types(resources, "aws:ec2/vpc:Vpc") if v.inputs.get("cidrBlock")]


def _data_stores_inside_vpc(resources: Sequence[ResourceView], _: PolicyContext) -> Iterable[Outcome]:
    groups = _data_store_groups(resources)
    vpcs = _vpc_cidrs(resources)
    problems: dict[str, str] = {}
    stores = {s.urn: s for s in groups.values()}
    for store in stores.values():
        if is_true(store.inputs.get("publiclyAccessible")):
            problems[store.urn] = "is publicly accessible"
    for rule in of_types(resources, INGRESS):
        guarded = next((groups[n] for n in references(rule.inputs.get("securityGroupId")) if n in groups), None)
        if guarded is None or rule.inputs.get("referencedSecurityGroupId") or rule.inputs.get("prefixListId"):
            continue
        cidr = rule.inputs.get("cidrIpv4") or rule.inputs.get("cidrIpv6")
        if not cidr or is_unknown(cidr):
            continue
        network = ipaddress.ip_network(cidr, strict=False)
        if not any(network.version == vpc.version and network.subnet_of(vpc) for vpc in vpcs):  # type: ignore[arg-type]
            problems[guarded.urn] = f"accepts traffic from {cidr}, outside the VPC ({rule.name})"
    for store in stores.values():
        yield store, problems.get(store.urn)


RULES = (
    Rule("NET-001", "S3 public access blocks are fully on", _ISOLATION, Severity.MANDATORY, (PUBLIC_ACCESS_BLOCK,),
         "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to True.", check=_public_access_block,
         checkov=("CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56")),
    Rule("NET-002", "Every S3 bucket has a public access block", _ISOLATION, Severity.MANDATORY, (BUCKET, PUBLIC_ACCESS_BLOCK),
         "Create a BucketPublicAccessBlock beside the bucket.", check_stack=_every_bucket_blocked, checkov=("CKV2_AWS_6",)),
    Rule("NET-003", "The default security group allows nothing", _ISOLATION, Severity.MANDATORY, ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",),
         "Manage the default security group with empty ingress and egress.", check=_default_sg_closed, checkov=("CKV2_AWS_12",)),
    Rule("NET-004", "RDS instances are not publicly accessible", _ISOLATION, Severity.MANDATORY, ("aws:rds/instance:Instance",),
         "Set publiclyAccessible=False and place the instance in the isolated subnets.", check=_rds_private,
         checkov=("CKV_AWS_17",), awsguard="rds-instance-public-access-check"),
    Rule("NET-005", "The production Kubernetes API is private", _ISOLATION, Severity.MANDATORY, ("aws:eks/cluster:Cluster",),
         "Set vpcConfig.endpointPublicAccess=False; reach the API from inside the VPC.", check=_eks_private,
         production_only=True, checkov=("CKV_AWS_39",)),
    Rule("NET-006", "Only HTTP(S) is open to the internet", _ISOLATION, Severity.MANDATORY, (INGRESS,),
         "Restrict the rule to tcp 443 (or 80 for redirects), or to a CIDR inside the VPC.", check=_internet_ingress,
         checkov=("CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260")),
    Rule("NET-007", "Nodes require IMDSv2 with a hop limit of 1", _ISOLATION, Severity.MANDATORY,
         ("aws:ec2/launchTemplate:LaunchTemplate", "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"),
         "Set metadataOptions httpTokens=required and httpPutResponseHopLimit=1.", check=_imdsv2, checkov=("CKV_AWS_79", "CKV_AWS_341")),
    Rule("NET-008", "OpenSearch lives inside the VPC", _ISOLATION, Severity.MANDATORY, ("aws:opensearch/domain:Domain",),
         "Give the domain vpcOptions with the isolated subnets and its security group.", check=_search_in_vpc,
         checkov=("CKV_AWS_137",), awsguard="elasticsearch-in-vpc-only"),
    Rule("NET-009", "App namespaces enforce the restricted pod security standard", _ISOLATION, Severity.MANDATORY,
         ("kubernetes:core/v1:Namespace",), "Label the namespace pod-security.kubernetes.io/enforce=restricted.", check=_namespace_restricted),
    Rule("NET-010", "Every app namespace has a default-deny NetworkPolicy", _ISOLATION, Severity.MANDATORY,
         ("kubernetes:core/v1:Namespace", "kubernetes:networking.k8s.io/v1:NetworkPolicy"),
         "Add a NetworkPolicy selecting all pods with policyTypes Ingress and Egress and no rules.", check_stack=_default_deny_per_app_namespace),
    Rule("NET-011", "No data store is reachable from outside the VPC", _ISOLATION, Severity.MANDATORY,
         ("aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:opensearch/domain:Domain",
          INGRESS, "aws:ec2/vpc:Vpc"),
         "Allow the data stores' security groups only from other security groups or CIDRs inside the VPC.",
         check_stack=_data_stores_inside_vpc),
)
