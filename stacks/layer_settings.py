"""The base of every layer's typed settings: the config keys all layers share, read one way.

Convention: `stacks/<layer>/settings.py` holds one frozen dataclass extending `LayerSettings` with a
`from_config(config)` classmethod; the program calls it once with `pulumi.Config()` and reads config
nowhere else. tests/stacks/test_layer_settings.py runs every reader against a recording stand-in and
checks the keys it asks for against what platformctl emits and what the layer's Pulumi.yaml declares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypedDict


class ConfigSource(Protocol):
    """The part of `pulumi.Config` that settings readers use (tests pass a recording stand-in).

    Only the `require_*` readers: platformctl sets every key and each Pulumi.yaml gives each a default,
    so a key that is missing is a bug to report, not a value to guess.
    """

    def require(self, key: str) -> str: ...

    def require_int(self, key: str) -> int: ...

    def require_bool(self, key: str) -> bool: ...

    def require_object(self, key: str) -> Any: ...


class CommonSettings(TypedDict):
    """The keys every layer's Pulumi.yaml declares (platformctl's `common_config`), typed."""

    organisation: str
    environment: str
    domain: str
    primary_region: str
    dr_region: str
    production: bool
    tags: dict[str, str]


def read_common(config: ConfigSource) -> CommonSettings:
    """The shared keys; a layer's `from_config` passes them on with `**read_common(config)`."""
    return CommonSettings(
        organisation=config.require("organisation"),
        environment=config.require("environment"),
        domain=config.require("domain"),
        primary_region=config.require("primaryRegion"),
        dr_region=config.require("drRegion"),
        production=config.require_bool("production"),
        tags=dict(config.require_object("tags")),
    )


@dataclass(frozen=True, kw_only=True)
class LayerSettings:
    """What every layer knows about its environment (fields as `CommonSettings`)."""

    organisation: str
    environment: str
    domain: str
    primary_region: str
    dr_region: str
    production: bool  # production rules apply: protect, deletion protection, sizes
    tags: dict[str, str]  # for every taggable resource

    @property
    def prefix(self) -> str:
        """`<organisation>-<environment>`: the prefix of physical names."""
        return f"{self.organisation}-{self.environment}"
