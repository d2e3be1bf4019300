"""Hardening fixtures: a module-scoped 127.0.0.1 server and sources-file helpers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml


@dataclass
class Page:
    """A canned answer: body, content type (None: no header), status, extra headers."""

    body: bytes
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class HostileServer:
    """A threaded HTTP server on 127.0.0.1 whose pages a test sets with ``put``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append((self.path, dict(self.headers.items())))
                    page = server.pages.get(self.path)
                if page is None:
                    page = Page(b"<html><body>missing</body></html>", status=404)
                self.send_response(page.status)
                if page.content_type:
                    self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for key, value in page.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(page.body)

        class _Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                return

        self._server = _Server((host, 0), _Handler)
        self.host = host
        self.port = self._server.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        self.put("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")

    def put(
        self,
        path: str,
        body: bytes | str,
        content_type: str | None = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.pages[path] = Page(data, content_type, status, dict(headers or {}))
        return self.url(path)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [path for path, _headers in self.requests]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[HostileServer]:
    """One server per module (hypothesis examples reuse it; paths keep them apart)."""
    server = HostileServer()
    try:
        yield server
    finally:
        server.stop()


# Small limits keep bad cases fast; loopback is allowed, nothing else private.
FETCH_OPTIONS: dict[str, Any] = {
    "timeout_s": 2.0,
    "max_bytes": 5_000_000,
    "per_host_delay_s": 0,
    "retry_backoff_s": 0.05,
    "max_retries": 1,
    "allow_private_addresses": ["127.0.0.1/32"],
}


def write_sources(folder: Path, sources: list[dict[str, Any]], **fetch: Any) -> Path:
    """A sources.yml in ``folder`` with the hardening fetch options (overridable)."""
    path = folder / "sources.yml"
    path.write_text(
        yaml.safe_dump({"sources": sources, "fetch": {**FETCH_OPTIONS, **fetch}}),
        encoding="utf-8",
    )
    return path


class HardeningKit:
    """Helpers handed to the tests (test modules cannot import conftest)."""

    fetch_options = FETCH_OPTIONS
    write_sources = staticmethod(write_sources)
    Page = Page


@pytest.fixture(scope="session")
def hkit() -> HardeningKit:
    return HardeningKit()
