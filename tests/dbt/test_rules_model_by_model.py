"""The model-by-model path (cosmos in news_nightly): a rules change drops the incremental
models' tables so a plain build re-resolves every article, as ``--full-refresh`` would."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import write_base_rows
from newsevents.transform import dbt

INCREMENTAL = {
    '"intermediate"."int_articles_located_in_countries"',
    '"intermediate"."int_event_candidates_coded"',
    '"intermediate"."int_event_candidates_matched_to_patterns"',
    '"intermediate"."int_event_candidates_participant_targets"',
    '"intermediate"."int_event_candidates_resolved_to_actors"',
    '"intermediate"."int_event_candidates_sources_resolved"',
    '"intermediate"."int_mentions_in_context"',
    '"intermediate"."int_mentions_matched_to_dictionary"',
    '"intermediate"."int_mentions_resolved_to_actors"',
    '"marts"."actor_mentions"',
    '"marts"."articles"',
    '"marts"."event_mentions"',
}


def _count(path: Path, table: str) -> int | None:
    with duckdb.connect(str(path), read_only=True) as con:
        try:
            row = con.execute(f"select count(*) from {table}").fetchone()
        except duckdb.CatalogException:
            return None
    return int(row[0]) if row else 0


@pytest.fixture
def work_db(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.work.duckdb"
    write_base_rows(path)
    assert dbt.build(str(path))["success"]
    return path


def test_changed_rules_drop_incremental_tables_and_a_plain_build_restores_them(
    work_db: Path,
) -> None:
    # Unchanged rules: nothing to drop.
    assert dbt.prepare_rules(str(work_db)) == {"rules_changed": False, "dropped": []}
    counts = {table: _count(work_db, table) for table in INCREMENTAL}
    assert all(counts.values())
    # As if an analyst had edited a seed since the last build.
    with duckdb.connect(str(work_db)) as con:
        con.execute(
            "update raw.transform_state set value = 'older rules' where key = 'rules_fingerprint'"
        )
    prepared = dbt.prepare_rules(str(work_db))
    assert prepared["rules_changed"] is True
    assert set(prepared["dropped"]) == INCREMENTAL
    assert all(_count(work_db, table) is None for table in INCREMENTAL)
    # What each cosmos task runs: `dbt build --select <model>`, never --full-refresh.
    dbt._invoke(["build"], str(work_db))
    assert {table: _count(work_db, table) for table in INCREMENTAL} == counts
    assert dbt.mark_rules_applied(str(work_db)) == dbt.rules_fingerprint()
    assert dbt.prepare_rules(str(work_db)) == {"rules_changed": False, "dropped": []}
