"""Run the dbt project (``dbt_project/``) against a work database.

dbt runs in-process through ``dbt.cli.main.dbtRunner``; the profile reads the
database path from ``NEWSEVENTS_WORK_DB``, which is set for the duration of the call.
``build`` raises :class:`DbtError` naming the failed models and tests, so a failed
transform never gets published.

Both stages do only what changed. ``build`` remembers, in ``raw.transform_state``, the
rules (:func:`rules_fingerprint`), the rest of the project and a checksum of every raw
table a materialised model reads; the next build skips dbt when none changed and
otherwise builds only what the changed tables feed. ``docs_generate`` keeps its
inputs' fingerprint next to the site and skips ``dbt docs generate`` while they hold.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LOGGER = logging.getLogger(__name__)

ENV_WORK_DB = "NEWSEVENTS_WORK_DB"
# The manifest news_nightly renders its dbt tasks from (see dags/news_nightly.py).
ENV_DBT_MANIFEST = "NEWSEVENTS_DBT_MANIFEST"
# Set to any value to see dbt's own progress lines on the console.
ENV_VERBOSE = "NEWSEVENTS_DBT_VERBOSE"
PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
SEEDS_DIR = PROJECT_DIR.parent / "seeds"
# Folders of the project besides seeds (SEEDS_DIR); with the top-level *.yml files and
# the dbt versions they make up what build() and docs_generate() compare.
PROJECT_FOLDERS = ("models", "macros", "analyses", "tests", "snapshots")
VERSIONED_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")
# Written next to the docs site: the inputs it was generated from.
DOCS_STAMP_SUFFIX = ".inputs.json"
# Where build() remembers the rules it last applied (see rules_fingerprint) and the
# raw tables it read (key 'raw_state').
STATE_DDL = (
    "create schema if not exists raw; "
    "create table if not exists raw.transform_state (key varchar primary key, value varchar)"
)

# dbt reports an empty source's freshness as the age of the epoch: older than this
# (about 30 years) means the table has no rows yet.
NO_ROWS_AGE_S = 30 * 365 * 86400

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
    _unlink_semaphores()


def _unlink_semaphores() -> None:
    """Unlink the named semaphores dbt's locks created (its spawn-context ``Lock``s).

    multiprocessing unlinks them at interpreter exit. An Airflow task process ends with
    ``os._exit``, which skips that, and the resource tracker then logged "There appear to
    be 2 leaked semaphore objects" (an ERROR line in the task log). The names only serve
    to share a lock with child processes, which dbt never starts; the locks keep working
    after the unlink.
    """
    from multiprocessing import synchronize, util

    registry = getattr(util, "_finalizer_registry", {})
    cleanup = getattr(synchronize.SemLock, "_cleanup", None)
    for finalizer in list(registry.values()):
        if cleanup is not None and getattr(finalizer, "_callback", None) is cleanup:
            finalizer()


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
    """sha256 over the seeds, the model and macro SQL and ``dbt_project.yml`` (its vars).

    These are the rules that incremental models applied. Incremental models resolve and
    code each article once; when an analyst edits a seed (an alias, a dated role, a verb
    pattern), a model, a macro (``normalize_name``) or a var (the fuzzy-match threshold),
    old articles must be re-resolved, so :func:`build` turns into a full refresh when
    this value changes.
    """
    seeds = SEEDS_DIR.glob("*.csv")
    models = (PROJECT_DIR / "models").rglob("*.sql")
    macros = (PROJECT_DIR / "macros").rglob("*.sql")
    project = [path for path in [PROJECT_DIR / "dbt_project.yml"] if path.is_file()]
    return _digest(sorted([*seeds, *models, *macros, *project]))


def _digest(paths: Iterable[Path], *extra: str) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(PROJECT_DIR.parent)).encode())
        digest.update(path.read_bytes())
    for value in extra:
        digest.update(value.encode())
    return digest.hexdigest()


def _project_files() -> list[Path]:
    """Every file that defines the project: top-level *.yml, seeds and PROJECT_FOLDERS."""
    files = [path for path in PROJECT_DIR.glob("*.yml") if path.is_file()]
    for root in [SEEDS_DIR, *(PROJECT_DIR / name for name in PROJECT_FOLDERS)]:
        for folder, subfolders, names in os.walk(root, followlinks=True):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            files += [Path(folder) / name for name in names if not name.startswith(".")]
    return sorted(files)


def project_fingerprint() -> str:
    """sha256 over every project file (SQL, YAML tests and docs, seeds) and dbt's versions.

    A superset of :func:`rules_fingerprint`: a change here that is not a rules change
    (a test, a description, a new dbt) makes the next build a plain full build.
    """
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in VERSIONED_PACKAGES:
        try:
            versions.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package} missing")
    return _digest(_project_files(), *versions)


def _stored_state(work_db_path: str) -> tuple[str | None, dict[str, Any] | None]:
    """The rules fingerprint and the raw state the last successful build stored."""
    import duckdb

    if not Path(work_db_path).exists():
        return None, None
    with duckdb.connect(work_db_path) as con:
        con.execute(STATE_DDL)
        stored = dict(
            con.execute(
                "select key, value from raw.transform_state "
                "where key in ('rules_fingerprint', 'raw_state')"
            ).fetchall()
        )
    try:
        raw_state = json.loads(stored["raw_state"]) if "raw_state" in stored else None
    except ValueError:
        raw_state = None
    return stored.get("rules_fingerprint"), raw_state if isinstance(raw_state, dict) else None


def _store_state(work_db_path: str, fingerprint: str, raw_state: dict[str, Any] | None) -> None:
    import duckdb

    with duckdb.connect(work_db_path) as con:
        con.execute(STATE_DDL)
        con.execute(
            "insert or replace into raw.transform_state values ('rules_fingerprint', ?)",
            [fingerprint],
        )
        if raw_state is None:
            con.execute("delete from raw.transform_state where key = 'raw_state'")
        else:
            con.execute(
                "insert or replace into raw.transform_state values ('raw_state', ?)",
                [json.dumps(raw_state, sort_keys=True)],
            )


def _manifest(work_db_path: str) -> dict[str, Any]:
    """The last ``manifest.json`` in the target folder; ``dbt parse`` writes it if absent."""
    path = target_dir() / "manifest.json"
    if not path.is_file():
        _invoke(["parse"], work_db_path)
    try:
        return dict(json.loads(path.read_bytes()))
    except (OSError, ValueError) as exc:
        raise DbtError(f"cannot read {path}: {exc}") from exc


def incremental_relations(work_db_path: str) -> list[str]:
    """``"schema"."table"`` of every incremental model, from the manifest."""
    relations = []
    for node in _manifest(work_db_path).get("nodes", {}).values():
        if node.get("resource_type") != "model":
            continue
        if (node.get("config") or {}).get("materialized") != "incremental":
            continue
        name = node.get("alias") or node["name"]
        relations.append('"{}"."{}"'.format(node["schema"], name))
    return sorted(relations)


def prepare_rules(work_db_path: str) -> dict[str, Any]:
    """For orchestrators that build model by model (the cosmos task group in
    ``news_nightly``), where :func:`build`'s automatic full refresh cannot apply.

    When the rules (:func:`rules_fingerprint`) changed since they were last applied,
    drop the incremental models' tables: their next build then starts from every row,
    which is what ``--full-refresh`` does. Call :func:`mark_rules_applied` once every
    model built. Returns ``{"rules_changed": bool, "dropped": [relations]}``.
    """
    import duckdb

    stored, _raw_state = _stored_state(work_db_path)
    if stored is None or stored == rules_fingerprint():
        return {"rules_changed": False, "dropped": []}
    relations = incremental_relations(work_db_path)
    with duckdb.connect(work_db_path) as con:
        for relation in relations:
            con.execute(f"drop table if exists {relation}")
    LOGGER.info("rules changed since the last build: dropped %s", ", ".join(relations))
    return {"rules_changed": True, "dropped": relations}


def mark_rules_applied(work_db_path: str, raw_state: dict[str, Any] | None = None) -> str:
    """Record that every model was built with the current rules (after a model-by-model
    build). ``raw_state`` (from :func:`build_decision`, read before the build; read now
    when it is None and a manifest is readable) is stored too, so the next
    :func:`build_decision` skips when no raw table changed since.
    """
    import duckdb

    fingerprint = rules_fingerprint()
    if raw_state is None:
        # No manifest before the group (a first night): the raw tables are as they were
        # when it started (dbt writes none of them), so read their state now.
        watched = watched_sources()
        if watched is not None and Path(work_db_path).exists():
            raw_state = _raw_state(work_db_path, watched)
    if raw_state is not None:
        _store_state(work_db_path, fingerprint, raw_state)
        return fingerprint
    with duckdb.connect(work_db_path) as con:
        con.execute(STATE_DDL)
        con.execute(
            "insert or replace into raw.transform_state values ('rules_fingerprint', ?)",
            [fingerprint],
        )
    return fingerprint


def watched_sources() -> dict[str, str] | None:
    """``{"schema.table": "source:<source>.<table>+"}`` for the dbt sources whose rows a
    materialised model (table, incremental) reads, from the last manifest.

    A source read only through views (``raw.pipeline_runs``: the pipeline adds its row
    after the build, and the views show it as it is) needs no build when its rows
    change, so it is not watched; its data tests run with every full build. ``None``
    when the target folder holds no readable manifest.
    """
    manifest = _read_manifest()
    try:
        nodes: dict[str, Any] = manifest["nodes"]
        children: dict[str, list[str]] = manifest["child_map"]
        sources: dict[str, Any] = manifest["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        return None

    def feeds_a_table(unique_id: str) -> bool:
        seen: set[str] = set()
        todo = list(children.get(unique_id, []))
        while todo:
            child = todo.pop()
            if child in seen:
                continue
            seen.add(child)
            node = nodes.get(child) or {}
            materialized = (node.get("config") or {}).get("materialized")
            if node.get("resource_type") in ("model", "snapshot") and materialized not in (
                "view",
                "ephemeral",
            ):
                return True
            todo += children.get(child, [])
        return False

    return {
        f"{source['schema']}.{source['identifier']}": (
            f"source:{source['source_name']}.{source['name']}+"
        )
        for unique_id, source in sorted(sources.items())
        if feeds_a_table(unique_id)
    }


def _read_manifest() -> Any:
    """The parsed last ``manifest.json``, or None when there is none readable.

    The target folder's, else ``$NEWSEVENTS_DBT_MANIFEST`` (the manifest the nightly DAG
    renders its dbt tasks from: cosmos builds in a copy of the project, so on a first
    night the target folder may hold none yet).
    """
    candidates = [target_dir() / "manifest.json"]
    if os.environ.get(ENV_DBT_MANIFEST):
        candidates.append(Path(os.environ[ENV_DBT_MANIFEST]))
    for path in candidates:
        try:
            return json.loads(path.read_bytes())
        except (OSError, ValueError):
            continue
    return None


def view_only_selectors(watched: dict[str, str] | None = None) -> list[str]:
    """dbt selectors of the sources read only through views (``source:raw.fetch_log+``).

    Their rows need no build, but their data tests run with every build that runs:
    a selected build adds them. ``watched``: :func:`watched_sources`, when known.
    Empty without a readable manifest.
    """
    watched = watched if watched is not None else watched_sources()
    try:
        sources: dict[str, Any] = _read_manifest()["sources"]
    except (KeyError, TypeError):
        return []
    if watched is None:
        return []
    selectors = {f"source:{s['source_name']}.{s['name']}+" for s in sources.values()}
    return sorted(selectors - set(watched.values()))


def raw_table_states(work_db_path: str, relations: Iterable[str]) -> dict[str, list[Any]]:
    """``{"schema.table": [rows, xor of row hashes, sum of row hashes]}``; ``[]`` if absent.

    Whole rows are hashed, so an update, or a delete and re-insert of the same key with
    other values, changes the value. About 0.1 s for 10,000 articles' raw tables.
    """
    import duckdb

    states: dict[str, list[Any]] = {}
    with duckdb.connect(work_db_path) as con:
        for relation in relations:
            schema, _, table = relation.partition(".")
            quoted = '"{}"."{}"'.format(schema.replace('"', '""'), table.replace('"', '""'))
            try:
                row = con.execute(
                    f"select count(*), bit_xor(hash(t)), sum(hash(t)) from {quoted} t"
                ).fetchone()
            except duckdb.CatalogException:
                states[relation] = []
                continue
            count, xor, total = row if row else (0, None, None)
            states[relation] = [int(count), str(xor), str(total)]
    return states


def _raw_state(work_db_path: str, watched: dict[str, str]) -> dict[str, Any]:
    """What ``raw_state`` stores: the project fingerprint and the watched tables' states."""
    return {"project": project_fingerprint(), "tables": raw_table_states(work_db_path, watched)}


