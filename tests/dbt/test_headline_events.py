"""A headline is text: its event reaches marts.events, once when the body repeats it.

The real annotator and dbt on one invented article.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import annotated_warehouse, article_row, query_rows

TITLE = "Germany condemns Iran over missile test | The Example Times"
HEADLINE = "Germany condemns Iran over missile test"
BODY = (
    "Germany condemned Iran on Tuesday over a ballistic missile test near the border, "
    "the foreign ministry said.\n"
    "The test was the third this year."
)
PUBLISHED = datetime(2024, 5, 16, 8, 0)  # a Thursday: "on Tuesday" is 2024-05-14


@pytest.fixture(scope="module")
def headline_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("headline") / "warehouse.work.duckdb"
    row = article_row("headline1", "example", PUBLISHED, BODY)
    row.update(title=TITLE, site_name="The Example Times", domain="example.com")
    annotated_warehouse(path, row, workers=1)
    return path


_rows = query_rows


def test_headline_event_is_one_event_with_the_body_mention(headline_db: Path) -> None:
    events = _rows(
        headline_db,
        """
        select event_id, source_actor_name, target_actor_name, event_root_code, event_date,
            num_mentions
        from marts.events where event_root_code = '11'
        """,
    )
    assert len(events) == 1, events
    (event,) = events
    assert (event["source_actor_name"], event["target_actor_name"]) == ("Germany", "Iran")
    # the headline has no date of its own: it takes the body's, so both are one event
    assert event["event_date"] == date(2024, 5, 14)
    assert event["num_mentions"] == 2
    mentions = _rows(
        headline_db,
        f"""
        select text_part, sentence_index, sentence_text, event_date
        from marts.event_mentions where event_id = '{event["event_id"]}'
        order by sentence_index
        """,
    )
    assert [(m["text_part"], m["sentence_index"]) for m in mentions] == [("body", 0), ("title", 2)]
    assert mentions[1]["sentence_text"] == HEADLINE
    assert {m["event_date"] for m in mentions} == {date(2024, 5, 14)}


def test_actor_mention_offsets_slice_their_part(headline_db: Path) -> None:
    rows = _rows(
        headline_db,
        """
        select m.text_part, m.mention_text,
            substr(case m.text_part when 'title' then a.title else a.text end,
                   m.start_char + 1, m.end_char - m.start_char) as sliced
        from marts.actor_mentions as m
        join raw.articles as a using (article_id)
        order by m.text_part desc, m.start_char
        """,
    )
    assert [(r["text_part"], r["mention_text"]) for r in rows][:3] == [
        ("title", "Germany"),
        ("title", "Iran"),
        ("body", "Germany"),
    ]
    assert all(r["sliced"] == r["mention_text"] for r in rows), rows
