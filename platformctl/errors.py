"""The one family of errors the core raises, and the exit codes the CLI turns them into."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes are a contract with scripts and CI; the README documents them."""

    OK = 0
    FAILED = 1
    USAGE = 2  # bad input: a wrong flag, a broken platform.yaml, an invalid name
    MISSING_TOOL = 3  # a required tool or credential is missing (doctor, up)
    POLICY_VIOLATION = 4  # plan or preview found policy violations
    CHANGES_PENDING = 5  # a plan diff found changes where none were expected
    ROLLED_BACK = 6  # a deploy failed and was rolled back
    INTERRUPTED = 130


class PlatformctlError(Exception):
    """An error the user can act on: a sentence, and a hint at the fix."""

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, *, hint: str | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = list(details or [])


class UsageError(PlatformctlError):
    """The input was wrong: flags, names, files."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """platform.yaml (or service.yaml) is broken; `details` holds one line per problem."""


class MissingToolError(PlatformctlError):
    """A tool or credential that this command needs is not there."""

    exit_code = ExitCode.MISSING_TOOL


class PolicyViolationError(PlatformctlError):
    """Policies found violations that block the change."""

    exit_code = ExitCode.POLICY_VIOLATION


class StackProgramError(PlatformctlError):
    """A stack program failed while it was being planned: a bug in the stacks, not the user's input."""