def _summary(full_refresh: bool, **extra: Any) -> dict[str, Any]:
    return {
        "success": True,
        "counts": {},
        "models": 0,
        "tests": 0,
        "unit_tests": 0,
        "seeds": 0,
        "full_refresh": full_refresh,
        **extra,
    }


def build_decision(work_db_path: str, full_refresh: bool = False) -> dict[str, Any]:
    """What the next build has to do: the checksum decision :func:`build` and the
    nightly DAG's ``dbt_needed`` short-circuit share.

    Returns ``{"skip": bool, "reason": str, "full_refresh": bool, "changed": [tables],
    "selectors": [dbt selectors], "raw_state": state or None}``. ``raw_state`` is read
    now, before dbt runs (rows written while it runs count as new next time); store it
    after a successful build (:func:`mark_rules_applied` takes it).
    """
    fingerprint = rules_fingerprint()
    stored, stored_state = _stored_state(work_db_path)
    reason = "first build, or the project or manifest changed: full build"
    if stored is not None and stored != fingerprint and not full_refresh:
        LOGGER.info("seeds or models changed since the last build: full refresh")
        full_refresh = True
        reason = "seeds, models, macros or vars changed: full refresh"
    elif full_refresh:
        reason = "full refresh asked for"
    raw_state: dict[str, Any] | None = None
    # Read before the build: rows written while dbt runs count as new next time.
    watched = watched_sources()
    if watched is not None and Path(work_db_path).exists():
        raw_state = _raw_state(work_db_path, watched)
    changed: list[str] = []
    selectors: list[str] = []
    if (
        not full_refresh
        and stored == fingerprint
        and watched is not None
        and raw_state is not None
        and stored_state is not None
        and stored_state.get("project") == raw_state["project"]
    ):
        before = stored_state.get("tables") or {}
        changed = [t for t, state in raw_state["tables"].items() if before.get(t) != state]
        if not changed:
            reason = "raw tables, seeds and models unchanged since the last build"
            LOGGER.info("dbt build skipped: %s", reason)
            return {
                "skip": True,
                "reason": reason,
                "full_refresh": False,
                "changed": [],
                "selectors": [],
                "raw_state": raw_state,
            }
        selectors = [watched[table] for table in changed] + view_only_selectors(watched)
        reason = f"raw tables changed: {', '.join(changed)}"
        LOGGER.info("raw tables changed since the last build: %s", ", ".join(changed))
    return {
        "skip": False,
        "reason": reason,
        "full_refresh": full_refresh,
        "changed": changed,
        "selectors": selectors,
        "raw_state": raw_state,
    }


