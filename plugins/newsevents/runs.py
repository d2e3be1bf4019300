"""Run reports: one row per pipeline run in ``raw.pipeline_runs``, and anomaly checks.

The pipeline calls :func:`record_run` on the *work* database (upsert by ``run_id``,
so calling it again with the final numbers updates the same row) before it
publishes; dbt exposes the table as the view ``marts.pipeline_runs``, so the
published copy always carries the run that produced it.

:func:`anomalies` compares the articles each source loaded in this run with its
previous runs: a source whose median is at least :data:`ANOMALY_MIN_MEDIAN`
articles but that loaded none this time gets a warning line in the summary.
"""

from __future__ import annotations

import json
import logging
import statistics
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

LOGGER = logging.getLogger(__name__)

# A source counts as "usually yields many articles" when the median of its previous
# runs is at least this: below it, a quiet night (a weekly blog, a small feed) is normal.
ANOMALY_MIN_MEDIAN = 5
# Fewer previous runs than this is too little history to call zero an anomaly.
ANOMALY_MIN_HISTORY = 2
# How many previous runs the median looks at: about a month of nightly runs, so a
# source that changed its publishing rhythm stops warning after a few weeks.
ANOMALY_HISTORY_RUNS = 30

STAGES = ("discover", "fetch", "load", "annotate", "transform", "docs", "publish")
STATUSES = ("running", "succeeded", "failed")

RUNS_DDL: tuple[str, ...] = (
    "create schema if not exists raw",
    """
    create table if not exists raw.pipeline_runs (
        run_id varchar primary key,         -- one id per run (uuid, or the Airflow run_id)
        started_at timestamp not null,      -- UTC
        finished_at timestamp,              -- UTC; null while running
        status varchar not null,            -- running, succeeded, failed
        error varchar,                      -- one line, when status = failed
        sources_file varchar,               -- the sources YAML of the run
        source_names json,                  -- ["name", ...] discovered in this run
        warehouse varchar,                  -- the published file the run writes
        discovered_count integer,           -- URLs discovered (deduplicated)
        fetched_count integer,              -- URLs fetched or read
        articles_loaded_count integer,      -- new rows in raw.articles
        duplicate_count integer,            -- URLs that yielded an article already held
        failed_count integer,               -- URLs that failed (sum of failures_by_status)
        articles_total integer,             -- rows in raw.articles after the run
        discover_seconds double,
        fetch_seconds double,
        load_seconds double,
        annotate_seconds double,
        transform_seconds double,
        docs_seconds double,
        publish_seconds double,
        total_seconds double,               -- sum of the stage seconds
        fetch_statuses json,                -- {"ok": n, "duplicate": n, "timeout": n, ...}
        failures_by_status json,            -- only the failure statuses of fetch_statuses
        stage_counts json,                  -- {"annotate": {...}, "transform": {...}, ...}
        source_article_counts json,         -- {"source name": new articles this run}
        discover_errors json,               -- ["source: reason", ...]
        warnings json,                      -- anomaly lines (see newsevents.runs.anomalies)
        recorded_at timestamp not null      -- UTC, last time this row was written
    )
    """,
)

_COLUMNS = (
    "run_id",
    "started_at",
    "finished_at",
    "status",
    "error",
    "sources_file",
    "source_names",
    "warehouse",
    "discovered_count",
    "fetched_count",
    "articles_loaded_count",
    "duplicate_count",
    "failed_count",
    "articles_total",
    *(f"{stage}_seconds" for stage in STAGES),
    "total_seconds",
    "fetch_statuses",
    "failures_by_status",
    "stage_counts",
    "source_article_counts",
    "discover_errors",
    "warnings",
    "recorded_at",
)
# Statuses after which a URL did not fail (the article is held or unchanged).
_NOT_FAILED = frozenset({"ok", "duplicate", "not_modified"})


