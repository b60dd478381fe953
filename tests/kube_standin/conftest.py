"""The stand-in's own tests get its `cluster` fixture."""

from tests.kube_standin.fixtures import cluster  # noqa: F401 - a fixture, found by name
