"""The rule set: every control's rules, in one tuple, looked up by id."""

from __future__ import annotations

from platformctl.policies.model import Rule
from platformctl.policies.rules import (
    availability,
    backups,
    data_residency,
    disaster_recovery,
    encryption_at_rest,
    encryption_in_transit,
    least_privilege,
    logging_audit,
    network_isolation,
)

ALL_RULES: tuple[Rule, ...] = (
    *encryption_at_rest.RULES,
    *encryption_in_transit.RULES,
    *network_isolation.RULES,
    *backups.RULES,
    *disaster_recovery.RULES,
    *least_privilege.RULES,
    *logging_audit.RULES,
    *availability.RULES,
    *data_residency.RULES,
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in ALL_RULES}
