"""The per-URL work of the ingest stage: batches of candidates, fetched (or read) and
extracted into spool files.

``plan`` dedupes the discovered candidates and splits them into batches, hosts
interleaved; ``fetch`` fetches one batch (per-host politeness, hosts in parallel,
extraction in processes meanwhile) into one spool file, which ``load_raw`` loads
later. ``newsevents.pipeline`` calls these with the run's settings; nothing here
opens the work DB except ``discover_candidates`` (read-only conditional-GET state).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsevents import warehouse
from newsevents.config import Config, FetchOptions, Source, max_urls_of
from newsevents.ingest import extract
from newsevents.ingest.discover import DiscoverError, discover
from newsevents.ingest.extract import extract_page
from newsevents.ingest.fetch import Fetcher, FetchResult
from newsevents.ingest.urls import is_http_url, redact_url, strip_userinfo

LOGGER = logging.getLogger(__name__)

# URLs per spool file / load transaction: big enough to amortise a transaction,
# small enough that a killed run loses little work.
BATCH_SIZE = 200
# Deployments with many Celery workers lower it so the mapped fetch spreads wider.
ENV_BATCH_SIZE = "NEWSEVENTS_FETCH_BATCH_SIZE"
# zlib level 1: a third of level 6's CPU per page (0.5 vs 1.5 ms on a 90 KB bench page,
# 1.7 vs 4.4 on the real corpus's pages) for blobs about a fifth larger (pages shrink
# 4.4-5.6x instead of 5.4-7.1x). The blob is only stored: decompressed, it is the page.
HTML_ZLIB_LEVEL = 1

Progress = Callable[[int], None]


def discover_candidates(
    config: Config, source_name: str, work_db: str
) -> tuple[list[dict[str, Any]], str | None]:
    """Candidates of one source with their conditional-GET state from the work DB, and
    the error line when its feed or sitemap could not be fetched or parsed (then no
    candidates: the other sources still run). At most the source's ``max_urls``."""
    source = config.source(source_name)
    try:
        with Fetcher(config.fetch) as fetcher:
            candidates = discover(source, fetcher, max_urls_of(config, source))
    except DiscoverError as exc:
        LOGGER.error("source %s: %s", source_name, exc)
        return [], f"{source_name}: {exc}"
    state = warehouse.known_state(work_db, source_name)
    for item in candidates:
        item.update(state.get(item["url"], {}))
    return candidates, None


def _host_of(item: dict[str, Any]) -> str:
    if item.get("kind") == "files":
        return "file://"
    try:
        return (urlsplit(item["url"]).netloc or "").lower()
    except ValueError:
        return ""


