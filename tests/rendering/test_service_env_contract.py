"""The environment contract: every variable the manifests set (and dev leaves out) is one the service reads.

The service's side is read from its source, wherever the settings classes live in service-skeleton/
(it is being restructured): every `BaseSettings` subclass, its `env_prefix`, and its fields.
"""

from __future__ import annotations

import ast
from pathlib import Path

from platformctl.config import service_env
from platformctl.paths import skeleton_dir
from tests.rendering.deploy_fixtures import render


def _settings_variables(root: Path) -> dict[str, str]:
    """Environment variable -> `file:Class.field`, for every pydantic-settings class under root/app."""
    found: dict[str, str] = {}
    for path in sorted((root / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef) or not any(getattr(b, "id", getattr(b, "attr", "")) == "BaseSettings" for b in node.bases):
                continue
            prefix = ""
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(getattr(t, "id", "") == "model_config" for t in statement.targets):
                    for keyword in getattr(statement.value, "keywords", []):
                        if keyword.arg == "env_prefix" and isinstance(keyword.value, ast.Constant):
                            prefix = str(keyword.value.value)
            # FileEnvSource (a `<NAME>_FILE` variable per field) is wired in the core settings' sources.
            file_source = "FileEnvSource" in ast.unparse(node)
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.target.id != "model_config":
                    name = (prefix + statement.target.id).upper()
                    where = f"{path.relative_to(root)}:{node.name}.{statement.target.id}"
                    found[name] = where
                    if file_source:
                        found[f"{name}_FILE"] = where + " (as a file)"
            # Variables a settings class reads itself, e.g. `os.environ.get("SECRETS_DIR")` choosing a source.
            for call in ast.walk(node):
                named = isinstance(call, ast.Call) and ast.unparse(call.func) in {"os.environ.get", "os.getenv"} and call.args
                if named and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):  # type: ignore[attr-defined]
                    found[call.args[0].value] = f"{path.relative_to(root)}:{node.name} (os.environ)"  # type: ignore[attr-defined]
    return found


def test_the_skeleton_declares_settings_classes() -> None:
    variables = _settings_variables(skeleton_dir())
    assert "DATABASE_URL" in variables and "JOBS_QUEUE_URL" in variables, "the reader found no settings: has the skeleton moved them?"


def test_every_manifest_variable_is_read_by_the_service() -> None:
    variables = _settings_variables(skeleton_dir())
    unknown = [name for name in service_env.MANIFEST_VARIABLES if name not in variables]
    assert unknown == [], f"the manifests would set variables no settings class reads: {unknown}"


def test_every_variable_dev_leaves_out_is_read_by_the_service() -> None:
    variables = _settings_variables(skeleton_dir())
    assert [name for name in service_env.REMOTE_VARIABLES if name not in variables] == []


def test_dev_and_the_manifests_take_the_names_from_one_place() -> None:
    from platformctl.core import devserver

    assert devserver.REMOTE_VARIABLES is service_env.REMOTE_VARIABLES
    for manifest in render("prod").rendered.manifests:
        if manifest.kind == "ConfigMap":
            assert set(manifest.body["data"]) <= set(service_env.MANIFEST_VARIABLES)
        for container in manifest.body.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
            assert {e["name"] for e in container.get("env", [])} <= set(service_env.MANIFEST_VARIABLES)


def test_the_connection_variables_are_in_the_manifests() -> None:
    config = next(m.body["data"] for m in render("prod").rendered.manifests if m.kind == "ConfigMap")
    for name in (service_env.DATABASE_URL, service_env.REDIS_URL, service_env.JWT_ISSUER, service_env.JWKS_URL, service_env.JWT_AUDIENCE):
        assert config[name], name


def _module_exists(root: Path, dotted: str) -> bool:
    path = root.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file() or (path / "__main__.py").is_file()


def test_every_entry_point_the_manifests_run_exists_in_the_skeleton() -> None:
    """The containers run `python -m MODULE` and `uvicorn MODULE:app`; the skeleton is being restructured, so hold them to it."""
    root = skeleton_dir()
    for manifest in render("prod").rendered.manifests:
        for container in manifest.body.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
            args = container["args"]
            module = args[2] if args[:2] == ["python", "-m"] else args[1].split(":")[0]
            assert _module_exists(root, module), f"{manifest.kind}/{manifest.name} runs {module}, which service-skeleton/ does not have"
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (root / "app").rglob("*.py"))
    assert '"/healthz"' in sources and '"/readyz"' in sources, "the probes' paths are routes of the service"
