"""The sample plans of dev, staging and prod, each planned once per session (shared with tests/stacks)."""

from __future__ import annotations

from tests.stacks.conftest import full_plan, sample_platform

__all__ = ["full_plan", "sample_platform"]