def plan(candidates: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """Dedupe by (source_name, url) and split into batches, hosts interleaved.

    Interleaving spreads each host over the batches so every batch can fetch
    several hosts at once.
    """
    seen: set[tuple[str, str]] = set()
    by_host: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for group in candidates:
        for item in group:
            key = (item["source_name"], item["url"])
            if key in seen:
                continue
            seen.add(key)
            by_host[_host_of(item)].append(item)
    ordered = [item for row in zip_longest(*by_host.values()) for item in row if item is not None]
    size = batch_size()
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def batch_size() -> int:
    """``$NEWSEVENTS_FETCH_BATCH_SIZE`` (a positive integer), else ``BATCH_SIZE``."""
    value = os.environ.get(ENV_BATCH_SIZE, "").strip()
    if not value:
        return BATCH_SIZE
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{ENV_BATCH_SIZE} must be a positive integer, not {value!r}")
    return int(value)


# -- fetch + extract ---------------------------------------------------------------
Record = dict[str, Any]
# A spool record, or one whose extraction runs in an extraction process.
Pending = Record | Future[Record]

# Pages handed to the extraction processes and not back yet, per process: enough to
# keep each one busy, few enough that the page bodies waiting stay a bounded memory.
IN_FLIGHT_PER_WORKER = 2
# With the default (auto) ``fetch.extract_workers``, a batch with fewer URLs than this
# is extracted in its fetching threads unless the processes run already: starting
# them (about a second of imports and language model each) costs more than
# extracting a few dozen pages.
AUTO_POOL_MIN_URLS = 100


def _log_entry(item: dict[str, Any], fetched_at: str, **values: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "source_name": item["source_name"],
        "url": item["url"],
        "final_url": None,
        "fetched_at": fetched_at,
        "status": "ok",
        "http_status": None,
        "detail": None,
        "article_id": None,
        "content_type": None,
        "bytes": None,
        "etag": None,
        "last_modified": None,
        "attempts": 1,
    }
    entry.update(values)
    # The fetch log is read by analysts and published: never store credentials.
    for key in ("url", "final_url"):
        if entry[key]:
            entry[key] = redact_url(entry[key])
    return entry


def _extracted_record(
    item: dict[str, Any],
    body: bytes,
    page_url: str,
    entry: dict[str, Any],
    fetched_at: str,
    encoding: str | None = None,
) -> Record:
    """Extract one page into its spool record (in the fetching thread or a worker process)."""
    page_url = strip_userinfo(page_url)  # stored in raw.html: never credentials
    article, status, detail = extract_page(body, page_url)
    if article is None:
        entry.update(status=status, detail=detail)
        return {"fetch_log": entry, "article": None, "html": None}
    if item.get("kind") == "files":
        article["url"] = article["canonical_url"]
    else:
        article["url"] = strip_userinfo(item["url"])
    article.update(source_name=item["source_name"], fetched_at=fetched_at)
    entry.update(status="ok", article_id=article["article_id"])
    html = {
        "article_id": article["article_id"],
        "url": page_url,
        "fetched_at": fetched_at,
        "content_type": entry.get("content_type"),
        "encoding": encoding,
        "html_zlib": warehouse.encode_blob(zlib.compress(body, HTML_ZLIB_LEVEL)),
        "html_sha256": hashlib.sha256(body).hexdigest(),
    }
    return {"fetch_log": entry, "article": article, "html": html}


def _failed_record(item: dict[str, Any], exc: BaseException) -> Record:
    """The record of a candidate whose processing raised: logged, ``extraction_failed``."""
    LOGGER.error("unexpected error on %s", redact_url(str(item.get("url"))), exc_info=exc)
    entry = _log_entry(
        item,
        warehouse.utc_now().isoformat(),
        status="extraction_failed",
        detail=f"{type(exc).__name__}: {exc}"[:300],
    )
    return {"fetch_log": entry, "article": None, "html": None}


class _Extractor:
    """Where one batch's fetched pages are extracted: in the fetching thread, or in the
    extraction processes (``newsevents.ingest.extract.extraction_pool``).

    At most ``IN_FLIGHT_PER_WORKER`` pages per process are waiting (bounded memory);
    a fetching thread that finds them all taken (or the processes still starting)
    extracts the page itself, so the fetching process is one of the extractors and
    nothing waits idle.
    """

    def __init__(self, pool: ProcessPoolExecutor | None = None, workers: int = 0) -> None:
        self.pool = pool
        self._slots = threading.BoundedSemaphore(max(1, IN_FLIGHT_PER_WORKER * workers))

    @classmethod
    def for_batch(cls, options: FetchOptions, batch: list[dict[str, Any]]) -> _Extractor:
        setting = options.extract_workers
        workers = extract.auto_workers() if setting is None else setting
        urls = sum(1 for item in batch if item.get("kind") != "files")
        if workers <= 0 or urls == 0:
            return cls()
        if (
            setting is None
            and urls < AUTO_POOL_MIN_URLS
            and not extract.extraction_pool_running(workers)
        ):
            return cls()
        pool = extract.extraction_pool(workers)
        return cls(pool, workers) if pool is not None else cls()

    def __call__(
        self,
        item: dict[str, Any],
        body: bytes,
        page_url: str,
        entry: dict[str, Any],
        fetched_at: str,
        encoding: str | None,
    ) -> Pending:
        pool = self.pool
        if pool is None or not self._slots.acquire(blocking=False):
            return _extracted_record(item, body, page_url, entry, fetched_at, encoding)
        try:
            future = pool.submit(
                _extracted_record, item, body, page_url, entry, fetched_at, encoding
            )
        except (BrokenProcessPool, RuntimeError):  # a process died: the rest extract here
            self._slots.release()
            self.pool = None
            extract.discard_extraction_pool(pool)
            return _extracted_record(item, body, page_url, entry, fetched_at, encoding)
        future.add_done_callback(lambda _done: self._slots.release())
        return future


def _settle(item: dict[str, Any], pending: Pending) -> Record:
    """The record of a candidate, once its extraction process is done; never raises."""
    if not isinstance(pending, Future):
        return pending
    try:
        return pending.result()
    except Exception as exc:  # raised in the extraction process, as in process_candidate
        if isinstance(exc, BrokenProcessPool):  # the next batch starts new processes
            LOGGER.warning("an extraction process died: %s", exc)
        return _failed_record(item, exc)


def _process_file(item: dict[str, Any], sources: dict[str, Source], max_bytes: int = 0) -> Record:
    """Read and extract a local file: ``fetch.max_bytes`` applies as to a download."""
    fetched_at = warehouse.utc_now().isoformat()
    source = sources.get(item["source_name"])
    path = Path(item.get("path") or "")
    entry = _log_entry(item, fetched_at, final_url=item["url"])
    if source is None or source.kind != "files" or source.path is None:
        entry.update(status="invalid_url", detail="no files source of that name")
        return {"fetch_log": entry, "article": None, "html": None}
    root = Path(source.path).resolve()
    real = path.resolve()
    if real != root and not real.is_relative_to(root):
        entry.update(status="invalid_url", detail=f"outside the configured path {root}")
        return {"fetch_log": entry, "article": None, "html": None}
    try:
        body = read_file_capped(real, max_bytes)
    except _TooLargeError as exc:
        entry.update(status="too_large", detail=str(exc))
        return {"fetch_log": entry, "article": None, "html": None}
    except _NotRegularError as exc:
        entry.update(status="invalid_url", detail=str(exc))
        return {"fetch_log": entry, "article": None, "html": None}
    except OSError as exc:
        entry.update(status="not_found", detail=str(exc)[:300])
        return {"fetch_log": entry, "article": None, "html": None}
    entry.update(bytes=len(body), content_type="text/html")
    return _extracted_record(item, body, item["url"], entry, fetched_at)


class _TooLargeError(Exception):
    """A local file over ``fetch.max_bytes``."""


class _NotRegularError(Exception):
    """A FIFO, socket or device where a file was expected."""


# Local files are read in pieces of this size (the cap is checked between them).
FILE_CHUNK_BYTES = 256 * 1024


def read_file_capped(path: Path, cap: int) -> bytes:
    """The bytes of a regular file, refusing more than ``cap`` (0: no cap).

    Opened without blocking and checked with ``fstat`` on the open descriptor, so a
    FIFO (whose open and read would wait for a writer forever) or a device swapped in
    after discovery is refused, not read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegularError(f"{path.name}: not a regular file")
        if cap and info.st_size > cap:
            raise _TooLargeError(f"file of {info.st_size} bytes > {cap}")
        chunks: list[bytes] = []
        total = 0
        while chunk := handle.read(FILE_CHUNK_BYTES):
            total += len(chunk)
            if cap and total > cap:  # it grew since the fstat
                raise _TooLargeError(f"file over {cap} bytes")
            chunks.append(chunk)
    return b"".join(chunks)


def _process_url(
    item: dict[str, Any], fetcher: Fetcher, extractor: _Extractor | None = None
) -> Pending:
    fetched_at = warehouse.utc_now().isoformat()
    if not is_http_url(item["url"]):
        entry = _log_entry(item, fetched_at, status="invalid_url", detail="not an http(s) URL")
        return {"fetch_log": entry, "article": None, "html": None}
    conditional = bool(item.get("known_article_id"))
    result: FetchResult = fetcher.get(
        item["url"],
        etag=item.get("etag") if conditional else None,
        last_modified=item.get("last_modified") if conditional else None,
    )
    entry = _log_entry(
        item,
        fetched_at,
        final_url=result.final_url,
        status=result.status,
        http_status=result.http_status,
        detail=result.detail,
        content_type=result.content_type,
        bytes=len(result.body) if result.body is not None else None,
        etag=result.etag,
        last_modified=result.last_modified,
        attempts=result.attempts,
    )
    if result.status == "not_modified":
        entry.update(
            article_id=item.get("known_article_id"),
            etag=item.get("etag"),
            last_modified=item.get("last_modified"),
        )
    if result.status != "ok" or result.body is None:
        return {"fetch_log": entry, "article": None, "html": None}
    extract_page = extractor or _extracted_record
    return extract_page(
        item, result.body, result.final_url or item["url"], entry, fetched_at, result.encoding
    )


def _start_candidate(
    item: dict[str, Any],
    fetcher: Fetcher,
    sources: dict[str, Source],
    extractor: _Extractor | None = None,
) -> Pending:
    try:
        if item.get("kind") == "files":
            return _process_file(item, sources, fetcher.options.max_bytes)
        return _process_url(item, fetcher, extractor)
    except Exception as exc:  # a bug or odd page must not lose the batch
        return _failed_record(item, exc)


def process_candidate(item: dict[str, Any], fetcher: Fetcher, sources: dict[str, Source]) -> Record:
    """Fetch (or read) and extract one candidate into a spool record; never raises."""
    return _settle(item, _start_candidate(item, fetcher, sources))


# Parses the extracted articles of a batch's records and attaches their annotation
# (``newsevents.annotate.stage.ArticleParser``); returns how many it parsed.
Parse = Callable[[list[Record]], int]


@dataclass
class Fetched:
    """A batch fetched and extracted (:func:`fetch_records`), for :func:`finish`: its
    records in the batch's host-by-host order, and the article id the work DB holds for
    each record's URL (the candidate's ``known_article_id``)."""

    records: list[Record]
    known: list[str | None]


def fetch(
    config: Config,
    batch: list[dict[str, Any]],
    spool_dir: str,
    on_done: Progress | None = None,
    parse: Parse | None = None,
) -> dict[str, Any]:
    """Fetch and extract a batch into one spool file; returns counts by status, and
    ``parsed`` (articles parsed here): :func:`finish` of :func:`fetch_records`."""
    return finish(fetch_records(config, batch, on_done), spool_dir, parse)


def fetch_records(
    config: Config, batch: list[dict[str, Any]], on_done: Progress | None = None
) -> Fetched:
    """Fetch and extract a batch into its spool records (not written yet).

    URLs are grouped by host: each host is fetched by one worker, one URL at a
    time (politeness), and hosts run in parallel up to ``fetch.max_workers``. The
    fetched pages are extracted in ``fetch.extract_workers`` processes meanwhile
    (``_Extractor``); records keep the batch's host-by-host order either way.
    """
    sources = {source.name: source for source in config.sources}
    by_host: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in batch:
        by_host[_host_of(item)].append(item)
    extractor = _Extractor.for_batch(config.fetch, batch)

    def run_host(items: list[dict[str, Any]], fetcher: Fetcher) -> list[Pending]:
        pending = []
        for item in items:
            pending.append(_start_candidate(item, fetcher, sources, extractor))
            if on_done is not None:
                on_done(1)
        return pending

    fetched = Fetched([], [])
    with Fetcher(config.fetch) as fetcher:
        workers = max(1, min(config.fetch.max_workers, len(by_host)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
            futures = [(items, pool.submit(run_host, items, fetcher)) for items in by_host.values()]
            for items, future in futures:
                fetched.records.extend(map(_settle, items, future.result()))
                fetched.known.extend(item.get("known_article_id") for item in items)
    return fetched


def finish(fetched: Fetched, spool_dir: str, parse: Parse | None = None) -> dict[str, Any]:
    """Write a fetched batch's records into one spool file; returns counts by status,
    and ``parsed`` (articles parsed here).

    With ``parse``, the extracted articles are parsed before the spool file is written,
    which then carries their annotations; an article the work DB holds already (the
    candidate's ``known_article_id``) is not parsed, as load keeps the held one. A parse
    that raises is logged and the file is written without annotations: the annotate
    stage parses those articles once they are loaded.
    """
    records = fetched.records
    parsed = _parse(parse, records, fetched.known) if parse is not None else 0
    spool = warehouse.write_spool(spool_dir, records) if records else None
    statuses = Counter(record["fetch_log"]["status"] for record in records)
    return {
        "spool_file": str(spool) if spool else None,
        "count": len(records),
        "parsed": parsed,
        **statuses,
    }


def _parse(parse: Parse, records: list[Record], known: list[str | None]) -> int:
    """Annotate the new articles of ``records`` in place; never raises."""
    new = [
        record
        for record, held in zip(records, known, strict=True)
        if record.get("article") and record["article"]["article_id"] != held
    ]
    if not new:
        return 0
    try:
        return parse(new)
    except Exception:
        LOGGER.exception("parsing in the fetch stage failed: the annotate stage parses them")
        for record in new:
            record.pop("annotation", None)
        return 0
