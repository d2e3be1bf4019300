"""Turn one configured source into candidate dicts.

A candidate: ``{"source_name", "url", "kind", "path" (files only), "etag",
"last_modified", "known_article_id"}``. Feeds and sitemaps are fetched with the
same guarded, polite ``Fetcher`` as articles and parsed from the bytes we fetched
(feedparser for RSS/Atom, lxml for sitemaps) so nothing bypasses the guard.
"""

from __future__ import annotations

import logging
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import etree

from newsevents.config import DEFAULT_MAX_URLS, Source
from newsevents.ingest.fetch import Fetcher
from newsevents.ingest.urls import is_http_url, redact_url, strip_userinfo

LOGGER = logging.getLogger(__name__)

# Sitemap indexes may nest; stop after this many sitemap files per source so a
# loop or a huge site cannot keep discovery busy (trafilatura caps at 10,000 links).
MAX_SITEMAPS = 50
MAX_SITEMAP_URLS = 50_000  # the sitemaps.org limit for one file
# Levels of sitemap indexes: news sites use one (Google reads one); child sitemaps
# deeper than this are skipped with a warning.
MAX_SITEMAP_DEPTH = 5
HTML_SUFFIXES = (".html", ".htm")
# Decompressed in pieces of this size: the cap is checked between them.
INFLATE_CHUNK_BYTES = 256 * 1024

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, recover=True, remove_comments=True
)


class DiscoverError(Exception):
    """A feed or sitemap could not be fetched or parsed."""


def candidate(source: Source, url: str, path: str | None = None) -> dict[str, Any]:
    """A fresh candidate (conditional-GET state is filled in from the work DB later).

    The URL never carries ``user:password@``: candidates travel as XComs and into tables.
    """
    return {
        "source_name": source.name,
        "url": strip_userinfo(url),
        "kind": source.kind,
        "path": path,
        "etag": None,
        "last_modified": None,
        "known_article_id": None,
    }


def gunzip_capped(body: bytes, cap: int, url: str = "") -> bytes:
    """Decompress a gzip file a piece at a time, refusing more than ``cap`` bytes of output.

    ``gzip.decompress`` would inflate a 1.5 MB bomb to 1.5 GiB in memory first.
    Concatenated gzip members are followed like ``gzip.decompress`` does.
    """
    out: list[bytes] = []
    total = 0
    data = body
    while data:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        pending = data
        try:
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, INFLATE_CHUNK_BYTES)
                total += len(piece)
                if total > cap:
                    raise DiscoverError(
                        f"{redact_url(url)}: too_large (gzip expands past {cap} bytes)"
                    )
                out.append(piece)
                pending = inflater.unconsumed_tail
        except zlib.error as exc:
            raise DiscoverError(f"{redact_url(url)}: bad gzip: {exc}") from exc
        if not inflater.eof:
            raise DiscoverError(f"{redact_url(url)}: bad gzip: truncated")
        data = inflater.unused_data.lstrip(b"\x00")
        if data and data[:2] != b"\x1f\x8b":
            break  # trailing garbage after the last member: ignored, as gzip(1) warns
    return b"".join(out)


def _fetch_document(fetcher: Fetcher, url: str) -> bytes:
    cap = fetcher.options.max_index_bytes
    result = fetcher.get(url, html_only=False, max_bytes=cap)
    if result.status != "ok" or result.body is None:
        raise DiscoverError(
            f"{redact_url(url)}: {result.status} ({result.detail or result.http_status})"
        )
    body = result.body
    if body[:2] == b"\x1f\x8b":  # a .xml.gz served as-is
        body = gunzip_capped(body, cap, url)
    return body


