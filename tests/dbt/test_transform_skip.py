"""Transform and docs do only what changed: skip when nothing did, build what a changed
raw table feeds, regenerate the docs only when the project or the catalog changed.

The first half runs real dbt on the hand-written warehouse (conftest); the second half
checks the decisions with a stand-in for dbt on a private copy of the project.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest
from conftest import add_article_e, insert_row
from newsevents import pipeline
from newsevents.transform import dbt

MARTS = ("articles", "actors", "actor_mentions", "events", "event_mentions", "relations")
RAW_SELECTORS = {
    "raw.annotations": "source:raw.annotations+",
    "raw.articles": "source:raw.articles+",
    "raw.entity_mentions": "source:raw.entity_mentions+",
    "raw.event_candidates": "source:raw.event_candidates+",
    "raw.sentences": "source:raw.sentences+",
}
# Sources read only through views: no build for their rows, their tests join every build.
VIEW_SELECTORS = ["source:raw.fetch_log+", "source:raw_runs.pipeline_runs+"]


def _rows(path: Path, sql: str) -> list[Any]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def _marts(path: Path) -> dict[str, list[Any]]:
    return {table: _rows(path, f"select * from marts.{table}") for table in MARTS}


def _execute(path: Path, *statements: str) -> None:
    con = duckdb.connect(str(path))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def _fetch_row(url: str, status: str) -> dict[str, Any]:
    return {
        "source_name": "wire-a",
        "url": url,
        "final_url": None,
        "fetched_at": datetime(2024, 5, 18, 6, 0),
        "status": status,
        "http_status": None,
        "detail": None,
        "article_id": None,
        "content_type": None,
        "bytes": None,
        "etag": None,
        "last_modified": None,
        "attempts": 1,
    }


def _add_fetch_row(path: Path, url: str, status: str) -> None:
    con = duckdb.connect(str(path))
    try:
        insert_row(con, "raw.fetch_log", _fetch_row(url, status))
    finally:
        con.close()


# -- real dbt --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(base_work_db: Path) -> Path:
    """The hand-written warehouse after one full build."""
    summary = dbt.build(str(base_work_db))
    assert summary["success"] and "skipped" not in summary and "selected" not in summary
    return base_work_db


def _run_results(private_target: Path) -> int:
    """mtime of run_results.json, which every dbt invocation rewrites."""
    return (private_target / "run_results.json").stat().st_mtime_ns


def test_watched_sources_are_the_raw_tables_materialised_models_read(built: Path) -> None:
    # raw.pipeline_runs and raw.fetch_log only feed views (marts.pipeline_runs shows the
    # row the pipeline adds after the build; every night re-checks known URLs), so their
    # rows need no build.
    assert dbt.watched_sources() == RAW_SELECTORS
    assert dbt.view_only_selectors() == VIEW_SELECTORS


def test_second_build_with_nothing_new_runs_no_dbt(
    built: Path, private_target: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before, results = _marts(built), _run_results(private_target)
    with caplog.at_level(logging.INFO, logger="newsevents.transform.dbt"):
        summary = dbt.build(str(built))
    assert summary["skipped"] is True and summary["success"] is True
    assert summary["reason"] and summary["models"] == summary["tests"] == 0
    assert summary["full_refresh"] is False
    assert "dbt build skipped" in caplog.text
    assert _run_results(private_target) == results
    assert _marts(built) == before


def test_a_new_pipeline_run_row_shows_without_a_build(built: Path, private_target: Path) -> None:
    results = _run_results(private_target)
    _execute(
        built,
        "insert into raw.pipeline_runs (run_id, started_at, status, recorded_at) "
        "values ('run-1', timestamp '2024-05-18 02:00', 'succeeded', timestamp '2024-05-18 02:10')",
    )
    assert dbt.build(str(built))["skipped"] is True
    assert _run_results(private_target) == results
    assert _rows(built, "select run_id from marts.pipeline_runs") == [("run-1",)]


def test_a_new_fetch_log_row_shows_without_a_build(built: Path, private_target: Path) -> None:
    before, results = _marts(built), _run_results(private_target)
    count = len(_rows(built, "select * from marts.fetch_log"))
    _add_fetch_row(built, "https://wire-a.example/slow.html", "timeout")
    assert dbt.build(str(built))["skipped"] is True
    assert _run_results(private_target) == results
    assert len(_rows(built, "select * from marts.fetch_log")) == count + 1
    assert _rows(built, "select status from marts.fetch_log where url like '%slow.html'") == [
        ("timeout",)
    ]
    assert _marts(built) == before


def test_a_row_replaced_under_the_same_key_is_rebuilt(built: Path) -> None:
    count = len(_rows(built, "select * from raw.sentences"))
    _execute(
        built,
        "create temp table one as select * from raw.sentences order by all limit 1",
        "delete from raw.sentences s using one o where s.article_id = o.article_id "
        "and s.annotator_version = o.annotator_version and s.sentence_index = o.sentence_index",
        "insert into raw.sentences select * replace (text || ' (corrected)' as text) from one",
    )
    assert len(_rows(built, "select * from raw.sentences")) == count  # same rows, same keys
    summary = dbt.build(str(built))
    # The changed table's subgraph, plus the view-only sources' tests.
    assert summary["selected"] == ["source:raw.sentences+", *VIEW_SELECTORS]
    assert "skipped" not in summary and summary["full_refresh"] is False
    assert summary["seeds"] == 0
    assert summary["tests"] > 0
    assert dbt.build(str(built))["skipped"] is True


def test_a_new_article_builds_every_table_it_feeds(built: Path) -> None:
    articles = len(_rows(built, "select * from marts.articles"))
    add_article_e(built)
    summary = dbt.build(str(built))
    assert sorted(summary["selected"]) == sorted([*RAW_SELECTORS.values(), *VIEW_SELECTORS])
    assert len(_rows(built, "select * from marts.articles")) == articles + 1
    assert _rows(built, "select article_id from marts.articles where article_id = 'eeeeeeee'")
    assert dbt.build(str(built))["skipped"] is True


def test_docs_regenerate_only_when_the_catalog_changes(built: Path) -> None:
    first = dbt.generate_docs(str(built))
    site = Path(first["static_index"])
    assert first["skipped"] is False and site.is_file()
    mtime = site.stat().st_mtime_ns
    second = dbt.generate_docs(str(built))
    assert second == {"static_index": str(site), "skipped": True}
    assert site.stat().st_mtime_ns == mtime
    _execute(built, "create table raw.extra_notes (note varchar)")
    third = dbt.generate_docs(str(built))
    assert third["skipped"] is False
    assert site.stat().st_mtime_ns != mtime
    assert dbt.generate_docs(str(built))["skipped"] is True


# -- the decisions, with a stand-in for dbt --------------------------------------------
@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the dbt project and seeds, and a private target folder."""
    copy = tmp_path / "dbt_project"
    copy.mkdir()
    for name in ("models", "macros"):
        shutil.copytree(dbt.PROJECT_DIR / name, copy / name)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copyfile(dbt.PROJECT_DIR / name, copy / name)
    shutil.copytree(dbt.SEEDS_DIR, tmp_path / "seeds")
    monkeypatch.setattr(dbt, "PROJECT_DIR", copy)
    monkeypatch.setattr(dbt, "SEEDS_DIR", tmp_path / "seeds")
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    (tmp_path / "target").mkdir()
    return copy


