"""The kubeconfig of the addons layer's Kubernetes provider: the cluster's endpoint and CA, tokens from `aws eks get-token`."""

from __future__ import annotations

import json

import pulumi


def kubeconfig_text(cluster_name: str, endpoint: str, certificate_authority: str, region: str) -> str:
    """A kubeconfig with exec auth: no token is stored in state; the AWS CLI mints a short-lived one per call."""
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": certificate_authority}}],
            "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
            "current-context": cluster_name,
            "users": [
                {
                    "name": cluster_name,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": ["eks", "get-token", "--cluster-name", cluster_name, "--region", region, "--output", "json"],
                            "interactiveMode": "Never",
                        }
                    },
                }
            ],
        },
        sort_keys=True,
    )


def kubeconfig(cluster_name: pulumi.Input[str], endpoint: pulumi.Input[str], certificate_authority: pulumi.Input[str], region: str) -> pulumi.Output[str]:
    return pulumi.Output.all(cluster_name, endpoint, certificate_authority).apply(lambda v: kubeconfig_text(v[0], v[1], v[2], region))
