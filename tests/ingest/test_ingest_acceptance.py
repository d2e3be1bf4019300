"""Acceptance: the shared corpus article, served in a news page, arrives whole in raw.articles."""

from __future__ import annotations

import html
from pathlib import Path
from string import Template
from typing import Any

import duckdb
import pytest
from newsevents import pipeline

CORPUS_FILE = "xi_putin_beijing_2024-05-16.txt"
TITLE = "Xi and Putin pledge to deepen partnership"
# Short lines of the corpus file are the story's subheadings; the template puts them
# in <h2>, and trafilatura keeps headings inside the article body as paragraphs.
SUBHEADINGS = {"Mounting international pressure over Ukraine", "Alignment on shared frictions"}


@pytest.fixture
def corpus_paragraphs(shared_dir: Path) -> list[str]:
    text = (shared_dir / "corpus" / CORPUS_FILE).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def render(kit: Any, paragraphs: list[str]) -> str:
    body = "\n".join(
        f"      <h2>{html.escape(p)}</h2>" if p in SUBHEADINGS else f"      <p>{html.escape(p)}</p>"
        for p in paragraphs
    )
    template = Template((kit.fixtures / "news_template.html").read_text(encoding="utf-8"))
    return template.substitute(
        title=TITLE,
        description="The Russian and Chinese leaders met in Beijing.",
        author="Staff Reporter",
        published="2024-05-16T09:45:00Z",
        published_human="May 16, 2024",
        canonical="/world/asia/xi-putin-beijing.html",
        body=body,
    )


def test_corpus_article_end_to_end(
    kit: Any, local_server: Any, tmp_path: Path, corpus_paragraphs: list[str]
) -> None:
    assert set(corpus_paragraphs) >= SUBHEADINGS
    local_server.add("/world/asia/xi-putin-beijing.html", render(kit, corpus_paragraphs))
    feed_url = local_server.add(
        "/feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>World Dispatch</title>'
        f"<link>{local_server.base_url}/</link><description>d</description><item>"
        f"<title>{TITLE}</title>"
        f"<link>{local_server.url('/world/asia/xi-putin-beijing.html?utm_source=rss')}</link>"
        "</item></channel></rss>",
        "application/rss+xml",
    )
    sources = kit.write_sources(tmp_path, [{"name": "dispatch", "kind": "feed", "url": feed_url}])
    settings = pipeline.resolve_settings(str(sources), str(tmp_path / "warehouse.duckdb"))
    summary = pipeline.run_ingest(settings)
    assert summary["articles_loaded"] == 1

    with duckdb.connect(settings["work_db"], read_only=True) as con:
        rows = con.execute(
            "select title, published_at, text, language, canonical_url, author, site_name "
            "from raw.articles"
        ).fetchall()
        status = con.execute("select status from raw.fetch_log").fetchall()
    assert status == [("ok",)]
    assert len(rows) == 1
    title, published, text, language, canonical, author, site_name = rows[0]
    assert title == TITLE
    assert published.date().isoformat() == "2024-05-16"
    assert language == "en"
    assert canonical == local_server.url("/world/asia/xi-putin-beijing.html")
    assert (author, site_name) == ("Staff Reporter", "World Dispatch")
    # every paragraph, in order, each on its own line, and nothing else
    assert text.split("\n") == corpus_paragraphs
