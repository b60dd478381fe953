"""Which names a new service may have."""

from __future__ import annotations

import keyword
import re

from platformctl.config.stack_config.addons import INGRESS_NAMESPACE, OBSERVABILITY_NAMESPACE, SYSTEM_NAMESPACE
from platformctl.errors import UsageError

MAX_LENGTH = 40
_DNS_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")

# Names that would collide with something already there: Kubernetes' own namespaces, the
# platform's add-on namespaces, and the folders and tools inside every generated service.
RESERVED = frozenset(
    {
        "default", "kube-system", "kube-public", "kube-node-lease",
        SYSTEM_NAMESPACE, INGRESS_NAMESPACE, OBSERVABILITY_NAMESPACE,
        "app", "tests", "test", "platformctl", "service-skeleton",
    }
)  # fmt: skip


def check_service_name(name: str) -> str:
    """Return name if a service may be called that.

    Raises:
        UsageError: one sentence on what is wrong and a name that would do.
    """
    hint = "Use a lower-case DNS label such as `orders` or `billing-api`."
    if not name:
        raise UsageError("The service name is empty.", hint=hint)
    if len(name) > MAX_LENGTH:
        raise UsageError(f"The service name '{name}' is {len(name)} characters long; at most {MAX_LENGTH} are allowed.", hint=hint)
    if not _DNS_LABEL.match(name):
        raise UsageError(
            f"The service name '{name}' is not a DNS-1123 label: lower-case letters, digits and '-', starting with a letter and not ending with '-'.",
            hint=hint,
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"The service name '{name}' is a Python keyword.", hint=hint)
    if name in RESERVED:
        raise UsageError(f"The service name '{name}' is reserved: it is already used by the cluster, the platform or the service layout.", hint=hint)
    return name
