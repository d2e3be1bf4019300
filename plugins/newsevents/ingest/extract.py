"""Main text and metadata of a news page (trafilatura), as a ``raw.articles`` record.

Also the process-wide pool of extraction processes (``extraction_pool``): extraction
is CPU-bound and holds the GIL, so the fetch stage hands pages to other processes
while its host threads keep fetching.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import py3langid
import trafilatura
from htmldate import find_date

from newsevents import __version__
from newsevents.ingest.metadata import clean_author, published_date
from newsevents.ingest.urls import (
    article_id,
    canonical_url,
    domain_of,
    scrub_userinfo,
    strip_userinfo,
)
from newsevents.workers import init_worker

LOGGER = logging.getLogger(__name__)

EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}+newsevents-{__version__}"
# Fewer words than this is a teaser, a paywall stub or a navigation page, not an
# article (trafilatura's own MIN_OUTPUT_SIZE is in characters and lower).
MIN_ARTICLE_WORDS = 25
# A page whose main text is mostly the text of its own links is a section front, tag
# page, menu or link list, not an article: on the 25 real articles of the development
# corpus at most 3 % of the extracted words are link text, on section fronts nearly all.
MAX_LINKED_SHARE = 0.5
# A page that declares itself a listing (og:type or JSON-LD @type, as trafilatura reports
# it) is not an article whatever its text.
LISTING_PAGE_TYPES = frozenset(
    {"collectionpage", "itemlist", "searchresultspage", "profilepage", "section", "category"}
)
# "website" is declared by home pages and section fronts, and by some article pages too:
# with it, a smaller share of link text (teaser headlines between teaser paragraphs)
# decides.
SITE_PAGE_TYPES = frozenset({"website", "webpage"})
MAX_LINKED_SHARE_SITE_PAGE = 0.25
# py3langid is unreliable on very short texts; below this many characters we trust
# the page's declared <html lang> instead.
MIN_LANGID_CHARS = 200
# py3langid's cost grows with the text (it was a third of extraction time on full
# articles); about 50 words settle it for news prose, so longer texts are cut here first.
MAX_LANGID_CHARS = 300
# htmldate returns the time when the page states one; trafilatura's default is the day.
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
_DATE_PARAMS: dict[str, Any] = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": DATE_FORMAT,
}
# A leading line this short that names the author is a byline ("By Jane Doe, Paris").
BYLINE_MAX_WORDS = 8
_WORD_RE = re.compile(r"\w+", re.UNICODE)
# CJK ideographs, kana and Hangul syllables (scripts written without word spaces).
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def normalise_text(text: str) -> str:
    """Collapse runs of spaces, strip lines, drop empty lines (one paragraph per line).

    ``str.split()`` also splits on no-break and other Unicode spaces; zero-width
    spaces are dropped first.
    """
    lines = (" ".join(line.replace("\u200b", "").split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _fold(value: str) -> str:
    return " ".join(_WORD_RE.findall(value.casefold()))


def strip_headline_and_byline(text: str, title: str | None, author: str | None) -> str:
    """Drop a leading headline that repeats the title and a leading byline.

    trafilatura keeps an ``<h1>`` that sits inside the article body; the title is
    already a column of its own, so the text starts with the first paragraph.
    """
    lines = text.split("\n")
    if title and lines and _fold(lines[0]) == _fold(title):
        lines = lines[1:]
    if author and lines:
        first = lines[0]
        names = [part for part in re.split(r";|,| and ", author) if part.strip()]
        is_short = word_count(first) <= BYLINE_MAX_WORDS
        if is_short and any(_fold(name) and _fold(name) in _fold(first) for name in names):
            lines = lines[1:]
    return "\n".join(lines)


def content_hash(text: str) -> str:
    """sha256 of the whitespace-normalised text (case kept): the duplicate key."""
    flat = " ".join(text.split())
    return hashlib.sha256(flat.encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    """Whitespace-separated tokens, the usual news word count.

    Chinese and Japanese are written without spaces: there each CJK character
    counts as a word (a fair proxy: Chinese words average under two characters),
    so a CJK article is not mistaken for a stub with one "word" per paragraph.
    """
    tokens = text.split()
    if _CJK_RE.search(text) is None:  # most texts: one word per token, no regex per token
        return len(tokens)
    return sum(max(1, len(_CJK_RE.findall(token))) for token in tokens)


def _declared_canonical(tree: Any) -> str | None:
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            return str(link.get("href")).strip()
    return None


def _declared_language(tree: Any) -> str | None:
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        return str(lang).split("-")[0].split("_")[0].lower()[:3] or None
    return None


def detect_language(text: str, declared: str | None) -> str | None:
    """ISO 639-1 code: py3langid on the text, the page's lang attribute for short texts."""
    if len(text) >= MIN_LANGID_CHARS:
        language, _score = py3langid.classify(text[:MAX_LANGID_CHARS])
        return str(language)
    return declared


