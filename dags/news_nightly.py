"""
### news_nightly: news articles in, event-data warehouse out

Every night at 02:00 UTC, one run of the same stages as `newsevents run`
(`newsevents.pipeline`):

1. **resolve_settings / validate_sources**: sources file and warehouse path from the
   run params, else the Airflow Variables `newsevents_sources` /
   `newsevents_warehouse`, else `NEWSEVENTS_SOURCES` / `NEWSEVENTS_WAREHOUSE`,
   else the bundled sample. A broken sources file fails here, naming the field.
2. **discover**: one mapped task per source. A source that is down is logged and
   yields no candidates; it never fails the run.
3. **plan_batches → fetch_batch** (mapped over batches): polite fetching,
   extraction and spaCy parsing into spool files, on any worker: each spool file
   carries its articles and their annotations (`NEWSEVENTS_PARSE_IN_FETCH=0`: no
   parsing there). Per-article failures are fetch-log statuses.
4. **load_raw → plan_annotation → parse_batch → load_annotations → annotate**: spool
   files into `raw.*` (articles with their annotations) by the single writer. What the
   current annotator has not annotated (every article after a new annotator version,
   articles loaded without annotations) is written into batch files by
   `plan_annotation` (a short read in the writer's slot), parsed by `parse_batch`
   mapped over them on any worker into spool files, and loaded like the others.
   `annotate` then parses what is still left in the writer's slot (normally nothing).
5. **dbt_needed → prepare_dbt → dbt → rules_applied**: `dbt_needed` makes the same
   checksum decision as `newsevents transform` (`newsevents.transform.dbt.build_decision`): when
   no raw table a dbt table reads changed, and neither did the seeds, models or
   macros, it skips the whole dbt group (a nothing-new night costs no dbt start-up).
   Otherwise the dbt project rendered by astronomer-cosmos runs, one task per model
   (`dbt build --select <model>`: the model and its tests, in one dbt invocation).
   With `NEWSEVENTS_DBT_TASKS=one` in the environment that parses the DAG (scheduler,
   dag-processor, workers) the group is one task, `dbt.build`: the `dbt build` of
   `newsevents transform` (`newsevents.pipeline.transform`, only what changed), one
   dbt start-up instead of one per model, for small nights where the per-task
   overhead is most of the time. `model` (the default) is one task per model.
   dbt tasks are not retried: a failing test fails the same way again. When the
   seeds, models or macros changed since they were last applied, `prepare_dbt` drops
   the incremental models' tables first, so they are rebuilt from every article
   (what `--full-refresh` does in `newsevents run`); `rules_applied` records the
   rules and the raw tables' checksums once every model built. `source_freshness`
   runs `dbt source freshness` and logs its warnings.
6. **docs → record_run → publish → summary**: `dbt docs generate --static`, this
   run's row in `marts.pipeline_runs` (counts, seconds, anomaly warnings), the atomic copy of
   the work DB over the published warehouse (updates the
   `newsevents://warehouse` Asset with the file's path, which triggers `news_docs`
   on that file), a run summary.

Every task that writes DuckDB runs in the pool `newsevents_warehouse` (1 slot):
DuckDB allows one writer. Create it once with
`airflow pools set newsevents_warehouse 1 "DuckDB single writer"` (the docker
init service and `make airflow` do).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, TaskGroup, dag, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import InvocationMode, LoadMode, TestBehavior

LOGGER = logging.getLogger(__name__)

# The published warehouse. news_docs is scheduled on the same Asset.
WAREHOUSE_ASSET = Asset(name="newsevents_warehouse", uri="newsevents://warehouse")
# DuckDB has a single writer: every task that opens the work DB takes this pool's one slot.
WAREHOUSE_POOL = "newsevents_warehouse"
VARIABLE_SOURCES = "newsevents_sources"
VARIABLE_WAREHOUSE = "newsevents_warehouse"

PROJECT_HOME = Path(os.environ.get("NEWSEVENTS_HOME") or Path(__file__).resolve().parents[1])
DBT_PROJECT_DIR = PROJECT_HOME / "dbt_project"
DBT_PROFILES_YML = DBT_PROJECT_DIR / "profiles.yml"
# Written by `dbt parse` (make airflow, the docker init service, the tests): rendering the
# DAG from it costs a JSON read instead of a `dbt ls` subprocess on every parse.
DBT_MANIFEST = Path(
    os.environ.get("NEWSEVENTS_DBT_MANIFEST") or DBT_PROJECT_DIR / "target" / "manifest.json"
)
DBT_PROFILE_NAME = "newsevents"
DBT_TARGET_NAME = "work"
# The dbt next to this interpreter (the venv / image), else the one on PATH.
DBT_EXECUTABLE = (
    shutil.which("dbt", path=str(Path(sys.executable).parent)) or shutil.which("dbt") or "dbt"
)

# How the dbt group runs: "model" (one cosmos task per model, the default) or "one"
# (a single task: the CLI's `dbt build` of what changed). Read when the DAG is parsed.
ENV_DBT_TASKS = "NEWSEVENTS_DBT_TASKS"
DBT_TASKS_CHOICES = ("model", "one")


def _dbt_tasks() -> str:
    value = (os.environ.get(ENV_DBT_TASKS) or "model").strip().lower()
    if value not in DBT_TASKS_CHOICES:
        raise ValueError(f"{ENV_DBT_TASKS}={value!r}: expected one of {DBT_TASKS_CHOICES}")
    return value


DEFAULT_ARGS: dict[str, Any] = {
    "owner": "newsevents",
    # Network hiccups and a busy DuckDB file are transient; a broken stage fails after 3 tries.
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=20),
}

# Rendered at run time: the dbt tasks work on the work DB that resolve_settings chose.
DBT_ENV = {
    "NEWSEVENTS_WORK_DB": "{{ ti.xcom_pull(task_ids='resolve_settings')['work_db'] }}",
    "NEWSEVENTS_HOME": str(PROJECT_HOME),
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
}


@contextmanager
def _timed(key: str = "seconds") -> Iterator[None]:
    """Push this task's seconds as the XCom ``key``: record_run sums them per stage,
    so Airflow's rows in marts.pipeline_runs carry the seconds the CLI's carry."""
    from airflow.sdk import get_current_context

    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = round(time.perf_counter() - started, 3)
        get_current_context()["ti"].xcom_push(key=key, value=seconds)


def _pulled_seconds(ti: Any, task_id: str, key: str = "seconds") -> float | None:
    """The sum of ``key`` over every (mapped) instance of ``task_id``; None if none ran."""
    value = ti.xcom_pull(task_ids=task_id, key=key)
    values = value if isinstance(value, list | tuple) else [value]
    numbers = [float(v) for v in values if isinstance(v, int | float)]
    return round(sum(numbers), 3) if numbers else None


def _sum_seconds(*values: float | None) -> float | None:
    """The sum of the stages' seconds that ran; None if none did."""
    numbers = [value for value in values if value is not None]
    return round(sum(numbers), 3) if numbers else None


