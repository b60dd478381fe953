"""The limits AWS documents for tags, checked on platform.yaml's `tags` before any resource copies them.

AWS (Tagging best practices, "Tag naming limits and requirements", and the EC2 user guide):
at most 50 tags a resource; keys 1–128 characters, values 0–256; letters, digits, spaces and
`_ . : / = + - @`; the `aws:` prefix is reserved for AWS. Every resource also gets the platform's own
tags, and the tags the stacks set themselves (Name, tier, kubernetes.io/… on subnets: up to six on one
resource today), so platform.yaml keeps PLATFORM_TAG_RESERVE of the 50 for them and may not set their keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from platformctl.config.credentials import Problem

AWS_MAX_TAGS = 50
PLATFORM_TAG_RESERVE = 10  # six used on one resource today (a subnet), four to grow into
MAX_USER_TAGS = AWS_MAX_TAGS - PLATFORM_TAG_RESERVE
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
_ALLOWED_PUNCTUATION = set("_.:/=+-@ ")
# Tags the platform sets on resources itself: a user tag with one of these keys would override it, or be overridden.
PLATFORM_TAG_KEYS = frozenset({"organisation", "environment", "managed-by", "layer", "Name", "purpose", "role", "tier", "backup"})
PLATFORM_TAG_PREFIXES = ("kubernetes.io/", "karpenter.sh/")


def check_tags(raw: Any) -> Iterator[Problem]:
    """Yield a problem for every tag of the raw platform.yaml that AWS would refuse (or that the platform owns)."""
    tags = raw.get("tags") if isinstance(raw, dict) else None
    if not isinstance(tags, dict):
        return  # absent, or the model reports its type
    if len(tags) > MAX_USER_TAGS:
        yield ("tags",), (
            f"has {len(tags)} tags; AWS allows {AWS_MAX_TAGS} a resource and the platform keeps {PLATFORM_TAG_RESERVE} for its own, so at most {MAX_USER_TAGS}"
        )
    for key, value in tags.items():
        if not isinstance(key, str):
            continue  # the model reports it
        path = ("tags", key)
        if key.lower().startswith("aws:"):
            yield path, "tag keys starting with 'aws:' are reserved for AWS"
        elif key in PLATFORM_TAG_KEYS or key.startswith(PLATFORM_TAG_PREFIXES):
            yield path, "is a tag the platform sets on its resources itself; choose another key"
        if not 1 <= len(key) <= MAX_KEY_LENGTH:
            yield path, f"a tag key is 1 to {MAX_KEY_LENGTH} characters (this one has {len(key)})"
        elif not _allowed(key):
            yield path, "a tag key may hold letters, digits, spaces and _ . : / = + - @ only"
        if isinstance(value, str):
            if len(value) > MAX_VALUE_LENGTH:
                yield path, f"a tag value is at most {MAX_VALUE_LENGTH} characters (this one has {len(value)})"
            elif not _allowed(value):
                yield path, "a tag value may hold letters, digits, spaces and _ . : / = + - @ only"


def _allowed(text: str) -> bool:
    return all(ch.isalnum() or ch in _ALLOWED_PUNCTUATION for ch in text)