def utc_now() -> datetime:
    """Current UTC time, naive (DuckDB ``timestamp`` columns hold UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_run_id() -> str:
    return uuid.uuid4().hex


def ensure_runs_table(con: duckdb.DuckDBPyConnection) -> None:
    for statement in RUNS_DDL:
        con.execute(statement)


def _timestamp(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str, sort_keys=True)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _row(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The ``raw.pipeline_runs`` row for a run summary (``pipeline.run_all``'s dict)."""
    run_id = summary.get("run_id")
    if not run_id:
        raise ValueError("a run summary needs a run_id (see newsevents.runs.new_run_id)")
    started_at = _timestamp(summary.get("started_at"))
    if started_at is None:
        raise ValueError(f"run {run_id}: a run summary needs started_at")
    status = summary.get("status") or ("succeeded" if summary.get("finished_at") else "running")
    if status not in STATUSES:
        raise ValueError(f"run {run_id}: status {status!r} is not one of {', '.join(STATUSES)}")
    statuses = dict(summary.get("statuses") or {})
    failures = summary.get("failed")
    if failures is None:
        failures = {k: v for k, v in statuses.items() if k not in _NOT_FAILED}
    seconds = dict(summary.get("seconds") or {})
    stage_counts = {
        stage: summary[stage]
        for stage in ("annotate", "transform", "docs", "publish")
        if isinstance(summary.get(stage), Mapping)
    }
    row: dict[str, Any] = {
        "run_id": str(run_id),
        "started_at": started_at,
        "finished_at": _timestamp(summary.get("finished_at")),
        "status": status,
        "error": summary.get("error"),
        "sources_file": summary.get("sources"),
        "source_names": _json(summary.get("source_names")),
        "warehouse": summary.get("warehouse"),
        "discovered_count": _int(summary.get("discovered")),
        "fetched_count": _int(summary.get("fetched")),
        "articles_loaded_count": _int(summary.get("articles_loaded")),
        "duplicate_count": _int(summary.get("duplicates")),
        "failed_count": sum(int(v) for v in failures.values()),
        "articles_total": _int(summary.get("articles_total")),
        "total_seconds": round(sum(float(v) for v in seconds.values()), 3) if seconds else None,
        "fetch_statuses": _json(statuses),
        "failures_by_status": _json(dict(failures)),
        "stage_counts": _json(stage_counts),
        "source_article_counts": _json(summary.get("source_counts")),
        "discover_errors": _json(list(summary.get("discover_errors") or [])),
        "warnings": _json(list(summary.get("warnings") or [])),
        "recorded_at": utc_now(),
    }
    for stage in STAGES:
        value = seconds.get(stage)
        row[f"{stage}_seconds"] = None if value is None else float(value)
    return row


def record_run(db_path: str, summary: dict[str, Any]) -> None:
    """Insert or update (by ``run_id``) the summary row of one run in ``raw.pipeline_runs``.

    ``summary`` is ``pipeline.run_all``'s dict plus ``run_id``, ``started_at`` and,
    once known, ``finished_at``, ``status`` (``running`` / ``succeeded`` / ``failed``),
    ``error``, ``source_names``, ``source_counts`` and ``warnings``. Unknown keys are
    ignored; recording the same run again replaces its row.
    """
    row = _row(summary)
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "run_id")
    marks = ", ".join("?" for _ in _COLUMNS)
    con = duckdb.connect(str(db_path))
    try:
        ensure_runs_table(con)
        con.execute(
            f"insert into raw.pipeline_runs ({', '.join(_COLUMNS)}) values ({marks}) "
            f"on conflict (run_id) do update set {updates}",
            [row[c] for c in _COLUMNS],
        )
    finally:
        con.close()
    LOGGER.info("recorded run %s (%s)", row["run_id"], row["status"])


def source_article_counts(
    db_path: str, since: datetime | str, source_names: Iterable[str] = ()
) -> dict[str, int]:
    """New ``raw.articles`` rows per source loaded at or after ``since``.

    Every name in ``source_names`` is present (0 when it loaded nothing), so a source
    that went quiet shows up for :func:`anomalies`.
    """
    counts = {name: 0 for name in source_names}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute(
            "select source_name, count(*) from raw.articles "
            "where loaded_at >= ? group by source_name",
            [_timestamp(since)],
        ).fetchall()
    finally:
        con.close()
    for name, count in rows:
        counts[str(name)] = int(count)
    return counts


def _history(con: duckdb.DuckDBPyConnection, exclude_run_id: str | None) -> list[dict[str, int]]:
    rows = con.execute(
        "select source_article_counts from raw.pipeline_runs "
        "where status = 'succeeded' and source_article_counts is not null "
        "and run_id is distinct from ? "
        "order by started_at desc limit ?",
        [exclude_run_id, ANOMALY_HISTORY_RUNS],
    ).fetchall()
    return [json.loads(value) for (value,) in rows if value]


def anomalies(
    db_path: str, source_counts: Mapping[str, int], run_id: str | None = None
) -> list[str]:
    """Warning lines for sources that loaded zero articles but usually load many.

    ``source_counts`` maps source name to the new articles of this run (see
    :func:`source_article_counts`). History is the previous succeeded runs in
    ``raw.pipeline_runs`` of ``db_path`` (the run ``run_id`` itself excluded).
    """
    path = Path(db_path)
    if not path.is_file():
        return []
    con = duckdb.connect(str(path), read_only=True)
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'pipeline_runs'"
        ).fetchone()
        history = _history(con, run_id) if exists and exists[0] else []
    finally:
        con.close()
    warnings: list[str] = []
    for name, count in sorted(source_counts.items()):
        if count:
            continue
        previous = [int(run[name]) for run in history if name in run]
        if len(previous) < ANOMALY_MIN_HISTORY:
            continue
        median = statistics.median(previous)
        if median >= ANOMALY_MIN_MEDIAN:
            warnings.append(
                f"source {name} loaded 0 articles; its median over the previous "
                f"{len(previous)} runs is {median:g}"
            )
    for line in warnings:
        LOGGER.warning("%s", line)
    return warnings


