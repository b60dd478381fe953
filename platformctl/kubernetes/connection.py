"""A KubeApi for an environment's cluster: EKS through boto3 by default, or the current KUBECONFIG context when asked."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.config.env_vars import KUBECONFIG
from platformctl.errors import MissingToolError
from platformctl.kubernetes.api import DynamicKubeApi


@dataclass(frozen=True)
class ClusterRef:
    """Which cluster: the environment's EKS cluster by name and region."""

    env: str
    name: str
    region: str


def _cache_dir() -> Path:
    path = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "platformctl"
    path.mkdir(parents=True, exist_ok=True)
    return path


def eks_configuration(ref: ClusterRef) -> Any:
    """A kubernetes client Configuration for the EKS cluster: its endpoint, its CA, a token signed with the caller's AWS credentials.

    Raises:
        UsageError: no such cluster. MissingToolError: no AWS credentials or region.
    """
    from kubernetes import client

    from platformctl.aws import eks_token

    cluster = eks_token.describe(ref.name, region=ref.region)
    configuration = client.Configuration(host=cluster.endpoint)
    configuration.api_key = {"authorization": eks_token.token(ref.name, region=ref.region)}
    configuration.api_key_prefix = {"authorization": "Bearer"}
    # The CA goes to a file because the client takes a path; it is public data, not a secret.
    with tempfile.NamedTemporaryFile("wb", prefix=f"{ref.name}-ca-", suffix=".pem", dir=_cache_dir(), delete=False) as handle:
        handle.write(cluster.certificate_authority)
    configuration.ssl_ca_cert = handle.name
    return configuration


def connect_eks(ref: ClusterRef) -> DynamicKubeApi:
    """The environment's EKS cluster, reached with the caller's AWS identity."""
    from kubernetes import client

    return DynamicKubeApi(client.ApiClient(eks_configuration(ref)), discovery_cache=str(_cache_dir() / f"discovery-{ref.name}.json"))


def connect_kubeconfig(ref: ClusterRef) -> DynamicKubeApi:
    """The current context of KUBECONFIG (or ~/.kube/config), as kubectl would use it.

    Raises:
        MissingToolError: there is no usable kubeconfig.
    """
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    configuration = client.Configuration()
    try:
        # Read KUBECONFIG now: the client reads it once, at import, which may be before it was set.
        files = os.environ.get(KUBECONFIG) or str(Path.home() / ".kube" / "config")
        config.load_kube_config(config_file=files, client_configuration=configuration)  # type: ignore[no-untyped-call]
    except (ConfigException, FileNotFoundError, OSError) as exc:
        raise MissingToolError(
            f"No usable kubeconfig for {ref.env}: {exc}.", hint="Set KUBECONFIG, or drop --current-context to use the EKS cluster through AWS."
        ) from None
    host = str(configuration.host)
    digest = hashlib.sha256(host.encode()).hexdigest()[:16]
    return DynamicKubeApi(client.ApiClient(configuration), discovery_cache=str(_cache_dir() / f"discovery-{digest}.json"))


def connector(use_kubeconfig: bool) -> Callable[[ClusterRef], DynamicKubeApi]:
    """The way to reach a cluster that the command line asked for."""
    return connect_kubeconfig if use_kubeconfig else connect_eks
