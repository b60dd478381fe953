"""The one way platformctl writes a file a person named, and the one way it words a file system error.

Writing follows what a shell redirection does, plus atomicity for regular files:
- `-` is stdout;
- pipes, character devices (/dev/null, a terminal), sockets and /dev/fd/N or /dev/stdout are written
  straight into: renaming a file over them would replace the device or the pipe's name;
- a regular file (new, or an existing one, also through a symbolic link) is written to a temporary
  file beside it and renamed into place, so readers never see half a file; an existing file keeps its
  mode (and, where allowed, its owner), a new one gets 0666 minus the umask, as `>` would.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

from platformctl.errors import UsageError

STDOUT = "-"
# Paths that name an open file descriptor of this process: written into, never replaced.
_DESCRIPTOR_PREFIXES = ("/dev/fd/", "/proc/self/fd/", "/dev/stdout", "/dev/stderr")

_CAUSES = {
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENAMETOOLONG: "the name is too long for the file system",
    errno.ENOSPC: "there is no space left on the device",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.ENOENT: "it does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
    errno.ELOOP: "its symbolic links form a loop",
    errno.EEXIST: "it already exists",
    errno.ENXIO: "nothing is reading from it",
    errno.EIO: "the device reported an input/output error",
}


def describe_os_error(exc: OSError) -> str:
    """The cause of a file system error as a short phrase a person understands ('permission denied')."""
    cause = _CAUSES.get(exc.errno or 0)
    if cause:
        return cause
    return (exc.strerror or type(exc).__name__).lower()


def path_error(action: str, path: Path | str, exc: OSError, *, hint: str) -> UsageError:
    """A UsageError saying, in one sentence, that `action` on path failed and why ('Cannot write x: permission denied.')."""
    return UsageError(f"Cannot {action} {path}: {describe_os_error(exc)}.", hint=hint)


def current_umask() -> int:
    """The process umask (reading it means setting it: done back to back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_file(path: Path | str, text: str, *, hint: str) -> None:
    """Write text to path the way a person expects (see the module docstring); `-` is stdout.

    Args:
        path: where to write; `-` for stdout.
        text: the whole content.
        hint: the hint an error carries (which flag to change).
    Raises:
        UsageError: the path cannot be written (its folder is missing or read-only, a dangling link,
            a name too long, …): nothing is left behind.
    """
    if str(path) == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(path)
    if _is_stream(path):
        try:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise path_error("write", path, exc, hint=hint) from None
        return
    _replace_atomically(path, text, hint=hint)


def check_writable(path: Path | str, *, hint: str, not_over: Path | None = None) -> None:
    """Refuse, before any work is done, a target write_text_file would refuse (a missing folder, a dangling
    link, a folder), or one that is the file `not_over` (the input a command reads: `plan --out platform.yaml`).

    Raises:
        UsageError: naming the path and why.
    """
    if str(path) == STDOUT or _is_stream(Path(path)):
        return
    path = Path(path)
    try:
        _check_target(path, hint=hint)
        same = not_over is not None and path.exists() and not_over.exists() and os.path.samefile(path, not_over)
    except OSError as exc:
        raise path_error("write", path, exc, hint=hint) from None
    if same:
        raise UsageError(f"Cannot write {path}: it is {not_over}, which this command reads.", hint=hint)


def _is_stream(path: Path) -> bool:
    """Whether path is something to write into rather than replace: a descriptor path, or not a regular file."""
    if os.path.abspath(path).startswith(_DESCRIPTOR_PREFIXES):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # new (or broken): the atomic path reports why
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _replace_atomically(path: Path, text: str, *, hint: str) -> None:
    try:
        _check_target(path, hint=hint)
        target = Path(os.path.realpath(path)) if path.is_symlink() else path  # replace the file the link names, keep the link
        try:
            old: os.stat_result | None = os.stat(target)
        except FileNotFoundError:
            old = None
    except OSError as exc:  # Path.exists() and friends raise for a name too long or a folder we may not search
        raise path_error("write", path, exc, hint=hint) from None
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:64]}-", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(old.st_mode) if old else 0o666 & ~current_umask())
        if old is not None and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(OSError):  # only root may give a file away; the content matters more than the owner
                os.chown(tmp, old.st_uid, old.st_gid)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise path_error("write", path, exc, hint=hint) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _check_target(path: Path, *, hint: str) -> None:
    """Refuse, in the user's terms, what cannot be replaced by a file: a dangling link, a folder, a missing folder."""
    if path.is_symlink():
        try:
            os.stat(path)  # a loop raises ELOOP, worded by the caller
        except FileNotFoundError:
            raise UsageError(f"Cannot write {path}: it is a symbolic link to {os.readlink(path)}, which does not exist.", hint=hint) from None
    if path.is_dir():
        raise UsageError(f"Cannot write {path}: it is a folder.", hint=hint)
    folder = Path(os.path.realpath(path)).parent
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"Cannot write {path}: {path.parent} is a file, not a folder.", hint=hint)
    if not folder.is_dir():
        raise UsageError(f"Cannot write {path}: the folder {path.parent} does not exist.", hint=hint)