def parse_html(body: bytes | str) -> Any | None:
    """Parse HTML leniently; None when nothing usable comes out."""
    try:
        tree = trafilatura.load_html(body)
    except (ValueError, TypeError):
        return None
    return tree


def link_texts(tree: Any) -> set[str]:
    """The folded text of every ``<a>`` of the page (read before trafilatura prunes it)."""
    anchors = {_fold(" ".join(a.itertext())) for a in tree.iter("a")}
    anchors.discard("")
    return anchors


def linked_share(text: str, anchors: set[str]) -> float:
    """Share of the words of ``text`` on lines that are the whole text of a link.

    trafilatura keeps the teaser headlines of a section front or the entries of a menu
    as lines of text; each of them is the text of an ``<a>`` on the page.
    """
    total = linked = 0
    for line in text.split("\n"):
        words = len(line.split())
        total += words
        if words and _fold(line) in anchors:
            linked += words
    return linked / total if total else 0.0


def page_kind(text: str, anchors: set[str], page_type: str | None) -> str | None:
    """``"not_article"`` with its reason when the page is a listing, else None."""
    declared = (page_type or "").strip().lower()
    if declared in LISTING_PAGE_TYPES:
        return f"page type {declared}"
    share = linked_share(text, anchors)
    if share >= MAX_LINKED_SHARE:
        return f"{share:.0%} of the text is link text (navigation or link list)"
    if declared in SITE_PAGE_TYPES and share >= MAX_LINKED_SHARE_SITE_PAGE:
        return f"page type {declared} and {share:.0%} of the text is link text"
    return None


def extract_article(body: bytes | str, url: str) -> dict[str, Any] | None:
    """Extract an article record from a page, or None when the page has no article text.

    The record has the ``raw.articles`` columns except ``source_name``, ``fetched_at``
    and ``loaded_at``, which belong to the caller.
    """
    return extract_page(body, url)[0]


def extract_page(body: bytes | str, url: str) -> tuple[dict[str, Any] | None, str, str | None]:
    """``(record, status, detail)`` of a page: status ``ok`` with the record, or

    * ``not_article``: a section front, tag page, menu or link list (``page_kind``);
    * ``too_short``: article text, but fewer than ``MIN_ARTICLE_WORDS`` words;
    * ``extraction_failed``: no text at all.
    """
    url = strip_userinfo(url)  # trafilatura derives the site name from the URL
    tree = parse_html(body)
    if tree is None:
        return None, "extraction_failed", "not parseable as HTML"
    declared_canonical = _declared_canonical(tree)
    declared_language = _declared_language(tree)
    anchors = link_texts(tree)
    # trafilatura's balanced default: favor_precision kept exactly the same text on
    # the fixture pages and cost ~20% more time (extra pruning passes); hub pages
    # without an article fall under MIN_ARTICLE_WORDS either way.
    document = trafilatura.bare_extraction(
        tree,
        url=url if url.startswith("http") else None,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        date_extraction_params=_DATE_PARAMS,
    )
    if document is None:
        return None, "extraction_failed", "no article text found"
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = strip_headline_and_byline(
        normalise_text(data.get("text") or ""), data.get("title"), data.get("author")
    )
    words = word_count(text)
    if words == 0:
        return None, "extraction_failed", "no article text found"
    listing = page_kind(text, anchors, data.get("pagetype"))
    if listing is not None:
        LOGGER.debug("not an article at %s: %s", url, listing)
        return None, "not_article", listing
    if words < MIN_ARTICLE_WORDS:
        LOGGER.debug("too short at %s (%d words)", url, words)
        return None, "too_short", f"{words} words (fewer than {MIN_ARTICLE_WORDS})"
    canonical = canonical_url(url, declared_canonical)
    published = data.get("date")
    if not published:
        published = find_date(
            tree, extensive_search=True, original_date=True, outputformat=DATE_FORMAT
        )
    # The page's own publication date beats a heuristic one (a CMS or script field).
    published = published_date(tree, published)
    record = {
        "article_id": article_id(canonical),
        "url": url,
        "canonical_url": canonical,
        "domain": domain_of(canonical),
        "title": _clean(data.get("title")),
        "author": clean_author(_clean(data.get("author"))),
        "description": _clean(data.get("description")),
        "site_name": _clean(scrub_userinfo(str(data.get("sitename") or ""))),
        "published_at": published or None,
        "language": detect_language(text, declared_language),
        "text": text,
        "word_count": words,
        "content_hash": content_hash(text),
        "extractor_version": EXTRACTOR_VERSION,
    }
    return record, "ok", None


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


