"""Controls that used to be platform.yaml checks now fail on the plan that such a platform.yaml produces.

(A NAT per AZ and a private API stay platform.yaml checks too: the stack programs refuse those inputs.)
"""

from __future__ import annotations

from datetime import date

import pytest

from platformctl.config.loader import LoadedPlatform, parse_platform
from platformctl.config.sample import sample_text
from platformctl.core.planning import build_plan
from platformctl.engines.embedded.runner import EmbeddedEngine
from platformctl.policies.context import context_for
from platformctl.policies.evaluate import Status, evaluate_plan
from tests.stacks.conftest import fake_upstream

# (what platform.yaml says, the layer that builds it, the rule that must fail on that layer's prod plan)
CASES = [
    ("multi_az: true", "multi_az: false", "data", "AV-001"),
    ("backup_retention_days: 30   #", "backup_retention_days: 7   #", "data", "BAK-001"),
    ("backup: {retention_days: 30, copy_to_dr: true", "backup: {retention_days: 14, copy_to_dr: false", "backup", "BAK-002"),
    ("backup: {retention_days: 30, copy_to_dr: true", "backup: {retention_days: 30, copy_to_dr: false", "backup", "DR-003"),
]


@pytest.mark.parametrize(("old", "new", "layer", "rule"), CASES, ids=[c[3] for c in CASES])
def test_the_control_fails_on_the_plan_of_such_a_platform(old: str, new: str, layer: str, rule: str) -> None:
    head, prod = sample_text().split("\n  prod:\n", 1)
    assert old in prod, f"the sample's prod no longer contains {old!r}"
    text = f"{head}\n  prod:\n{prod.replace(old, new, 1)}"
    loaded = LoadedPlatform(parse_platform(text, source="test"), "test", False)
    plan = build_plan(engine=EmbeddedEngine(), loaded=loaded, env="prod", layers=[layer], upstream=fake_upstream(layer, loaded))
    report = evaluate_plan(plan, context_for(loaded.platform, "prod"), today=date(2026, 12, 4))
    assert any(v.rule == rule and v.status is Status.FAIL for v in report.verdicts), f"{rule} did not fail for {new!r}"
    assert report.blocking
