"""Extraction in worker processes (``fetch.extract_workers``): same records as in-thread.

The fetch stage hands fetched pages to a process pool (``newsevents.ingest.extract``) while
the host threads keep fetching; these tests pin that the spool records do not depend
on where a page was extracted, that errors in a process become ``extraction_failed``
rows, that a daemonic process (Celery, Airflow workers) extracts in-thread, and that
a killed run leaves no extraction process behind. Last, the fetcher's reuse of a
connection after an answer whose body it does not keep (the other half of the
fetch stage's cost on a re-run).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from newsevents import pipeline, warehouse
from newsevents.config import ConfigError, FetchOptions, load_config
from newsevents.ingest import batches as ingest_batches
from newsevents.ingest import extract
from newsevents.ingest import fetch as fetch_module
from newsevents.ingest.fetch import Fetcher

TIMESTAMPS = ("fetched_at",)
PATHS = [
    "/news/summit-talks.html",
    "/news/trade-deal.html",
    "/news/flood-relief.html",
    "/news/bundestag.html",
    "/news/malformed.html",
    "/news/no-text.html",  # a section page: not_article
    "/news/summit-talks.html?utm_source=rss",  # the same article again
    "/mirror/trade-copy.html",  # the same text under another URL
    "/missing.html",  # not_found: never reaches extraction
    "/binary",  # not_html
]


@pytest.fixture(autouse=True)
def _no_pool_left() -> Iterator[None]:
    yield
    extract.shutdown_extraction_pool()


def _batch_settings(kit: Any, site: Any, folder: Path, **fetch: Any) -> dict[str, Any]:
    site.server.add(
        "/mirror/trade-copy.html", (kit.site_dir / "news" / "trade-deal.html").read_bytes()
    )
    folder.mkdir(parents=True, exist_ok=True)
    sources = kit.write_sources(
        folder,
        [{"name": "picked", "kind": "urls", "urls": [site.url(p) for p in PATHS]}],
        **fetch,
    )
    settings = pipeline.resolve_settings(str(sources), str(folder / "warehouse.duckdb"))
    return dict(settings, parse_in_fetch=False)  # extraction only: no spaCy here


def _spooled(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Every record of the one spool file, timestamps left out."""
    (spool,) = warehouse.pending_spool_files(settings["spool_dir"])
    records = warehouse.read_spool(spool)
    for record in records:
        for part in record.values():
            for key in TIMESTAMPS:
                if isinstance(part, dict):
                    part.pop(key, None)
    return records


def _fetch(settings: dict[str, Any]) -> list[dict[str, Any]]:
    (batch,) = pipeline.plan_batches(settings, [pipeline.discover_source(settings, "picked")])
    pipeline.fetch_batch(settings, batch)
    return _spooled(settings)


def test_processes_and_thread_give_the_same_records(
    kit: Any, news_site: Any, tmp_path: Path
) -> None:
    serial = _fetch(_batch_settings(kit, news_site, tmp_path / "serial", extract_workers=0))
    assert not extract.extraction_pool_running(2)
    parallel = _fetch(_batch_settings(kit, news_site, tmp_path / "parallel", extract_workers=2))
    assert extract.extraction_pool_running(2)  # the processes did run (and stay for later)
    assert parallel == serial
    statuses = [record["fetch_log"]["status"] for record in serial]
    assert statuses.count("ok") == 7  # duplicates are decided later, by load
    assert statuses.count("not_article") == 1
    assert {"not_found", "not_html"} <= set(statuses)
    assert all(record["article"]["language"] for record in serial if record["article"])