def _write_manifest(target: Path) -> None:
    """raw.a feeds a view then a table; raw_runs.p feeds only a view (and a test)."""
    nodes = {
        "model.p.stg_a": {"resource_type": "model", "config": {"materialized": "view"}},
        "model.p.mart_a": {"resource_type": "model", "config": {"materialized": "incremental"}},
        "model.p.stg_p": {"resource_type": "model", "config": {"materialized": "view"}},
        "test.p.unique_p": {"resource_type": "test", "config": {"materialized": "test"}},
    }
    sources = {
        f"source.p.{source}.{name}": {
            "source_name": source,
            "name": name,
            "schema": "raw",
            "identifier": name,
        }
        for source, name in (("raw", "a"), ("raw_runs", "p"))
    }
    child_map = {
        "source.p.raw.a": ["model.p.stg_a"],
        "model.p.stg_a": ["model.p.mart_a"],
        "source.p.raw_runs.p": ["model.p.stg_p", "test.p.unique_p"],
    }
    manifest = {"nodes": nodes, "sources": sources, "child_map": child_map}
    (target / "manifest.json").write_text(json.dumps(manifest))


class FakeDbt:
    """Records the dbt arguments; ``fail`` makes the next call report a failure."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.fail = False

    def __call__(self, args: list[str], work_db_path: str) -> Any:
        self.calls.append(args)
        if args[0] == "docs":
            (dbt.target_dir() / "static_index.html").write_text(f"site {len(self.calls)}")
        failed, self.fail = self.fail, False
        return SimpleNamespace(result=[], success=not failed)


@pytest.fixture
def fake_dbt(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDbt]:
    fake = FakeDbt()
    monkeypatch.setattr(dbt, "_invoke", fake)
    yield fake


@pytest.fixture
def work_db(tmp_path: Path) -> Path:
    path = tmp_path / "work.duckdb"
    _execute(
        path,
        "create schema raw",
        "create table raw.a (id integer primary key, value varchar)",
        "create table raw.p (id integer primary key)",
        "insert into raw.a values (1, 'one'), (2, 'two')",
    )
    return path


def _build(fake: FakeDbt, work_db: Path, **kwargs: Any) -> list[str] | None:
    """The dbt arguments of one build, None when it ran no dbt."""
    calls = len(fake.calls)
    summary = dbt.build(str(work_db), **kwargs)
    assert summary["success"] is True
    if len(fake.calls) == calls:
        assert summary["skipped"] is True
        return None
    assert "skipped" not in summary
    return fake.calls[-1]


def test_build_decisions(project: Path, fake_dbt: FakeDbt, work_db: Path) -> None:
    target = dbt.target_dir()
    # No manifest yet: a full build (it writes one), then the state can be stored.
    assert _build(fake_dbt, work_db) == ["build"]
    _write_manifest(target)
    assert _build(fake_dbt, work_db) == ["build"]  # the state was stored without one
    assert dbt.watched_sources() == {"raw.a": "source:raw.a+"}
    assert _build(fake_dbt, work_db) is None
    # Rows of a source that feeds only views need no build.
    _execute(work_db, "insert into raw.p values (1)")
    assert _build(fake_dbt, work_db) is None
    # A new row, then the same key with another value.
    _execute(work_db, "insert into raw.a values (3, 'three')")
    assert _build(fake_dbt, work_db) == ["build", "--select", "source:raw.a+", "source:raw_runs.p+"]
    assert _build(fake_dbt, work_db) is None
    _execute(work_db, "delete from raw.a where id = 2", "insert into raw.a values (2, 'deux')")
    assert _build(fake_dbt, work_db) == ["build", "--select", "source:raw.a+", "source:raw_runs.p+"]
    # A failed build stores nothing: the next one selects the same tables again.
    _execute(work_db, "update raw.a set value = 'trois' where id = 3")
    fake_dbt.fail = True
    with pytest.raises(dbt.DbtError, match="dbt build failed"):
        dbt.build(str(work_db))
    assert _build(fake_dbt, work_db) == ["build", "--select", "source:raw.a+", "source:raw_runs.p+"]
    # An explicit selection runs, and leaves the stored state alone.
    _execute(work_db, "insert into raw.a values (4, 'four')")
    assert _build(fake_dbt, work_db, select="stg_a") == ["build", "--select", "stg_a"]
    assert _build(fake_dbt, work_db) == ["build", "--select", "source:raw.a+", "source:raw_runs.p+"]
    # An explicit full refresh always runs.
    assert _build(fake_dbt, work_db, full_refresh=True) == ["build", "--full-refresh"]
    assert _build(fake_dbt, work_db) is None


def test_project_edits_rebuild_and_rule_edits_refresh(
    project: Path, fake_dbt: FakeDbt, work_db: Path
) -> None:
    _write_manifest(dbt.target_dir())
    assert _build(fake_dbt, work_db) == ["build"]
    assert _build(fake_dbt, work_db) is None
    # A test or description changed: everything runs again, incremental models as they are.
    schema = project / "models" / "marts" / "_marts.yml"
    schema.write_text(schema.read_text() + "\n# edited\n")
    assert _build(fake_dbt, work_db) == ["build"]
    assert _build(fake_dbt, work_db) is None
    # A macro, a var, a seed or a model changed: old articles are re-resolved.
    for path in (
        project / "macros" / "normalize_name.sql",
        project / "dbt_project.yml",
        project.parent / "seeds" / "actor_aliases.csv",
        project / "models" / "marts" / "events.sql",
    ):
        path.write_text(path.read_text() + "\n")
        assert _build(fake_dbt, work_db) == ["build", "--full-refresh"], path.name
        assert _build(fake_dbt, work_db) is None


def test_docs_decisions(project: Path, fake_dbt: FakeDbt, work_db: Path, tmp_path: Path) -> None:
    settings = {"work_db": str(work_db)}
    site = dbt.target_dir() / "static_index.html"
    assert pipeline.docs(settings) == {"static_index": str(site), "skipped": False}
    assert pipeline.docs(settings) == {"static_index": str(site), "skipped": True}
    # Row changes are not in the docs; a new column, a comment, a new table are.
    _execute(work_db, "insert into raw.a values (9, 'nine')")
    assert dbt.generate_docs(str(work_db))["skipped"] is True
    for statement in (
        "alter table raw.a add column note varchar",
        "comment on table raw.a is 'the a rows'",
        "create view raw.v as select 1 as x",
    ):
        _execute(work_db, statement)
        assert dbt.generate_docs(str(work_db))["skipped"] is False, statement
        assert dbt.generate_docs(str(work_db))["skipped"] is True, statement
    # A model's documentation changed.
    schema = project / "models" / "marts" / "_marts.yml"
    schema.write_text(schema.read_text() + "\n# edited\n")
    assert dbt.generate_docs(str(work_db))["skipped"] is False
    # The site was removed, or overwritten by another run (another database, by hand).
    site.unlink()
    assert dbt.generate_docs(str(work_db))["skipped"] is False
    site.write_text("someone else's site")
    assert dbt.generate_docs(str(work_db))["skipped"] is False
    assert dbt.generate_docs(str(work_db))["skipped"] is True
    # Another database with the same catalog but another name: its own site.
    other = tmp_path / "other.duckdb"
    shutil.copyfile(work_db, other)
    assert dbt.generate_docs(str(other))["skipped"] is False
    # A failed generation leaves no stamp behind: the next call runs dbt again.
    _execute(work_db, "alter table raw.a add column extra integer")
    fake_dbt.fail = True
    with pytest.raises(dbt.DbtError, match="docs generate failed"):
        dbt.generate_docs(str(work_db))
    assert dbt.generate_docs(str(work_db))["skipped"] is False
    # No database file: nothing to compare, dbt always runs.
    calls = len(fake_dbt.calls)
    missing = str(tmp_path / "missing.duckdb")
    assert dbt.docs_generate(missing) == str(site)
    assert dbt.docs_generate(missing) == str(site)
    assert len(fake_dbt.calls) == calls + 2
