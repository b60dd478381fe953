"""`new-service`: a new service from service-skeleton/, written all at once or not at all.

The service is assembled in a hidden folder beside the target and renamed into place at the end,
so a failure (bad template, full disk, Ctrl-C) leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from platformctl.config.platform_file import DNS_LABEL
from platformctl.errors import UsageError
from platformctl.paths import skeleton_dir
from platformctl.scaffold.names import check_service_name
from platformctl.scaffold.skeleton import MANIFEST, SkeletonManifest, load_skeleton

SKELETON_ANSWERS = {"name": "skeleton", "owner": "team-platform"}  # what the skeleton's own rendered files say


@dataclass(frozen=True)
class ServiceRequest:
    name: str
    target: Path
    owner: str
    features: tuple[str, ...] | None = None  # None: the skeleton's default features


@dataclass(frozen=True)
class GitResult:
    committed: bool
    detail: str  # the commit id, or why there is no repository


@dataclass(frozen=True)
class GeneratedService:
    name: str
    path: Path
    owner: str
    features: tuple[str, ...]
    skeleton_version: str
    files: int
    git: GitResult
    next_steps: list[str] = field(default_factory=list)

    def to_document(self) -> dict[str, Any]:
        """The `--json` document."""
        return {
            "name": self.name,
            "path": str(self.path),
            "owner": self.owner,
            "features": list(self.features),
            "skeleton_version": self.skeleton_version,
            "files": self.files,
            "git": {"committed": self.git.committed, "detail": self.git.detail},
            "next_steps": self.next_steps,
        }


def resolve_features(requested: tuple[str, ...] | None, manifest: SkeletonManifest) -> tuple[str, ...]:
    """The selected features in the skeleton's order; `all` and `none` are accepted.

    Raises:
        UsageError: a feature the skeleton does not have.
    """
    if requested is None:
        return tuple(f for f in manifest.features if f in manifest.default_features)
    wanted = {f.strip() for f in requested if f.strip()}
    if not wanted:
        raise UsageError("No feature was named.", hint=f"Name some of {', '.join(manifest.features)}, or pass `none` for the core only.")
    if wanted == {"all"}:
        return tuple(manifest.features)
    if wanted == {"none"}:
        return ()
    unknown = sorted(wanted - set(manifest.features))
    if unknown:
        raise UsageError(
            f"Unknown feature{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
            hint=f"Choose from {', '.join(manifest.features)} (or `all`, or `none` for the core only).",
        )
    return tuple(f for f in manifest.features if f in wanted)


@dataclass(frozen=True)
class ServiceContext:
    """What the templates under templates/service/ may use."""

    name: str
    owner: str
    features: tuple[str, ...]
    skeleton_version: str


def render_files(context: ServiceContext, manifest: SkeletonManifest) -> dict[str, str]:
    """The service's rendered files (path in the service -> text)."""
    from platformctl.rendering.environment import render_template

    values = asdict(context)
    return {path: render_template(template, values) for path, template in manifest.rendered.items()}


def skeleton_own_files(manifest: SkeletonManifest) -> dict[str, str]:
    """What the rendered files of the skeleton itself must say: the skeleton is a service named
    `skeleton` with every feature, so all of them run and are tested as it stands."""
    features = tuple(manifest.features)
    return render_files(ServiceContext(SKELETON_ANSWERS["name"], SKELETON_ANSWERS["owner"], features, manifest.version), manifest)


