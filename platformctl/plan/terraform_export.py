"""The plan in the JSON shape of `terraform show -json`, so checkov, trivy, conftest and infracost read it.

What maps: every custom `aws:` resource, as its Terraform type, camelCase inputs as snake_case attributes,
nested objects as one-element block lists, unknown values as `after_unknown`, secrets as `after_sensitive`,
and references between resources as `configuration` expressions (so graph checks connect a bucket to its
encryption, a VPC to its flow log). What does not: Kubernetes objects and Helm releases (scan the rendered
manifests with checkov's kubernetes framework instead), component resources and providers (they create
nothing), and attributes the cloud computes that a program never sets (`arn`, `id`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from platformctl.plan.model import SECRET_MARKER, UNKNOWN_PREFIX, Plan, PlanResource
from platformctl.plan.terraform_types import MAP_ATTRIBUTES, terraform_attribute, terraform_type

FORMAT_VERSION = "1.2"
# The Terraform release whose plan format this follows; tools read format_version, this only labels it.
TERRAFORM_VERSION = "1.9.8"
PROVIDER = "registry.terraform.io/hashicorp/aws"
_REFERENCE = re.compile(r"\(known after apply: ([^.)\s]+)\.([A-Za-z0-9_]+)")


def _label(name: str) -> str:
    """A Terraform resource name: letters, digits, underscores and dashes, not starting with a digit."""
    label = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    return f"r_{label}" if label[:1].isdigit() else label


def _convert(value: Any, tf_type: str, key: str | None) -> tuple[Any, Any, Any]:
    """(after, after_unknown, after_sensitive) of one value, recursively."""
    if isinstance(value, str):
        if value == SECRET_MARKER:
            return None, False, True
        if value.startswith(UNKNOWN_PREFIX) and value.endswith(")") and value.count(UNKNOWN_PREFIX) == 1:
            return None, True, False  # wholly unknown, as Terraform shows a value computed at apply
        # Partly unknown text (a policy document naming the account id) stays: its known parts are what scanners read.
        return value, False, False
    if isinstance(value, float) and value.is_integer():
        return int(value), False, False
    if isinstance(value, dict):
        if key in MAP_ATTRIBUTES:
            return {k: _convert(v, tf_type, None)[0] for k, v in value.items()}, {}, {}
        block = _object(value, tf_type)
        return [block[0]], [block[1]], [block[2]]
    if isinstance(value, list):
        items = [_convert(v, tf_type, key) for v in value]
        flat = [(i[0][0], i[1][0], i[2][0]) if isinstance(v, dict) and key not in MAP_ATTRIBUTES else i for v, i in zip(value, items, strict=True)]
        return [f[0] for f in flat], [f[1] for f in flat], [f[2] for f in flat]
    return value, False, False


def _object(inputs: dict[str, Any], tf_type: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    after: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    sensitive: dict[str, Any] = {}
    for name, value in inputs.items():
        attribute = terraform_attribute(tf_type, name)
        after[attribute], u, s = _convert(value, tf_type, attribute)
        if u:
            unknown[attribute] = u
        if s:
            sensitive[attribute] = s
    return after, unknown, sensitive


def _prune(value: Any) -> Any:
    """Drop empty containers and false leaves from after_unknown / after_sensitive, as Terraform does."""
    if isinstance(value, dict):
        kept = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ({}, [], False)}
    if isinstance(value, list):
        items = [_prune(v) for v in value]
        return items if any(v not in ({}, [], False) for v in items) else []
    return value


def _references(inputs: dict[str, Any], tf_type: str, addresses: dict[str, str], physical: dict[str, str]) -> dict[str, Any]:
    """configuration.expressions: each top-level attribute that points at other resources, by marker or physical name."""
    expressions: dict[str, Any] = {}
    for name, value in inputs.items():
        text = json.dumps(value)
        refs: list[str] = []
        for resource, attribute in _REFERENCE.findall(text):
            if resource in addresses:
                refs += [f"{addresses[resource]}.{terraform_attribute('', attribute)}", addresses[resource]]
        if isinstance(value, str) and value in physical:
            refs += [f"{physical[value]}.id", physical[value]]
        if refs:
            expressions[terraform_attribute(tf_type, name)] = {"references": list(dict.fromkeys(refs))}
        elif not isinstance(value, (dict, list)):
            expressions[terraform_attribute(tf_type, name)] = {"constant_value": _convert(value, tf_type, None)[0]}
    return expressions


def _exported(plan: Plan) -> list[tuple[PlanResource, str, str]]:
    """(resource, Terraform type, Terraform name) of every resource that maps, names made unique per type."""
    seen: set[str] = set()
    found = []
    for resource in plan.resources():
        tf_type = terraform_type(resource.type) if resource.custom else None
        if tf_type is None:
            continue
        label, n = _label(resource.name), 1
        while f"{tf_type}.{label}" in seen:
            n += 1
            label = f"{_label(resource.name)}_{n}"
        seen.add(f"{tf_type}.{label}")
        found.append((resource, tf_type, label))
    return found


def terraform_plan(plan: Plan) -> dict[str, Any]:
    """The plan as `terraform show -json` would print it for a plan creating every resource."""
    exported = _exported(plan)
    addresses = {r.name: f"{t}.{label}" for r, t, label in exported}
    # Resources named by their physical name elsewhere (a replication rule names its source bucket).
    physical = {str(r.inputs["bucket"]): f"{t}.{label}" for r, t, label in exported if t == "aws_s3_bucket" and isinstance(r.inputs.get("bucket"), str)}
    planned, changes, configured = [], [], []
    for resource, tf_type, label in exported:
        after, unknown, sensitive = _object(resource.inputs, tf_type)
        address = f"{tf_type}.{label}"
        common = {"address": address, "mode": "managed", "type": tf_type, "name": label, "provider_name": PROVIDER}
        planned.append({**common, "schema_version": 0, "values": after, "sensitive_values": _prune(sensitive) or {}})
        changes.append({**common, "change": {
            "actions": ["create"], "before": None, "after": after, "after_unknown": _prune(unknown) or {},
            "before_sensitive": False, "after_sensitive": _prune(sensitive) or {},
        }})
        configured.append({
            "address": address, "mode": "managed", "type": tf_type, "name": label, "provider_config_key": "aws",
            "expressions": _references(resource.inputs, tf_type, addresses, physical), "schema_version": 0,
        })
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": PROVIDER, "expressions": {"region": {"constant_value": plan.primary_region}}}},
            "root_module": {"resources": configured},
        },
        "variables": {},
        "timestamp": "1970-01-01T00:00:00Z",  # a plan document is stable bytes; the platformctl plan has no time
    }


def to_terraform_json(plan: Plan) -> str:
    return json.dumps(terraform_plan(plan), indent=2, sort_keys=True) + "\n"


def write_terraform_plan(plan: Plan, out: Path | None, write_data: Callable[[str], None]) -> None:
    """Write the export to out (atomically) when given, and to write_data (stdout)."""
    from platformctl.files import write_text_file
    from platformctl.plan.files import OUT_HINT

    exported = to_terraform_json(plan)
    if out is not None:
        write_text_file(out, exported, hint=OUT_HINT)
    write_data(exported)
