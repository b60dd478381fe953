"""Checks on platform.yaml that span fields: overlaps, AWS limits, DR feasibility, secrets.

Controls (Multi-AZ, 30-day backups, DR copies, zone-spread data stores) are not checked here: they are
policy rules over the plan (platformctl/policies/rules), so they hold whatever produced the plan. Only
the inputs that the stack programs themselves refuse in production are refused here too, early and
with the file's path (a 3-AZ network with a NAT per AZ, a private API endpoint).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from platformctl.config.credentials import Problem, find_secrets
from platformctl.config.platform_file import Platform

__all__ = ["Problem", "check_platform", "find_secrets"]  # find_secrets lives in credentials.py; platform.yaml's checks are read from here


def check_platform(platform: Platform) -> list[Problem]:
    """Return every cross-field problem of a platform that passed the model's own checks."""
    problems: list[Problem] = []
    problems += _overlapping_cidrs(platform)
    problems += _edge_environments(platform)
    problems += _messaging_names(platform)
    problems += _identity_names(platform)
    problems += _data_sizes(platform)
    problems += _addons_settings(platform)
    problems += _stack_preconditions(platform)
    for name, env in platform.environments.items():
        problems += _dr_feasibility(("environments", name), env)
    problems += _dr_region_limits(platform)
    return problems


def _stack_preconditions(platform: Platform) -> list[Problem]:
    """What stacks/network and stacks/cluster raise on in production, said with the path in platform.yaml."""
    problems: list[Problem] = []
    for name, env in platform.environments.items():
        if not platform.is_production(name):
            continue
        base = ("environments", name)
        if env.network.azs != 3:
            problems.append(((*base, "network", "azs"), "production needs 3 availability zones"))
        if env.network.nat_gateways != env.network.azs:
            problems.append(((*base, "network", "nat_gateways"), "production needs one NAT gateway per AZ so one AZ's loss does not cut egress"))
        if env.cluster.public_endpoint_cidrs:
            problems.append(((*base, "cluster", "public_endpoint_cidrs"),
                             "production keeps the EKS API endpoint private: leave public_endpoint_cidrs empty and reach the API from inside the VPC"))
    return problems


