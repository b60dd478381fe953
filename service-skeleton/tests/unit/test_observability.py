"""JSON logs with request id, trace id and user; Prometheus metrics by route template; OTLP traces."""

from __future__ import annotations

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.core.settings import Settings
from service_testing import running


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


async def test_access_log_is_json_with_request_id_trace_id_and_user(client_factory, auth_header, capsys):
    async with client_factory() as client:
        capsys.readouterr()
        traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        await client.get("/items/123", headers={**auth_header(sub="alice"), "X-Request-ID": "req-42", "traceparent": traceparent})
    access = [line for line in _json_lines(capsys.readouterr().out) if line.get("event") == "request"]
    assert len(access) == 1
    entry = access[0]
    assert entry["request_id"] == "req-42"
    assert entry["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert entry["user"] == "alice"
    assert entry["route"] == "/items/{item_id}"
    assert entry["status"] == 404
    assert entry["service"] == Settings().service_name
    assert entry["level"] == "info"
    assert "timestamp" in entry and isinstance(entry["duration_ms"], float)


async def test_application_logs_carry_the_request_context(app_factory, capsys):
    from app.core.log import get_logger

    app = app_factory()

    @app.get("/work")
    async def work() -> dict:
        get_logger("app.example").info("did_work", items=3)
        return {}

    async with running(app) as client:
        capsys.readouterr()
        await client.get("/work", headers={"X-Request-ID": "r-1"})
    lines = [line for line in _json_lines(capsys.readouterr().out) if line.get("event") == "did_work"]
    assert lines == [
        {
            "items": 3,
            "event": "did_work",
            "level": "info",
            "logger": "app.example",
            "timestamp": lines[0]["timestamp"],
            "request_id": "r-1",
            "service": Settings().service_name,
        }
    ]


async def test_errors_are_logged_with_traceback_but_not_returned(app_factory, capsys):
    app = app_factory()

    @app.get("/boom")
    async def boom() -> None:
        raise KeyError("missing-thing")

    async with running(app) as client:
        capsys.readouterr()
        response = await client.get("/boom")
    assert "missing-thing" not in response.text
    errors = [line for line in _json_lines(capsys.readouterr().out) if line.get("event") == "unhandled_exception"]
    assert errors and "missing-thing" in errors[0]["exception"]


async def test_metrics_by_route_template(client):
    for item_id in (1, 2, 3):
        await client.get(f"/items/{item_id}")
    await client.get("/does-not-exist")
    text = (await client.get("/metrics")).text
    assert 'http_requests_total{method="GET",route="/items/{item_id}",status="401"} 3.0' in text
    assert 'http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
    assert 'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/items/{item_id}"}' in text
    assert "/items/1" not in text  # no raw paths: bounded label cardinality


class _Collector:
    def __init__(self) -> None:
        self.posts: list[tuple[str, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                outer.posts.append((self.path, body))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


async def test_traces_exported_over_otlp_when_configured(client_factory, capsys):
    collector = _Collector()
    try:
        async with client_factory(otel_exporter_otlp_endpoint=collector.endpoint) as client:
            capsys.readouterr()
            response = await client.get("/items/7")
            assert response.status_code == 401
        # Shutdown flushed the batch processor: the span reached the collector.
        assert collector.posts, "no OTLP export received"
        path, body = collector.posts[0]
        assert path == "/v1/traces"
        assert Settings().service_name.encode() in body  # service.name resource attribute
        access = [line for line in _json_lines(capsys.readouterr().out) if line.get("event") == "request"]
        assert access and len(access[0]["trace_id"]) == 32 and access[0]["trace_id"] != "0" * 32
    finally:
        collector.close()


def test_otel_is_not_imported_when_not_configured():
    import subprocess
    import sys

    code = (
        "import sys; from app.main import create_app; from app.core.settings import Settings; "
        "create_app(Settings(features=[], dev_issuer_key_path='/tmp/service-test-dev/key.pem')); "
        "print(any(m.startswith('opentelemetry.sdk') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


async def test_metrics_endpoint_is_labelled_by_its_route(client):
    await client.get("/metrics")
    text = (await client.get("/metrics")).text
    assert 'http_requests_total{method="GET",route="/metrics",status="200"} 1.0' in text
    assert "text/plain" in (await client.get("/metrics")).headers["content-type"]


def test_lines_logged_in_the_last_loop_iteration_reach_stdout_at_exit(tmp_path):
    import subprocess
    import sys

    code = (
        "import asyncio\n"
        "from app.core.log import configure_logging, get_logger\n"
        "configure_logging(service='probe')\n"
        "async def main():\n"
        "    get_logger('probe').info('inside_loop', n=1)\n"
        "asyncio.run(main())\n"
        "import os; os.write(1, b'')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert '"event":"inside_loop"' in out


def test_lines_of_one_loop_iteration_go_out_together_and_in_order(capsys):
    """The lines of one iteration are written once at its end (the second and later lines do not
    ask for the running loop again); a line logged while no loop runs is written at once, after
    whatever a stopped loop left queued."""
    import asyncio

    from app.core.log import configure_logging, get_logger

    configure_logging(service="probe")
    log = get_logger("probe")
    loop = asyncio.new_event_loop()
    written: list[list[int]] = []

    def read() -> list[int]:
        return [line["n"] for line in _json_lines(capsys.readouterr().out)]

    def check() -> None:
        written.append(read())
        loop.stop()

    def iteration() -> None:
        for n in range(3):
            log.info("in_loop", n=n)
        written.append(read())
        loop.call_soon(check)  # queued after the flush the first line queued

    try:
        loop.call_soon(iteration)
        loop.run_forever()
        assert written == [[], [0, 1, 2]]  # nothing during the iteration, all three at its end

        loop.call_soon(lambda: log.info("queued", n=3))
        loop.call_soon(loop.stop)  # stops before the flush queued by that line runs
        loop.run_forever()
        log.info("outside", n=4)
        assert read() == [3, 4]
    finally:
        loop.close()


def test_log_timestamps_are_utc_iso_with_microseconds(monkeypatch):
    from app.core import log

    stamp = log._UtcTimestamp()
    clock = iter([1_700_000_000.25, 1_700_000_000.5, 1_700_000_001.125, 1_700_086_400.0])
    monkeypatch.setattr(log.time, "time", lambda: next(clock))
    got = [stamp(None, "info", {})["timestamp"] for _ in range(4)]
    # A new second, and a new day, are formatted afresh; microseconds are always six digits.
    assert got == [
        "2023-11-14T22:13:20.250000Z",
        "2023-11-14T22:13:20.500000Z",
        "2023-11-14T22:13:21.125000Z",
        "2023-11-15T22:13:20.000000Z",
    ]
    monkeypatch.undo()
    real = log._UtcTimestamp()(None, "info", {})["timestamp"]
    parsed = datetime.datetime.fromisoformat(real.replace("Z", "+00:00"))
    assert abs((datetime.datetime.now(datetime.UTC) - parsed).total_seconds()) < 60
