"""discover → fetch → load over the fixture site: statuses, dedupe, idempotence, recovery."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path
from typing import Any

import duckdb
import pytest
from newsevents import pipeline, warehouse
from newsevents.ingest import batches as ingest_batches


def site_sources(
    kit: Any, site: Any, folder: Path, skip: tuple[str, ...] = (), **fetch: Any
) -> Path:
    site.server.add(
        "/mirror/trade-copy.html", (kit.site_dir / "news" / "trade-deal.html").read_bytes()
    )
    bad = [
        "/missing.html",
        "/flaky",
        "/binary",
        "/huge",
        "/stall",
        "/redirect/1",
        "/private/secret.html",
        "/news/no-text.html",
        "/news/summit-talks.html?utm_source=rss&utm_medium=feed",
        "/mirror/trade-copy.html",
        "/conditional",
    ]
    fetch.setdefault("max_retries", 1)
    return kit.write_sources(
        folder,
        [
            {"name": "rss", "kind": "feed", "url": site.urls["rss"]},
            {"name": "atom", "kind": "feed", "url": site.urls["atom"]},
            {"name": "map", "kind": "sitemap", "url": site.urls["sitemap"]},
            {"name": "bad", "kind": "urls", "urls": [site.url(p) for p in bad if p not in skip]},
        ],
        **fetch,
    )


EXPECTED_BAD = {
    "/missing.html": ("not_found", False),
    "/flaky": ("duplicate", True),  # 500, then the flood page: already held
    "/binary": ("not_html", False),
    "/huge": ("too_large", False),
    "/stall": ("timeout", False),
    "/redirect/1": ("duplicate", True),  # ends at the trade page
    "/private/secret.html": ("blocked_by_robots", False),
    "/news/no-text.html": ("not_article", False),  # a section page: teaser links only
    "/news/summit-talks.html?utm_source=rss&utm_medium=feed": ("duplicate", True),
    "/mirror/trade-copy.html": ("duplicate", True),  # same text, other URL
    "/conditional": ("duplicate", True),  # summit page with its canonical link
}


def settings_for(tmp_path: Path, sources: Path) -> dict[str, Any]:
    return pipeline.resolve_settings(str(sources), str(tmp_path / "data" / "warehouse.duckdb"))


def snapshot(settings: dict[str, Any]) -> dict[str, Any]:
    with duckdb.connect(settings["work_db"], read_only=True) as con:
        return {
            "articles": con.execute(
                "select article_id, url, canonical_url, content_hash, title from raw.articles "
                "order by article_id"
            ).fetchall(),
            "fetch_log": con.execute(
                "select source_name, url, status, article_id from raw.fetch_log "
                "order by source_name, url"
            ).fetchall(),
            "html": con.execute("select article_id from raw.html order by 1").fetchall(),
        }


@pytest.fixture
def ingested(
    kit: Any, news_site: Any, tmp_path: Path
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    settings = settings_for(tmp_path, site_sources(kit, news_site, tmp_path))
    summary = pipeline.run_ingest(settings)
    return settings, summary, news_site


def test_every_url_gets_its_status(ingested: Any) -> None:
    settings, summary, site = ingested
    with duckdb.connect(settings["work_db"], read_only=True) as con:
        log = {
            (row[0], row[1]): row[2:]
            for row in con.execute(
                "select source_name, url, status, article_id, attempts, final_url "
                "from raw.fetch_log"
            ).fetchall()
        }
        ids = {
            url: article_id
            for article_id, url in con.execute(
                "select article_id, url from raw.articles"
            ).fetchall()
        }
    for path, (status, has_article) in EXPECTED_BAD.items():
        row = log[("bad", site.url(path))]
        assert row[0] == status, (path, row)
        assert (row[1] is not None) == has_article, path
    assert log[("bad", site.url("/flaky"))][2] == 2  # one retry after the 500
    assert log[("bad", site.url("/redirect/1"))][3] == site.url("/news/trade-deal.html")
    # the duplicates point at the article first reached by the feed URL
    summit = ids[site.url("/news/summit-talks.html")]
    trade = ids[site.url("/news/trade-deal.html")]
    assert (
        log[("bad", site.url("/news/summit-talks.html?utm_source=rss&utm_medium=feed"))][1]
        == summit
    )
    assert log[("bad", site.url("/mirror/trade-copy.html"))][1] == trade
    assert log[("bad", site.url("/redirect/1"))][1] == trade
    # feeds and the sitemap: all ok (the sitemap reaches pages the feeds had too)
    for source in ("rss", "atom", "map"):
        statuses = {status for (name, _u), (status, *_rest) in log.items() if name == source}
        assert statuses == {"ok"}, source
    assert len(log) == 2 + 2 + 5 + len(EXPECTED_BAD)
    assert summary["discovered"] == len(log)
    assert summary["articles_loaded"] == 5
    assert summary["duplicates"] == 5
    assert summary["failed"] == {
        "not_found": 1,
        "not_html": 1,
        "too_large": 1,
        "timeout": 1,
        "blocked_by_robots": 1,
        "not_article": 1,
    }
    assert site.server.hits("/private/secret.html") == 0


def test_articles_and_raw_html(kit: Any, ingested: Any) -> None:
    settings, _summary, site = ingested
    with duckdb.connect(settings["work_db"], read_only=True) as con:
        rows = con.execute(
            "select a.url, a.canonical_url, a.source_name, a.title, a.language, a.published_at, "
            "a.text, a.word_count, h.html_zlib, h.html_sha256, a.fetched_at <= a.loaded_at "
            "from raw.articles a join raw.html h using (article_id) order by a.url"
        ).fetchall()
        dupes = con.execute(
            "select count(*) - count(distinct content_hash) from raw.articles"
        ).fetchone()
    assert dupes == (0,)
    by_url = {row[0]: row for row in rows}
    assert set(by_url) == {site.url(f"/news/{slug}.html") for slug in kit.articles}
    summit = by_url[site.url("/news/summit-talks.html")]
    assert summit[1] == site.url("/news/summit-talks.html")
    assert summit[2] == "rss"
    assert summit[3] == "Macron and Scholz agree joint plan on defence spending"
    assert (summit[4], str(summit[5])) == ("en", "2024-03-14 09:30:00")
    assert summit[6].count("\n") == 3 and "cookie" not in summit[6]
    assert summit[10] is True
    original = (kit.site_dir / "news" / "summit-talks.html").read_bytes()
    assert zlib.decompress(summit[8]) == original
    assert summit[9] == hashlib.sha256(original).hexdigest()
    assert by_url[site.url("/news/bundestag.html")][4] == "de"


def test_rerun_is_idempotent_and_conditional(ingested: Any) -> None:
    settings, _summary, site = ingested
    before = snapshot(settings)
    conditional_hits = site.server.hits("/conditional")
    summary = pipeline.run_ingest(settings)
    after = snapshot(settings)
    assert after == before  # no row added, no key or status changed
    assert summary["articles_loaded"] == 0
    assert summary["statuses"]["not_modified"] == 1
    headers = [h for p, h in site.server.requests if p == "/conditional"]
    assert len(headers) == conditional_hits + 1
    assert headers[-1].get("If-None-Match") == '"v1"'
    assert pipeline.load_raw(settings)["files"] == 0  # nothing left in the spool


def _fetch_to_spool(settings: dict[str, Any]) -> int:
    names = pipeline.validate_sources(settings)["sources"]
    groups = [pipeline.discover_source(settings, name) for name in names]
    batches = pipeline.plan_batches(settings, groups)
    for batch in batches:
        pipeline.fetch_batch(settings, batch)
    return len(batches)


def test_interrupted_load_recovers(
    kit: Any, news_site: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = site_sources(kit, news_site, tmp_path, skip=("/stall",))
    reference = settings_for(tmp_path / "reference", sources)
    pipeline.run_ingest(reference)

    settings = settings_for(tmp_path / "crash", sources)
    monkeypatch.setattr(ingest_batches, "BATCH_SIZE", 6)
    assert _fetch_to_spool(settings) == 4  # 20 URLs in batches of 6
    spool = warehouse.pending_spool_files(settings["spool_dir"])
    assert len(spool) == 4

    real = warehouse._write_fetch_log
    calls = {"n": 0}

    def crash_on_second_file(con: Any, log: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash in the middle of a load")
        real(con, log)

    monkeypatch.setattr(warehouse, "_write_fetch_log", crash_on_second_file)
    with pytest.raises(RuntimeError, match="simulated crash"):
        pipeline.load_raw(settings)
    partial = snapshot(settings)
    # the first file is in, the second rolled back entirely (articles too)
    assert len(partial["fetch_log"]) == 6
    assert {row[0] for row in partial["articles"]} == {
        row[3] for row in partial["fetch_log"] if row[3] is not None
    }
    assert len(warehouse.pending_spool_files(settings["spool_dir"])) == 3

    monkeypatch.setattr(warehouse, "_write_fetch_log", real)
    pipeline.load_raw(settings)
    assert warehouse.pending_spool_files(settings["spool_dir"]) == []
    assert snapshot(settings) == snapshot(reference)


def test_killed_process_mid_load_recovers(
    kit: Any, news_site: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process killed inside the load transaction leaves nothing half-written."""
    sources = site_sources(kit, news_site, tmp_path, skip=("/stall",))
    reference = settings_for(tmp_path / "reference", sources)
    pipeline.run_ingest(reference)
    settings = settings_for(tmp_path / "killed", sources)
    monkeypatch.setattr(ingest_batches, "BATCH_SIZE", 10)
    _fetch_to_spool(settings)
    script = textwrap.dedent(
        f"""
        import os
        from newsevents import pipeline, warehouse
        real = warehouse._write_fetch_log
        calls = []
        def die(con, log):
            calls.append(1)
            if len(calls) == 2:
                os._exit(9)  # no rollback, no close: like a kill -9
            real(con, log)
        warehouse._write_fetch_log = die
        pipeline.load_raw({settings!r})
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, timeout=120)
    assert done.returncode == 9
    assert len(warehouse.pending_spool_files(settings["spool_dir"])) == 1
    pipeline.load_raw(settings)
    assert snapshot(settings) == snapshot(reference)


def test_publish_is_atomic_copy(ingested: Any) -> None:
    settings, _summary, _site = ingested
    result = pipeline.publish(settings)
    published = Path(settings["warehouse"])
    assert result["warehouse"] == str(published)
    assert sorted(p.name for p in published.parent.iterdir() if p.name.startswith(".")) == []
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from raw.articles").fetchone() == (5,)
    # a second publish replaces the file in place
    pipeline.publish(settings)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from raw.fetch_log").fetchone()[0] > 5


def test_private_addresses_refused_end_to_end(kit: Any, news_site: Any, tmp_path: Path) -> None:
    """Without allow_private_addresses, 127.0.0.1 is refused and never contacted."""
    sources = kit.write_sources(
        tmp_path,
        [
            {"name": "wire", "kind": "feed", "url": news_site.urls["rss"]},
            {"name": "picked", "kind": "urls", "urls": [news_site.url("/news/bundestag.html")]},
        ],
        allow_private_addresses=False,
    )
    settings = settings_for(tmp_path, sources)
    summary = pipeline.run_ingest(settings)
    assert (
        len(summary["discover_errors"]) == 1 and "blocked_address" in summary["discover_errors"][0]
    )
    assert summary["failed"] == {"blocked_address": 1}
    with duckdb.connect(settings["work_db"], read_only=True) as con:
        assert con.execute("select status, article_id from raw.fetch_log").fetchall() == [
            ("blocked_address", None)
        ]
    assert news_site.server.requests == []


def test_files_with_the_same_canonical_link_are_one_article(kit: Any, tmp_path: Path) -> None:
    """A local copy that declares the same canonical URL is a duplicate, not a new row."""
    pages = tmp_path / "pages"
    pages.mkdir()
    original = (kit.site_dir / "news" / "flood-relief.html").read_text(encoding="utf-8")
    canonical = '<link rel="canonical" href="https://news.example/asia/floods.html?utm_source=x">'
    (pages / "a-floods.html").write_text(original.replace("</head>", f"{canonical}</head>"))
    amp = original.replace("</head>", f"{canonical}</head>").replace(
        "two million people stranded", "two million people stranded (updated)"
    )
    (pages / "b-floods-amp.html").write_text(amp)
    sources = tmp_path / "sources.yml"
    sources.write_text("sources:\n  - {name: archive, kind: files, path: pages}\n")
    settings = settings_for(tmp_path, sources)
    for _ in range(2):  # the second run changes nothing
        pipeline.run_ingest(settings)
        with duckdb.connect(settings["work_db"], read_only=True) as con:
            articles = con.execute("select url, canonical_url from raw.articles").fetchall()
            log = con.execute(
                "select status, article_id from raw.fetch_log order by url"
            ).fetchall()
        assert articles == [("https://news.example/asia/floods.html",) * 2]
        assert [status for status, _ in log] == ["ok", "duplicate"]
        assert log[0][1] == log[1][1]