def test_pages_go_to_the_processes_until_they_are_busy(kit: Any, news_site: Any) -> None:
    page = (kit.site_dir / "news" / "summit-talks.html").read_bytes()
    item = {"source_name": "picked", "url": news_site.url("/news/summit-talks.html")}
    extractor = ingest_batches._Extractor.for_batch(FetchOptions(extract_workers=1), [item])
    assert extractor.pool is not None
    results = [
        extractor(item, page, item["url"], ingest_batches._log_entry(item, "now"), "now", None)
        for _ in range(ingest_batches.IN_FLIGHT_PER_WORKER + 1)
    ]
    # the first pages wait for the process; one more is extracted right here
    assert [isinstance(r, Future) for r in results] == [True, True, False]
    settled = [ingest_batches._settle(item, r) for r in results]
    assert settled[0] == settled[-1]
    assert settled[0]["fetch_log"]["status"] == "ok"


def test_an_error_in_a_process_is_an_extraction_failed_row(
    kit: Any, news_site: Any, caplog: pytest.LogCaptureFixture
) -> None:
    page = (kit.site_dir / "news" / "summit-talks.html").read_bytes()
    item = {"source_name": "picked", "url": news_site.url("/news/summit-talks.html")}
    # no page URL: extraction raises TypeError, in the thread or the process
    args = (item, page, None, ingest_batches._log_entry(item, "now"), "now", None)
    try:
        ingest_batches._Extractor()(*args)  # type: ignore[arg-type]
    except TypeError as exc:
        in_thread = ingest_batches._failed_record(item, exc)
    else:
        raise AssertionError("expected a TypeError")
    extractor = ingest_batches._Extractor.for_batch(FetchOptions(extract_workers=1), [item])
    pending = extractor(*args)  # type: ignore[arg-type]
    assert isinstance(pending, Future)
    with caplog.at_level(logging.ERROR, logger="newsevents.ingest.batches"):
        in_process = ingest_batches._settle(item, pending)
    for record in (in_thread, in_process):
        record["fetch_log"].pop("fetched_at")
    assert in_process == in_thread
    assert in_process["fetch_log"]["status"] == "extraction_failed"
    assert in_process["fetch_log"]["detail"].startswith("TypeError: ")
    assert "unexpected error on" in caplog.text


def test_a_dead_process_fails_its_pages_and_the_next_batch_gets_new_ones(
    kit: Any, news_site: Any
) -> None:
    item = {"source_name": "picked", "url": news_site.url("/news/summit-talks.html")}
    pool = extract.extraction_pool(1)
    assert pool is not None
    died = pool.submit(os._exit, 3)  # what a segfault in lxml would look like
    record = ingest_batches._settle(item, died)
    assert record["fetch_log"]["status"] == "extraction_failed"
    assert record["fetch_log"]["detail"].startswith("BrokenProcessPool: ")
    fresh = extract.extraction_pool(1)
    assert fresh is not None and fresh is not pool
    assert fresh.submit(os.getpid).result(timeout=60) != os.getpid()


def test_small_batches_extract_in_thread_by_default(kit: Any, news_site: Any) -> None:
    items = [{"source_name": "s", "url": news_site.url(p), "kind": "urls"} for p in PATHS]
    assert ingest_batches._Extractor.for_batch(FetchOptions(), items).pool is None
    assert (
        ingest_batches._Extractor.for_batch(FetchOptions(extract_workers=0), items * 50).pool
        is None
    )
    files = [dict(item, kind="files") for item in items] * 50
    assert ingest_batches._Extractor.for_batch(FetchOptions(extract_workers=2), files).pool is None
    assert not extract.extraction_pool_running(2)


def test_auto_workers_leave_a_cpu_to_the_fetching_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for cpus, workers in ((1, 0), (2, 1), (4, 3), (16, 4)):
        monkeypatch.setattr(extract.os, "sched_getaffinity", lambda _pid, n=cpus: set(range(n)))
        assert extract.auto_workers() == workers


def test_daemonic_process_extracts_in_thread(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(extract, "_daemon_noted", False)
    monkeypatch.setattr(
        extract.multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True)
    )
    with caplog.at_level(logging.INFO, logger="newsevents.ingest.extract"):
        assert extract.extraction_pool(2) is None
        assert extract.extraction_pool(2) is None
    notes = [r.getMessage() for r in caplog.records if "daemonic" in r.getMessage()]
    assert len(notes) == 1  # one line per process, not per batch


