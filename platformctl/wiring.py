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
    from platformctl.core.run_record import RunRecordStore
    from platformctl.engines.base import CloudEngine, PlanningEngine


def get_settings() -> Settings:
    from platformctl.config.settings import get_settings as cached_settings

    return cached_settings()


def _embedded_engine() -> PlanningEngine:
    from platformctl.engines.embedded.runner import EmbeddedEngine

    return EmbeddedEngine()


def _cloud_engine(settings: Settings, runner: CommandRunner) -> CloudEngine:
    """The Automation API engine; raises MissingToolError (exit 3) when the CLI or the state backend is missing."""
    import tempfile
    from pathlib import Path

    from platformctl.core.prerequisites import cloud_checks
    from platformctl.engines.cloud.engine import CloudSettings, PulumiCloudEngine
    from platformctl.errors import MissingToolError
    from platformctl.paths import stacks_dir

    if not settings.state_url:
        backend = next(c for c in cloud_checks(state_url=None, runner=runner, identity=lambda: "") if c.name == "state backend")
        raise MissingToolError(backend.detail, hint=backend.fix)
    work_root = settings.work_dir or Path(tempfile.gettempdir()) / "platformctl-runs"
    from platformctl.policies.crossguard import pack_path

    # The one rule set, enforced by the Pulumi engine too: the CrossGuard pack runs in every preview and up.
    cloud = CloudSettings(
        backend_url=settings.state_url, stacks_dir=stacks_dir(), work_root=work_root, secrets_provider=settings.secrets_provider,
        policy_packs=(str(pack_path()),),
    )
    return PulumiCloudEngine(cloud, runner=runner)


def _run_records(settings: Settings) -> RunRecordStore:
    from platformctl.engines.cloud.run_records import run_records_for
    from platformctl.errors import MissingToolError

    if not settings.state_url:
        raise MissingToolError("No state backend is configured (PLATFORMCTL_STATE_URL is not set).", hint="Run `platformctl bootstrap --env ENV`.")
    return run_records_for(settings.state_url)


# A marker default: "bind the factory from settings in __post_init__".
def _FROM_SETTINGS() -> Any:
    raise AssertionError("replaced in Wiring.__post_init__")


def _sts_identity() -> str:
    from platformctl.aws.identity import sts_identity

    return sts_identity()


def _aws_client(service: str, region: str | None = None) -> Any:
    from platformctl.aws.session import client

    return client(service, region=region)


def _kubernetes_connector(use_kubeconfig: bool) -> Any:
    """How deploy reaches a cluster: the current KUBECONFIG context, or the environment's EKS cluster through boto3."""
    from platformctl.kubernetes.connection import connector

    return connector(use_kubeconfig)


def _image_digest(image: Any) -> str:
    from platformctl.aws.ecr import resolve_digest

    return resolve_digest(image)


@dataclass
class Wiring:
    """Everything with side effects that commands hand to the core.

    `settings` is read from the environment on first use, not at start-up: pydantic is not needed
    to print `--help`.
    """

    settings_factory: Callable[[], Settings] = get_settings
    planning_engine: Callable[[], PlanningEngine] = _embedded_engine
    lifecycle_engine: Callable[[], CloudEngine] = _FROM_SETTINGS  # the cloud engine, built from settings unless given
    run_records: Callable[[], RunRecordStore] = _FROM_SETTINGS  # beside the state backend from settings unless given
    aws_identity: Callable[[], str] = _sts_identity
    aws_client: Callable[..., Any] = _aws_client
    kubernetes_connector: Callable[[bool], Any] = _kubernetes_connector
    image_digest: Callable[[Any], str] = _image_digest
    runner: CommandRunner = field(default_factory=SystemRunner)
    clock: Clock = field(default_factory=SystemClock)
    traceback_flag: bool = False  # --traceback on the command line

    def __post_init__(self) -> None:
        # These factories need the settings and the runner of this very wiring, so they are bound here.
        if self.lifecycle_engine is _FROM_SETTINGS:
            self.lifecycle_engine = lambda: _cloud_engine(self.settings, self.runner)
        if self.run_records is _FROM_SETTINGS:
            self.run_records = lambda: _run_records(self.settings)

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
