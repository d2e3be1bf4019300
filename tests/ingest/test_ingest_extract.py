"""What trafilatura keeps and drops on the fixture pages, and the metadata it finds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from newsevents.ingest.extract import content_hash, extract_article

BASE = "http://127.0.0.1:8000/news/"
BOILERPLATE = (
    "cookie",
    "Cookies",
    "Subscribe",
    "Related stories",
    "Most read",
    "Comments",
    "reader_42",
    "long overdue",
    "Great news for exporters",
    "All rights reserved",
    "Copyright",
    "Privacy",
    "Home",
    "Monsoon forecast",
    "Leserkommentare",
    "Endlich eine Entscheidung",
    "Impressum",
    "Startseite",
    "Sign in",
    "Newsletter",
)


def page(kit: Any, name: str) -> dict[str, Any]:
    body = (kit.site_dir / "news" / f"{name}.html").read_bytes()
    article = extract_article(body, BASE + f"{name}.html")
    assert article is not None, name
    return article


@pytest.mark.parametrize(
    ("name", "first", "last", "paragraphs"),
    [
        (
            "summit-talks",
            "French President Emmanuel Macron",
            "South Korea and the United States.",
            4,
        ),
        ("trade-deal", "The European Union and Japan", "Court of Justice to review it.", 3),
        ("flood-relief", "The United Nations World Food", "rising in the shelters.", 3),
        ("bundestag", "Der Bundestag hat am Freitag", "nicht erforderlich.", 3),
        ("malformed", "Storm Isha left more than", "cancelled dozens of services.", 3),
    ],
)
def test_keeps_article_paragraphs_and_drops_boilerplate(
    kit: Any, name: str, first: str, last: str, paragraphs: int
) -> None:
    article = page(kit, name)
    lines = article["text"].split("\n")
    assert len(lines) == paragraphs
    assert lines[0].startswith(first)
    assert lines[-1].endswith(last)
    for junk in BOILERPLATE:
        assert junk not in article["text"], (name, junk)
    assert article["word_count"] > 50


def test_metadata_of_english_article(kit: Any) -> None:
    article = page(kit, "summit-talks")
    assert article["title"] == "Macron and Scholz agree joint plan on defence spending"
    assert article["author"] == "Claire Dubois"
    assert article["site_name"] == "The Daily Ledger"
    assert article["published_at"] == "2024-03-14T09:30:00"
    assert article["language"] == "en"
    assert article["description"].startswith("French and German leaders")
    assert article["canonical_url"] == BASE + "summit-talks.html"
    assert article["domain"] == "127.0.0.1"
    assert article["content_hash"] == content_hash(article["text"])
    assert article["extractor_version"].startswith("trafilatura-2.")


def test_metadata_from_json_ld_and_meta_date(kit: Any) -> None:
    flood = page(kit, "flood-relief")
    assert flood["author"] == "Amina Rahman"
    assert flood["published_at"].startswith("2024-06-21")
    trade = page(kit, "trade-deal")
    assert (trade["author"], trade["published_at"][:10]) == ("Kenji Watanabe", "2024-02-02")


def test_german_article(kit: Any) -> None:
    article = page(kit, "bundestag")
    assert article["language"] == "de"
    assert article["title"] == "Bundestag beschließt neues Heizungsgesetz"
    assert article["author"] == "Julia Becker"
    assert "Von Julia Becker" not in article["text"]  # byline dropped from the text
    assert "Robert Habeck" in article["text"]


def test_malformed_html_still_extracts(kit: Any) -> None:
    article = page(kit, "malformed")
    assert article["title"] == "Storm knocks out power across Ireland"
    assert article["published_at"].startswith("2024-01-22")
    # the unclosed <h1> is not glued to the text
    assert not article["text"].startswith("Storm knocks out power")


def test_page_without_article_text(kit: Any) -> None:
    body = (kit.site_dir / "news" / "no-text.html").read_bytes()
    assert extract_article(body, BASE + "no-text.html") is None
    assert extract_article(b"", BASE + "empty.html") is None
    assert extract_article(b"\x00\x01\x02 binary", BASE + "bin") is None


def test_tracking_url_gives_same_article_id(kit: Any) -> None:
    body = (kit.site_dir / "news" / "trade-deal.html").read_bytes()
    plain = extract_article(body, BASE + "trade-deal.html")
    tracked = extract_article(body, BASE + "trade-deal.html?utm_source=newsletter&utm_medium=email")
    assert plain is not None and tracked is not None
    assert tracked["canonical_url"] == plain["canonical_url"] == BASE + "trade-deal.html"
    assert tracked["article_id"] == plain["article_id"]


def test_files_without_canonical_keep_file_uri(tmp_path: Path, kit: Any) -> None:
    source = kit.site_dir / "news" / "trade-deal.html"
    uri = source.resolve().as_uri()
    article = extract_article(source.read_bytes(), uri)
    assert article is not None
    assert article["canonical_url"] == uri
    assert article["domain"] is None
