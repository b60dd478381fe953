"""A local stand-in of Datadog's metric query API (GET /api/v1/query), test scaffolding only.

Response shape as Datadog documents it for "Query timeseries points" (v1): `status`, `series[]` with
`pointlist` of `[milliseconds, value]` pairs, `error` on failure; keys in the DD-API-KEY and
DD-APPLICATION-KEY headers; 429 answers carry X-RateLimit-Reset (seconds).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY, APP_KEY = "dd-api-key-for-tests", "dd-app-key-for-tests"


def series(*values: float | None) -> dict[str, Any]:
    return {"status": "ok", "series": [{"metric": "m", "pointlist": [[1796385600000 + i * 60000, v] for i, v in enumerate(values)]}]}


NO_DATA: dict[str, Any] = {"status": "ok", "series": []}


@dataclass
class Answer:
    status: int = 200
    body: dict[str, Any] = field(default_factory=lambda: NO_DATA)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class DatadogStandIn:
    """Answers by query prefix: a list is consumed in order, its last answer repeats."""

    answers: dict[str, list[Answer]] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)

    def answer(self, query: str) -> Answer:
        for prefix, queue in self.answers.items():
            if query.startswith(prefix):
                return queue.pop(0) if len(queue) > 1 else queue[0]
        return Answer()


def serve(standin: DatadogStandIn) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            query = parse_qs(split.query).get("query", [""])[0]
            standin.queries.append(query)
            if self.headers.get("DD-API-KEY") != API_KEY or self.headers.get("DD-APPLICATION-KEY") != APP_KEY:
                answer = Answer(403, {"errors": ["Forbidden"]})
            elif split.path != "/api/v1/query":
                answer = Answer(404, {"errors": ["Not found"]})
            else:
                answer = standin.answer(query)
            data = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            for key, value in {"Content-Type": "application/json", "Content-Length": str(len(data)), **answer.headers}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
