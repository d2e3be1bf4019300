"""The fetcher against a real HTTP server on 127.0.0.1: every status it can report."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from newsevents.config import FetchOptions
from newsevents.ingest.fetch import Fetcher


def options(kit: Any, **overrides: Any) -> FetchOptions:
    values = kit.fetch_options(**overrides)
    if isinstance(values.get("allow_private_addresses"), list):
        values["allow_private_addresses"] = tuple(values["allow_private_addresses"])
    return FetchOptions(**values)


def test_ok_page_sends_project_user_agent(kit: Any, news_site: Any) -> None:
    with Fetcher(options(kit)) as fetcher:
        result = fetcher.get(news_site.url("/news/summit-talks.html"))
    assert result.status == "ok"
    assert result.http_status == 200
    assert result.body == (kit.site_dir / "news" / "summit-talks.html").read_bytes()
    assert result.encoding == "utf-8"
    agents = {h.get("User-Agent") for _p, h in news_site.server.requests}
    assert agents == {"newsevents/0.1.0 (+https://github.com/newsevents/newsevents)"}


@pytest.mark.parametrize(
    ("path", "status", "http_status"),
    [
        ("/missing-page.html", "not_found", 404),
        ("/binary", "not_html", 200),
        ("/octet", "not_html", 200),
        ("/huge", "too_large", 200),
        ("/endless", "too_large", 200),
        ("/stall", "timeout", 200),  # headers came, the body stalled
        ("/always-500", "http_error", 500),
        ("/redirect/loop", "http_error", 302),
        ("/private/secret.html", "blocked_by_robots", None),
    ],
)
def test_bad_urls_get_their_status(
    kit: Any, news_site: Any, path: str, status: str, http_status: int | None
) -> None:
    with Fetcher(options(kit, max_retries=1)) as fetcher:
        result = fetcher.get(news_site.url(path))
    assert result.status == status, result.detail
    assert result.http_status == http_status
    assert result.body is None


def test_robots_disallowed_page_is_never_requested(kit: Any, news_site: Any) -> None:
    with Fetcher(options(kit)) as fetcher:
        for _ in range(3):
            assert fetcher.get(news_site.url("/private/secret.html")).status == "blocked_by_robots"
    server = news_site.server
    assert server.hits("/private/secret.html") == 0
    assert server.hits("/robots.txt") == 1  # cached per host


def test_retries_5xx_then_succeeds(kit: Any, news_site: Any) -> None:
    with Fetcher(options(kit)) as fetcher:
        result = fetcher.get(news_site.url("/flaky"))
    assert result.status == "ok"
    assert result.attempts == 2
    assert news_site.server.hits("/flaky") == 2


def test_retries_stop_at_the_limit(kit: Any, news_site: Any) -> None:
    with Fetcher(options(kit, max_retries=2)) as fetcher:
        result = fetcher.get(news_site.url("/always-500"))
    assert (result.status, result.attempts) == ("http_error", 3)
    assert news_site.server.hits("/always-500") == 3


def test_404_is_not_retried(kit: Any, news_site: Any) -> None:
    with Fetcher(options(kit, max_retries=3)) as fetcher:
        result = fetcher.get(news_site.url("/nope.html"))
    assert (result.status, result.attempts) == ("not_found", 1)
    assert news_site.server.hits("/nope.html") == 1


def test_stalled_page_times_out_and_is_retried(kit: Any, news_site: Any) -> None:
    with Fetcher(options(kit, max_retries=1)) as fetcher:
        result = fetcher.get(news_site.url("/stall"))
    assert result.status == "timeout"
    assert result.attempts == 2


def test_endless_body_is_cut_while_streaming(kit: Any, news_site: Any) -> None:
    """The byte cap stops reading long before the server finishes sending."""
    with Fetcher(options(kit)) as fetcher:
        result = fetcher.get(news_site.url("/endless"))
    assert result.status == "too_large"
    assert "body over" in (result.detail or "")


def test_redirect_chain_is_followed(kit: Any, news_site: Any) -> None:
    with Fetcher(options(kit)) as fetcher:
        result = fetcher.get(news_site.url("/redirect/1"))
    assert result.status == "ok"
    assert result.final_url == news_site.url("/news/trade-deal.html")
    assert result.redirects == [
        news_site.url("/redirect/1"),
        news_site.url("/redirect/2"),
        news_site.url("/redirect/3"),
    ]


def test_redirect_to_disallowed_address_is_blocked(kit: Any, news_site: Any) -> None:
    """Only 127.0.0.1 is allowed: the hop to 127.0.0.2 is refused before connecting."""
    with Fetcher(options(kit, allow_private_addresses=["127.0.0.1/32"])) as fetcher:
        ok = fetcher.get(news_site.url("/news/trade-deal.html"))
        blocked = fetcher.get(news_site.url("/redirect/private"))
    assert ok.status == "ok"
    assert blocked.status == "blocked_address"
    assert "127.0.0.2" in (blocked.detail or "")
    assert blocked.final_url is not None and "127.0.0.2" in blocked.final_url


def test_private_addresses_refused_by_default(kit: Any, news_site: Any) -> None:
    with Fetcher(options(kit, allow_private_addresses=False)) as fetcher:
        result = fetcher.get(news_site.url("/news/trade-deal.html"))
        by_name = fetcher.get(
            news_site.url("/news/trade-deal.html").replace("127.0.0.1", "localhost")
        )
    assert result.status == "blocked_address"
    assert by_name.status == "blocked_address"  # the resolved address is what counts
    assert news_site.server.requests == []  # not even robots.txt was asked for


def test_conditional_get_returns_not_modified(kit: Any, news_site: Any) -> None:
    with Fetcher(options(kit)) as fetcher:
        first = fetcher.get(news_site.url("/conditional"))
        second = fetcher.get(news_site.url("/conditional"), etag=first.etag)
    assert (first.status, first.etag) == ("ok", '"v1"')
    assert first.last_modified == "Thu, 14 Mar 2024 09:30:00 GMT"
    assert second.status == "not_modified"
    assert second.body is None
    last = [h for p, h in news_site.server.requests if p == "/conditional"][-1]
    assert last.get("If-None-Match") == '"v1"'


def test_invalid_urls(kit: Any) -> None:
    with Fetcher(options(kit)) as fetcher:
        assert fetcher.get("ftp://example.org/a").status == "invalid_url"
        assert fetcher.get("http:///nohost").status == "invalid_url"


def test_robots_unreachable_means_disallow(kit: Any, local_server: Any) -> None:
    """RFC 9309: a 5xx robots.txt disallows the whole host; a 404 allows it."""
    local_server.add("/robots.txt", b"down", "text/plain", status=503)
    local_server.add("/page.html", b"<html><body><p>x</p></body></html>")
    with Fetcher(options(kit, max_retries=0)) as fetcher:
        assert fetcher.get(local_server.url("/page.html")).status == "blocked_by_robots"
    assert local_server.hits("/page.html") == 0


def test_slow_host_does_not_block_other_hosts(
    kit: Any, news_site: Any, local_server_factory: Any, tmp_path: Any
) -> None:
    """Two hosts in one batch: the slow one waits until the fast one has been served.

    If hosts were fetched one after another, the slow page would wait for a fast
    request that never comes and answer 'blocked'.
    """
    from newsevents import pipeline

    fast_served = threading.Event()
    slow = local_server_factory()

    def slow_page(request: Any) -> None:
        served = fast_served.wait(timeout=5)
        body = (
            kit.site_dir / "news" / ("bundestag.html" if served else "no-text.html")
        ).read_bytes()
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def fast_page(request: Any) -> None:
        body = (kit.site_dir / "news" / "trade-deal.html").read_bytes()
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
        request.wfile.flush()
        fast_served.set()

    slow.add_handler("/slow.html", slow_page)
    news_site.server.add_handler("/fast.html", fast_page)
    sources = kit.write_sources(
        tmp_path,
        [
            {"name": "slow", "kind": "urls", "urls": [slow.url("/slow.html")]},
            {"name": "fast", "kind": "urls", "urls": [news_site.url("/fast.html")]},
        ],
        timeout_s=8,
    )
    settings = pipeline.resolve_settings(str(sources), str(tmp_path / "w.duckdb"))
    batch = [
        {"source_name": "slow", "url": slow.url("/slow.html"), "kind": "urls"},
        {"source_name": "fast", "url": news_site.url("/fast.html"), "kind": "urls"},
    ]
    counts = pipeline.fetch_batch(settings, batch)
    assert counts["ok"] == 2, counts  # the slow page saw the fast request served


def test_per_host_delay_spaces_requests(kit: Any, local_server: Any) -> None:
    """Politeness: requests to one host are at least per_host_delay_s apart.

    A lower bound only (a slow machine can only make the gaps longer).
    """
    import itertools
    import time

    stamps: list[float] = []

    def page(request: Any) -> None:
        stamps.append(time.monotonic())
        request.send_response(404)
        request.send_header("Content-Length", "0")
        request.end_headers()

    for number in range(3):
        local_server.add_handler(f"/p{number}", page)
    local_server.add("/robots.txt", b"", "text/plain", status=404)
    with Fetcher(options(kit, per_host_delay_s=0.3)) as fetcher:
        for number in range(3):
            assert fetcher.get(local_server.url(f"/p{number}")).status == "not_found"
    gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
    assert len(gaps) == 2 and min(gaps) >= 0.29
