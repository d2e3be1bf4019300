"""Shared fixtures: repository paths and a real threaded HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

Handler = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (the folder holding pyproject.toml)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir(repo_root: Path) -> Path:
    """``../shared`` next to the checkout: corpus and reference files, never copied in."""
    return (repo_root.parent / "shared").resolve()


@dataclass
class Route:
    """A canned answer."""

    body: bytes
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LocalServer:
    """A threaded HTTP server bound to 127.0.0.1 on a free port.

    Serve a path with ``add(path, body, ...)`` or ``add_handler(path, fn)`` (``fn``
    gets the ``BaseHTTPRequestHandler`` and writes the answer itself). Unknown paths
    are 404. ``requests`` lists ``(path, headers)`` of every request received.
    """

    routes: dict[str, Route | Handler] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str | None = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, content_type, status, dict(headers or {}))
        return self.url(path)

    def add_handler(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    put = add  # the name the hardening tests use

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [path for path, _headers in self.requests]

    def hits(self, path: str) -> int:
        """How many requests asked for ``path`` (query string included)."""
        with self._lock:
            return sum(1 for seen, _headers in self.requests if seen == path)

    def start(self) -> None:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate writes; without TCP_NODELAY, Nagle
            # plus delayed ACKs add ~40 ms to every keep-alive request.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                return  # keep test output quiet

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    route = server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    route = Route(b"<html><body><h1>Not found</h1></body></html>", status=404)
                if callable(route):
                    route(self)
                    return
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(route.body)

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                return  # clients hanging up early (byte cap, timeouts) are expected

        self._server = _Server((self.host, 0), _Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        # A short poll interval makes shutdown (test teardown) quick.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A fresh threaded HTTP server on 127.0.0.1 for one test."""
    server = LocalServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def module_server() -> Iterator[LocalServer]:
    """One 127.0.0.1 server for a whole module (hypothesis examples reuse it)."""
    server = LocalServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def local_server_factory() -> Iterator[Callable[[], LocalServer]]:
    """Start more 127.0.0.1 servers (each on its own port, i.e. its own host)."""
    servers: list[LocalServer] = []

    def make() -> LocalServer:
        server = LocalServer()
        server.start()
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()


def _running(pid: int) -> bool:
    """Alive and not a zombie (an exited child of an exited parent is reaped by init)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _assert_children_die_with_parent(tmp_path: Path, start_pool: str, label: str) -> None:
    """Run a parent whose ``start_pool`` (Python source, one expression) returns a process
    pool, SIGKILL the parent, and assert the pool's processes end within 30 s."""
    import os
    import signal
    import subprocess
    import sys
    import textwrap
    import time

    script = textwrap.dedent(
        f"""
        import os, time

        if __name__ == "__main__":
            pool = {start_pool}
            pids = {{pool.submit(os.getpid).result() for _ in range(8)}}
            print(" ".join(map(str, pids)), flush=True)
            time.sleep(600)
        """
    )
    (tmp_path / "parent.py").write_text(script, encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(tmp_path / "parent.py")], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert pids and os.getpid() not in pids
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 30
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in pids if _running(pid)]
    assert not alive, f"{label} processes {alive} outlived their parent"


@pytest.fixture
def children_die_with_parent() -> Callable[[Path, str, str], None]:
    """``check(tmp_path, start_pool_expression, label)``: a SIGKILLed parent (the crash
    tests, an OOM kill) leaves none of its pool's processes behind."""
    return _assert_children_die_with_parent