def feed_urls(body: bytes, base_url: str, limit: int | None = None) -> list[str]:
    """Article links of an RSS 2.0 / Atom / RDF feed, in feed order.

    A well-formed feed is read with lxml, element by element, and reading stops once
    more than ``limit`` distinct links are found (a feed of 100,000 items costs what
    ``limit`` of them cost); a malformed one goes to feedparser's lenient parser.
    """
    fast = _feed_urls_lxml(body, base_url, limit)
    if fast is not None:
        return fast
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise DiscoverError(f"{redact_url(base_url)}: not a feed ({parsed.get('bozo_exception')})")
    urls: list[str] = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            for alternate in entry.get("links", []):
                if alternate.get("rel", "alternate") == "alternate" and alternate.get("href"):
                    link = alternate["href"]
                    break
        if not link and str(entry.get("id", "")).startswith("http"):
            link = entry["id"]
        if link:
            urls.append(urljoin(base_url, str(link).strip()))
    return urls


FEED_ROOTS = ("rss", "feed", "rdf")
FEED_ITEMS = ("item", "entry")


def _entry_link(element: Any) -> str | None:
    """The article link of an RSS ``<item>`` or Atom ``<entry>``, as feedparser picks it."""
    fallback = None
    for child in element:
        name = _local(child.tag)
        if name == "link":
            href = child.get("href")
            if href is not None:  # Atom
                if child.get("rel", "alternate") == "alternate" and href.strip():
                    return str(href).strip()
            elif (child.text or "").strip():  # RSS
                return str(child.text).strip()
        elif name in ("guid", "id") and (child.text or "").strip().startswith("http"):
            fallback = fallback or str(child.text).strip()
    return fallback


