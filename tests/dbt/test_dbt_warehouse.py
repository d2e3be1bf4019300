"""dbt build on hand-written raw rows: resolution, coding, dedupe, incremental runs, docs."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import ALL_DDL, add_article_e, write_base_rows
from newsevents.transform import dbt

MART_TABLES = (
    "articles",
    "fetch_log",
    "actors",
    "actor_mentions",
    "events",
    "event_mentions",
    "relations",
)
CONTRACT_COLUMNS = {
    "articles": {
        "article_id",
        "url",
        "canonical_url",
        "source_name",
        "domain",
        "title",
        "author",
        "published_at",
        "language",
        "word_count",
        "fetched_at",
        "content_hash",
    },
    "actors": {
        "actor_id",
        "name",
        "actor_type",
        "country_code",
        "sector",
        "wikidata_id",
        "mention_count",
        "article_count",
        "first_seen",
        "last_seen",
    },
    "actor_mentions": {
        "mention_id",
        "actor_id",
        "article_id",
        "sentence_index",
        "start_char",
        "end_char",
        "mention_text",
    },
    "events": {
        "event_id",
        "event_date",
        "source_actor_id",
        "target_actor_id",
        "event_code",
        "event_root_code",
        "event_label",
        "quad_class",
        "goldstein",
        "num_mentions",
        "num_articles",
        "num_sources",
    },
    "event_mentions": {
        "event_id",
        "article_id",
        "sentence_index",
        "sentence_text",
        "trigger",
        "confidence",
    },
    "relations": {
        "relation_id",
        "source_actor_id",
        "target_actor_id",
        "relation_type",
        "event_count",
        "avg_goldstein",
        "first_date",
        "last_date",
    },
    "fetch_log": {"url", "source_name", "fetched_at", "status", "http_status", "detail"},
}


def _snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: sorted(con.execute(f"select * from marts.{t}").fetchall(), key=repr)
            for t in MART_TABLES
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(base_work_db: Path) -> dict[str, Any]:
    """Three dbt builds: initial, incremental after a new article, and a full refresh."""
    first = dbt.build(str(base_work_db))
    initial = _snapshot(base_work_db)
    add_article_e(base_work_db)
    dbt.build(str(base_work_db))
    incremental = _snapshot(base_work_db)
    dbt.build(str(base_work_db), full_refresh=True)
    refreshed = _snapshot(base_work_db)
    return {
        "summary": first,
        "initial": initial,
        "incremental": incremental,
        "refreshed": refreshed,
    }


@pytest.fixture
def con(runs: dict[str, Any], base_work_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(base_work_db), read_only=True)
    try:
        yield connection
    finally:
        connection.close()


def _actor(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    cursor = con.execute(f"select * from marts.actors where name = '{name}'")
    columns = [d[0] for d in cursor.description]
    found = cursor.fetchall()
    assert len(found) == 1, f"{name}: {found}"
    return dict(zip(columns, found[0], strict=True))


def _events(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute(
        """
        select e.*, s.name as source_name, t.name as target_name
        from marts.events as e
        join marts.actors as s on s.actor_id = e.source_actor_id
        left join marts.actors as t on t.actor_id = e.target_actor_id
        """
    )
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_build_runs_seeds_models_unit_and_data_tests(runs: dict[str, Any]) -> None:
    summary = runs["summary"]
    assert summary["success"] is True
    assert summary["seeds"] >= 10
    assert summary["unit_tests"] >= 3
    assert summary["tests"] >= 100
    assert summary["models"] >= 20


def test_schemas_are_exactly_the_layer_names(con: duckdb.DuckDBPyConnection) -> None:
    schemas = {
        r[0]
        for r in con.execute(
            "select distinct table_schema from information_schema.tables"
        ).fetchall()
    }
    assert {"raw", "staging", "intermediate", "marts", "reference"} <= schemas
    assert not [s for s in schemas if s.startswith("main_")]


def test_contract_columns_present(con: duckdb.DuckDBPyConnection) -> None:
    for table, required in CONTRACT_COLUMNS.items():
        columns = {c[0] for c in con.execute(f"describe marts.{table}").fetchall()}
        assert required <= columns, (table, required - columns)


def test_actors_resolved_with_country_and_sector(con: duckdb.DuckDBPyConnection) -> None:
    xi = _actor(con, "Xi Jinping")
    assert (xi["actor_type"], xi["country_code"], xi["sector"], xi["wikidata_id"]) == (
        "person",
        "CHN",
        "GOV",
        "Q15031",
    )
    putin = _actor(con, "Vladimir Putin")
    assert putin["country_code"] == "RUS"
    # "Vladimir Putin" and the short form "Putin" in A, "Putin" in E.
    assert putin["mention_count"] == 3 and putin["article_count"] == 2
    assert _actor(con, "China")["actor_type"] == "country"
    # Unknown people and organisations are actors too, with country and sector from the role.
    quill = _actor(con, "John Quill")
    assert (
        quill["actor_type"],
        quill["country_code"],
        quill["sector"],
        quill["is_in_dictionary"],
    ) == (
        "person",
        "EST",
        "GOV",
        False,
    )
    assert quill["mention_count"] == 2  # "John Quill" and the short form "Quill"
    assert _actor(con, "Acme Dynamics")["actor_type"] == "organization"
    # Only the newest annotator version of an article is read.
    assert con.execute(
        "select count(*) from marts.actors where name = 'Bogus Person'"
    ).fetchone() == (0,)


def _mention_actor(
    con: duckdb.DuckDBPyConnection, article: str, mention_index: int
) -> tuple[Any, ...]:
    row = con.execute(
        f"""
        select a.name, m.resolution_method
        from intermediate.int_mentions_resolved_to_actors as m
        left join marts.actors as a on a.actor_id = m.actor_id
        where m.article_id = '{article * 8}' and m.mention_index = {mention_index}
        """
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_resolution_chain(con: duckdb.DuckDBPyConnection) -> None:
    assert _mention_actor(con, "a", 2) == ("China", "metonym")  # Beijing
    assert _mention_actor(con, "a", 5) == ("Russia", "metonym")  # the Kremlin’s
    assert _mention_actor(con, "a", 14) == ("China", "demonym")  # Chinese
    # A demonym resolves (events use it) but does not name the country: no actor mention.
    assert con.execute(
        "select count(*) from marts.actor_mentions where resolution_method = 'demonym'"
    ).fetchone() == (0,)
    assert _mention_actor(con, "a", 3) == ("Vladimir Putin", "exact_alias")
    assert _mention_actor(con, "a", 7) == ("John Quill", "antecedent")
    assert _mention_actor(con, "a", 9) == ("Volodymyr Zelensky", "fuzzy")
    # The same role reference resolves by the article's date.
    assert _mention_actor(con, "a", 4) == ("Andrey Belousov", "dated_role")  # 2024-05-16
    assert _mention_actor(con, "c", 0) == ("Sergei Shoigu", "dated_role")  # 2023-06-01
    # Nothing is dropped silently: non-actor labels stay visible with a reason.
    assert _mention_actor(con, "a", 10) == (None, "not_an_actor_label")
    total = con.execute(
        "select count(*) from intermediate.int_mentions_resolved_to_actors"
    ).fetchone()
    assert total == (2 + 15 + 2 + 2,)  # E, A, B, C (A's old version and skipped D excluded)


def test_events_coded_and_deduplicated(con: duckdb.DuckDBPyConnection) -> None:
    events = {(e["source_name"], e["target_name"], e["event_root_code"]): e for e in _events(con)}
    visit = events[("Xi Jinping", "Vladimir Putin", "04")]
    # welcome + host in A (043), meet in E (040): one event, the majority code wins.
    assert visit["event_code"] == "043" and visit["quad_class"] == 1
    assert (visit["num_mentions"], visit["num_articles"], visit["num_sources"]) == (3, 2, 2)
    assert str(visit["event_date"]) == "2024-05-16"
    criticism = events[("China", "United States", "11")]
    assert (criticism["num_mentions"], criticism["num_articles"], criticism["num_sources"]) == (
        2,
        2,
        2,
    )
    assert criticism["quad_class"] == 3 and criticism["goldstein"] < 0
    aid = events[("Antony Blinken", "Ukraine", "03")]
    assert aid["event_code"] == "033" and aid["goldstein"] == pytest.approx(5.2)
    # An event needs a named target: "Russia welcomed the readiness ..." and "Quill backed
    # down" are coded (most specific pattern) but kept out of the marts.
    assert ("Russia", None, "05") not in events and ("John Quill", None, "08") not in events
    untargeted = dict(
        con.execute(
            """
            select trigger_lemma, event_code from intermediate.int_event_candidates_coded
            where article_id = 'aaaaaaaa' and coding_status = 'untargeted_statement'
            """
        ).fetchall()
    )
    assert untargeted == {"welcome": "051", "back": "080"}  # welcome + readiness; back down
    threat = events[("Sergei Shoigu", "Ukraine", "13")]
    assert str(threat["event_date"]) == "2023-06-01"  # article date when the clause has none
    # The negated condemnation is not an event.
    assert ("China", "Russia", "11") not in events


def test_uncoded_candidates_kept_with_reason(con: duckdb.DuckDBPyConnection) -> None:
    rows = dict(
        con.execute(
            """
            select trigger_lemma, coding_status from intermediate.int_event_candidates_coded
            where article_id = 'aaaaaaaa' and not is_coded
            """
        ).fetchall()
    )
    assert rows == {
        "condemn": "negated",
        "frobnicate": "no_pattern",
        "criticize": "no_source_actor",
        "welcome": "untargeted_statement",
        "back": "untargeted_statement",
    }
    # "will meet": an intended act, coded under the intent code of its root (04 -> 036).
    assert con.execute(
        """
        select coding_status, act_event_code, event_code, is_intent
        from intermediate.int_event_candidates_coded
        where article_id = 'aaaaaaaa' and trigger_lemma = 'meet'
        """
    ).fetchone() == ("coded", "040", "036", True)


def test_event_mentions_keep_sentences(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "select sentence_text, trigger, confidence from marts.event_mentions"
        " where article_id = 'bbbbbbbb'"
    ).fetchall()
    assert rows == [("Sentence 0 of bbbbbbbb.", "criticize", pytest.approx(0.8))]


def test_relations_from_events_and_roles(con: duckdb.DuckDBPyConnection) -> None:
    rel = con.execute(
        """
        select s.name, t.name, r.relation_type, r.event_count
        from marts.relations as r
        join marts.actors as s on s.actor_id = r.source_actor_id
        join marts.actors as t on t.actor_id = r.target_actor_id
        """
    ).fetchall()
    assert ("Xi Jinping", "Vladimir Putin", "verbal_cooperation", 1) in rel
    assert ("China", "United States", "verbal_conflict", 1) in rel
    assert ("Andrey Belousov", "Russia", "official_of", 0) in rel
    assert ("John Quill", "Estonia", "official_of", 0) in rel
    # Estonia is never mentioned but is an actor because Quill is its official.
    assert con.execute(
        "select mention_count from marts.actors where name = 'Estonia'"
    ).fetchone() == (0,)


def test_marts_articles_and_fetch_log(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("select count(*) from marts.articles").fetchone() == (5,)
    statuses = dict(
        con.execute("select status, count(*) from marts.fetch_log group by 1").fetchall()
    )
    assert statuses == {"ok": 4, "not_found": 1}


def test_incremental_run_keeps_ids_and_full_refresh_is_identical(runs: dict[str, Any]) -> None:
    initial, incremental, refreshed = runs["initial"], runs["incremental"], runs["refreshed"]
    assert incremental == refreshed
    # The new article added rows; every earlier actor id and article row is unchanged.
    assert len(incremental["articles"]) == len(initial["articles"]) + 1
    assert {r[0] for r in initial["actors"]} <= {r[0] for r in incremental["actors"]}
    assert set(initial["articles"]) <= set(incremental["articles"])
    assert {r[0] for r in initial["events"]} == {r[0] for r in incremental["events"]}


def test_docs_site_has_every_mart_with_lineage_to_raw(
    runs: dict[str, Any], base_work_db: Path
) -> None:
    site = Path(dbt.docs_generate(str(base_work_db)))
    assert site.parent == Path(os.environ["DBT_TARGET_PATH"])
    assert site.is_file() and site.stat().st_size > 100_000
    manifest = json.loads((site.parent / "manifest.json").read_text())
    parents = manifest["parent_map"]
    for mart in (
        "articles",
        "actors",
        "actor_mentions",
        "events",
        "event_mentions",
        "relations",
        "fetch_log",
    ):
        node = f"model.newsevents.{mart}"
        assert manifest["nodes"][node]["description"]
        seen, todo = set(), [node]
        while todo:
            current = todo.pop()
            for parent in parents.get(current, []):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        assert any(p.startswith("source.newsevents.raw.") for p in seen), mart


def test_build_raises_clear_error_when_a_test_fails(tmp_path: Path) -> None:
    path = tmp_path / "bad.work.duckdb"
    write_base_rows(path)
    con = duckdb.connect(str(path))
    con.execute("update raw.annotations set status = 'bogus' where article_id = 'dddddddd'")
    con.close()
    with pytest.raises(dbt.DbtError, match="accepted_values_stg_raw__annotations_status"):
        dbt.build(str(path), select="stg_raw__annotations")


def test_ddl_is_the_one_the_fixture_uses() -> None:
    # The fixture builds raw tables from the package's DDL, never a copy.
    assert any("raw.event_candidates" in ddl for ddl in ALL_DDL)