def latest_run(db_path: str) -> dict[str, Any] | None:
    """The most recent row of ``raw.pipeline_runs`` (read-only), or None."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'pipeline_runs'"
        ).fetchone()
        if not exists or not exists[0]:
            return None
        cursor = con.execute(
            "select * from raw.pipeline_runs order by started_at desc, recorded_at desc limit 1"
        )
        columns = [d[0] for d in cursor.description or []]
        row = cursor.fetchone()
    finally:
        con.close()
    return dict(zip(columns, row, strict=True)) if row else None


def format_run(row: Mapping[str, Any]) -> list[str]:
    """Human-readable lines for one ``raw.pipeline_runs`` row (CLI output, Airflow log)."""
    lines = [
        f"run {row['run_id']}: {row['status']}, started {row['started_at']}, "
        f"finished {row.get('finished_at') or '-'}",
        f"  discovered {row.get('discovered_count')}, fetched {row.get('fetched_count')}, "
        f"new articles {row.get('articles_loaded_count')}, duplicates "
        f"{row.get('duplicate_count')}, failed {row.get('failed_count')}, "
        f"articles total {row.get('articles_total')}",
    ]
    seconds = [
        f"{stage} {row[f'{stage}_seconds']:.1f}s"
        for stage in STAGES
        if row.get(f"{stage}_seconds") is not None
    ]
    if seconds:
        lines.append("  seconds: " + ", ".join(seconds))
    failures = row.get("failures_by_status")
    if isinstance(failures, str):
        failures = json.loads(failures)
    if failures:
        lines.append("  failures: " + ", ".join(f"{k} {v}" for k, v in sorted(failures.items())))
    if row.get("error"):
        lines.append(f"  error: {row['error']}")
    warnings = row.get("warnings")
    if isinstance(warnings, str):
        warnings = json.loads(warnings)
    lines.extend(f"  warning: {line}" for line in warnings or [])
    return lines


def record_stage_results(
    settings: Mapping[str, Any],
    run_id: str,
    started_at: datetime | str,
    loaded: Mapping[str, Any],
    stages: Mapping[str, Mapping[str, Any]] | None = None,
    source_names: Iterable[str] = (),
    seconds: Mapping[str, float] | None = None,
    discovered: int | None = None,
) -> list[str]:
    """Record a run whose stages ran as separate tasks (the Airflow DAG); return log lines.

    ``loaded`` is ``pipeline.load_raw``'s result, ``stages`` the other stage results by
    name (``annotate``, ``docs``, ...), ``seconds`` each stage's seconds (as the CLI's
    ``seconds``) and ``discovered`` the URLs the sources yielded. New articles per
    source, the articles in the warehouse and anomaly warnings are computed from the
    work DB, then the row is written there (call it before ``publish``, in the
    warehouse pool) and described for the task log.
    """
    work_db = str(settings["work_db"])
    names = list(source_names)
    exists = Path(work_db).is_file()
    counts = source_article_counts(work_db, started_at, names) if exists else {}
    articles_total = None
    if exists:
        with duckdb.connect(work_db, read_only=True) as con:
            found = con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'raw' and table_name = 'articles'"
            ).fetchone()
            if found and found[0]:
                total_row = con.execute("select count(*) from raw.articles").fetchone()
                articles_total = int(total_row[0]) if total_row else None
    statuses = dict(loaded.get("statuses") or {})
    summary: dict[str, Any] = {
        "run_id": run_id,
        "started_at": started_at,
        "finished_at": utc_now(),
        "status": "succeeded",
        "sources": settings.get("sources"),
        "source_names": names or sorted(counts),
        "warehouse": settings.get("warehouse"),
        "articles_loaded": loaded.get("articles"),
        "articles_total": articles_total,
        "discovered": discovered,
        "seconds": {k: v for k, v in (seconds or {}).items() if v is not None},
        "fetched": sum(statuses.values()),
        "duplicates": statuses.get("duplicate", 0),
        "statuses": statuses,
        "source_counts": counts,
        "warnings": anomalies(work_db, counts, run_id),
        **{name: dict(result) for name, result in (stages or {}).items()},
    }
    record_run(work_db, summary)
    row = latest_run(work_db)
    return format_run(row) if row else []
