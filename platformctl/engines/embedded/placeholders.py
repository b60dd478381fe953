"""Values for resource outputs that only the cloud knows, shaped like the real output but marked unknown.

A mock must return something for `vpc.id` or `key.arn`, or programs that use them would see None.
We read the output properties of the resource's Python class (pulumi_aws, pulumi_kubernetes) and
return, for each one the program did not set, a marker string `(known after apply: name.attr)`,
nested in lists and objects where the real output is nested. Numbers are unknown values, as in
Pulumi's preview (applies on them do not run); booleans stay unset.
"""

from __future__ import annotations

import importlib
import typing
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from pulumi.runtime import rpc

from platformctl.engines.embedded.sdk_internals import is_output_type, output_properties
from platformctl.plan.model import UNKNOWN_PREFIX

_PACKAGES = {"aws": "pulumi_aws", "kubernetes": "pulumi_kubernetes"}
_MAX_DEPTH = 4
_SKIP = object()


def unknown(label: str) -> str:
    """The marker for a value only the cloud knows."""
    return f"{UNKNOWN_PREFIX}{label})"


@cache
def resource_class(type_token: str) -> type | None:
    """The Python class behind a type token such as aws:ec2/vpc:Vpc, or None."""
    try:
        package, module, name = type_token.split(":")
    except ValueError:
        return None
    package_module = _PACKAGES.get(package)
    if package_module is None:
        return None
    parts = module.split("/")
    if package == "kubernetes":
        # kubernetes:networking.k8s.io/v1:NetworkPolicy -> pulumi_kubernetes.networking.v1
        parts = [parts[0].split(".")[0], *parts[1:]]
    elif parts[0] == "index":
        parts = []
    else:
        parts = parts[:1]
    try:
        mod = importlib.import_module(".".join([package_module, *parts]))
    except ImportError:
        return None
    return getattr(mod, name, None)


@cache
def _output_properties(cls: type) -> tuple[tuple[str, Any], ...]:
    props = []
    for _python_name, pulumi_name, prop in output_properties(cls):
        try:
            hint = typing.get_type_hints(prop.fget).get("return", Any)
        except Exception:
            hint = Any
        props.append((pulumi_name, hint))
    return tuple(props)


def computed_outputs(type_token: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The state a mock returns: the inputs, plus placeholders for outputs they do not give."""
    cls = resource_class(type_token)
    if cls is None:
        return dict(inputs)
    result: dict[str, Any] = {}
    for prop_name, hint in _output_properties(cls):
        value = _placeholder(hint, f"{name}.{prop_name}", 0)
        if value is not _SKIP:
            result[prop_name] = value
    merged: dict[str, Any] = _merge(result, dict(inputs))  # two dicts merge into a dict
    return merged


def _merge(computed: Any, given: Any) -> Any:
    """What the program gave wins; placeholders fill only what it left out, also inside objects."""
    if isinstance(computed, dict) and isinstance(given, dict):
        merged = dict(computed)
        for key, value in given.items():
            merged[key] = _merge(computed.get(key), value) if value is not None else computed.get(key)
        return merged
    return given


def _placeholder(hint: Any, label: str, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return _SKIP
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is not None and getattr(origin, "__name__", "") == "Output":
        return _placeholder(args[0] if args else Any, label, depth)
    if origin is typing.Union:
        non_none = [a for a in args if a is not type(None)]
        return _placeholder(non_none[0], label, depth) if len(non_none) == 1 else _SKIP
    if hint is str:
        return unknown(label)
    if hint in (int, float):
        # A marker string would break arithmetic in apply(); an unknown number is what Pulumi's
        # own preview has: applies on it do not run, and where it lands the plan says unknown.
        return rpc.UNKNOWN
    if origin in (list, Sequence) or (isinstance(origin, type) and issubclass(origin, Sequence) and origin is not str):
        item = _placeholder(args[0] if args else Any, f"{label}[0]", depth + 1)
        return _SKIP if item is _SKIP else [item]
    if isinstance(hint, type) and is_output_type(hint):
        nested: dict[str, Any] = {}
        for prop_name, prop_hint in _output_properties(hint):
            value = _placeholder(prop_hint, f"{label}.{prop_name}", depth + 1)
            if value is not _SKIP:
                nested[prop_name] = value
        return nested
    return _SKIP
