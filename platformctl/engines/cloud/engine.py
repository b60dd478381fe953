"""The cloud engine: each layer's stack driven through pulumi.automation's LocalWorkspace, a folder per layer per run.

Stack naming: one Pulumi project per layer (`platform-<layer>`), one stack per environment named after
it, so a layer's stack is `organization/platform-<layer>/<env>` on the DIY backends (what the stacks'
StackReferences read).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from platformctl.engines.base import (
    EventSink,
    LayerFinished,
    LayerInput,
    LayerResult,
    LayerStarted,
    StackState,
    ignore_events,
    pulumi_config,
)
from platformctl.engines.cloud.cli_version import check_pulumi_cli
from platformctl.engines.cloud.error_mapping import translate
from platformctl.engines.cloud.event_stream import SDK_PARSE_FAILURES, EventPump, OperationLog
from platformctl.engines.cloud.lock_files import list_locks
from platformctl.engines.cloud.preview_plan import layer_plan
from platformctl.engines.cloud.workspace import prepare_layer_folder, program_environment, prune_run_folders
from platformctl.errors import UsageError
from platformctl.plan.model import SECRET_MARKER, LayerPlan
from platformctl.system import CommandRunner

T = TypeVar("T")
CHANGE_OPS = ("create", "update", "delete", "replace")


@dataclass(frozen=True)
class CloudSettings:
    """Where state and secrets live, where run folders go, and which policy packs run."""

    backend_url: str  # s3://bucket?region=… or file:///path
    stacks_dir: Path
    work_root: Path
    secrets_provider: str | None = None  # awskms://alias/…; None: the passphrase provider (PULUMI_CONFIG_PASSPHRASE)
    policy_packs: tuple[str, ...] = ()


class PulumiCloudEngine:
    """Implements LifecycleEngine and StackAdministration (platformctl/engines/base.py) over the Automation API."""

    def __init__(self, settings: CloudSettings, *, runner: CommandRunner) -> None:
        self.cli_version = check_pulumi_cli(runner)  # before anything starts
        self._settings = settings
        self._run_dir = settings.work_root / f"run-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
        prune_run_folders(settings.work_root, now=time.time())
        self._command: Any = None
        self._command_lock = threading.Lock()
        SDK_PARSE_FAILURES.install()
        self._parse_failures_before = SDK_PARSE_FAILURES.count

    @property
    def sdk_parse_failures(self) -> int:
        """Events the SDK itself could not parse since this engine was built (it only warns about them)."""
        return SDK_PARSE_FAILURES.count - self._parse_failures_before

    # LifecycleEngine

    def preview(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerPlan:
        def call(pulumi_stack: Any, pump: EventPump) -> Any:
            return pulumi_stack.preview(on_event=pump.on_event, color="never", policy_packs=self._policy_packs())

        _, log = self._operate(layer, stack, "preview", on_event, call)
        on_event(LayerFinished(layer.name, "preview", _touched(log.changes)))
        return layer_plan(layer, stack=stack, steps=log.steps, region=layer.region)

    def up(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult:
        def call(pulumi_stack: Any, pump: EventPump) -> Any:
            return pulumi_stack.up(on_event=pump.on_event, color="never", policy_packs=self._policy_packs())

        result, log = self._operate(layer, stack, "up", on_event, call)
        changes = dict(result.summary.resource_changes or log.changes)
        return self._finish(layer, "up", log, changes, outputs=_masked(result.outputs), on_event=on_event)

    def destroy(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events, include_protected: bool = False) -> LayerResult:
        def call(pulumi_stack: Any, pump: EventPump) -> tuple[Any, tuple[str, ...]]:
            protected = _protected(pulumi_stack)
            if include_protected and protected:
                _unprotect(pulumi_stack)
            result = pulumi_stack.destroy(on_event=pump.on_event, color="never", exclude_protected=not include_protected)
            return result, () if include_protected else protected

        try:
            (result, retained), log = self._operate(layer, stack, "destroy", on_event, call, create=False)
        except UsageError:  # no stack: nothing to destroy
            on_event(LayerFinished(layer.name, "destroy", 0))
            return LayerResult(layer.name, "destroy", "unchanged")
        changes = dict(result.summary.resource_changes or log.changes)
        return self._finish(layer, "destroy", log, changes, retained=retained, on_event=on_event)

    def refresh(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult:
        def call(pulumi_stack: Any, pump: EventPump) -> Any:
            return pulumi_stack.refresh(on_event=pump.on_event, color="never")

        result, log = self._operate(layer, stack, "refresh", on_event, call, create=False)
        changes = dict(result.summary.resource_changes or log.changes)
        return self._finish(layer, "refresh", log, changes, on_event=on_event)

    def outputs(self, layer: LayerInput, *, stack: str, show_secrets: bool = False) -> dict[str, Any]:
        values, _ = self._operate(layer, stack, "outputs", ignore_events, lambda s, _p: s.outputs(), create=False, announce=False)
        if show_secrets:
            return {key: value.value for key, value in sorted(values.items())}
        return _masked(values)

    # StackAdministration

    def drift(self, layer: LayerInput, *, stack: str, on_event: EventSink = ignore_events) -> LayerResult:
        def call(pulumi_stack: Any, pump: EventPump) -> Any:
            return pulumi_stack.preview_refresh(on_event=pump.on_event, color="never")

        _, log = self._operate(layer, stack, "drift", on_event, call, create=False)
        drifted = tuple(f"{step.op} {step.urn}" for step in log.steps if step.op in {"update", "delete"})
        return self._finish(layer, "drift", log, log.changes, drifted=drifted, on_event=on_event)

    def state(self, layer: LayerInput, *, stack: str) -> StackState:
        def call(pulumi_stack: Any, _pump: EventPump) -> StackState:
            info = pulumi_stack.info(show_secrets=False)
            deployment = pulumi_stack.export_stack().deployment or {}
            pending = tuple(f"{op.get('type', '?')} {op.get('resource', {}).get('urn', '?')}" for op in deployment.get("pending_operations") or [])
            return StackState(
                layer=layer.name,
                exists=True,
                last_update=info.end_time.isoformat() if info and info.end_time else None,
                last_result=info.result if info else None,
                resources=len(deployment.get("resources") or []),
                pending_operations=pending,
                locks=list_locks(self._settings.backend_url, layer.project, stack),
            )

        try:
            found, _ = self._operate(layer, stack, "status", ignore_events, call, create=False, announce=False)
        except UsageError:
            return StackState(layer=layer.name, exists=False)
        return found

    def unlock(self, layer: LayerInput, *, stack: str) -> None:
        """`pulumi cancel`: on the DIY backends it deletes the stack's lock files."""
        self._operate(layer, stack, "unlock", ignore_events, lambda s, _p: s.cancel(), create=False, announce=False)

    # The Automation API, once.

    def _operate(
        self,
        layer: LayerInput,
        stack: str,
        operation: str,
        on_event: EventSink,
        call: Callable[[Any, EventPump], T],
        *,
        create: bool = True,
        announce: bool = True,
    ) -> tuple[T, OperationLog]:
        SDK_PARSE_FAILURES.install()
        pump = EventPump(layer.name, on_event)
        if announce:
            on_event(LayerStarted(layer.name, operation))
        try:
            result = pump.run(lambda: call(self._stack(layer, stack, create=create), pump))
        except Exception as exc:
            raise translate(exc, layer=layer.name, stack=stack, operation=operation, log=pump.log) from None
        return result, pump.log

    def _stack(self, layer: LayerInput, stack: str, *, create: bool) -> Any:
        from pulumi import automation as auto

        folder = prepare_layer_folder(layer, stacks_dir=self._settings.stacks_dir, run_dir=self._run_dir)
        options = auto.LocalWorkspaceOptions(
            work_dir=str(folder),
            pulumi_command=self._pulumi_command(),
            env_vars={**program_environment(), **layer.engine_env, "PULUMI_BACKEND_URL": self._settings.backend_url},
            secrets_provider=self._settings.secrets_provider,
        )
        if not create:
            return auto.select_stack(stack, work_dir=str(folder), opts=options)
        pulumi_stack = auto.create_or_select_stack(stack, work_dir=str(folder), opts=options)
        pulumi_stack.set_all_config({key: auto.ConfigValue(value) for key, value in pulumi_config(layer).items()})
        return pulumi_stack

    def _pulumi_command(self) -> Any:
        # One `pulumi version` per run, not per layer: PulumiCommand runs it when built.
        with self._command_lock:
            if self._command is None:
                from pulumi import automation as auto

                self._command = auto.PulumiCommand()
            return self._command

    def _policy_packs(self) -> list[str] | None:
        return list(self._settings.policy_packs) or None

    def _finish(
        self,
        layer: LayerInput,
        operation: str,
        log: OperationLog,
        changes: dict[str, int],
        *,
        on_event: EventSink,
        outputs: dict[str, Any] | None = None,
        retained: tuple[str, ...] = (),
        drifted: tuple[str, ...] = (),
    ) -> LayerResult:
        changes = {str(getattr(k, "value", k)): int(v) for k, v in changes.items()}
        touched = _touched(changes)
        on_event(LayerFinished(layer.name, operation, touched))
        return LayerResult(
            layer=layer.name,
            operation=operation,
            status="succeeded" if touched or drifted else "unchanged",
            changes=changes,
            outputs=outputs or {},
            retained=retained,
            drifted=drifted,
            unparsable_events=log.unparsable,
        )


def _touched(changes: dict[str, int]) -> int:
    return sum(count for op, count in changes.items() if op in CHANGE_OPS)


def _masked(values: Any) -> dict[str, Any]:
    return {key: SECRET_MARKER if value.secret else value.value for key, value in sorted(values.items())}


def _protected(pulumi_stack: Any) -> tuple[str, ...]:
    deployment = pulumi_stack.export_stack().deployment or {}
    return tuple(r["urn"] for r in deployment.get("resources") or [] if r.get("protect"))


def _unprotect(pulumi_stack: Any) -> None:
    # What `pulumi state unprotect --all` does: clear the flag in the state, then destroy can remove them.
    exported = pulumi_stack.export_stack()
    for resource in (exported.deployment or {}).get("resources") or []:
        resource["protect"] = False
    pulumi_stack.import_stack(exported)
