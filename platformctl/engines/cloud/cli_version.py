"""Is the Pulumi CLI here, and new enough? The same check, in the same words, for `up` and `doctor`."""

from __future__ import annotations

import re

from platformctl.errors import MissingToolError
from platformctl.system import CommandRunner

# 3.229 stopped `refresh --preview-only` (our `drift`) from taking the DIY backends' stack lock; since 3.206
# engine events reach the Automation API over gRPC, where an unparsable event is a warning, not a dead reader.
MINIMUM_VERSION = (3, 229, 0)
INSTALL_URL = "https://www.pulumi.com/docs/iac/download-install/"
_VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")


def minimum_text() -> str:
    return ".".join(map(str, MINIMUM_VERSION))


def check_pulumi_cli(runner: CommandRunner) -> str:
    """The Pulumi CLI's version, when it is on PATH and at least MINIMUM_VERSION.

    Raises:
        MissingToolError: no `pulumi` on PATH, it does not run, or it is too old.
    """
    path = runner.which("pulumi")
    if path is None:
        raise MissingToolError(
            "The Pulumi CLI is not on PATH.",
            hint=f"Install it ({INSTALL_URL}), or run `platformctl plan` for an offline plan.",
        )
    code, text = runner.run(["pulumi", "version"])
    match = _VERSION.search(text) if code == 0 else None
    if match is None:
        raise MissingToolError(f"`pulumi version` failed at {path}: {text or 'no output'}.", hint=f"Reinstall the Pulumi CLI ({INSTALL_URL}).")
    found = tuple(int(part) for part in match.groups())
    version = ".".join(map(str, found))
    if found < MINIMUM_VERSION:
        raise MissingToolError(
            f"The Pulumi CLI at {path} is {version}; platformctl needs {minimum_text()} or newer.",
            hint=f"Upgrade it (`pulumi self-update` or {INSTALL_URL}), or run `platformctl plan` for an offline plan.",
        )
    return version
