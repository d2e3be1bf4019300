"""Run the dbt project (``dbt_project/``) against a work database.

dbt runs in-process through ``dbt.cli.main.dbtRunner``; the profile reads the
database path from ``NEWSEVENTS_WORK_DB``, which is set for the duration of the call.
``build`` raises :class:`DbtError` naming the failed models and tests, so a failed
transform never gets published.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LOGGER = logging.getLogger(__name__)

ENV_WORK_DB = "NEWSEVENTS_WORK_DB"
# Set to any value to see dbt's own progress lines on the console.
ENV_VERBOSE = "NEWSEVENTS_DBT_VERBOSE"
PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
SEEDS_DIR = PROJECT_DIR.parent / "seeds"
# Where build() remembers the rules it last applied (see rules_fingerprint).
STATE_DDL = (
    "create schema if not exists raw; "
    "create table if not exists raw.transform_state (key varchar primary key, value varchar)"
)

# dbt's in-process runner is not re-entrant and the environment variable is process-wide.
_LOCK = threading.Lock()

_FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})


class DbtError(RuntimeError):
    """dbt could not run, or a model or test failed."""


@contextmanager
def _work_db_env(work_db_path: str | os.PathLike[str]) -> Iterator[str]:
    path = str(Path(work_db_path).expanduser().resolve())
    previous = os.environ.get(ENV_WORK_DB)
    os.environ[ENV_WORK_DB] = path
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop(ENV_WORK_DB, None)
        else:
            os.environ[ENV_WORK_DB] = previous


def target_dir() -> Path:
    """dbt's target folder: ``$DBT_TARGET_PATH`` (relative to the project) or ``target``.

    dbt itself honours ``DBT_TARGET_PATH``; set it to give concurrent runs (tests, a
    second pipeline) a private folder for manifests, compiled SQL and the docs site.
    """
    return PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target")


def _release_database() -> None:
    """Close the DuckDB file dbt-duckdb keeps open in-process after a run.

    Without this, the process cannot reopen the file read-only (or from another
    stage) until it exits.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a dependency
        return
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        try:
            environment.close()
        except Exception:  # closing is best effort; the next run opens a fresh one
            LOGGER.debug("closing the dbt-duckdb environment failed", exc_info=True)
    DuckDBConnectionManager.close_all_connections()
    gc.collect()


def _invoke(args: list[str], work_db_path: str | os.PathLike[str]) -> Any:
    from dbt.cli.main import dbtRunner  # heavy import: only when dbt actually runs

    with _LOCK, _work_db_env(work_db_path) as path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        full_args = [
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
        ]
        if not os.environ.get(ENV_VERBOSE):
            # Errors still print; the full log stays in dbt_project/logs/dbt.log.
            full_args.insert(0, "--quiet")
        LOGGER.info("dbt %s on %s", " ".join(args), path)
        try:
            result = dbtRunner().invoke(full_args)
        finally:
            _release_database()
    if result.exception is not None:
        raise DbtError(f"dbt {args[0]} could not run: {result.exception}") from result.exception
    return result


def rules_fingerprint() -> str:
    """sha256 over the seeds and the model SQL: the rules that incremental models applied.

    Incremental models resolve and code each article once; when an analyst edits a seed
    (an alias, a dated role, a verb pattern) or a model changes, old articles must be
    re-resolved, so :func:`build` turns into a full refresh when this value changes.
    """
    digest = hashlib.sha256()
    seeds = SEEDS_DIR.glob("*.csv")
    models = (PROJECT_DIR / "models").rglob("*.sql")
    for path in sorted([*seeds, *models]):
        digest.update(str(path.relative_to(PROJECT_DIR.parent)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stored_fingerprint(work_db_path: str) -> str | None:
    import duckdb

    if not Path(work_db_path).exists():
        return None
    with duckdb.connect(work_db_path) as con:
        con.execute(STATE_DDL)
        row = con.execute(
            "select value from raw.transform_state where key = 'rules_fingerprint'"
        ).fetchone()
    return row[0] if row else None


def _store_fingerprint(work_db_path: str, fingerprint: str) -> None:
    import duckdb

    with duckdb.connect(work_db_path) as con:
        con.execute(STATE_DDL)
        con.execute(
            "insert or replace into raw.transform_state values ('rules_fingerprint', ?)",
            [fingerprint],
        )


def build(
    work_db_path: str, full_refresh: bool = False, select: str | None = None
) -> dict[str, Any]:
    """``dbt build`` (seeds, models, unit and data tests) on the work database.

    A change of the seeds or models since the last successful build (see
    :func:`rules_fingerprint`) makes it a full refresh. Returns ``{"success",
    "counts": {status: n}, "models": n, "tests": n, "seeds": n, "unit_tests": n,
    "full_refresh"}``; raises :class:`DbtError` listing what failed.
    """
    fingerprint = rules_fingerprint()
    stored = _stored_fingerprint(work_db_path)
    if select is None and stored is not None and stored != fingerprint and not full_refresh:
        LOGGER.info("seeds or models changed since the last build: full refresh")
        full_refresh = True
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    result = _invoke(args, work_db_path)
    counts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    failures: list[str] = []
    for node_result in result.result or []:
        status = str(getattr(node_result.status, "value", node_result.status)).lower()
        counts[status] += 1
        node = node_result.node
        kinds[str(getattr(node.resource_type, "value", node.resource_type))] += 1
        if status in _FAILED_STATUSES:
            message = (node_result.message or "").strip().splitlines()
            failures.append(f"{node.name} ({status}): {message[0] if message else ''}")
    summary = {
        "success": bool(result.success) and not failures,
        "counts": dict(counts),
        "models": kinds.get("model", 0),
        "tests": kinds.get("test", 0),
        "unit_tests": kinds.get("unit_test", 0),
        "seeds": kinds.get("seed", 0),
        "full_refresh": full_refresh,
    }
    if not summary["success"]:
        detail = "; ".join(failures) or "see dbt_project/logs/dbt.log"
        raise DbtError(f"dbt build failed: {detail}")
    if select is None:
        _store_fingerprint(work_db_path, fingerprint)
    LOGGER.info("dbt build: %s", summary["counts"])
    return summary


def docs_generate(work_db_path: str) -> str:
    """``dbt docs generate --static``; returns the path of the single-file site."""
    result = _invoke(["docs", "generate", "--static"], work_db_path)
    if not result.success:
        raise DbtError("dbt docs generate failed: see dbt_project/logs/dbt.log")
    path = target_dir() / "static_index.html"
    if not path.is_file():
        raise DbtError(f"dbt docs generate wrote no {path}")
    return str(path)