def generate_service(request: ServiceRequest) -> GeneratedService:
    """Check the request, write the service, and commit it to a new git repository when git is there.

    Raises:
        UsageError: a bad name, owner or feature, or a target that exists and is not empty (nothing is written).
    """
    from platformctl.config.service_file import parse_service

    name = check_service_name(request.name)
    if not re.match(DNS_LABEL, request.owner):
        raise UsageError(f"The owner '{request.owner}' is not a lower-case DNS label.", hint="Name the owning team like `team-payments`.")
    manifest = load_skeleton()
    features = resolve_features(request.features, manifest)
    target = request.target.expanduser().absolute()
    if target.is_symlink():
        target = target.resolve()
    _check_target(target)

    rendered = render_files(ServiceContext(name, request.owner, features, manifest.version), manifest)
    parse_service(rendered["service.yaml"], source="the rendered service.yaml")  # never write a manifest deploy would refuse

    dropped = [path for feature, paths in manifest.features.items() if feature not in features for path in paths]
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target.parent))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the service folder is an ordinary one
        count = _copy_skeleton(skeleton_dir(), staging, skip={MANIFEST, *manifest.rendered, *dropped})
        for path, text in rendered.items():
            out = staging / path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        git = _git_commit(staging, f"New service {name} from service-skeleton {manifest.version}\n\nFeatures: {', '.join(features) or 'none'}.")
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return GeneratedService(
        name=name,
        path=target,
        owner=request.owner,
        features=features,
        skeleton_version=manifest.version,
        files=count + len(rendered),
        git=git,
        next_steps=_next_steps(target, features),
    )


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename the staged service to target. An existing (empty) target is kept, with its mode and
    owner, and may be the shell's current folder: the entries move into it instead, and any that
    moved are taken back out if one fails."""
    if not target.exists():
        os.replace(staging, target)
        return
    moved: list[Path] = []
    try:
        for entry in sorted(staging.iterdir()):
            os.replace(entry, target / entry.name)
            moved.append(target / entry.name)
    except BaseException:
        for path in moved:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise
    staging.rmdir()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_target(target: Path) -> None:
    skeleton = skeleton_dir().resolve()
    if target.resolve() == skeleton or skeleton in target.resolve().parents:
        raise UsageError(f"{target} is inside the service skeleton, which new services are copied from.", hint="Pass --dir outside it.")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder.", hint="Pass --dir with a new or empty folder.")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(f"{target} exists and is not empty.", hint="Pass --dir with a new or empty folder; nothing was written.")
    if not target.parent.is_dir():
        raise UsageError(f"The folder {target.parent} does not exist.", hint="Create it first, or pass another --dir.")
    if not os.access(target.parent, os.W_OK):
        raise UsageError(f"The folder {target.parent} is not writable.", hint="Pass --dir in a folder you can write to.")


def _skeleton_files(root: Path, skip: set[str]) -> Iterator[Path]:
    """The skeleton's files, relative to root, without what its .gitignore ignores and without `skip`."""
    import pathspec

    ignore_file = root / ".gitignore"
    lines = ignore_file.read_text(encoding="utf-8").splitlines() if ignore_file.is_file() else []
    ignored = pathspec.PathSpec.from_lines("gitwildmatch", [*lines, ".git/"])
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory).relative_to(root)
        dirnames[:] = sorted(
            d for d in dirnames if (here / d).as_posix() not in skip and not ignored.match_file(f"{(here / d).as_posix()}/")
        )
        for filename in sorted(filenames):
            relative = here / filename
            if relative.as_posix() not in skip and not ignored.match_file(relative.as_posix()):
                yield relative


def _copy_skeleton(root: Path, destination: Path, *, skip: set[str]) -> int:
    count = 0
    for relative in _skeleton_files(root, skip):
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / relative, destination / relative)  # contents and mode bits
        count += 1
    return count


def _git_commit(folder: Path, message: str) -> GitResult:
    """`git init` and one commit; a missing or failing git is reported, never fatal."""
    git = shutil.which("git")
    if git is None:
        return GitResult(False, "git is not installed, so no repository was created")
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    # An inherited GIT_DIR, GIT_WORK_TREE, … (inside a git hook, `rebase -x`) would point every
    # command below at another repository: drop the variables git itself calls repository-local.
    for variable in _git_output([git, "rev-parse", "--local-env-vars"], folder, env).split():
        env.pop(variable, None)
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


def _next_steps(target: Path, features: tuple[str, ...]) -> list[str]:
    try:
        where = os.path.relpath(target)
    except ValueError:  # another drive on Windows
        where = str(target)
    steps = [] if where == "." else [f"cd {shlex.quote(where)}"]
    return [
        *steps,
        "make install      # a virtual environment with the service's dependencies",
        "make test         # its own tests, against real PostgreSQL and Redis",
        "platformctl dev   # serve it locally with reload" + (" (API and worker)" if "jobs" in features else ""),
    ]

