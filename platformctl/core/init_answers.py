"""init's answers checked in the terms the user typed them: flags, not YAML keys, lines or regular expressions."""

from __future__ import annotations

import re

from platformctl.config.aws_regions import AWS_REGIONS
from platformctl.config.organisation_name import MAX_ORG_LENGTH
from platformctl.config.platform_file import DNS_LABEL, DOMAIN
from platformctl.config.sample import PlatformFileContext
from platformctl.errors import ConfigError, UsageError

_FLAGS = (  # where a problem of the rendered file comes from, most specific first
    ("regions.primary", "--primary-region"),
    ("regions.dr", "--dr-region"),
    ("regions", "--dr-region"),
    ("organisation", "--org"),
    ("domain", "--domain"),
    ("environments", "--org"),  # names derived from the organisation (and the template's environments)
)
_HINT = "Change the flags named above; nothing was written."


def check_answers(context: PlatformFileContext) -> None:
    """Refuse answers that cannot make a valid platform.yaml, one line per flag.

    Raises:
        UsageError: with one detail line per problem, each starting with its flag.
    """
    problems: list[str] = []
    org = context.organisation
    if not re.match(DNS_LABEL, org):
        problems.append(f"--org {org!r} must be a lower-case DNS label: letters, digits and hyphens, starting with a letter")
    elif len(org) > MAX_ORG_LENGTH:
        problems.append(
            f"--org {org!r} has {len(org)} characters; at most {MAX_ORG_LENGTH}, so that the OpenSearch domain "
            f"'{org}-staging-search' fits the 28 characters AWS allows"
        )
    if not re.match(DOMAIN, context.domain) or len(context.domain) > 253:
        problems.append(f"--domain {context.domain!r} must be a DNS domain in lower case, such as acme.example.com")
    for flag, region in (("--primary-region", context.primary_region), ("--dr-region", context.dr_region)):
        if region not in AWS_REGIONS:
            problems.append(f"{flag} {region!r} is not an AWS region (for example eu-west-1, us-east-1)")
    if context.primary_region == context.dr_region:
        problems.append("--dr-region must differ from --primary-region: a DR copy in the same region survives no regional outage")
    if problems:
        raise UsageError(_summary(len(problems)), hint=_HINT, details=problems)


def in_flag_terms(error: ConfigError) -> UsageError:
    """The validation problems of the rendered file, each named by the flag behind it (a backstop to check_answers)."""
    details = []
    for line in error.details:
        path, _, message = line.partition(": ")
        message = re.sub(r" \(line \d+\)$", "", message)
        flag = next((flag for prefix, flag in _FLAGS if path == prefix or path.startswith(prefix + ".")), None)
        details.append(f"{flag}: {message}" if flag else f"{path}: {message}")
    return UsageError(_summary(len(details)), hint=_HINT, details=details)


def _summary(count: int) -> str:
    return f"These answers would make a platform.yaml that does not validate ({count} problem{'s' if count > 1 else ''}):"
