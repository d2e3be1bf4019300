"""The bundled sample run (what `make run` does) and the quality gate on its gold set.

One real `newsevents run` on samples/ into a temporary warehouse, then a second run
over the same sources: the gold-set floors hold and the re-run changes no key.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from newsevents import evaluate

MART_KEYS = {
    "articles": "article_id",
    "actors": "actor_id",
    "actor_mentions": "mention_id",
    "events": "event_id",
    "event_mentions": "event_id || '/' || article_id || '/' || sentence_index",
    "relations": "relation_id",
}


def _run(repo_root: Path, warehouse: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
        DBT_TARGET_PATH=str(warehouse.parent / "dbt_target"),
        NEWSEVENTS_SOURCES=str(repo_root / "samples" / "sources.yml"),
    )
    return subprocess.run(
        [sys.executable, "-m", "newsevents.cli", "run", "--warehouse", str(warehouse)],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _keys(warehouse: Path) -> dict[str, set[Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            table: {row[0] for row in con.execute(f"select {key} from marts.{table}").fetchall()}
            for table, key in MART_KEYS.items()
        }


@pytest.fixture(scope="module")
def sample_runs(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    warehouse = tmp_path_factory.mktemp("sample_run") / "warehouse.duckdb"
    first = _run(repo_root, warehouse)
    assert first.returncode == 0, first.stderr[-3000:]
    keys_first = _keys(warehouse)
    result = evaluate.run_eval(str(warehouse), str(repo_root / "samples" / "gold.yml"))
    second = _run(repo_root, warehouse)
    assert second.returncode == 0, second.stderr[-3000:]
    return {
        "warehouse": warehouse,
        "first": first,
        "keys_first": keys_first,
        "keys_second": _keys(warehouse),
        "eval": result,
    }


def test_sample_run_loads_every_sample_article(
    sample_runs: dict[str, Any], repo_root: Path
) -> None:
    pages = sorted((repo_root / "samples" / "articles").glob("*.html"))
    with duckdb.connect(str(sample_runs["warehouse"]), read_only=True) as con:
        statuses = dict(
            con.execute("select status, count(*) from marts.fetch_log group by 1").fetchall()
        )
        languages = dict(
            con.execute("select language, count(*) from marts.articles group by 1").fetchall()
        )
        skipped = con.execute(
            "select count(*) from raw.annotations where status = 'skipped'"
        ).fetchone()
    assert statuses == {"ok": len(pages)}
    assert sum(languages.values()) == len(pages)
    assert languages.get("de") == 1
    assert skipped == (1,)
    # The summary table names the published warehouse.
    assert str(sample_runs["warehouse"]) in sample_runs["first"].stdout


def test_marts_hold_actors_events_and_relations(sample_runs: dict[str, Any]) -> None:
    keys = sample_runs["keys_first"]
    assert len(keys["actors"]) >= 30
    assert len(keys["events"]) >= 20
    assert len(keys["relations"]) >= 10
    with duckdb.connect(str(sample_runs["warehouse"]), read_only=True) as con:
        orphan_mentions = con.execute(
            "select count(*) from marts.event_mentions m "
            "left join marts.events e using (event_id) where e.event_id is null"
        ).fetchone()
    assert orphan_mentions == (0,)


def test_rerun_changes_no_key_and_adds_no_row(sample_runs: dict[str, Any]) -> None:
    assert sample_runs["keys_second"] == sample_runs["keys_first"]


def test_gold_set_floors_hold(sample_runs: dict[str, Any]) -> None:
    result = sample_runs["eval"]
    print(evaluate.format_report(result))
    assert evaluate.below_floors(result) == []
    # The floors are real floors: a warehouse with no events would fall below them.
    assert evaluate.EVAL_FLOORS["events_recall"] > 0
    assert evaluate.EVAL_FLOORS["actors_recall"] > 0
