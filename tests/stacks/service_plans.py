"""Plans of service stacks under the mock runtime, for a service with every feature and one with none, cached per session.

The layers a service reads are given as unknown markers of their declared outputs (as the layer tests do), so a
service's stack is tested on its own wiring; tests/stacks/test_public_entry.py chains the real layers instead.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from platformctl.config.service_file import parse_service
from platformctl.config.stack_config.service import build as service_config
from platformctl.engines.base import LayerInput
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.plan.model import LayerPlan
from tests.stacks.conftest import fake_layer_outputs, sample_platform

ALL_FEATURES = """\
name: orders
owner: team-shop
skeleton_version: 1.0.0
features: [jobs, notifications, integrations, search]
queues: [orders-jobs, emails]
buckets: [uploads, exports]
database: true
route: public
secrets: [app, stripe]
repository: acme-shop/orders
environments:
  prod:
    github_environment: production
"""

NO_FEATURES = """\
name: ledger
owner: team-finance
skeleton_version: 1.0.0
database: false
route: internal
"""

MANIFESTS = {"all": ALL_FEATURES, "none": NO_FEATURES}


def service_input(kind: str, env: str) -> LayerInput:
    from stacks.layer_table import SERVICE_DEPENDS_ON, SERVICE_MODULE, service_project

    manifest = parse_service(MANIFESTS[kind], source=f"test: {kind}")
    loaded = sample_platform()
    project = service_project(manifest.name)
    return LayerInput(
        name=project, project=project, module=SERVICE_MODULE, config=service_config(loaded.platform, env, manifest),
        region=loaded.platform.regions.primary, depends_on=tuple(layer.value for layer in SERVICE_DEPENDS_ON),
    )


def service_upstream() -> dict[str, dict[str, Any]]:
    """Unknown markers for every declared output of every layer a service reads."""
    from stacks.layer_table import SERVICE_DEPENDS_ON

    loaded = sample_platform()
    return {f"platform-{layer.value}": fake_layer_outputs(layer.value, loaded) for layer in SERVICE_DEPENDS_ON}


@cache
def service_plan(kind: str, env: str) -> LayerPlan:
    spec = service_input(kind, env)
    return EmbeddedEngine().plan([spec], stack=env, upstream=service_upstream())[0]
