"""Credentials in platform.yaml: found anywhere in the file (keys, values, comments), named by kind, never echoed.

What counts (the token formats their issuers document, so a match is rarely an accident):
- a key whose name says it holds a secret (password, token, api_key, …) with a value;
- AWS access key ids (AKIA/ASIA/ABIA/ACCA + 16) and 40-character secret access keys;
- GitHub (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_), GitLab (glpat-, gldt-, glrt-, …) and Slack tokens
  (xoxb-, xoxp-, xapp-, webhook URLs); Google API keys; Stripe live keys; JWTs;
- PEM and OpenSSH private keys;
- URLs with a password (scheme://user:password@host);
- in tag values (which every resource copies): strings of 20+ characters without spaces whose
  Shannon entropy is at least 4 bits a character over three or more character classes — random keys,
  not words, dates or ids such as "team-payments" or "cc-1234".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

Problem = tuple[tuple[Any, ...], str]
ADVICE = "keep secrets in AWS Secrets Manager, never in platform.yaml"
REDACTED = "[redacted]"

_SECRET_KEY = re.compile(r"(password|passwd|secret|token|private[_-]?key|api[_-]?key|access[_-]?key)", re.I)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("a private key", re.compile(r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----")),
    ("a GitHub token", re.compile(r"(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a GitLab token", re.compile(r"gl(pat|dt|rt|ptt|oas|cbt|ft|imt|soat|agent)-[A-Za-z0-9_-]{20,}")),
    ("a Slack token", re.compile(r"(xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})")),
    ("a Slack webhook", re.compile(r"hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+")),
    ("a Google API key", re.compile(r"AIza[0-9A-Za-z_-]{35}")),
    ("a Stripe live key", re.compile(r"(sk|rk)_live_[0-9A-Za-z]{20,}")),
    ("a JSON web token", re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("a password in a URL", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
)
# An AWS secret access key: exactly 40 characters of base64's alphabet, standing alone, mixing cases and digits.
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_MIN_RANDOM_LENGTH = 20
_MIN_ENTROPY_BITS = 4.0


def credential_kind(text: str, *, in_tag: bool = False) -> str | None:
    """What kind of credential text looks like ('a GitHub token'), or None."""
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    for match in _AWS_SECRET.finditer(text):
        token = match.group()
        if re.search(r"[a-z]", token) and re.search(r"[A-Z]", token) and re.search(r"[0-9/+]", token):
            return "an AWS secret access key"
    if in_tag and _looks_random(text):
        return "a random string, like a key or token"
    return None


def _looks_random(text: str) -> bool:
    if len(text) < _MIN_RANDOM_LENGTH or any(ch.isspace() for ch in text):
        return False
    classes = sum(bool(re.search(p, text)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    counts = Counter(text)
    entropy = -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
    return classes >= 3 and entropy >= _MIN_ENTROPY_BITS


def find_secrets(raw: Any, path: tuple[Any, ...] = ()) -> Iterator[Problem]:
    """Yield (path, message) for every key or value in the raw YAML that is, or looks like, a secret.

    The message names the kind of credential, never its value; a key that is itself a credential is
    reported at its mapping's path, so that the key is not printed as part of the path.
    """
    in_tags = bool(path) and path[-1] == "tags"
    if isinstance(raw, dict):
        for key, value in raw.items():
            key_kind = credential_kind(key) if isinstance(key, str) else None
            if key_kind:
                yield path, f"has a key that holds what looks like {key_kind}: {ADVICE}"
                continue
            sub = (*path, key)
            if isinstance(key, str) and _SECRET_KEY.search(key) and isinstance(value, str | int) and str(value):
                yield sub, f"looks like a secret: {ADVICE}"
            elif in_tags and isinstance(value, str):
                kind = credential_kind(value, in_tag=True)
                if kind:
                    yield sub, f"holds what looks like {kind}: {ADVICE}"
            else:
                yield from find_secrets(value, sub)
    elif isinstance(raw, list):
        for index, value in enumerate(raw):
            yield from find_secrets(value, (*path, index))
    elif isinstance(raw, str):
        kind = credential_kind(raw)
        if kind:
            yield path, f"holds what looks like {kind}: {ADVICE}"


_COMMENT = re.compile(r"(?:^|\s)#(.*)$")


def find_secrets_in_comments(text: str) -> Iterator[Problem]:
    """Yield a problem for each YAML comment that holds a credential: comments are committed with the file too."""
    for number, line in enumerate(text.splitlines(), start=1):
        comment = _COMMENT.search(line)
        kind = credential_kind(comment.group(1)) if comment else None
        if kind:
            yield (), f"the comment on line {number} holds what looks like {kind}: {ADVICE}"


def secret_texts(raw: Any, *, in_tags: bool = False) -> set[str]:
    """Every key and value of the raw YAML that find_secrets would refuse: the texts to redact from any message."""
    found: set[str] = set()
    if isinstance(raw, dict):
        for key, value in raw.items():
            if isinstance(key, str) and credential_kind(key):
                found.add(key)
            if isinstance(key, str) and _SECRET_KEY.search(key) and isinstance(value, str | int) and str(value):
                found.add(str(value))
            found |= secret_texts(value, in_tags=key == "tags")
    elif isinstance(raw, list):
        for value in raw:
            found |= secret_texts(value)
    elif isinstance(raw, str) and credential_kind(raw, in_tag=in_tags):
        found.add(raw)
    return found


def redact(text: str, secrets: set[str]) -> str:
    """text with every secret in it replaced by a marker (longest first, so one inside another goes too)."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
