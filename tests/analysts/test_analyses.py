"""Every example analysis compiles (dbt) and runs against the sample warehouse.

The SQL dbt compiles is run as an analyst would: read-only on the published file.
Columns must match analyses/analyses.yml, so the documentation stays true.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from newsevents.analyst import sql as analyst_sql

REPO_ROOT = Path(__file__).resolve().parents[2]
ANALYSES_DIR = REPO_ROOT / "dbt_project" / "analyses"
ANALYSES = sorted(path.stem for path in ANALYSES_DIR.glob("*.sql"))
EXPECTED = {
    "who_met_whom_this_month",
    "most_active_dyads",
    "cooperation_vs_conflict_by_country_pair",
    "events_for_actor",
    "new_actors_this_week",
    "sources_by_volume",
}


def _documented() -> dict[str, list[str]]:
    spec = yaml.safe_load((ANALYSES_DIR / "analyses.yml").read_text(encoding="utf-8"))
    return {a["name"]: [c["name"] for c in a.get("columns", [])] for a in spec["analyses"]}


def _run(docs_target: Path, warehouse: Path, name: str) -> list[dict[str, Any]]:
    compiled = docs_target / "compiled" / "newsevents" / "analyses" / f"{name}.sql"
    assert compiled.is_file(), f"dbt did not compile analyses/{name}.sql"
    sql = compiled.read_text(encoding="utf-8")
    assert "{{" not in sql and "ref(" not in sql
    columns, rows = analyst_sql.query(sql, warehouse)
    assert columns == _documented()[name], f"{name}: columns differ from analyses.yml"
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_every_analysis_is_present_and_documented() -> None:
    assert set(ANALYSES) == EXPECTED
    documented = _documented()
    assert set(documented) == EXPECTED
    for name, columns in documented.items():
        assert columns, f"{name} documents no columns"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_analysis_compiles_and_runs(name: str, docs_target: Path, sample_warehouse: Path) -> None:
    _run(docs_target, sample_warehouse, name)


def test_sources_by_volume_counts_the_sample_source(
    docs_target: Path, sample_warehouse: Path
) -> None:
    rows = _run(docs_target, sample_warehouse, "sources_by_volume")
    _, [(articles, urls)] = analyst_sql.query(
        "select (select count(*) from marts.articles), (select count(*) from marts.fetch_log)",
        sample_warehouse,
    )
    assert [r["source_name"] for r in rows] == ["sample-wire"]
    assert rows[0]["article_count"] == articles
    assert rows[0]["url_count"] == urls
    assert rows[0]["fetched_ok"] + rows[0]["fetch_failed"] == urls
    assert rows[0]["event_count"] > 0


def test_events_for_actor_gives_evidence_sentences(
    docs_target: Path, sample_warehouse: Path
) -> None:
    rows = _run(docs_target, sample_warehouse, "events_for_actor")
    assert rows, "the samples report events of Vladimir Putin (the default actor_name)"
    for row in rows:
        assert "Vladimir Putin" in (row["source_actor"], row["target_actor"])
        assert row["evidence"] and len(row["evidence"]) > 20
        assert row["article_url"]


def test_new_actors_are_within_a_week_of_the_latest_first_seen(
    docs_target: Path, sample_warehouse: Path
) -> None:
    rows = _run(docs_target, sample_warehouse, "new_actors_this_week")
    _, [(latest,)] = analyst_sql.query("select max(first_seen) from marts.actors", sample_warehouse)
    assert rows and max(r["first_seen"] for r in rows) == latest
    assert all(r["first_seen"] > latest - timedelta(days=7) for r in rows)
    _, [(recent,)] = analyst_sql.query(
        f"select count(*) from marts.actors where first_seen > date '{latest.isoformat()}' - 7",
        sample_warehouse,
    )
    assert len(rows) == recent


def test_dyads_and_country_pairs_add_up(docs_target: Path, sample_warehouse: Path) -> None:
    dyads = _run(docs_target, sample_warehouse, "most_active_dyads")
    assert dyads
    counts = [d["event_count"] for d in dyads]
    assert counts == sorted(counts, reverse=True)
    for dyad in dyads:
        assert dyad["cooperation_events"] + dyad["conflict_events"] == dyad["event_count"]
        assert dyad["actor_a_id"] < dyad["actor_b_id"]
    pairs = _run(docs_target, sample_warehouse, "cooperation_vs_conflict_by_country_pair")
    assert pairs
    for pair in pairs:
        quads = (
            pair["verbal_cooperation"]
            + pair["material_cooperation"]
            + pair["verbal_conflict"]
            + pair["material_conflict"]
        )
        assert quads == pair["event_count"]
        assert pair["country_a"] < pair["country_b"]
        assert pair["event_month"].day == 1


def test_who_met_whom_is_this_month_of_the_data(docs_target: Path, sample_warehouse: Path) -> None:
    rows = _run(docs_target, sample_warehouse, "who_met_whom_this_month")
    _, [(latest,)] = analyst_sql.query("select max(event_date) from marts.events", sample_warehouse)
    month_start = latest.replace(day=1)
    _, [(expected,)] = analyst_sql.query(
        "select count(*) from marts.events where event_root_code = '04' "
        f"and event_date >= date '{month_start.isoformat()}'",
        sample_warehouse,
    )
    assert len(rows) == expected
    assert all(r["event_code"].startswith("04") and r["event_date"] >= month_start for r in rows)
