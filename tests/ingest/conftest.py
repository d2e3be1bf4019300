"""The fixture news site served by a real HTTP server on 127.0.0.1, and helpers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import yaml

# The LocalServer class lives in tests/conftest.py, which is not importable as a
# module; its instances reach us through the ``local_server`` fixture.
LocalServer = Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITE = FIXTURES / "site"

# Small limits keep the bad cases fast: the stalling page sleeps past TIMEOUT_S,
# the huge page is well over MAX_BYTES.
TIMEOUT_S = 1.0
MAX_BYTES = 200_000
STALL_S = 2.5

ARTICLES = ("summit-talks", "trade-deal", "flood-relief", "bundestag", "malformed")


def fetch_options(**overrides: Any) -> dict[str, Any]:
    """The ``fetch:`` block tests use: fast, and allowed to reach 127.0.0.1."""
    options: dict[str, Any] = {
        "timeout_s": TIMEOUT_S,
        "max_bytes": MAX_BYTES,
        "per_host_delay_s": 0,
        "retry_backoff_s": 0.05,
        "max_retries": 2,
        "allow_private_addresses": True,
    }
    options.update(overrides)
    return options


def write_sources(folder: Path, sources: list[dict[str, Any]], **fetch_overrides: Any) -> Path:
    path = folder / "sources.yml"
    path.write_text(
        yaml.safe_dump({"sources": sources, "fetch": fetch_options(**fetch_overrides)}),
        encoding="utf-8",
    )
    return path


@dataclass
class NewsSite:
    """URLs of the fixture site on a running ``LocalServer``."""

    server: LocalServer
    urls: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.server.url(path)


def _rss(site: LocalServer, slugs: list[str]) -> str:
    items = "".join(
        f"<item><title>{slug}</title><link>{site.url(f'/news/{slug}.html')}</link>"
        f"<guid>{slug}</guid><pubDate>Thu, 14 Mar 2024 09:30:00 GMT</pubDate></item>"
        for slug in slugs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Fixture wire</title><link>{site.base_url}/</link>"
        f"<description>Test feed</description>{items}</channel></rss>"
    )


def _atom(site: LocalServer, paths: list[str]) -> str:
    entries = "".join(
        f'<entry><title>{path}</title><link rel="alternate" href="{path}"/>'
        f"<id>urn:fixture:{i}</id><updated>2024-03-14T09:30:00Z</updated></entry>"
        for i, path in enumerate(paths)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>Fixture Atom</title><id>urn:fixture</id><link href="{site.base_url}/"/>'
        f"<updated>2024-03-14T09:30:00Z</updated>{entries}</feed>"
    )


def _urlset(urls: list[str], news: bool = False) -> str:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    body = ""
    for url in urls:
        extra = (
            "<news:news><news:publication><news:name>Fixture</news:name>"
            "<news:language>en</news:language></news:publication>"
            "<news:publication_date>2024-03-14</news:publication_date>"
            "<news:title>t</news:title></news:news>"
            if news
            else "<lastmod>2024-03-14</lastmod>"
        )
        body += f"<url><loc>{url}</loc>{extra}</url>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{body}</urlset>'
    )


def _index(urls: list[str]) -> str:
    body = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>'
    )


def _flaky(failures: int) -> Callable[[BaseHTTPRequestHandler], None]:
    """500 for the first ``failures`` requests, then the summit page."""
    state = {"calls": 0}
    lock = threading.Lock()
    page = (SITE / "news" / "flood-relief.html").read_bytes()

    def handler(request: BaseHTTPRequestHandler) -> None:
        with lock:
            state["calls"] += 1
            calls = state["calls"]
        if calls <= failures:
            body = b"<html><body>Service unavailable</body></html>"
            request.send_response(500)
        else:
            body = page
            request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


def _stall(request: BaseHTTPRequestHandler) -> None:
    """Headers at once, then silence past the client's read timeout."""
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Content-Length", "100000")
    request.end_headers()
    request.wfile.write(b"<html><body><p>")
    request.wfile.flush()
    time.sleep(STALL_S)
    request.close_connection = True