def _render_config() -> RenderConfig:
    """The manifest when it exists (cheap); otherwise `dbt ls` in a subprocess."""
    common: dict[str, Any] = {
        "test_behavior": TestBehavior.BUILD,
        "emit_datasets": False,
        "dbt_executable_path": DBT_EXECUTABLE,
        # A `dbt ls` fallback runs in a subprocess: parsing never imports dbt.
        "invocation_mode": InvocationMode.SUBPROCESS,
        # A relationships test between a seed and a mart runs after both, as its own task.
        "should_detach_multiple_parents_tests": True,
        # Analyses are examples for analysts, not tasks (cosmos would warn for each).
        "exclude": ["resource_type:analysis"],
    }
    if DBT_MANIFEST.is_file():
        return RenderConfig(load_method=LoadMode.DBT_MANIFEST, **common)
    LOGGER.warning("%s missing (run `dbt parse`): rendering with dbt ls", DBT_MANIFEST)
    return RenderConfig(load_method=LoadMode.DBT_LS, **common)


def _dbt_model_tasks() -> Any:
    """The dbt project rendered by cosmos: one task per model (model and its tests)."""
    return DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT_DIR,
            manifest_path=DBT_MANIFEST if DBT_MANIFEST.is_file() else None,
            install_dbt_deps=False,
            env_vars=DBT_ENV,
        ),
        profile_config=ProfileConfig(
            profile_name=DBT_PROFILE_NAME,
            target_name=DBT_TARGET_NAME,
            profiles_yml_filepath=DBT_PROFILES_YML,
        ),
        execution_config=ExecutionConfig(
            dbt_executable_path=DBT_EXECUTABLE, invocation_mode=InvocationMode.DBT_RUNNER
        ),
        render_config=_render_config(),
        # retries 0: a model or test that fails fails the same way again (DuckDB's
        # single writer is the pool's job, not the retries').
        operator_args={"pool": WAREHOUSE_POOL, "append_env": True, "retries": 0},
    )


