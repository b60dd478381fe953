"""`dev`'s core: what it runs for a service, what it refuses and why, and how a run ends."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
from pathlib import Path

import pytest

from platformctl.core.devserver import DevRequest, ServiceStoppedError, prepare_dev, run_dev
from platformctl.core.supervisor import Event, ProcessOutput, ProcessStarted, Ready
from platformctl.errors import ConfigError, ExitCode, MissingToolError, UsageError
from tests.core.dev_fixtures import free_port, make_service

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the fake interpreter is a POSIX script")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_api_with_reload_and_worker_under_watchfiles_on_local_defaults(tmp_path: Path) -> None:
    port = free_port()
    service = make_service(tmp_path, port=port)
    plan = prepare_dev(DevRequest(directory=Path("svc")), environ={**os.environ, "ENVIRONMENT": "prod", "LOG_JSON": "true"})
    python = str(service / ".venv/bin/python")
    api, worker = plan.processes
    assert api.argv == (python, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1", "--port", str(port), "--reload", "--reload-dir", str(service / "app"))
    assert worker.argv == (python, "-m", "watchfiles", "--filter", "python", "--target-type", "command", f"{python} -m app.worker", str(service / "app"))
    assert api.cwd == worker.cwd == service
    assert api.env["ENVIRONMENT"] == "local" and api.env["LOG_JSON"] == "true" and api.env["PYTHONUNBUFFERED"] == "1"
    assert plan.url == f"http://127.0.0.1:{port}" and plan.health_url.endswith("/healthz") and plan.docs_url.endswith("/docs")
    # Run from elsewhere, the token command says where; ENVIRONMENT=prod in the shell would make devtoken refuse.
    assert plan.token_command == "cd svc && ENVIRONMENT=local .venv/bin/python -m app.devtoken --roles admin,editor"
    assert plan.make_token is True
    assert [name for name, _ in plan.summaries] == ["api", "worker"]


def test_logs_are_readable_unless_json_is_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = make_service(tmp_path)
    monkeypatch.chdir(service)
    plan = prepare_dev(DevRequest(directory=Path(".")), environ={**os.environ, "DOCS_ENABLED": "false"})
    assert plan.processes[0].env["LOG_JSON"] == "false"
    assert plan.token_command == ".venv/bin/python -m app.devtoken --roles admin,editor"
    assert plan.docs_url is None


def test_a_service_without_jobs_runs_only_the_api(tmp_path: Path) -> None:
    make_service(tmp_path, worker=False)
    plan = prepare_dev(DevRequest(directory=Path("svc")))
    assert [p.name for p in plan.processes] == ["api"] and [n for n, _ in plan.summaries] == ["api"]


@pytest.mark.parametrize(
    ("request_kwargs", "environ", "note"),
    [
        ({"worker": False}, {}, "not started (--no-worker)"),
        ({}, {"FEATURES": "notifications"}, "not started: FEATURES does not include jobs"),
    ],
)
def test_the_worker_can_be_left_out(tmp_path: Path, request_kwargs, environ, note) -> None:
    make_service(tmp_path)
    plan = prepare_dev(DevRequest(directory=Path("svc"), **request_kwargs), environ={**os.environ, **environ})
    assert [p.name for p in plan.processes] == ["api"]
    assert dict(plan.summaries)["worker"] == note


def test_no_reload_and_no_watchfiles(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    python = str(service / ".venv/bin/python")
    plan = prepare_dev(DevRequest(directory=Path("svc"), reload=False))
    assert "--reload" not in plan.processes[0].argv and plan.processes[1].argv == (python, "-m", "app.worker")
    plan = prepare_dev(DevRequest(directory=Path("svc")), environ={**os.environ, "FAKE_WATCHFILES": "0"})
    assert "--reload" in plan.processes[0].argv and plan.processes[1].argv == (python, "-m", "app.worker")
    assert "no watchfiles" in dict(plan.summaries)["worker"]


def test_python_option_takes_an_interpreter_or_an_environment(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    venv = service / ".venv"
    venv.rename(tmp_path / "elsewhere")
    for given in (tmp_path / "elsewhere", tmp_path / "elsewhere/bin/python"):
        plan = prepare_dev(DevRequest(directory=Path("svc"), python=given, port=free_port()))
        assert plan.python == tmp_path / "elsewhere/bin/python" and plan.make_token is False
        assert plan.token_command.endswith(f"{tmp_path}/elsewhere/bin/python -m app.devtoken --roles admin,editor")


def test_refusals_are_usage_errors_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a directory"):
        prepare_dev(DevRequest(directory=tmp_path / "nowhere"))
    with pytest.raises(UsageError, match=r"has no service\.yaml") as no_manifest:
        prepare_dev(DevRequest(directory=tmp_path))
    assert no_manifest.value.exit_code == ExitCode.USAGE and no_manifest.value.hint
    service = make_service(tmp_path)
    (service / "app/asgi.py").unlink()
    with pytest.raises(UsageError, match=r"no app/asgi\.py"):
        prepare_dev(DevRequest(directory=service))
    (service / "app/asgi.py").write_text("")
    (service / "service.yaml").write_text("name: svc\nport: eighty\n")
    with pytest.raises(ConfigError):
        prepare_dev(DevRequest(directory=service))


def test_a_missing_or_broken_environment_is_a_missing_tool(tmp_path: Path) -> None:
    service = make_service(tmp_path, venv=False)
    with pytest.raises(MissingToolError, match=r"has no \.venv") as missing:
        prepare_dev(DevRequest(directory=service))
    assert missing.value.exit_code == ExitCode.MISSING_TOOL and "make install" in (missing.value.hint or "")
    with pytest.raises(UsageError, match="not an executable Python interpreter"):
        prepare_dev(DevRequest(directory=service, python=tmp_path / "no-python"))
    service.rename(tmp_path / "old")
    service = make_service(tmp_path)
    with pytest.raises(MissingToolError, match="failed to start: ImportError: the environment is broken"):
        prepare_dev(DevRequest(directory=service), environ={**os.environ, "FAKE_BROKEN": "1"})
    with pytest.raises(MissingToolError, match="has no uvicorn"):
        prepare_dev(DevRequest(directory=service), environ={**os.environ, "FAKE_UVICORN": "0"})


def test_a_port_in_use_is_refused_with_a_way_out(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UsageError, match=f"Port {port} on 127.0.0.1 is already in use") as busy:
            prepare_dev(DevRequest(directory=service, port=port))
    assert "--port" in (busy.value.hint or "")
    with pytest.raises(UsageError, match="not an address of this machine"):
        prepare_dev(DevRequest(directory=service, host="192.0.2.1"))


WORKER_UP = ("worker", "worker up (watchfiles)")


def test_run_until_a_signal_then_everything_stops(tmp_path: Path) -> None:
    make_service(tmp_path)
    plan = prepare_dev(DevRequest(directory=Path("svc")))
    events: list[Event] = []
    pids: dict[str, int] = {}
    sent: list[bool] = []

    def up() -> bool:
        """Ready, and both processes said they are up. Ready alone is not enough: it means the API answers,
        while the worker starts beside it and, on a busy machine, may not have printed its line yet."""
        lines = [(e.name, e.line) for e in events if isinstance(e, ProcessOutput)]
        api_up = any(name == "api" and line.startswith("listening") for name, line in lines)
        return any(isinstance(e, Ready) for e in events) and api_up and WORKER_UP in lines

    def on_event(event: Event) -> None:
        events.append(event)
        if isinstance(event, ProcessStarted):
            pids[event.name] = event.pid
        if not sent and up():
            sent.append(True)
            os.kill(os.getpid(), signal.SIGTERM)  # the run's own handler turns it into a stop

    def give_up() -> None:
        # Bounds the test if a line never comes: stopping the worker ends the run with an error that fails
        # the test. Never a signal to this process, which could land after the run restored the default handler.
        with contextlib.suppress(KeyError, ProcessLookupError, PermissionError):
            os.killpg(pids["worker"], signal.SIGTERM)

    bound = threading.Timer(30, give_up)
    bound.start()
    try:
        stopped = run_dev(plan, on_event=on_event, ready_timeout=20)
    finally:
        bound.cancel()
    assert sent, "the run stopped before the API was ready and both processes were up"
    assert stopped.signal == signal.SIGTERM and stopped.killed == ()


def test_a_worker_that_dies_stops_the_api_and_is_an_error(tmp_path: Path) -> None:
    make_service(tmp_path)
    environ = {**os.environ, "FAKE_WORKER_SECONDS": "0.3", "FAKE_WORKER_EXIT": "4"}
    plan = prepare_dev(DevRequest(directory=Path("svc"), reload=False), environ=environ)
    with pytest.raises(ServiceStoppedError, match=r"The worker process exited with code 4; api stopped too\.") as died:
        run_dev(plan, on_event=lambda _: None, ready_timeout=20)
    assert died.value.exit_code == ExitCode.FAILED and "worker |" in (died.value.hint or "")


def test_an_api_that_never_answers_is_stopped_after_the_timeout(tmp_path: Path) -> None:
    make_service(tmp_path, worker=False)
    plan = prepare_dev(DevRequest(directory=Path("svc")), environ={**os.environ, "FAKE_HEALTH_STATUS": "503"})
    with pytest.raises(ServiceStoppedError, match=r"did not answer http://127\.0\.0\.1:\d+/healthz within 1 s"):
        run_dev(plan, on_event=lambda _: None, ready_timeout=1)


def test_real_infrastructure_in_the_shell_is_left_out_unless_asked(tmp_path: Path) -> None:
    make_service(tmp_path)
    shell = {**os.environ, "DATABASE_URL": "postgresql+asyncpg://app@staging-db:5432/app", "JWT_ISSUER": "https://idp", "EDITOR": "vi"}
    plan = prepare_dev(DevRequest(directory=Path("svc")), environ=shell)
    assert set(plan.ignored) == {"DATABASE_URL", "JWT_ISSUER"}
    for process in plan.processes:
        assert "DATABASE_URL" not in process.env and "JWT_ISSUER" not in process.env and process.env["EDITOR"] == "vi"
    kept = prepare_dev(DevRequest(directory=Path("svc"), use_env=True), environ=shell)
    assert kept.ignored == () and kept.processes[0].env["DATABASE_URL"] == shell["DATABASE_URL"]


@pytest.mark.parametrize("program", ["/bin/true", "/bin/echo"])
def test_an_interpreter_that_is_not_python_is_bad_input(tmp_path: Path, program: str) -> None:
    make_service(tmp_path)
    with pytest.raises(UsageError, match="did not answer as a Python interpreter"):
        prepare_dev(DevRequest(directory=Path("svc"), python=Path(program)))