def _endless(request: BaseHTTPRequestHandler) -> None:
    """A chunked HTML body with no Content-Length that goes on for 10x the cap."""
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Transfer-Encoding", "chunked")
    request.end_headers()
    chunk = b"<p>" + b"filler text " * 800 + b"</p>"
    sent = 0
    try:
        while sent < MAX_BYTES * 10:
            request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        request.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client hung up: exactly what the byte cap should do
    request.close_connection = True


def _conditional(page: bytes, etag: str) -> Callable[[BaseHTTPRequestHandler], None]:
    """Honours If-None-Match like a real server."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == etag:
            request.send_response(304)
            request.send_header("ETag", etag)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("ETag", etag)
        request.send_header("Last-Modified", "Thu, 14 Mar 2024 09:30:00 GMT")
        request.send_header("Content-Length", str(len(page)))
        request.end_headers()
        request.wfile.write(page)

    return handler


def build_site(server: LocalServer) -> NewsSite:
    """Register every page, feed, sitemap and bad case on ``server``."""
    site = NewsSite(server)
    for file in SITE.rglob("*.html"):
        server.add("/" + file.relative_to(SITE).as_posix(), file.read_bytes())
    server.add("/robots.txt", (SITE / "robots.txt").read_bytes(), "text/plain")
    news = [server.url(f"/news/{slug}.html") for slug in ARTICLES]
    server.add("/rss.xml", _rss(server, ["summit-talks", "trade-deal"]), "application/rss+xml")
    server.add(
        "/atom.xml",
        _atom(server, ["/news/flood-relief.html", "/news/bundestag.html"]),
        "application/atom+xml",
    )
    server.add("/sitemap-a.xml", _urlset(news[:3]), "application/xml")
    server.add("/sitemap-b.xml", _urlset(news[3:]), "application/xml")
    server.add("/sitemap-news.xml", _urlset(news[:1], news=True), "application/xml")
    server.add(
        "/sitemap.xml",
        _index(
            [
                server.url("/sitemap-a.xml"),
                server.url("/sitemap-b.xml"),
                server.url("/sitemap-news.xml"),
                server.url("/sitemap.xml"),  # a loop: must be visited once
            ]
        ),
        "application/xml",
    )
    server.add_handler("/flaky", _flaky(1))
    server.add_handler("/always-500", _flaky(10**6))
    server.add("/binary", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image/png")
    server.add("/octet", bytes(range(256)) * 4, "application/octet-stream")
    big = b"<html><body>" + b"<p>too long</p>" * (MAX_BYTES // 10) + b"</body></html>"
    server.add("/huge", big)
    server.add_handler("/endless", _endless)
    server.add_handler("/stall", _stall)
    server.add("/redirect/1", b"", None, 301, {"Location": "/redirect/2"})
    server.add("/redirect/2", b"", None, 302, {"Location": server.url("/redirect/3")})
    server.add("/redirect/3", b"", None, 307, {"Location": "/news/trade-deal.html"})
    server.add(
        "/redirect/private",
        b"",
        None,
        302,
        {"Location": f"http://127.0.0.2:{server.port}/news/trade-deal.html"},
    )
    server.add("/redirect/loop", b"", None, 302, {"Location": "/redirect/loop"})
    page = (SITE / "news" / "summit-talks.html").read_bytes()
    server.add_handler("/conditional", _conditional(page, '"v1"'))
    site.urls.update(
        {
            "rss": server.url("/rss.xml"),
            "atom": server.url("/atom.xml"),
            "sitemap": server.url("/sitemap.xml"),
        }
    )
    return site


@pytest.fixture
def news_site(local_server: LocalServer) -> NewsSite:
    """The fixture news site on a fresh 127.0.0.1 server."""
    return build_site(local_server)


class IngestKit:
    """Helpers handed to the tests (test modules cannot import each other)."""

    fixtures = FIXTURES
    site_dir = SITE
    articles = ARTICLES
    timeout_s = TIMEOUT_S
    max_bytes = MAX_BYTES
    fetch_options = staticmethod(fetch_options)
    write_sources = staticmethod(write_sources)
    build_site = staticmethod(build_site)


@pytest.fixture(scope="session")
def kit() -> IngestKit:
    return IngestKit()
