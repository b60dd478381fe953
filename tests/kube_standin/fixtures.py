"""pytest fixtures: a running stand-in with its controllers, and a kubernetes ApiClient pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.kube_standin.controllers import Controllers, Scenario
from tests.kube_standin.server import StandIn
from tests.kube_standin.store import Store


@dataclass
class Cluster:
    standin: StandIn
    scenario: Scenario

    @property
    def store(self) -> Store:
        return self.standin.store

    def api_client(self) -> Any:
        from kubernetes import client

        configuration = client.Configuration(host=self.standin.host)
        configuration.retries = 0
        return client.ApiClient(configuration)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    scenario = Scenario()
    standin = StandIn(Store()).start()
    controllers = Controllers(standin, scenario)
    try:
        yield Cluster(standin, scenario)
    finally:
        controllers.stop()
        standin.stop()
