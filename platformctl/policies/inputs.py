"""Reading plan inputs the way every rule needs: nested paths, references, policy documents, unknowns."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from platformctl.policies.model import ResourceView

# "(known after apply: NAME.attr...)": the plan's marker for a value only the cloud knows. NAME is the
# logical name of the resource the value comes from, which is how one resource refers to another.
_REFERENCE = re.compile(r"\(known after apply: ([^.)\s]+)\.")
_UNKNOWN = "(known after apply: "


def get(inputs: Mapping[str, Any], path: str, default: Any = None) -> Any:
    """The value at a dotted path; a one-element list on the way is stepped into (Pulumi bridges nested blocks so)."""
    value: Any = inputs
    for key in path.split("."):
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if not isinstance(value, Mapping) or key not in value:
            return default
        value = value[key]
    return value


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and _UNKNOWN in value


def is_true(value: Any) -> bool:
    """True for a boolean true or its string form (launch templates carry "true")."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def number(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def references(value: Any) -> set[str]:
    """Logical names of the resources a value refers to, anywhere inside it."""
    found: set[str] = set()
    if isinstance(value, str):
        found.update(_REFERENCE.findall(value))
    elif isinstance(value, Mapping):
        for item in value.values():
            found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found


def statements(document: Any) -> list[dict[str, Any]]:
    """The statements of an IAM-style policy document given as JSON text or a mapping; [] when unreadable."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return []
    if not isinstance(document, Mapping):
        return []
    found = document.get("Statement", [])
    found = [found] if isinstance(found, Mapping) else found
    return [s for s in found if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def denies_insecure_transport(document: Any) -> bool:
    """Whether a resource policy denies every request made without TLS (aws:SecureTransport false)."""
    for statement in statements(document):
        condition = get(statement, "Condition.Bool", {}) or {}
        if statement.get("Effect") == "Deny" and str(condition.get("aws:SecureTransport", "")).lower() == "false":
            return True
    return False


def of_types(resources: Sequence[ResourceView], *types: str) -> Iterator[ResourceView]:
    return (r for r in resources if r.type in types)


def target_of(resource: ResourceView, key: str, candidates: Sequence[ResourceView], name_key: str) -> ResourceView | None:
    """The resource that resource.inputs[key] points at: by reference marker or by its physical name."""
    value = resource.inputs.get(key)
    names = references(value)
    for candidate in candidates:
        if candidate.name in names or (isinstance(value, str) and value and candidate.inputs.get(name_key) == value):
            return candidate
    return None
