"""Analysts read the published warehouse while a full nightly run replaces it.

The run (``newsevents run`` on the samples, in a child process) writes its own work
database and publishes by atomic rename; an analyst holding a read-only connection
must never get an error, must keep seeing the old, complete state, and must see the
new state after reconnecting.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from newsevents import warehouse as warehouse_module
from newsevents.analyst import sql as analyst_sql

OLD_STATE = (1, "old-state")


def test_run_succeeds_while_an_analyst_holds_the_published_file(nightly_run) -> None:
    assert nightly_run.returncode == 0, nightly_run.output[-3000:]
    # The analyst queried throughout the run (many polls), never with an error.
    assert len(nightly_run.held_states) > 3
    assert nightly_run.errors == []


def test_held_connection_sees_only_the_old_state(nightly_run) -> None:
    assert set(nightly_run.held_states) == {OLD_STATE}
    assert nightly_run.held_after_run == OLD_STATE


def test_reconnecting_shows_the_new_complete_state(nightly_run) -> None:
    count, first_id = nightly_run.reconnected
    assert count >= 10  # the samples hold a dozen articles
    assert first_id != "old-state"
    # A connection opened at any moment of the run saw one complete state or the other.
    assert set(nightly_run.fresh_states) <= {OLD_STATE, nightly_run.reconnected}
    assert OLD_STATE in nightly_run.fresh_states


def test_published_file_holds_the_run_report(sample_warehouse: Path) -> None:
    _columns, rows = analyst_sql.query(
        "select status, articles_loaded_count, source_article_counts->>'sample-wire', "
        "transform_seconds is not null, finished_at >= started_at, has_warnings "
        "from marts.pipeline_runs",
        sample_warehouse,
    )
    assert len(rows) == 1, rows
    status, loaded, per_source, has_transform, ordered, has_warnings = rows[0]
    assert status == "succeeded"
    assert loaded >= 10 and int(per_source) == loaded
    assert has_transform and ordered and has_warnings is False


def test_publish_while_reading_keeps_old_state_until_reconnect(tmp_path: Path) -> None:
    """The publish step itself, with a query in flight between copy and rename."""
    work = tmp_path / "warehouse.work.duckdb"
    published = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(work))
    con.execute("create schema marts")
    con.execute("create table marts.events as select range as event_id from range(3)")
    con.close()
    warehouse_module.publish(work, published)

    reader = analyst_sql.connect_read_only(published)
    try:
        con = duckdb.connect(str(work))
        con.execute("insert into marts.events select range from range(3, 10)")
        con.close()
        warehouse_module.publish(work, published)
        row = reader.execute("select count(*) from marts.events").fetchone()
        assert row == (3,)
    finally:
        reader.close()
    assert analyst_sql.query("select count(*) from marts.events", published)[1] == [(10,)]
    # No temporary copies are left next to the published file.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "warehouse.duckdb",
        "warehouse.work.duckdb",
    ]


def test_analyst_query_is_read_only(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(published)).close()
    with pytest.raises(duckdb.Error, match=r"(?i)read-only"):
        analyst_sql.query("create table t (x integer)", published)


def test_analyst_query_names_a_missing_warehouse(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(FileNotFoundError, match=r"nowhere\.duckdb"):
        analyst_sql.query("select 1", missing)
    assert not missing.exists()  # a read-only helper never creates the file
