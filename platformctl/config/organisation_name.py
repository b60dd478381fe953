"""How long the organisation name may be, and why: pure data, so `init --help` can say it without pydantic."""

from __future__ import annotations

# Every resource name starts with <org>-<env>-; the tightest AWS limit on one is the OpenSearch domain
# name (28 characters), <org>-staging-search for the longest environment init writes: 28 - 15 = 13.
MAX_ORG_LENGTH = 13
ORG_HELP = (
    "The company's short name, used in every resource name: a lower-case DNS label of at most "
    f"{MAX_ORG_LENGTH} characters (the OpenSearch domain `ORG-staging-search` must fit AWS's 28)."
)
