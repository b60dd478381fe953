"""Cross-field rules of the messaging section: queue names must fit SQS's limit in every environment."""

from __future__ import annotations

import pytest

from platformctl.config.loader import parse_platform
from platformctl.config.sample import sample_text
from platformctl.errors import ConfigError


def _with_queue(line: str) -> str:
    return sample_text().replace("  queues:                       # SQS job queues; each gets a dead-letter queue\n", f"  queues:\n    - {line}\n", 1)


def test_a_fifo_queue_whose_dlq_name_exceeds_80_characters_is_refused() -> None:
    name = "q" + "x" * 38 + "z"  # a valid 40-character label: acme-staging-<40>-dlq.fifo is 62; organisation makes it longer
    text = _with_queue(f"{{name: {name}, fifo: true}}").replace("organisation: acme", "organisation: " + "o" * 30)
    with pytest.raises(ConfigError) as raised:
        parse_platform(text, source="test")
    lines = [line for line in raised.value.details if "messaging.queues.0.name" in line]
    assert lines and "SQS allows 80" in lines[0], raised.value.details


@pytest.mark.parametrize("fifo", ["true", "false"])
def test_a_short_queue_name_is_accepted(fifo: str) -> None:
    platform = parse_platform(_with_queue(f"{{name: orders, fifo: {fifo}}}"), source="test")
    assert platform.messaging.queues[0].name == "orders"
    assert platform.messaging.queues[0].fifo is (fifo == "true")


def test_content_based_deduplication_needs_fifo() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_platform(_with_queue("{name: orders, content_based_deduplication: true}"), source="test")
    assert any("needs fifo: true" in line for line in raised.value.details), raised.value.details