# -- extraction processes ------------------------------------------------------------
# More processes than this rarely pay: the host threads of one fetch stage do not
# download faster than four processes extract.
MAX_AUTO_WORKERS = 4
# Spawned, not forked: the parent holds DuckDB connections and threads.
START_METHOD = "spawn"

_POOL_LOCK = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_workers = 0
_daemon_noted = False


def auto_workers() -> int:
    """Default ``fetch.extract_workers``: one process per usable CPU but one, at most 4.

    The fetching process extracts too whenever the processes are busy, so it counts as
    one extractor: one process on 2 CPUs (on the 2-core bench machine, 2000 pages: fetch
    stage 6.5-7.1 s, against 7.8-8.8 s with two processes and 9.6-12.2 s with none),
    none on one CPU.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(0, min(cpus - 1, MAX_AUTO_WORKERS))


def extraction_pool_running(workers: int) -> bool:
    """Whether the pool of ``workers`` processes is started already (so costs nothing more)."""
    with _POOL_LOCK:
        return _pool is not None and _pool_workers == workers


def extraction_pool(workers: int) -> ProcessPoolExecutor | None:
    """The process-wide pool of ``workers`` extraction processes; None: extract in-thread.

    Started on first use and kept for the next batches (starting a process costs about
    a second: imports and the language model); ``shutdown_extraction_pool`` ends it,
    and interpreter exit does too. A daemonic process (a Celery or Airflow worker)
    cannot have children: then None, with one log line per process.
    """
    global _pool, _pool_workers, _daemon_noted
    if workers <= 0:
        return None
    if multiprocessing.current_process().daemon:
        with _POOL_LOCK:
            if not _daemon_noted:
                _daemon_noted = True
                LOGGER.info(
                    "daemonic process: extracting in the fetching threads, not in %d processes",
                    workers,
                )
        return None
    with _POOL_LOCK:
        # A pool of another size, or a broken one (a process died: every call fails).
        replace = _pool_workers != workers or getattr(_pool, "_broken", False)
        stale = _pool if _pool is not None and replace else None
        if _pool is None or stale is not None:
            _pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context(START_METHOD),
                initializer=_init_worker,
                initargs=(logging.getLogger().getEffectiveLevel(),),
            )
            _pool_workers = workers
        pool = _pool
    if stale is not None:
        stale.shutdown(wait=False, cancel_futures=True)
    return pool


def discard_extraction_pool(pool: ProcessPoolExecutor) -> None:
    """Forget a broken pool (a process died) so that the next batch starts a new one."""
    global _pool
    with _POOL_LOCK:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown_extraction_pool() -> None:
    """Stop the extraction processes (after the fetch stage: they hold ~100 MiB each)."""
    global _pool
    with _POOL_LOCK:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(log_level: int) -> None:
    """Set up an extraction process (see ``newsevents.workers.init_worker``)."""
    init_worker(log_level)


__all__ = [
    "EXTRACTOR_VERSION",
    "auto_workers",
    "content_hash",
    "discard_extraction_pool",
    "extract_article",
    "extract_page",
    "extraction_pool",
    "normalise_text",
    "shutdown_extraction_pool",
]