def _one_dbt_task(settings: Any) -> Any:
    """The dbt group as one task, ``dbt.build``: the CLI's transform (``dbt build`` of
    what changed since the last build; a full refresh when the rules changed)."""
    with TaskGroup(group_id="dbt") as group:
        # retries 0, like the model tasks: a failing test fails the same way again.
        @task(task_id="build", pool=WAREHOUSE_POOL, retries=0)
        def build(settings: dict[str, Any]) -> dict[str, Any]:
            from newsevents import pipeline

            return pipeline.transform(settings)

        build(settings)
    return group


@dag(
    dag_id="news_nightly",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["newsevents", "ingest", "dbt"],
    doc_md=__doc__,
    params={
        "sources": Param(None, type=["null", "string"], description="sources YAML file"),
        "warehouse": Param(None, type=["null", "string"], description="published DuckDB file"),
    },
)
def news_nightly() -> None:
    @task
    def resolve_settings() -> dict[str, Any]:
        """Paths for this run: params, then Airflow Variables, then the environment."""
        from airflow.sdk import Variable, get_current_context
        from newsevents import pipeline

        params = get_current_context()["params"]
        sources = params.get("sources") or Variable.get(VARIABLE_SOURCES, default=None)
        warehouse = params.get("warehouse") or Variable.get(VARIABLE_WAREHOUSE, default=None)
        return pipeline.resolve_settings(sources=sources, warehouse=warehouse)

    @task
    def validate_sources(settings: dict[str, Any]) -> list[str]:
        """The source names to discover (mapping needs a plain list)."""
        from newsevents import pipeline

        return list(pipeline.validate_sources(settings)["sources"])

    @task(map_index_template="{{ source_name }}")
    def discover(settings: dict[str, Any], source_name: str) -> list[dict[str, Any]]:
        from airflow.sdk import get_current_context
        from newsevents import pipeline

        get_current_context()["source_name"] = source_name  # type: ignore[typeddict-unknown-key]
        with _timed():
            return pipeline.discover_source(settings, source_name)

    @task
    def plan_batches(
        settings: dict[str, Any], candidates: list[list[dict[str, Any]]]
    ) -> list[list[dict[str, Any]]]:
        from newsevents import pipeline

        return pipeline.plan_batches(settings, list(candidates))

    @task
    def fetch_batch(settings: dict[str, Any], batch: list[dict[str, Any]]) -> dict[str, Any]:
        from newsevents import pipeline

        with _timed():
            return pipeline.fetch_batch(settings, batch)

    # none_failed: with nothing new to fetch the mapped fetch is skipped, loading still runs
    # (and picks up spool files a killed run left behind).
    @task(pool=WAREHOUSE_POOL, trigger_rule="none_failed")
    def load_raw(settings: dict[str, Any]) -> dict[str, Any]:
        from newsevents import pipeline

        with _timed():
            return pipeline.load_raw(settings)

    @task(pool=WAREHOUSE_POOL)
    def plan_annotation(settings: dict[str, Any]) -> list[str]:
        """Articles the current annotator has not annotated, in batch files to parse."""
        from newsevents import pipeline

        return pipeline.plan_annotation(settings)

    @task
    def parse_batch(settings: dict[str, Any], path: str) -> dict[str, Any]:
        """spaCy on one batch file, on any worker: a spool file of annotations."""
        from newsevents import pipeline

        with _timed():
            return pipeline.parse_batch(settings, path)

    # none_failed: with nothing to parse the mapped parse is skipped, loading still runs.
    @task(pool=WAREHOUSE_POOL, trigger_rule="none_failed")
    def load_annotations(settings: dict[str, Any]) -> dict[str, Any]:
        from newsevents import pipeline

        with _timed():
            return pipeline.load_raw(settings)

    @task(pool=WAREHOUSE_POOL)
    def annotate(settings: dict[str, Any]) -> dict[str, Any]:
        from newsevents import pipeline

        with _timed():
            return pipeline.annotate(settings)

    @task(pool=WAREHOUSE_POOL)
    def prepare_dbt(settings: dict[str, Any]) -> dict[str, Any]:
        """Rules changed since the last build: drop the incremental models' tables."""
        from newsevents.transform import dbt

        return dbt.prepare_rules(settings["work_db"])

    # Skips only its direct downstream (prepare_dbt, and so the dbt group); docs,
    # record_run and publish still run.
    @task.short_circuit(pool=WAREHOUSE_POOL, ignore_downstream_trigger_rules=False)
    def dbt_needed(settings: dict[str, Any]) -> dict[str, Any] | None:
        """The CLI's checksum decision; None (skip the dbt group) when nothing changed."""
        from newsevents.transform import dbt

        with _timed():
            decision = dbt.build_decision(settings["work_db"])
        LOGGER.info("dbt: %s", decision["reason"])
        from airflow.sdk import get_current_context

        get_current_context()["ti"].xcom_push(key="decided_at", value=time.time())
        return None if decision["skip"] else decision

    @task(pool=WAREHOUSE_POOL)
    def rules_applied(settings: dict[str, Any], decision: dict[str, Any]) -> str:
        """Every model built: the current rules and the raw checksums are the applied ones."""
        from newsevents.transform import dbt

        return dbt.mark_rules_applied(settings["work_db"], decision.get("raw_state"))

    @task(pool=WAREHOUSE_POOL, trigger_rule="none_failed")
    def source_freshness(settings: dict[str, Any]) -> dict[str, Any]:
        """`dbt source freshness`: stale raw tables are warnings in this task's log."""
        from airflow.sdk import get_current_context
        from newsevents.transform import dbt

        # The dbt group (when it ran) ended just before this task started.
        get_current_context()["ti"].xcom_push(key="started_at", value=time.time())
        result = dbt.source_freshness(settings["work_db"])
        for line in result["warnings"]:
            LOGGER.warning("source freshness: %s", line)
        return result

    @task(pool=WAREHOUSE_POOL, trigger_rule="none_failed")
    def docs(settings: dict[str, Any]) -> dict[str, Any]:
        """`dbt docs generate --static`: a docs failure stops the publish."""
        from newsevents.transform import dbt

        with _timed():
            return {"static_index": dbt.docs_generate(settings["work_db"])}

    @task(pool=WAREHOUSE_POOL)
    def record_run(
        settings: dict[str, Any],
        source_names: list[str],
        batches: list[list[dict[str, Any]]],
        loaded: dict[str, Any],
        annotated: dict[str, Any],
        documented: dict[str, Any],
    ) -> list[str]:
        """This run's row in `marts.pipeline_runs` (written before publish), logged too.

        As complete as `newsevents run`'s: URLs discovered, articles in the warehouse,
        seconds per stage (summed over mapped tasks; transform: from the checksum
        decision to the end of the dbt group). Only publish's seconds are missing: it
        runs after this row is written into the file it publishes.
        """
        from airflow.sdk import get_current_context
        from newsevents import runs

        context = get_current_context()
        ti = context["ti"]
        seconds = {
            "discover": _pulled_seconds(ti, "discover"),
            "fetch": _pulled_seconds(ti, "fetch_batch"),
            "load": _pulled_seconds(ti, "load_raw"),
            "annotate": _sum_seconds(
                _pulled_seconds(ti, "parse_batch"),
                _pulled_seconds(ti, "load_annotations"),
                _pulled_seconds(ti, "annotate"),
            ),
            "docs": _pulled_seconds(ti, "docs"),
        }
        decided = _pulled_seconds(ti, "dbt_needed", "decided_at")
        dbt_done = _pulled_seconds(ti, "source_freshness", "started_at")
        decision = _pulled_seconds(ti, "dbt_needed") or 0.0
        if decided is not None and dbt_done is not None:
            seconds["transform"] = round(decision + max(0.0, dbt_done - decided), 3)
        lines = runs.record_stage_results(
            settings,
            context["run_id"],
            context["dag_run"].start_date,
            loaded,
            {"annotate": annotated, "docs": documented},
            source_names,
            seconds=seconds,
            discovered=sum(len(batch) for batch in batches or []),
        )
        for line in lines:
            LOGGER.info("%s", line)
        return lines

    @task(pool=WAREHOUSE_POOL, outlets=[WAREHOUSE_ASSET])
    def publish(settings: dict[str, Any]) -> dict[str, Any]:
        """The atomic copy; the Asset event names the file, so news_docs documents it."""
        from airflow.sdk import get_current_context
        from newsevents import pipeline

        published = pipeline.publish(settings)
        events = get_current_context()["outlet_events"]
        events[WAREHOUSE_ASSET].extra = {"warehouse": settings["warehouse"]}
        return published

    @task
    def summary(
        settings: dict[str, Any],
        loaded: dict[str, Any],
        annotated: dict[str, Any],
        published: dict[str, Any],
    ) -> dict[str, Any]:
        """What this run did, in the task log and as one XCom (no DuckDB access)."""
        report = {
            "warehouse": settings["warehouse"],
            "articles_loaded": loaded.get("articles"),
            "fetch_statuses": loaded.get("statuses", {}),
            "annotate": annotated,
            "publish": published,
        }
        LOGGER.info("news_nightly summary: %s", report)
        return report

    settings = resolve_settings()
    validated = validate_sources(settings)
    candidates = discover.partial(settings=settings).expand(source_name=validated)
    batches = plan_batches(settings, candidates)
    fetched = fetch_batch.partial(settings=settings).expand(batch=batches)
    loaded = load_raw(settings)
    fetched >> loaded
    planned = plan_annotation(settings)
    loaded >> planned
    parsed = parse_batch.partial(settings=settings).expand(path=planned)
    annotations = load_annotations(settings)
    parsed >> annotations
    annotated = annotate(settings)
    annotations >> annotated

    transform = _one_dbt_task(settings) if _dbt_tasks() == "one" else _dbt_model_tasks()
    needed = dbt_needed(settings)
    prepared = prepare_dbt(settings)
    annotated >> needed >> prepared >> transform
    applied = rules_applied(settings, needed)
    transform >> applied
    freshness = source_freshness(settings)
    applied >> freshness
    documented = docs(settings)
    freshness >> documented
    recorded = record_run(settings, validated, batches, loaded, annotated, documented)
    published = publish(settings)
    recorded >> published
    summary(settings, loaded, annotated, published)


dag = news_nightly()

if __name__ == "__main__":
    dag.test()