def build(
    work_db_path: str, full_refresh: bool = False, select: str | None = None
) -> dict[str, Any]:
    """``dbt build`` (seeds, models, unit and data tests) on the work database, or the
    part of it that changed since the last successful build.

    * a change of the seeds, models, macros or vars (:func:`rules_fingerprint`) makes it
      a full refresh; a first build, another project change (:func:`project_fingerprint`)
      or no manifest to read the sources from makes it a full build;
    * otherwise the raw tables that materialised models read (:func:`watched_sources`)
      are compared with the state stored after the last successful build: with none
      changed dbt does not run (``"skipped": True`` and a ``"reason"``), else only what
      the changed tables feed is built (``"selected": [dbt selectors]``).

    ``select`` builds that selection and leaves the stored state as it is. Returns
    ``{"success", "counts": {status: n}, "models": n, "tests": n, "seeds": n,
    "unit_tests": n, "full_refresh"}`` plus the keys above; raises :class:`DbtError`
    listing what failed.
    """
    fingerprint = rules_fingerprint()
    raw_state: dict[str, Any] | None = None
    watched: dict[str, str] | None = None
    selectors: list[str] = []
    if select is None:
        decision = build_decision(work_db_path, full_refresh)
        if decision["skip"]:
            return _summary(False, skipped=True, reason=decision["reason"])
        full_refresh = decision["full_refresh"]
        raw_state = decision["raw_state"]
        selectors = decision["selectors"]
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    elif selectors:
        args += ["--select", *selectors]
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
    summary = _summary(
        full_refresh,
        success=bool(result.success) and not failures,
        counts=dict(counts),
        models=kinds.get("model", 0),
        tests=kinds.get("test", 0),
        unit_tests=kinds.get("unit_test", 0),
        seeds=kinds.get("seed", 0),
    )
    if selectors:
        summary["selected"] = selectors
    if not summary["success"]:
        detail = "; ".join(failures) or "see dbt_project/logs/dbt.log"
        raise DbtError(f"dbt build failed: {detail}")
    if select is None:
        if raw_state is None:
            # No manifest or no database before this build: read what it wrote.
            watched = watched_sources()
            if watched is not None:
                raw_state = _raw_state(work_db_path, watched)
        _store_state(work_db_path, fingerprint, raw_state)
    LOGGER.info("dbt build: %s", summary["counts"])
    return summary


