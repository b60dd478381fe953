"""Deploy scenarios run the real kubernetes client against the stand-in, with a clock that never sleeps."""

from tests.kube_standin.fixtures import cluster  # noqa: F401 - a fixture, found by name
