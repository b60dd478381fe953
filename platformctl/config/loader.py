"""Reading platform.yaml: every problem reported at once, one line each, with its path and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformctl.config.platform_file import Platform
from platformctl.config.rules import check_platform, find_secrets
from platformctl.config.yaml_model import parse_yaml_model
from platformctl.errors import UsageError

PLATFORM_FILE = "platform.yaml"


@dataclass(frozen=True)
class LoadedPlatform:
    """A valid platform and where it came from."""

    platform: Platform
    source: str  # a file path, or "built-in sample"
    is_sample: bool


def load_platform(path: Path | None, *, cwd: Path) -> LoadedPlatform:
    """Load platform.yaml from path, or from cwd, or fall back to the built-in sample.

    Raises:
        UsageError: an explicit path does not exist.
        ConfigError: the file is broken; `details` has one line per problem.
    """
    if path is None:
        candidate = cwd / PLATFORM_FILE
        if not candidate.exists():
            from platformctl.config.sample import sample_text

            return LoadedPlatform(parse_platform(sample_text(), source="built-in sample"), "built-in sample", True)
        path = candidate
    if not path.is_file():
        raise UsageError(f"{path} does not exist.", hint="Run `platformctl init` to write one, or pass --file with the right path.")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read {path}: {exc}.", hint="Check the file's permissions and that it is UTF-8 text.") from None
    return LoadedPlatform(parse_platform(text, source=str(path)), str(path), False)


def parse_platform(text: str, *, source: str) -> Platform:
    """Parse and validate platform.yaml text.

    Raises:
        ConfigError: with one detail line per problem, each naming its path (and line).
    """
    return parse_yaml_model(
        text,
        Platform,
        source=source,
        hint="Fix each line above; `platformctl init` writes a commented example.",
        shape="organisation, domain, regions and environments",
        pre_checks=find_secrets,
        post_checks=check_platform,
    )