def docs_fingerprint(work_db_path: str) -> str | None:
    """sha256 over what the docs site shows: the project (:func:`project_fingerprint`),
    the database name and its catalog (relations, columns, types, comments).

    ``None`` when the database file does not exist or cannot be read.
    """
    import duckdb

    if not Path(work_db_path).is_file():
        return None
    try:
        with duckdb.connect(work_db_path, read_only=True) as con:
            rows = con.execute(
                """
                select 'relation', schema_name, table_name, null, 'table', comment
                from duckdb_tables() where database_name = current_database()
                union all
                select 'relation', schema_name, view_name, null, 'view', comment
                from duckdb_views() where database_name = current_database()
                union all
                select current_database(), schema_name, table_name, column_index,
                       column_name || ' ' || data_type, comment
                from duckdb_columns() where database_name = current_database()
                order by all
                """
            ).fetchall()
    except duckdb.Error:
        LOGGER.debug("could not read the catalog of %s", work_db_path, exc_info=True)
        return None
    return hashlib.sha256(
        json.dumps([project_fingerprint(), rows], default=str).encode()
    ).hexdigest()


def generate_docs(work_db_path: str) -> dict[str, Any]:
    """``dbt docs generate --static`` unless the site is current.

    The site's inputs (:func:`docs_fingerprint`) and the file's size and mtime are kept
    in ``static_index.html.inputs.json`` next to it: a sidecar, not the work DB, so it
    describes the very file in this target folder (which another database, or a hand
    run of dbt, may have overwritten). Returns ``{"static_index": path, "skipped": bool}``.
    """
    path = target_dir() / "static_index.html"
    stamp = path.with_name(path.name + DOCS_STAMP_SUFFIX)
    fingerprint = docs_fingerprint(work_db_path)
    if fingerprint is not None and _read_stamp(stamp) == fingerprint:
        LOGGER.info("dbt docs generate skipped: project and catalog unchanged (%s)", path)
        return {"static_index": str(path), "skipped": True}
    stamp.unlink(missing_ok=True)
    result = _invoke(["docs", "generate", "--static"], work_db_path)
    if not result.success:
        raise DbtError("dbt docs generate failed: see dbt_project/logs/dbt.log")
    if not path.is_file():
        raise DbtError(f"dbt docs generate wrote no {path}")
    if fingerprint is not None:
        stat = path.stat()
        stamp.write_text(
            json.dumps({"inputs": fingerprint, "index": [stat.st_mtime_ns, stat.st_size]})
        )
    return {"static_index": str(path), "skipped": False}


