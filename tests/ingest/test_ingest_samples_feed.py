"""The bundled samples, shipped as local files, also work served as an RSS feed.

Both routes give the same articles: the pages declare their canonical URL, so the
article ids do not depend on where the HTML was read from, and reading them both
ways into one warehouse adds nothing the second time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from newsevents import pipeline


def _feed(server: Any, names: list[str]) -> str:
    items = "".join(
        f"<item><title>{name}</title><link>{server.url('/wire/' + name)}</link></item>"
        for name in names
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Sample wire</title><link>{server.base_url}/</link>"
        f"<description>samples</description>{items}</channel></rss>"
    )


def _articles(work_db: str) -> dict[str, tuple[str, str]]:
    with duckdb.connect(work_db, read_only=True) as con:
        rows = con.execute("select article_id, source_name, language from raw.articles").fetchall()
    return {article_id: (source, language) for article_id, source, language in rows}


def test_samples_served_as_a_feed_match_the_local_files(
    local_server: Any, kit: Any, repo_root: Path, tmp_path: Path
) -> None:
    pages = sorted((repo_root / "samples" / "articles").glob("*.html"))
    for page in pages:
        local_server.add("/wire/" + page.name, page.read_bytes())
    local_server.add(
        "/wire/rss.xml", _feed(local_server, [p.name for p in pages]), "application/rss+xml"
    )

    (tmp_path / "feed").mkdir()
    feed_sources = kit.write_sources(
        tmp_path / "feed",
        [{"name": "sample-feed", "kind": "feed", "url": local_server.url("/wire/rss.xml")}],
    )
    warehouse = str(tmp_path / "w.duckdb")
    over_http = pipeline.resolve_settings(str(feed_sources), warehouse)
    summary = pipeline.run_ingest(over_http)
    assert summary["statuses"] == {"ok": len(pages)}
    by_feed = _articles(over_http["work_db"])
    assert len(by_feed) == len(pages)
    assert {language for _source, language in by_feed.values()} == {"en", "de"}

    # The same pages from disk, into the same warehouse: same ids, no new row.
    files = pipeline.resolve_settings(str(repo_root / "samples" / "sources.yml"), warehouse)
    pipeline.run_ingest(files)
    assert _articles(files["work_db"]) == by_feed
