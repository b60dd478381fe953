"""Reading a config file a person named (platform.yaml, service.yaml): says what the path is when it is
not a readable file, and never reads more than the size limit."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from platformctl.config.yaml_limits import MAX_YAML_BYTES
from platformctl.errors import ConfigError, UsageError
from platformctl.files import path_error

# The YAML reader's own limit (yaml_limits.py says why): a bigger file is not read whole to be refused.
MAX_CONFIG_BYTES = MAX_YAML_BYTES


def read_config_text(path: Path | str, *, hint: str, max_bytes: int = MAX_CONFIG_BYTES) -> str:
    """The UTF-8 text of path, which must be a readable file (a pipe or /dev/stdin will do) of at most max_bytes.

    Args:
        path: the file.
        hint: what to do instead (how to name another file).
        max_bytes: the size limit.
    Raises:
        UsageError: path does not exist, is a dangling or looping link, a folder, another kind of
            special file, unreadable, or not UTF-8; ConfigError: it is larger than max_bytes.
    """
    describe_kind(path, hint=hint)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise path_error("read", path, exc, hint=hint) from None
    if len(data) > max_bytes:
        raise ConfigError(
            f"{path} is larger than {max_bytes // 1024} KiB, the most platformctl reads from a config file.",
            hint="Check that this is the file you meant; a platform.yaml or service.yaml is a few KB.",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 text (byte {exc.start} cannot be decoded).", hint=hint) from None


def describe_kind(path: Path | str, *, hint: str) -> None:
    """Raise a UsageError saying what path is when it is not something to read a config from.

    Regular files, pipes and character devices pass (through links to them).
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist.", hint=hint) from None
    except OSError as exc:  # a folder on the way we may not search, a name too long
        raise path_error("read", path, exc, hint=hint) from None
    if stat.S_ISLNK(mode):
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            raise UsageError(f"{path} is a symbolic link to {os.readlink(path)}, which does not exist.", hint=hint) from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UsageError(f"{path} is a symbolic link in a loop: it never reaches a file.", hint=hint) from None
            raise path_error("read", path, exc, hint=hint) from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"{path} is a folder, not a file.", hint=hint)
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        raise UsageError(f"{path} is not a regular file (it is a socket or a block device).", hint=hint)
