"""``dbt source freshness`` as the nightly DAG's source_freshness task runs it.

Only the raw tables are needed (freshness reads their newest load time), so the test
makes them with the pipeline's own DDL and no dbt build. Stale tables come back as
warning lines, which the task logs at WARNING level; fresh ones pass silently.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from newsevents import runs, warehouse
from newsevents.transform import dbt


@pytest.fixture
def private_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))


def _raw_tables(path: Path, days_old: int) -> None:
    with warehouse.connect(path) as con:
        warehouse.ensure_schema(con)
        runs.ensure_runs_table(con)
        con.execute(
            "insert into raw.articles (article_id, url, canonical_url, source_name, text, "
            "word_count, content_hash, fetched_at, loaded_at, extractor_version) values "
            "('a1', 'https://e.org/a', 'https://e.org/a', 'wire', 'text', 1, 'h', "
            "now()::timestamp - to_days(?), now()::timestamp - to_days(?), 'test')",
            [days_old, days_old],
        )
        con.execute(
            "insert into raw.fetch_log (source_name, url, fetched_at, status) "
            "values ('wire', 'https://e.org/a', now()::timestamp - to_days(?), 'ok')",
            [days_old],
        )


def test_stale_raw_tables_are_warnings(tmp_path: Path, private_target: None) -> None:
    work_db = tmp_path / "warehouse.work.duckdb"
    _raw_tables(work_db, days_old=10)
    result = dbt.source_freshness(str(work_db))
    assert result["checked"] >= 2
    stale = {line.split(":")[0] for line in result["warnings"]}
    assert {"raw.articles", "raw.fetch_log"} <= stale, result
    assert any("warn, newest row 240" in line for line in result["warnings"]), result
    # the run log's table has no row yet (a first night): said plainly
    assert any(
        line.startswith("raw_runs.pipeline_runs:") and line.endswith("no rows yet")
        for line in result["warnings"]
    ), result


def test_fresh_raw_tables_pass(tmp_path: Path, private_target: None) -> None:
    work_db = tmp_path / "warehouse.work.duckdb"
    _raw_tables(work_db, days_old=0)
    result = dbt.source_freshness(str(work_db))
    assert result["counts"].get("pass", 0) >= 2
    assert not any(
        line.startswith(("raw.articles", "raw.fetch_log")) for line in result["warnings"]
    )


def test_a_task_process_that_ran_dbt_leaks_no_semaphore(tmp_path: Path) -> None:
    """Airflow ends a task process with os._exit: dbt's named semaphores must be gone by
    then, or the resource tracker logs "leaked semaphore objects" (an ERROR line)."""
    work_db = tmp_path / "warehouse.work.duckdb"
    _raw_tables(work_db, days_old=0)
    code = (
        "import os, sys\n"
        "from newsevents.transform import dbt\n"
        "dbt.source_freshness(sys.argv[1])\n"
        "sys.stdout.flush()\n"
        "os._exit(0)\n"
    )
    env = dict(
        os.environ,
        DBT_TARGET_PATH=str(tmp_path / "target"),
        DBT_LOG_PATH=str(tmp_path / "logs"),
        PYTHONPATH=str(Path(dbt.__file__).resolve().parents[1]),
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(work_db)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    time.sleep(1)  # the resource tracker reports after its parent is gone
    assert done.returncode == 0, done.stderr[-2000:]
    assert "leaked semaphore" not in done.stderr