def test_fetch_batch_in_a_daemonic_process(kit: Any, news_site: Any, tmp_path: Path) -> None:
    settings = _batch_settings(kit, news_site, tmp_path, extract_workers=2)
    (batch,) = pipeline.plan_batches(settings, [pipeline.discover_source(settings, "picked")])
    # A daemonic process may not start children: without the fallback every page
    # would end as extraction_failed ("daemonic processes are not allowed to have children").
    child = multiprocessing.get_context("spawn").Process(
        target=pipeline.fetch_batch, args=(settings, batch), daemon=True
    )
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 0
    statuses = [record["fetch_log"]["status"] for record in _spooled(settings)]
    assert statuses.count("ok") == 7
    assert statuses.count("not_article") == 1


def test_extract_workers_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "sources.yml"
    head = "sources:\n  - {name: a, kind: urls, urls: ['https://example.org/']}\n"
    path.write_text(head, encoding="utf-8")
    assert load_config(path).fetch.extract_workers is None  # auto
    path.write_text(head + "fetch:\n  extract_workers: 3\n", encoding="utf-8")
    assert load_config(path).fetch.extract_workers == 3
    for bad in ("-1", "1.5", "two", "true", "null"):
        path.write_text(head + f"fetch:\n  extract_workers: {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert str(caught.value).startswith(
            "sources.yml: field 'fetch.extract_workers': expected a"
        )


def test_processes_end_with_a_killed_parent(
    tmp_path: Path, children_die_with_parent: Callable[[Path, str, str], None]
) -> None:
    """A run killed with SIGKILL (the crash tests, an OOM kill) leaves no process behind."""
    children_die_with_parent(
        tmp_path,
        "__import__('newsevents.ingest.extract', fromlist=['x']).extraction_pool(2)",
        "extraction",
    )


def test_answers_without_a_wanted_body_keep_the_connection(kit: Any, local_server: Any) -> None:
    """304s, 404 pages and redirects reuse the connection: a re-run of 10,000 unchanged
    articles is 10,000 requests on one connection, not 10,000 TCP handshakes."""
    ports: list[int] = []
    page = (kit.site_dir / "news" / "summit-talks.html").read_bytes()

    def answer(status: int, body: bytes, **headers: str) -> Any:
        def handler(request: Any) -> None:
            ports.append(request.client_address[1])
            request.send_response(status)
            for key, value in {"Content-Length": str(len(body)), **headers}.items():
                request.send_header(key, value)
            request.end_headers()
            request.wfile.write(body)

        return handler

    local_server.add("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    local_server.add_handler("/same", answer(304, b"", ETag='"v1"'))
    local_server.add_handler("/gone", answer(404, b"<html><body>Not here</body></html>"))
    local_server.add_handler("/moved", answer(301, b"<a href=/page>moved</a>", Location="/page"))
    local_server.add_handler("/page", answer(200, page, **{"Content-Type": "text/html"}))
    big = b"<p>" + b"x" * fetch_module.DRAIN_MAX_BYTES + b"</p>"
    local_server.add_handler("/big-404", answer(404, big))
    options = FetchOptions(per_host_delay_s=0, allow_private_addresses=True)
    with Fetcher(options) as fetcher:
        statuses = [
            fetcher.get(local_server.url(path), etag='"v1"').status
            for path in ("/same", "/gone", "/moved", "/same", "/big-404", "/same")
        ]
    expected = ["not_modified", "not_found", "ok", "not_modified", "not_found", "not_modified"]
    assert statuses == expected
    # /same, /gone, /moved, /page, /same, /big-404 on one connection; the large 404
    # page is not read but its connection closed, so the last /same opens a new one
    assert len(ports) == 7
    assert len(set(ports[:6])) == 1
    assert ports[6] != ports[5]
