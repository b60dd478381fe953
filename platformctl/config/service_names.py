"""Deterministic names of a service's platform objects, shared by deploy and the per-service stack.

The per-service Pulumi stack (issue 11) creates the IAM role, ECR repository, namespace, secret and
Kong consumer under these names; `platformctl deploy` finds them by the same names. Neither side
guesses: both call these functions.
"""

from __future__ import annotations

FIELD_MANAGER = "platformctl"  # server-side apply field manager of every deploy
APPLYSET_TOOLING = "platformctl/v1"  # applyset.kubernetes.io/tooling


def pod_role_name(organisation: str, env: str, service: str) -> str:
    """IAM role the service's pods assume through IRSA: `<org>-<env>-<service>`."""
    return f"{organisation}-{env}-{service}"


def pod_role_arn(account_id: str, organisation: str, env: str, service: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{pod_role_name(organisation, env, service)}"


def ecr_repository(organisation: str, service: str) -> str:
    """One ECR repository per service, shared by its environments: `<org>/<service>`."""
    return f"{organisation}/{service}"


def namespace(service: str) -> str:
    """The service's own namespace (created by its stack, restricted Pod Security)."""
    return service


def secret_name(organisation: str, env: str, service: str) -> str:
    """The Secrets Manager secret (a JSON object) holding the service's secret keys."""
    return f"{organisation}/{env}/{service}/app"


def kong_consumer(service: str) -> str:
    return service


def cluster_name(organisation: str, env: str) -> str:
    """The EKS cluster of an environment, as the cluster layer names it (`<org>-<env>`)."""
    return f"{organisation}-{env}"


def lease_name(service: str) -> str:
    """coordination.k8s.io Lease that is the deploy lock of one service in one environment."""
    return f"platformctl-deploy-{service}"


def history_name(service: str) -> str:
    """ConfigMap holding the service's deploy history."""
    return f"platformctl-history-{service}"


def applyset_parent_name(service: str) -> str:
    """Secret that is the ApplySet parent: its annotations list every kind this deploy owns."""
    return f"applyset-{service}"


def migration_job_name(service: str, revision: int) -> str:
    return f"{service}-migrate-r{revision}"