def _read_stamp(stamp: Path) -> str | None:
    """The inputs a stamp records, when its index size and mtime still match."""
    try:
        recorded = json.loads(stamp.read_text())
        stat = stamp.with_name(stamp.name.removesuffix(DOCS_STAMP_SUFFIX)).stat()
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or recorded.get("index") != [stat.st_mtime_ns, stat.st_size]:
        return None
    inputs = recorded.get("inputs")
    return inputs if isinstance(inputs, str) else None


def docs_generate(work_db_path: str) -> str:
    """:func:`generate_docs`; returns the path of the single-file site."""
    return str(generate_docs(work_db_path)["static_index"])


def source_freshness(work_db_path: str) -> dict[str, Any]:
    """``dbt source freshness`` on the work database; never raises for stale data.

    Returns ``{"checked": n, "counts": {status: n}, "warnings": [lines]}``: one line per
    source that is not fresh (``warn``, ``error``) or could not be checked, naming the
    table and the age of its newest row. Stale raw tables are the scheduler's news, not a
    reason to withhold a tested build from analysts.
    """
    from dbt.cli.main import dbtRunner

    with _LOCK, _work_db_env(work_db_path) as path:
        args = ["--quiet", "source", "freshness"]
        args += ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
        LOGGER.info("dbt source freshness on %s", path)
        try:
            result = dbtRunner().invoke(args)
        finally:
            _release_database()
    counts: Counter[str] = Counter()
    warnings: list[str] = []
    if result.exception is not None:
        warnings.append(f"dbt source freshness could not run: {result.exception}")
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status)).lower()
        counts[status] += 1
        if status == "pass":
            continue
        node = node_result.node
        name = f"{getattr(node, 'source_name', '?')}.{getattr(node, 'name', '?')}"
        age = getattr(node_result, "age", None)
        if age is not None and age > NO_ROWS_AGE_S:  # dbt's age of an empty table
            warnings.append(f"{name}: {status}, no rows yet")
        elif age is not None:
            warnings.append(f"{name}: {status}, newest row {age / 3600:.1f} h old")
        else:
            message = (getattr(node_result, "message", None) or "").strip().splitlines()
            warnings.append(f"{name}: {status}" + (f" ({message[0]})" if message else ""))
    return {"checked": sum(counts.values()), "counts": dict(counts), "warnings": warnings}
