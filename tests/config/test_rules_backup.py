"""Cross-field rules of the backup section: production backups are copied to the DR region."""

from __future__ import annotations

import pytest

from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError

PROD_BACKUP = "backup: {retention_days: 30, copy_to_dr: true"


def test_production_without_dr_copies_is_refused() -> None:
    text = sample_text()
    assert PROD_BACKUP in text, "the sample's prod backup line changed: update this test"
    with pytest.raises(ConfigError) as raised:
        parse_platform(text.replace(PROD_BACKUP, "backup: {retention_days: 30, copy_to_dr: false"), source="test")
    text = "\n".join(raised.value.details)
    assert "environments.prod.backup.copy_to_dr" in text and "DR region" in text, text


def test_development_may_skip_dr_copies() -> None:
    text = sample_text().replace("backup: {retention_days: 7}", "backup: {retention_days: 7, copy_to_dr: false}")
    platform = parse_platform(text, source="test")
    assert platform.environments["dev"].backup.copy_to_dr is False
