"""The new service's git repository: one commit in a new repository, unless the folder is inside a work tree.

Inside an existing work tree a nested `git init` makes the outer repository record a gitlink, and clones
of it lose the service's code; like `cargo new`, new-service then leaves the files to the outer repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GitResult:
    committed: bool
    detail: str  # the commit id, or why there is no repository


def reason_not_to_init(wanted: bool | None, parent: Path) -> str | None:
    """Why the service gets no repository of its own, or None when it should get one.

    Args:
        wanted: --git (True), --no-git (False), or neither (None: a repository unless parent is in a work tree).
        parent: the folder the service is created in.
    """
    if wanted is False:
        return "no repository was created (--no-git)"
    if wanted is True:
        return None
    top = enclosing_work_tree(parent)
    if top is None:
        return None
    return f"the folder is inside the git work tree of {top}, so no repository was created: commit it there (or pass --git for one of its own)"


def enclosing_work_tree(folder: Path) -> str | None:
    """The top folder of the git work tree folder is in, or None (also when git is missing)."""
    git = shutil.which("git")
    if git is None:
        return None
    env = _git_environment(git, folder)
    inside = _git_output([git, "rev-parse", "--is-inside-work-tree"], folder, env)
    return _git_output([git, "rev-parse", "--show-toplevel"], folder, env) or str(folder) if inside == "true" else None


def _git_environment(git: str, folder: Path) -> dict[str, str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    # An inherited GIT_DIR, GIT_WORK_TREE, … (inside a git hook, `rebase -x`) would point every
    # command below at another repository: drop the variables git itself calls repository-local.
    for variable in _git_output([git, "rev-parse", "--local-env-vars"], folder, env).split():
        env.pop(variable, None)
    return env


def commit_new_repository(folder: Path, message: str) -> GitResult:
    """`git init` and one commit; a missing or failing git is reported, never fatal."""
    git = shutil.which("git")
    if git is None:
        return GitResult(False, "git is not installed, so no repository was created")
    env = _git_environment(git, folder)
    identity: list[str] = []
    if not (_git_output([git, "config", "user.email"], folder, env) and _git_output([git, "config", "user.name"], folder, env)):
        identity = ["-c", "user.name=platformctl new-service", "-c", "user.email=platformctl@localhost"]
    try:
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], [*identity, "commit", "-q", "--no-verify", "-m", message]):
            subprocess.run([git, *args], cwd=folder, env=env, check=True, capture_output=True, text=True, timeout=30)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(folder / ".git", ignore_errors=True)
        reason = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()
        return GitResult(False, f"git failed ({reason[-1] if reason else exc}), so no repository was created")
    return GitResult(True, _git_output([git, "rev-parse", "--short", "HEAD"], folder, env))


def _git_output(args: list[str], folder: Path, env: dict[str, str]) -> str:
    try:
        return subprocess.run(args, cwd=folder, env=env, capture_output=True, text=True, timeout=10).stdout.strip()
    except (subprocess.TimeoutExpired, OSError):
        return ""
