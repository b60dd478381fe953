"""The composition root: settings and the factories of everything with side effects, built once per run.

The CLI builds one `Wiring` in the app callback and puts it in typer's context; commands hand its
parts to the core. Tests build a `Wiring` directly with fakes and pass it to `main()`; nothing
patches defaults. Factories are lazy so that `--help` imports no Pulumi, boto3 or kubernetes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from platformctl.system import Clock, CommandRunner, SystemClock, SystemRunner

if TYPE_CHECKING:
    from platformctl.config.settings import Settings
    from platformctl.engines.base import LifecycleEngine, PlanningEngine


def get_settings() -> Settings:
    from platformctl.config.settings import get_settings as cached_settings

    return cached_settings()


def _embedded_engine() -> PlanningEngine:
    from platformctl.engines.embedded.runner import EmbeddedEngine

    return EmbeddedEngine()


def _no_lifecycle_engine() -> LifecycleEngine:
    # Replaced by the cloud engine (Pulumi Automation API) when it lands; until then say so clearly.
    from platformctl.errors import MissingToolError

    raise MissingToolError("This version of platformctl has no cloud engine yet.", hint="Run `platformctl plan` for an offline plan.")


def _sts_identity() -> str:
    from platformctl.aws.identity import sts_identity

    return sts_identity()


def _aws_client(service: str, region: str | None = None) -> Any:
    from platformctl.aws.session import client

    return client(service, region=region)


def _kubernetes_api(kubeconfig: str | None = None, context: str | None = None) -> Any:
    """A kubernetes ApiClient from a kubeconfig file (KUBECONFIG or ~/.kube/config when None)."""
    from kubernetes import config

    return config.new_client_from_config(config_file=kubeconfig, context=context)  # type: ignore[no-untyped-call]  # the client ships no annotations


@dataclass
class Wiring:
    """Everything with side effects that commands hand to the core.

    `settings` is read from the environment on first use, not at start-up: pydantic is not needed
    to print `--help`.
    """

    settings_factory: Callable[[], Settings] = get_settings
    planning_engine: Callable[[], PlanningEngine] = _embedded_engine
    lifecycle_engine: Callable[[], LifecycleEngine] = _no_lifecycle_engine
    aws_identity: Callable[[], str] = _sts_identity
    aws_client: Callable[..., Any] = _aws_client
    kubernetes_api: Callable[..., Any] = _kubernetes_api
    runner: CommandRunner = field(default_factory=SystemRunner)
    clock: Clock = field(default_factory=SystemClock)
    traceback_flag: bool = False  # --traceback on the command line

    @cached_property
    def settings(self) -> Settings:
        return self.settings_factory()

    @property
    def show_traceback(self) -> bool:
        """--traceback, or PLATFORMCTL_TRACEBACK in the environment."""
        return self.traceback_flag or self.settings.traceback


def build_wiring(settings: Settings | None = None) -> Wiring:
    """The real wiring for this process (settings from the environment unless given)."""
    if settings is None:
        return Wiring()
    return Wiring(settings_factory=lambda: settings)
