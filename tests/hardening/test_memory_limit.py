"""DuckDB's memory is capped in the pipeline's connections and in dbt, so it does not
grow with the corpus (``NEWSEVENTS_DUCKDB_MEMORY_LIMIT``, default 1GB)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from newsevents import warehouse
from newsevents.settings import SettingsError


def _limit(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("select current_setting('memory_limit')").fetchone()
    assert row is not None
    return str(row[0])


def test_pipeline_connections_take_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    monkeypatch.delenv(warehouse.ENV_MEMORY_LIMIT, raising=False)
    with warehouse.connect(path) as con:
        assert _limit(con) == "953.6 MiB"  # 1GB
    monkeypatch.setenv(warehouse.ENV_MEMORY_LIMIT, "512MB")
    with warehouse.connect(path) as con:
        assert _limit(con) == "488.2 MiB"


def test_a_bad_limit_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(warehouse.ENV_MEMORY_LIMIT, "lots")
    with pytest.raises(SettingsError) as caught, warehouse.connect(tmp_path / "w.duckdb"):
        pass
    assert str(caught.value) == (
        "NEWSEVENTS_DUCKDB_MEMORY_LIMIT='lots' is not a size such as 1GB or 800MB"
    )


def test_dbt_takes_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsevents.transform import dbt

    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv(warehouse.ENV_MEMORY_LIMIT, "700MB")
    result = dbt._invoke(
        ["show", "--inline", "select current_setting('memory_limit') as m"],
        str(tmp_path / "w.duckdb"),
    )
    assert result.success
    shown = result.result.results[0].agate_table.rows[0][0]
    assert shown == "667.5 MiB"
