"""The backup section parses either way; copying production backups to the DR region is the policy rule DR-003."""

from __future__ import annotations

from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text

PROD_BACKUP = "backup: {retention_days: 30, copy_to_dr: true"


def test_production_may_turn_dr_copies_off_in_the_file_and_the_policy_catches_it() -> None:
    """A control, not a feasibility check: the file parses; DR-003 fails on the plan (tests/policies/test_controls_from_platform.py)."""
    text = sample_text()
    assert PROD_BACKUP in text, "the sample's prod backup line changed: update this test"
    platform = parse_platform(text.replace(PROD_BACKUP, "backup: {retention_days: 30, copy_to_dr: false"), source="test")
    assert platform.environments["prod"].backup.copy_to_dr is False


def test_development_may_skip_dr_copies() -> None:
    text = sample_text().replace("backup: {retention_days: 7}", "backup: {retention_days: 7, copy_to_dr: false}")
    platform = parse_platform(text, source="test")
    assert platform.environments["dev"].backup.copy_to_dr is False