def _overlapping_cidrs(platform: Platform) -> list[Problem]:
    seen: list[tuple[tuple[Any, ...], ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
    problems: list[Problem] = []
    for name, env in platform.environments.items():
        for key in ("cidr", "dr_cidr"):
            path = ("environments", name, "network", key)
            net = ipaddress.ip_network(getattr(env.network, key))
            for other_path, other in seen:
                if net.overlaps(other):
                    problems.append((path, f"{net} overlaps {other} at {'.'.join(map(str, other_path))}: VPCs that may be peered or routed must not overlap"))
            seen.append((path, net))
    return problems


def _dr_feasibility(base: tuple[Any, ...], env: Any) -> list[Problem]:
    dr = env.dr
    if not dr.enabled:
        return []
    problems: list[Problem] = []
    if dr.rto_minutes < 30:
        problems.append((
            (*base, "dr", "rto_minutes"),
            f"an RTO of {dr.rto_minutes} minutes is shorter than scaling a pilot-light cluster and promoting a replica takes (about 30 minutes)",
        ))
    # Without a continuous replica the freshest copy in the DR region is the last daily backup copy.
    if not dr.database_replica and dr.rpo_minutes < 24 * 60:
        problems.append((
            (*base, "dr", "database_replica"),
            f"without a cross-region replica the DR copy is the daily backup, up to 24 h old: that cannot meet an RPO of {dr.rpo_minutes} minutes",
        ))
    if not env.cache.rebuildable and dr.rpo_minutes < 24 * 60 and env.cache.snapshot_retention_days == 0:
        problems.append(((*base, "cache", "rebuildable"), "a cache that cannot be rebuilt needs snapshots or a global datastore to meet the RPO"))
    return problems


# Physical names of the dr layer (<organisation>-<env>-dr-<role>) and the AWS limit each must fit.
_DR_NAME_LIMITS = (
    ("postgres-replica", 63, "RDS instance identifiers"),
    ("redis", 40, "ElastiCache replication group ids"),
    ("search-snapshots", 63, "S3 bucket names"),
    ("s3-replication", 64, "IAM role names"),
)
# S3 Replication Time Control replicates 99.99 % of objects within this many minutes; nothing faster exists.
_S3_RTC_MINUTES = 15


def _dr_region_limits(platform: Platform) -> list[Problem]:
    """What the DR region's resources need that the model alone cannot see: AWS name limits, the
    global datastore's node families, S3 replication's 15 minutes, a pilot light within its node group."""
    problems: list[Problem] = []
    for name, env in platform.environments.items():
        dr = env.dr
        if not dr.enabled:
            continue
        base = ("environments", name)
        for role, limit, what in _DR_NAME_LIMITS:
            physical = f"{platform.organisation}-{name}-dr-{role}"
            if len(physical) > limit:
                problems.append((
                    (*base, "dr"),
                    f"'{physical}' is {len(physical)} characters; {what} allow {limit}: shorten the organisation or environment name",
                ))
        if dr.rpo_minutes < _S3_RTC_MINUTES:
            problems.append((
                (*base, "dr", "rpo_minutes"),
                f"an RPO of {dr.rpo_minutes} minutes is below the {_S3_RTC_MINUTES} minutes S3 Replication Time Control guarantees for the buckets",
            ))
        # Global datastores run on M and R families only (no burstable cache.t* nodes).
        if not env.cache.rebuildable and env.cache.node_type.startswith("cache.t"):
            problems.append((
                (*base, "cache", "node_type"),
                f"{env.cache.node_type} cannot join a global datastore, which a cache that is not rebuildable needs for DR: use an M or R node type",
            ))
        primary_max = env.cluster.node_groups[0].max
        if dr.pilot_light_min_nodes > primary_max:
            problems.append((
                (*base, "dr", "pilot_light_min_nodes"),
                f"the pilot light ({dr.pilot_light_min_nodes} nodes) exceeds the max of node group '{env.cluster.node_groups[0].name}' ({primary_max}), "
                "which the DR node group mirrors",
            ))
    return problems


def _edge_environments(platform: Platform) -> list[Problem]:
    """Per-environment edge settings must name environments that exist (a typo would silently use the default)."""
    problems: list[Problem] = []
    for key in ("existing_zone_ids", "price_classes"):
        for name in getattr(platform.edge, key):
            if name not in platform.environments:
                problems.append((("edge", key, name), f"there is no environment '{name}' (environments: {', '.join(platform.environments)})"))
    return problems


_SQS_NAME_MAX = 80
# Cognito refuses these in a prefix domain, and these provider names are its own.
_COGNITO_RESERVED_WORDS = ("aws", "amazon", "cognito")
_COGNITO_PROVIDER_NAMES = {"cognito", "facebook", "google", "loginwithamazon", "signinwithapple"}


def _messaging_names(platform: Platform) -> list[Problem]:
    """SQS names are <organisation>-<env>-<queue>-dlq[.fifo] and must fit SQS's 80 characters in every environment."""
    problems: list[Problem] = []
    longest_env = max(platform.environments, key=len)
    for index, queue in enumerate(platform.messaging.queues):
        name = f"{platform.organisation}-{longest_env}-{queue.name}-dlq{'.fifo' if queue.fifo else ''}"
        if len(name) > _SQS_NAME_MAX:
            problems.append((
                ("messaging", "queues", index, "name"),
                f"the dead-letter queue '{name}' is {len(name)} characters; SQS allows {_SQS_NAME_MAX}: shorten the queue name",
            ))
    return problems


def _identity_names(platform: Platform) -> list[Problem]:
    """The hosted domain prefix <organisation>-<env>-auth and SSO provider names must be ones Cognito accepts."""
    problems: list[Problem] = []
    for word in _COGNITO_RESERVED_WORDS:
        if word in platform.organisation:
            problems.append(
                (("organisation",), f"contains '{word}': Cognito refuses it in the hosted domain prefix <organisation>-<env>-auth")
            )
    names = [p.name.lower() for p in platform.identity.providers]
    for index, provider in enumerate(platform.identity.providers):
        path = ("identity", "providers", index, "name")
        if provider.name.lower() in _COGNITO_PROVIDER_NAMES:
            problems.append((path, f"'{provider.name}' is a name Cognito reserves for its own providers; choose another"))
        elif names.count(provider.name.lower()) > 1:
            problems.append((path, f"provider name '{provider.name}' is used twice; app clients list providers by name"))
    return problems


# AWS name limits of the data layer's resources, named <organisation>-<env>-<role>.
_DATA_NAME_LIMITS = (("search", "search", 28, "OpenSearch domain names"), ("cache", "redis", 40, "ElastiCache replication group ids"))


def _data_sizes(platform: Platform) -> list[Problem]:
    """Data sizes the cloud would refuse: names over AWS limits, Redis too old for IAM auth, odd nodes over 2 AZs."""
    problems: list[Problem] = []
    for name, env in platform.environments.items():
        base = ("environments", name)
        for section, role, limit, what in _DATA_NAME_LIMITS:
            physical = f"{platform.organisation}-{name}-{role}"
            if len(physical) > limit and (section != "search" or env.search.enabled):
                problems.append((
                    (*base, section),
                    f"'{physical}' is {len(physical)} characters; {what} allow {limit}: shorten the organisation or environment name",
                ))
        if int(env.cache.engine_version.split(".")[0]) < 7:
            problems.append((
                (*base, "cache", "engine_version"),
                f"Redis {env.cache.engine_version} has no IAM authentication, which the platform uses instead of AUTH tokens: use 7.0 or later",
            ))
        search = env.search
        zones = 1 if search.instance_count == 1 else min(3, env.network.azs, search.instance_count)
        if search.enabled and zones == 2 and search.instance_count % 2:
            problems.append((
                (*base, "search", "instance_count"),
                f"{search.instance_count} data nodes cannot spread evenly over 2 zones; OpenSearch needs an even number",
            ))
    return problems


# Namespaces the addons layer or Kubernetes itself owns: an app namespace must not be one of them.
_RESERVED_NAMESPACES = {"default", "kube-system", "kube-public", "kube-node-lease", "platform-system", "ingress", "observability"}
# The longest physical names the addons layer makes, as <organisation>-<env>-<suffix>, and the AWS limit of each.
_ADDONS_NAME_LIMITS = (("-cluster-autoscaler", 64, "IAM role names"), ("-karpenter-scheduled-change", 64, "EventBridge rule names"))


def _addons_settings(platform: Platform) -> list[Problem]:
    """App namespaces that clash with platform or system ones; add-on names over AWS limits."""
    problems: list[Problem] = []
    names = platform.addons.app_namespaces
    for index, name in enumerate(names):
        path = ("addons", "app_namespaces", index)
        if name in _RESERVED_NAMESPACES:
            problems.append((path, f"'{name}' is a platform or system namespace; app namespaces get a deployer role and app network rules, so choose another"))
        elif names.index(name) != index:
            problems.append((path, f"'{name}' is listed twice"))
    for env in platform.environments:
        for suffix, limit, what in _ADDONS_NAME_LIMITS:
            physical = f"{platform.organisation}-{env}{suffix}"
            if len(physical) > limit:
                problems.append((
                    ("environments", env),
                    f"'{physical}' is {len(physical)} characters; {what} allow {limit}: shorten the organisation or environment name",
                ))
    return problems
