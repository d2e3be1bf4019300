"""Run reports in raw.pipeline_runs and the zero-articles anomaly check."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from newsevents import runs

START = datetime(2026, 3, 1, 2, 0)


def _summary(run_id: str, day: int, counts: dict[str, int], **extra: Any) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "run_id": run_id,
        "started_at": (START + timedelta(days=day)).isoformat(),
        "finished_at": (START + timedelta(days=day, minutes=5)).isoformat(),
        "status": "succeeded",
        "sources": "/srv/sources.yml",
        "source_names": sorted(counts),
        "warehouse": "/srv/warehouse.duckdb",
        "discovered": 40,
        "fetched": 38,
        "articles_loaded": sum(counts.values()),
        "duplicates": 3,
        "statuses": {"ok": 30, "duplicate": 3, "timeout": 2, "not_found": 3},
        "failed": {"timeout": 2, "not_found": 3},
        "seconds": {"discover": 1.0, "fetch": 20.5, "load": 0.5, "transform": 30.0},
        "transform": {"success": True, "models": 20},
        "source_counts": counts,
    }
    summary.update(extra)
    return summary


def _rows(db: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select run_id, status, articles_loaded_count, failed_count, fetch_seconds, "
            "total_seconds, failures_by_status->>'timeout', stage_counts->'transform'->>'models' "
            "from raw.pipeline_runs order by started_at"
        ).fetchall()
    finally:
        con.close()


def test_record_run_is_idempotent_by_run_id(tmp_path: Path) -> None:
    db = tmp_path / "work.duckdb"
    running = _summary("r1", 0, {"wire": 7}, status="running", finished_at=None)
    runs.record_run(str(db), running)
    runs.record_run(str(db), _summary("r1", 0, {"wire": 7}))
    runs.record_run(str(db), _summary("r1", 0, {"wire": 7}))
    assert _rows(db) == [("r1", "succeeded", 7, 5, 20.5, 52.0, "2", "20")]


def test_record_run_rejects_a_summary_without_run_id(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="run_id"):
        runs.record_run(str(tmp_path / "w.duckdb"), {"started_at": START.isoformat()})
    with pytest.raises(ValueError, match="status"):
        runs.record_run(str(tmp_path / "w.duckdb"), _summary("r1", 0, {}, status="done"))


def test_failed_run_keeps_its_error(tmp_path: Path) -> None:
    db = tmp_path / "work.duckdb"
    runs.record_run(str(db), _summary("r1", 0, {"wire": 0}, status="failed", error="dbt failed"))
    row = runs.latest_run(str(db))
    assert row is not None
    assert (row["status"], row["error"]) == ("failed", "dbt failed")
    lines = runs.format_run(row)
    assert lines[0].startswith("run r1: failed")
    assert any("error: dbt failed" in line for line in lines)
    assert any("failures: not_found 3, timeout 2" in line for line in lines)


def test_zero_articles_from_a_busy_source_warns(tmp_path: Path) -> None:
    db = tmp_path / "work.duckdb"
    for day, busy in enumerate((12, 9, 15)):
        runs.record_run(str(db), _summary(f"r{day}", day, {"busy": busy, "quiet": 1}))
    warnings = runs.anomalies(str(db), {"busy": 0, "quiet": 0, "new": 0}, run_id="r3")
    assert len(warnings) == 1
    assert warnings[0].startswith("source busy loaded 0 articles")
    assert "median over the previous 3 runs is 12" in warnings[0]
    assert runs.anomalies(str(db), {"busy": 4, "quiet": 0}) == []


def test_anomalies_ignore_failed_runs_short_history_and_the_run_itself(tmp_path: Path) -> None:
    db = tmp_path / "work.duckdb"
    assert runs.anomalies(str(db), {"busy": 0}) == []  # no database yet
    runs.record_run(str(db), _summary("r0", 0, {"busy": 20}))
    assert runs.anomalies(str(db), {"busy": 0}) == []  # one run is too little history
    runs.record_run(str(db), _summary("r1", 1, {"busy": 20}, status="failed"))
    assert runs.anomalies(str(db), {"busy": 0}) == []  # failed runs do not count
    runs.record_run(str(db), _summary("r2", 2, {"busy": 0}))
    # The history is now [20, 0]: median 10 >= 5, unless r2 is the run being judged.
    assert runs.anomalies(str(db), {"busy": 0}, run_id="r2") == []
    assert len(runs.anomalies(str(db), {"busy": 0}, run_id="r3")) == 1


def test_warnings_are_stored_and_printed(tmp_path: Path) -> None:
    db = tmp_path / "work.duckdb"
    runs.record_run(str(db), _summary("r1", 0, {"a": 1}, warnings=["source b loaded 0 articles"]))
    row = runs.latest_run(str(db))
    assert row is not None and json.loads(row["warnings"]) == ["source b loaded 0 articles"]
    assert "  warning: source b loaded 0 articles" in runs.format_run(row)


def test_source_article_counts_include_silent_sources(tmp_path: Path) -> None:
    db = tmp_path / "work.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema raw")
    con.execute("create table raw.articles (source_name varchar, loaded_at timestamp)")
    con.execute(
        "insert into raw.articles values ('a', ?), ('a', ?), ('b', ?)",
        [START, START + timedelta(hours=1), START - timedelta(days=1)],
    )
    con.close()
    counts = runs.source_article_counts(str(db), START.isoformat(), ["a", "b", "c"])
    assert counts == {"a": 2, "b": 0, "c": 0}


def test_record_stage_results_for_a_dag_run(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.work.duckdb"
    for day in range(3):
        runs.record_run(str(db), _summary(f"r{day}", day, {"busy": 10, "a": 2}))
    con = duckdb.connect(str(db))
    con.execute("create table raw.articles (source_name varchar, loaded_at timestamp)")
    con.execute("insert into raw.articles values ('a', ?)", [START + timedelta(days=5)])
    con.close()
    settings = {"work_db": str(db), "warehouse": str(tmp_path / "warehouse.duckdb")}
    lines = runs.record_stage_results(
        settings,
        "scheduled__2026-03-06",
        START + timedelta(days=5),
        {"articles": 1, "statuses": {"ok": 1, "timeout": 4}},
        {"annotate": {"annotated": 1}},
        ["busy", "a"],
    )
    row = runs.latest_run(str(db))
    assert row is not None and row["run_id"] == "scheduled__2026-03-06"
    assert json.loads(row["source_article_counts"]) == {"a": 1, "busy": 0}
    assert json.loads(row["failures_by_status"]) == {"timeout": 4}
    assert lines[0].startswith("run scheduled__2026-03-06: succeeded")
    assert any("warning: source busy loaded 0 articles" in line for line in lines)