def _feed_urls_lxml(body: bytes, base_url: str, limit: int | None) -> list[str] | None:
    """Links of a well-formed feed, or None to let feedparser try."""
    import io

    urls: list[str] = []
    distinct: set[str] = set()
    try:
        events = etree.iterparse(
            io.BytesIO(body.lstrip()),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
        )
        depth = 0
        for event, element in events:
            name = _local(element.tag)
            if event == "start":
                if depth == 0 and name not in FEED_ROOTS:
                    return None
                depth += 1
                continue
            depth -= 1
            if name not in FEED_ITEMS:
                continue
            link = _entry_link(element)
            element.clear(keep_tail=False)
            if link is None:
                continue
            url = urljoin(base_url, link)
            urls.append(url)
            distinct.add(url)
            if limit is not None and len(distinct) > limit:
                break
    except (etree.XMLSyntaxError, ValueError):
        return None
    return urls or None


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[str], list[str]]:
    """``(page URLs, child sitemap URLs)`` of a sitemap or sitemap index.

    Plain ``<urlset>``, ``<sitemapindex>`` and Google News sitemaps (``<urlset>``
    with ``news:`` children) share the ``<loc>`` structure; a text sitemap (one URL
    per line) is accepted too.
    """
    stripped = body.lstrip()
    if not stripped.startswith(b"<"):
        lines = stripped.decode("utf-8", errors="replace").splitlines()
        return [line.strip() for line in lines if is_http_url(line.strip())], []
    try:
        root = etree.fromstring(stripped, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DiscoverError(f"{redact_url(base_url)}: not a sitemap ({exc})") from exc
    if root is None:
        raise DiscoverError(f"{redact_url(base_url)}: empty sitemap")
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise DiscoverError(f"{redact_url(base_url)}: not a sitemap (root <{kind}>)")
    pages: list[str] = []
    children: list[str] = []
    for element in root:
        if _local(element.tag) not in ("url", "sitemap"):
            continue
        loc = next((c for c in element if _local(c.tag) == "loc"), None)
        if loc is None or not (loc.text or "").strip():
            continue
        url = urljoin(base_url, (loc.text or "").strip())
        (children if _local(element.tag) == "sitemap" else pages).append(url)
    return pages[:MAX_SITEMAP_URLS], children


def discover_sitemap(fetcher: Fetcher, url: str, limit: int | None = None) -> list[str]:
    """Pages of a sitemap, following indexes breadth-first with loop protection.

    Stops (with a warning naming the cap) after ``MAX_SITEMAPS`` sitemap files, below
    ``MAX_SITEMAP_DEPTH`` levels, or once more than ``limit`` pages are found.
    """
    queue: list[tuple[str, int]] = [(url, 1)]
    seen: set[str] = set()
    pages: list[str] = []
    too_deep = 0
    while queue and len(seen) < MAX_SITEMAPS:
        if limit is not None and len(pages) > limit:
            break
        current, depth = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        try:
            found, children = parse_sitemap(_fetch_document(fetcher, current), current)
        except DiscoverError as exc:
            if current == url:
                raise
            LOGGER.warning("skipping child sitemap: %s", exc)
            continue
        pages.extend(found)
        fresh = [child for child in children if child not in seen]
        if depth >= MAX_SITEMAP_DEPTH:
            too_deep += len(fresh)
            continue
        queue.extend((child, depth + 1) for child in fresh)
    if too_deep:
        LOGGER.warning(
            "%s: skipped %d child sitemaps deeper than %d levels (cap)",
            redact_url(url),
            too_deep,
            MAX_SITEMAP_DEPTH,
        )
    if queue:
        LOGGER.warning(
            "%s: stopped after %d sitemaps (cap: %d sitemaps, or max_urls reached), %d left unread",
            redact_url(url),
            len(seen),
            MAX_SITEMAPS,
            len(queue),
        )
    return pages


def _walk(root: Path, source_name: str) -> Iterator[Path]:
    """Every entry under ``root`` in sorted order; an unreadable folder is skipped with a
    warning (one bad folder must not abort the source)."""

    def warn(exc: OSError) -> None:
        LOGGER.warning("%s: skipping %s: %s", source_name, exc.filename, exc.strerror)

    for folder, dirs, names in os.walk(root, onerror=warn, followlinks=False):
        dirs.sort()
        base = Path(folder)
        for name in sorted(names):
            yield base / name
        for name in dirs:  # symlinked folders are not walked, but may be files' targets
            if (base / name).is_symlink():
                yield base / name


def is_regular_file(path: Path) -> bool:
    """A regular file (following links): never a FIFO, socket or device, which could
    block a read forever or never end."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


def discover_files(source: Source) -> list[dict[str, Any]]:
    """Every regular .html file under the source's folder (never a file outside it)."""
    assert source.path is not None
    root = Path(source.path).resolve()
    files = [root] if root.is_file() else sorted(_walk(root, source.name))
    found: list[dict[str, Any]] = []
    for file in files:
        if file.suffix.lower() not in HTML_SUFFIXES:
            continue
        if not is_regular_file(file):
            LOGGER.warning("%s: skipping %s (not a regular file)", source.name, file)
            continue
        real = file.resolve()
        if real != root and not real.is_relative_to(root):
            LOGGER.warning("%s: skipping %s (links outside %s)", source.name, file, root)
            continue
        found.append(candidate(source, real.as_uri(), path=str(real)))
    return found


def discover(source: Source, fetcher: Fetcher, max_urls: int | None = None) -> list[dict[str, Any]]:
    """Candidates of one source, each URL once, in discovery order, at most ``max_urls``
    (the source's own ``max_urls``, else ``fetch.max_urls``); a warning says when the
    cap cut the list."""
    if max_urls is None:
        max_urls = source.max_urls or getattr(fetcher.options, "max_urls", DEFAULT_MAX_URLS)
    assert max_urls is not None
    if source.kind == "files":
        found = discover_files(source)
        return _capped(source, found, len(found), max_urls)
    if source.kind == "urls":
        urls = list(source.urls)
    elif source.kind == "feed":
        assert source.url is not None
        urls = feed_urls(_fetch_document(fetcher, source.url), source.url, limit=max_urls)
    else:
        assert source.url is not None
        urls = discover_sitemap(fetcher, source.url, limit=max_urls)
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for url in urls:
        item = candidate(source, url)
        if item["url"] not in seen:
            seen.add(item["url"])
            out.append(item)
    return _capped(source, out, len(out), max_urls)


def _capped(
    source: Source, items: list[dict[str, Any]], found: int, max_urls: int
) -> list[dict[str, Any]]:
    if found <= max_urls:
        return items
    LOGGER.warning(
        "source %s: %d candidate URLs, kept the first %d (max_urls)", source.name, found, max_urls
    )
    return items[:max_urls]
