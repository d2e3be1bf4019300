"""Discovery: RSS, Atom, sitemap index (with a loop), Google News sitemap, files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from newsevents.config import FetchOptions, Source
from newsevents.ingest.discover import DiscoverError, discover, parse_sitemap
from newsevents.ingest.fetch import Fetcher


def fetcher(kit: Any) -> Fetcher:
    return Fetcher(FetchOptions(**kit.fetch_options()))


def urls_of(candidates: list[dict[str, Any]]) -> list[str]:
    return [c["url"] for c in candidates]


def test_rss_feed(kit: Any, news_site: Any) -> None:
    source = Source(name="wire", kind="feed", url=news_site.urls["rss"])
    with fetcher(kit) as f:
        found = discover(source, f)
    assert urls_of(found) == [
        news_site.url("/news/summit-talks.html"),
        news_site.url("/news/trade-deal.html"),
    ]
    assert found[0] == {
        "source_name": "wire",
        "url": news_site.url("/news/summit-talks.html"),
        "kind": "feed",
        "path": None,
        "etag": None,
        "last_modified": None,
        "known_article_id": None,
    }


def test_atom_feed_with_relative_links(kit: Any, news_site: Any) -> None:
    source = Source(name="atom", kind="feed", url=news_site.urls["atom"])
    with fetcher(kit) as f:
        assert urls_of(discover(source, f)) == [
            news_site.url("/news/flood-relief.html"),
            news_site.url("/news/bundestag.html"),
        ]


def test_sitemap_index_recursion_with_loop_protection(kit: Any, news_site: Any) -> None:
    source = Source(name="map", kind="sitemap", url=news_site.urls["sitemap"])
    with fetcher(kit) as f:
        found = urls_of(discover(source, f))
    expected = [news_site.url(f"/news/{slug}.html") for slug in kit.articles]
    assert found == expected  # the news sitemap's URL is already listed: kept once
    assert news_site.server.hits("/sitemap.xml") == 1
    assert news_site.server.hits("/sitemap-news.xml") == 1


def test_google_news_sitemap_and_text_sitemap() -> None:
    xml = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
        b"<loc>https://example.org/2024/05/16/story</loc><news:news><news:publication>"
        b"<news:name>Ex</news:name><news:language>en</news:language></news:publication>"
        b"<news:publication_date>2024-05-16</news:publication_date>"
        b"<news:title>Story</news:title></news:news></url></urlset>"
    )
    assert parse_sitemap(xml, "https://example.org/news.xml") == (
        ["https://example.org/2024/05/16/story"],
        [],
    )
    text = b"https://example.org/a\nnot a url\nhttps://example.org/b\n"
    assert parse_sitemap(text, "https://example.org/s.txt") == (
        ["https://example.org/a", "https://example.org/b"],
        [],
    )


def test_sitemap_ignores_external_entities() -> None:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://example.org/&x;</loc></url></urlset>"
    )
    pages, _children = parse_sitemap(xml, "https://example.org/s.xml")
    assert all("root:" not in page for page in pages)


def test_unreachable_or_bogus_feed_raises(kit: Any, news_site: Any) -> None:
    with fetcher(kit) as f:
        with pytest.raises(DiscoverError, match="not_found"):
            discover(Source(name="x", kind="feed", url=news_site.url("/missing.xml")), f)
        with pytest.raises(DiscoverError, match="not a sitemap"):
            discover(
                Source(name="y", kind="sitemap", url=news_site.url("/news/trade-deal.html")), f
            )


def test_files_source_stays_inside_its_folder(kit: Any, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "2024").mkdir(parents=True)
    (root / "a.html").write_text("<html></html>")
    (root / "2024" / "b.htm").write_text("<html></html>")
    (root / "notes.txt").write_text("not a page")
    outside = tmp_path / "secret.html"
    outside.write_text("<html>secret</html>")
    (root / "link.html").symlink_to(outside)
    source = Source(name="local", kind="files", path=str(root))
    with fetcher(kit) as f:
        found = discover(source, f)
    assert [Path(c["path"]).name for c in found] == ["b.htm", "a.html"]
    assert all(c["url"].startswith("file://") for c in found)
    assert all(c["kind"] == "files" for c in found)
