"""Every private name of the Pulumi SDK that the embedded engine relies on, in one place.

The mock runtime is public, but running several stack programs in one process, reading their
exports and recognising serialised secrets needs a few SDK internals. Each is reached only through
this module, and tests/engines/test_sdk_internals.py has one contract test per name, so a Pulumi
upgrade that moves one fails that named test instead of a plan.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

STACK_TRACE_HOOK = "_get_stack_trace"  # pulumi.runtime.resource: builds each resource's source position


def sync_await(awaitable: Awaitable[T]) -> T:
    """Run an awaitable to completion on the SDK's own event loop (pulumi.runtime.sync_await._sync_await)."""
    from pulumi.runtime.sync_await import _sync_await

    return _sync_await(awaitable)


def reset_runtime(*, project: str, stack: str, organization: str) -> None:
    """Forget the previous program's root resource, pending RPCs and outputs before the next program runs."""
    from pulumi.runtime import settings

    settings.reset_options(project=project, stack=stack, organization=organization)
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()


def root_exports() -> dict[str, Any]:
    """The stack's exports as the program left them: the root resource's `outputs` (a private attribute)."""
    from pulumi.runtime import settings

    root = settings.get_root_resource()
    return dict(getattr(root, "outputs", {}) or {}) if root is not None else {}


def output_properties(cls: type) -> Iterator[tuple[str, str, property]]:
    """(python name, Pulumi name, property) of a resource class's outputs (pulumi._types._py_properties)."""
    from pulumi import _types

    return iter(_types._py_properties(cls))


def is_serialised_secret(value: dict[str, Any]) -> bool:
    """Whether a deserialised RPC value is the SDK's secret wrapper (rpc._special_sig_key / _special_secret_sig)."""
    from pulumi.runtime import rpc

    return bool(value.get(rpc._special_sig_key) == rpc._special_secret_sig)


def is_output_type(hint: type) -> bool:
    """Whether a class is one of the SDK's `@output_type` classes (pulumi._types.is_output_type)."""
    from pulumi import _types

    return bool(_types.is_output_type(hint))
