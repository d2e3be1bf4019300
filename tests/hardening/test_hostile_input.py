"""Hostile input: random and malformed HTML, odd encodings, giant feeds, sitemap loops.

Every case must end without an exception, with a sensible ``raw.fetch_log`` status,
and (hypothesis deadlines) in bounded time. All traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import itertools
import tracemalloc
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from newsevents import pipeline
from newsevents.config import load_config
from newsevents.ingest import batches as ingest_batches
from newsevents.ingest.discover import MAX_SITEMAPS, discover, feed_urls
from newsevents.ingest.extract import extract_article
from newsevents.ingest.fetch import Fetcher

# Statuses a page may legitimately end with; anything else (or an exception) is a bug.
PAGE_STATUSES = {"ok", "extraction_failed", "not_html", "too_large", "not_article", "too_short"}
# Generous per-example deadline: extraction of a few KB is milliseconds, but the
# machine is shared and the first example loads trafilatura's models.
DEADLINE_MS = 5_000
# Few examples keep this file well under a minute; CI reruns add coverage over time.
EXAMPLES = 40
# Hard bound (pytest-timeout) on the non-hypothesis cases: a hang fails, it does not stall CI.
CASE_TIMEOUT_S = 120
ARTICLE_KEYS = {"article_id", "url", "canonical_url", "text", "word_count", "content_hash"}

_counter = itertools.count()

# Text of our own (never from the shared corpus): Russian and Chinese news prose.
RUSSIAN = (
    "Министр иностранных дел встретился в Москве с послом Франции. "
    "Стороны обсудили поставки зерна, санкции и подготовку нового соглашения о торговле. "
    "По словам официального представителя, переговоры продлятся до пятницы."
)
CHINESE = (
    "外交部长周二在北京会见了法国大使。"
    "双方讨论了粮食出口、制裁以及新的贸易协定的准备工作。"
    "官方发言人表示，会谈将持续到星期五。"
)
ENGLISH_PARAGRAPH = (
    "The foreign minister met the French ambassador in the capital on Tuesday. "
    "Both sides discussed grain exports, sanctions and the preparation of a new trade "
    "agreement, an official spokesperson said after the talks ended."
)


def _page(body: str, head: str = "", title: str = "Talks in the capital") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>(c) Hostile Herald</footer></body></html>"
    )


def _check_record(record: dict[str, Any]) -> None:
    assert record["fetch_log"]["status"] in PAGE_STATUSES, record["fetch_log"]
    if record["article"] is not None:
        assert record["fetch_log"]["status"] == "ok"
        assert set(record["article"]) >= ARTICLE_KEYS
        assert record["article"]["word_count"] > 0


# -- the extractor on its own ------------------------------------------------------
_TAGS = ["div", "p", "span", "article", "main", "table", "td", "tr", "ul", "li", "b", "i"]
_fragment = st.one_of(
    st.sampled_from(_TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(
        [
            "<p",
            "<<",
            ">>",
            "<!--",
            "-->",
            "<![CDATA[",
            "<script>",
            "</script>",
            "<style>",
            "&#0;",
            "&#xD800;",
            "&amp",
            "&nbsp;",
            '<a href="javascript:alert(1)">',
            "<meta charset='bogus-8'>",
            "<html lang='xx-INVALID'>",
            "<link rel=canonical href='http://[::1'>",
            "<time datetime='9999-99-99'>",
            "\x00",
            "\ufeff",
            "\u202e",
        ]
    ),
    st.text(min_size=0, max_size=80),
    st.just(ENGLISH_PARAGRAPH),
)


@settings(max_examples=EXAMPLES, deadline=DEADLINE_MS)
@given(st.binary(max_size=4096))
def test_extractor_survives_random_bytes(body: bytes) -> None:
    article = extract_article(body, "http://127.0.0.1/random.html")
    assert article is None or set(article) >= ARTICLE_KEYS


@settings(max_examples=EXAMPLES, deadline=DEADLINE_MS)
@given(st.lists(_fragment, max_size=60))
# Found by hypothesis: a malformed canonical link made urljoin raise and lost the article.
@example([ENGLISH_PARAGRAPH, "<link rel=canonical href='http://[::1'>", "<div>"])
def test_extractor_survives_malformed_html(fragments: list[str]) -> None:
    """Unbalanced tags, broken entities, bogus charsets and dates never raise."""
    html = "".join(fragments)
    for body in (html, html.encode("utf-8", errors="surrogatepass")):
        article = extract_article(body, "http://127.0.0.1/malformed.html")
        if article is not None:
            assert set(article) >= ARTICLE_KEYS
            assert article["text"].strip()
            assert "\x00" not in article["text"]


@pytest.mark.timeout(CASE_TIMEOUT_S)
def test_deeply_nested_tags_do_not_crash() -> None:
    """50,000 nested divs, closed and unclosed: no RecursionError, no crash."""
    text = f"<p>{ENGLISH_PARAGRAPH}</p>"
    depth = 50_000
    closed = "<html><body>" + "<div>" * depth + text + "</div>" * depth + "</body></html>"
    unclosed = "<html><body>" + "<div>" * depth + text
    mixed = "<html><body>" + "<span><b><i>" * (depth // 3) + text
    tracemalloc.start()
    try:
        for page in (closed, unclosed, mixed):
            article = extract_article(page.encode(), "http://127.0.0.1/nested.html")
            assert article is None or set(article) >= ARTICLE_KEYS
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A 1.5 MB page must not blow up to gigabytes; lxml's C memory is not traced,
    # so this bounds the Python side only (generous: 20x the page).
    assert peak < 200 * 1024 * 1024


@pytest.mark.timeout(CASE_TIMEOUT_S)
def test_huge_single_line_extracts() -> None:
    """A 1 MB paragraph on one line (no newlines at all) is still an article."""
    words = (ENGLISH_PARAGRAPH + " ") * 4_000
    article = extract_article(_page(f"<p>{words}</p>").encode(), "http://127.0.0.1/line.html")
    assert article is not None
    assert article["word_count"] > 100_000
    # One giant token (no spaces): no crash, no article (it is not prose).
    blob = "x" * 1_000_000
    assert extract_article(_page(f"<p>{blob}</p>").encode(), "http://127.0.0.1/blob.html") is None


# -- through the fetcher: fetch → extract -------------------------------------------
@pytest.fixture(scope="module")
def fetch_env(tmp_path_factory: pytest.TempPathFactory, hostile_server: Any, hkit: Any) -> Any:
    folder = tmp_path_factory.mktemp("hostile")
    sources_file = hkit.write_sources(
        folder, [{"name": "hostile", "kind": "urls", "urls": [hostile_server.url("/")]}]
    )
    config = load_config(sources_file)
    fetcher = Fetcher(config.fetch)
    try:
        yield hostile_server, fetcher, {s.name: s for s in config.sources}
    finally:
        fetcher.close()


def _process(fetch_env: Any, path: str, body: bytes, content_type: str | None) -> dict[str, Any]:
    server, fetcher, sources = fetch_env
    url = server.put(path, body, content_type)
    item = {
        "source_name": "hostile",
        "url": url,
        "kind": "urls",
        "path": None,
        "etag": None,
        "last_modified": None,
        "known_article_id": None,
    }
    return ingest_batches.process_candidate(item, fetcher, sources)


@settings(
    max_examples=EXAMPLES,
    deadline=DEADLINE_MS,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    body=st.one_of(
        st.binary(max_size=4096),
        st.lists(_fragment, max_size=60).map(lambda f: "".join(f).encode("utf-8", "replace")),
    ),
    content_type=st.sampled_from(
        [
            "text/html; charset=utf-8",
            "text/html; charset=bogus-enc",
            "text/html; charset=",
            "text/html",
            None,
            "application/xhtml+xml",
        ]
    ),
)
def test_fetch_extract_survives_random_pages(
    fetch_env: Any, body: bytes, content_type: str | None
) -> None:
    record = _process(fetch_env, f"/random/{next(_counter)}.html", body, content_type)
    _check_record(record)
    if content_type is None and body.lstrip()[:1] != b"<":
        assert record["fetch_log"]["status"] == "not_html"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"", "text/html; charset=utf-8", "extraction_failed"),
        (b"   \n\t\r\n  " * 1000, "text/html; charset=utf-8", "extraction_failed"),
        (b"", None, "not_html"),
        (b"\n\n\n", None, "not_html"),
        (b"<html><body></body></html>", "text/html", "extraction_failed"),
    ],
)
def test_empty_and_whitespace_bodies(
    fetch_env: Any, body: bytes, content_type: str | None, status: str
) -> None:
    record = _process(fetch_env, f"/empty/{next(_counter)}.html", body, content_type)
    assert record["fetch_log"]["status"] == status
    assert record["article"] is None


def _encoded_page(text: str, encoding: str, declared: bool) -> bytes:
    head = f'<meta charset="{encoding}">' if declared else ""
    paragraphs = "".join(f"<p>{n}. {text}</p>" for n in range(8))
    return _page(paragraphs, head=head, title=text.split("。")[0][:20]).encode(encoding)


@pytest.mark.parametrize(
    ("text", "encoding", "probe"),
    [
        (RUSSIAN, "windows-1251", "Министр иностранных дел встретился в Москве"),
        (CHINESE, "gb2312", "外交部长周二在北京会见了法国大使"),
    ],
    ids=["windows-1251", "gb2312"],
)
@pytest.mark.parametrize(
    "where", ["meta", "http-header", "undeclared"], ids=["meta", "header", "none"]
)
def test_non_utf8_pages_decode(
    fetch_env: Any, text: str, encoding: str, probe: str, where: str
) -> None:
    """windows-1251 and GB2312 pages decode right, declared or not."""
    body = _encoded_page(text, encoding, declared=where == "meta")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # the test is meaningful only if the bytes are not UTF-8
    content_type = f"text/html; charset={encoding}" if where == "http-header" else "text/html"
    record = _process(fetch_env, f"/enc/{encoding}-{where}.html", body, content_type)
    assert record["fetch_log"]["status"] == "ok", record["fetch_log"]
    assert probe in record["article"]["text"]
    assert "\ufffd" not in record["article"]["text"]
    expected_language = "ru" if encoding == "windows-1251" else "zh"
    assert record["article"]["language"] == expected_language


# -- discovery: giant feeds, duplicate links, sitemap loops ---------------------------
def _rss(links: list[str]) -> str:
    items = "".join(
        f"<item><title>Item {n}</title><link>{link}</link><guid>g{n}</guid></item>"
        for n, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )


def _urlset(urls: list[str]) -> str:
    locs = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}</urlset>"
    )


def _index(urls: list[str]) -> str:
    locs = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    return (
        '<?xml version="1.0"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}</sitemapindex>"
    )


def _discover(
    hostile_server: Any, hkit: Any, tmp_path: Path, kind: str, path: str, **fetch: Any
) -> list[dict[str, Any]]:
    sources_file = hkit.write_sources(
        tmp_path, [{"name": "wire", "kind": kind, "url": hostile_server.url(path)}], **fetch
    )
    config = load_config(sources_file)
    with Fetcher(config.fetch) as fetcher:
        return discover(config.sources[0], fetcher)


@pytest.mark.timeout(CASE_TIMEOUT_S)
def test_giant_feed(hostile_server: Any, hkit: Any, tmp_path: Path) -> None:
    """A 20,000-item feed is discovered whole (max_urls raised), each link once, in order."""
    links = [hostile_server.url(f"/giant/{n}.html") for n in range(20_000)]
    hostile_server.put("/giant.xml", _rss(links), "application/rss+xml")
    found = _discover(hostile_server, hkit, tmp_path, "feed", "/giant.xml", max_urls=20_000)
    assert [c["url"] for c in found] == links


@pytest.mark.timeout(CASE_TIMEOUT_S)
def test_feed_with_thousands_of_duplicate_links(
    hostile_server: Any, hkit: Any, tmp_path: Path
) -> None:
    """5,000 items over three links → three candidates, and one fetch each."""
    distinct = [hostile_server.url(f"/dup/{n}.html") for n in range(3)]
    links = [distinct[n % 3] for n in range(5_000)]
    assert len(feed_urls(_rss(links).encode(), hostile_server.url("/dup.xml"))) == 5_000
    hostile_server.put("/dup.xml", _rss(links), "application/rss+xml")
    for n, url in enumerate(distinct):
        hostile_server.put(
            url.removeprefix(hostile_server.base_url), _page(f"<p>{ENGLISH_PARAGRAPH} {n}</p>")
        )
    found = _discover(hostile_server, hkit, tmp_path, "feed", "/dup.xml")
    assert [c["url"] for c in found] == distinct
    # plan_batches dedupes across sources too: the same feed twice is still 3 URLs.
    batches = pipeline.plan_batches({}, [found, found])
    assert sorted(c["url"] for batch in batches for c in batch) == sorted(distinct)


@pytest.mark.timeout(CASE_TIMEOUT_S)
def test_sitemap_index_pointing_at_itself(hostile_server: Any, hkit: Any, tmp_path: Path) -> None:
    page = hostile_server.url("/loop/page.html")
    hostile_server.put("/loop/self.xml", _index([hostile_server.url("/loop/self.xml")]))
    hostile_server.put(
        "/loop/index.xml",
        _index([hostile_server.url("/loop/index.xml"), hostile_server.url("/loop/pages.xml")]),
    )
    hostile_server.put("/loop/pages.xml", _urlset([page]))
    before = hostile_server.paths_requested().count("/loop/self.xml")
    assert _discover(hostile_server, hkit, tmp_path, "sitemap", "/loop/self.xml") == []
    assert hostile_server.paths_requested().count("/loop/self.xml") == before + 1
    found = _discover(hostile_server, hkit, tmp_path, "sitemap", "/loop/index.xml")
    assert [c["url"] for c in found] == [page]


@pytest.mark.timeout(CASE_TIMEOUT_S)
def test_sitemap_cycle_and_fan_out_are_capped(
    hostile_server: Any, hkit: Any, tmp_path: Path
) -> None:
    """A→B→C→A visits each once; an index of endless fresh children stops at the cap."""
    names = ["a", "b", "c"]
    for current, following in zip(names, names[1:] + names[:1], strict=True):
        hostile_server.put(
            f"/cycle/{current}.xml",
            _index([hostile_server.url(f"/cycle/{following}.xml")])
            .replace("</sitemapindex>", "")
            .replace(
                "</sitemap>",
                f"</sitemap><sitemap><loc>{hostile_server.url(f'/cycle/{current}-pages.xml')}"
                "</loc></sitemap></sitemapindex>",
                1,
            ),
        )
        hostile_server.put(
            f"/cycle/{current}-pages.xml", _urlset([hostile_server.url(f"/cycle/{current}.html")])
        )
    found = _discover(hostile_server, hkit, tmp_path, "sitemap", "/cycle/a.xml")
    assert sorted(c["url"] for c in found) == sorted(
        hostile_server.url(f"/cycle/{n}.html") for n in names
    )
    assert all(hostile_server.paths_requested().count(f"/cycle/{n}.xml") == 1 for n in names)
    # Fan-out: each child sitemap links to 8 new children (unbounded tree).
    for n in range(MAX_SITEMAPS * 3):
        hostile_server.put(
            f"/tree/{n}.xml",
            _index([hostile_server.url(f"/tree/{8 * n + k}.xml") for k in range(1, 9)]),
        )
    _discover(hostile_server, hkit, tmp_path, "sitemap", "/tree/0.xml")
    fetched = {p for p in hostile_server.paths_requested() if p.startswith("/tree/")}
    assert len(fetched) == MAX_SITEMAPS


@pytest.mark.timeout(CASE_TIMEOUT_S)
def test_hostile_site_end_to_end(hostile_server: Any, hkit: Any, tmp_path: Path) -> None:
    """discover → fetch → load of a hostile mix: every URL logged once, good pages loaded."""
    prefix = "/e2e"
    good = hostile_server.put(f"{prefix}/good.html", _page(f"<p>{ENGLISH_PARAGRAPH}</p>" * 3))
    ru = hostile_server.put(
        f"{prefix}/ru.html", _encoded_page(RUSSIAN, "windows-1251", False), "text/html"
    )
    empty = hostile_server.put(f"{prefix}/empty.html", b"")
    nested = hostile_server.put(
        f"{prefix}/nested.html", "<html><body>" + "<div>" * 20_000 + "<p>short</p>"
    )
    binary = hostile_server.put(f"{prefix}/bin.html", bytes(range(256)) * 16, None)
    links = [good, ru, empty, nested, binary] * 400  # 2,000 items, 5 distinct
    hostile_server.put(f"{prefix}/feed.xml", _rss(links), "application/rss+xml")
    sources_file = hkit.write_sources(
        tmp_path,
        [{"name": "hostile", "kind": "feed", "url": hostile_server.url(f"{prefix}/feed.xml")}],
    )
    settings_ = pipeline.resolve_settings(str(sources_file), str(tmp_path / "w.duckdb"))
    summary = pipeline.run_ingest(settings_)
    assert summary["discovered"] == 5
    with duckdb.connect(settings_["work_db"], read_only=True) as con:
        statuses = dict(con.execute("select url, status from raw.fetch_log").fetchall())
        titles = {row[0] for row in con.execute("select url from raw.articles").fetchall()}
    assert statuses == {
        good: "ok",
        ru: "ok",
        empty: "extraction_failed",
        nested: "extraction_failed",
        binary: "not_html",
    }
    assert titles == {good, ru}
