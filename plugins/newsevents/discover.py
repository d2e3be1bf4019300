"""Turn one configured source into candidate dicts.

A candidate: ``{"source_name", "url", "kind", "path" (files only), "etag",
"last_modified", "known_article_id"}``. Feeds and sitemaps are fetched with the
same guarded, polite ``Fetcher`` as articles and parsed from the bytes we fetched
(feedparser for RSS/Atom, lxml for sitemaps) so nothing bypasses the guard.
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import etree

from newsevents.config import Source
from newsevents.fetch import Fetcher
from newsevents.urls import is_http_url, redact_url

LOGGER = logging.getLogger(__name__)

# Sitemap indexes may nest; stop after this many sitemap files per source so a
# loop or a huge site cannot keep discovery busy (trafilatura caps at 10,000 links).
MAX_SITEMAPS = 50
MAX_SITEMAP_URLS = 50_000  # the sitemaps.org limit for one file
# Sitemaps and feeds can be larger than a page; allow up to the protocol's 50 MB.
MAX_INDEX_BYTES = 50 * 1024 * 1024
HTML_SUFFIXES = (".html", ".htm")

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, recover=True, remove_comments=True
)


class DiscoverError(Exception):
    """A feed or sitemap could not be fetched or parsed."""


def candidate(source: Source, url: str, path: str | None = None) -> dict[str, Any]:
    """A fresh candidate (conditional-GET state is filled in from the work DB later)."""
    return {
        "source_name": source.name,
        "url": url,
        "kind": source.kind,
        "path": path,
        "etag": None,
        "last_modified": None,
        "known_article_id": None,
    }


def _fetch_document(fetcher: Fetcher, url: str) -> bytes:
    result = fetcher.get(url, html_only=False, max_bytes=MAX_INDEX_BYTES)
    if result.status != "ok" or result.body is None:
        raise DiscoverError(
            f"{redact_url(url)}: {result.status} ({result.detail or result.http_status})"
        )
    body = result.body
    if body[:2] == b"\x1f\x8b":  # a .xml.gz served as-is
        try:
            body = gzip.decompress(body)
        except OSError as exc:
            raise DiscoverError(f"{redact_url(url)}: bad gzip: {exc}") from exc
    return body


def feed_urls(body: bytes, base_url: str) -> list[str]:
    """Article links of an RSS 2.0 / Atom / RDF feed, in feed order."""
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


def discover_sitemap(fetcher: Fetcher, url: str) -> list[str]:
    """Pages of a sitemap, following indexes breadth-first with loop protection."""
    queue = [url]
    seen: set[str] = set()
    pages: list[str] = []
    while queue and len(seen) < MAX_SITEMAPS:
        current = queue.pop(0)
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
        queue.extend(child for child in children if child not in seen)
    if queue:
        LOGGER.warning("%s: stopped after %d sitemaps (cap)", redact_url(url), MAX_SITEMAPS)
    return pages


def discover_files(source: Source) -> list[dict[str, Any]]:
    """Every .html file under the source's folder (never a file outside it)."""
    assert source.path is not None
    root = Path(source.path).resolve()
    files = [root] if root.is_file() else sorted(root.rglob("*"))
    found: list[dict[str, Any]] = []
    for file in files:
        if file.suffix.lower() not in HTML_SUFFIXES or not file.is_file():
            continue
        real = file.resolve()
        if real != root and not real.is_relative_to(root):
            LOGGER.warning("%s: skipping %s (links outside %s)", source.name, file, root)
            continue
        found.append(candidate(source, real.as_uri(), path=str(real)))
    return found


def discover(source: Source, fetcher: Fetcher) -> list[dict[str, Any]]:
    """Candidates of one source, each URL once, in discovery order."""
    if source.kind == "files":
        return discover_files(source)
    if source.kind == "urls":
        urls = list(source.urls)
    elif source.kind == "feed":
        assert source.url is not None
        urls = feed_urls(_fetch_document(fetcher, source.url), source.url)
    else:
        assert source.url is not None
        urls = discover_sitemap(fetcher, source.url)
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for url in urls:
        if url not in seen:
            seen.add(url)
            out.append(candidate(source, url))
    return out
