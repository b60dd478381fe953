"""Waivers from platform.yaml: which failure a reviewer accepted, for which resource, until when."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from platformctl.config.platform_file import PolicyWaiver as Waiver
from platformctl.errors import ConfigError

__all__ = ["Waiver", "check_waivers", "find_waiver", "waivers_for"]


def check_waivers(waivers: Sequence[Waiver], known_rules: Iterable[str]) -> None:
    """Raise a ConfigError naming every waiver whose rule does not exist (a typo would waive nothing, silently)."""
    known = set(known_rules)
    unknown = [f"policies.waivers.{i}.rule: there is no rule {w.rule!r}" for i, w in enumerate(waivers) if w.rule not in known]
    if unknown:
        raise ConfigError(
            "platform.yaml waives a policy rule that does not exist.",
            hint="Run `platformctl policy list` for the rule ids.",
            details=unknown,
        )


def waivers_for(waivers: Sequence[Waiver], environment: str) -> list[Waiver]:
    return [w for w in waivers if w.environment in (None, environment)]


def find_waiver(waivers: Sequence[Waiver], rule: str, resource: str) -> Waiver | None:
    return next((w for w in waivers if w.rule == rule and w.resource == resource), None)
