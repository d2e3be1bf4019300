"""DAG integrity: dags/ parses cleanly and cheaply, and has the promised shape."""

from __future__ import annotations

import json
from typing import Any

from dag_support import WAREHOUSE_POOL, AirflowEnv

EXPECTED_DAGS = {"news_nightly", "news_docs"}
WAREHOUSE_ASSET_URI = "newsevents://warehouse"
# Task -> the tasks it must wait for (besides resolve_settings, which feeds them all).
NIGHTLY_EDGES = {
    "resolve_settings": set(),
    "validate_sources": {"resolve_settings"},
    "discover": {"validate_sources"},
    "plan_batches": {"discover"},
    "fetch_batch": {"plan_batches"},
    "load_raw": {"fetch_batch"},
    "plan_annotation": {"load_raw"},
    "parse_batch": {"plan_annotation"},
    "load_annotations": {"parse_batch"},
    "annotate": {"load_annotations"},
    "dbt_needed": {"annotate"},
    "prepare_dbt": {"dbt_needed"},
    "rules_applied": {"dbt_needed"},  # and after the last dbt tasks, checked below
    "source_freshness": {"rules_applied"},
    "docs": {"source_freshness"},
    "record_run": {"validate_sources", "load_raw", "annotate", "docs"},
    "publish": {"record_run"},
    "summary": {"publish", "load_raw", "annotate"},
}
# Tasks that open the work DB for writing: DuckDB has one writer.
WAREHOUSE_WRITERS = {
    "load_raw",
    "plan_annotation",
    "load_annotations",
    "annotate",
    "dbt_needed",
    "prepare_dbt",
    "rules_applied",
    "source_freshness",
    "docs",
    "record_run",
    "publish",
}


def _nightly(report: dict[str, Any]) -> dict[str, Any]:
    return report["dags"]["news_nightly"]


def test_dags_load_without_import_errors(dagbag_report: dict[str, Any]) -> None:
    assert dagbag_report["import_errors"] == {}
    assert set(dagbag_report["dags"]) == EXPECTED_DAGS


def test_parsing_imports_nothing_heavy(dagbag_report: dict[str, Any]) -> None:
    """spaCy, trafilatura, DuckDB and dbt load inside tasks, never while parsing."""
    assert dagbag_report["heavy_modules"] == []


def test_every_dag_has_owner_tags_retries_and_docs(dagbag_report: dict[str, Any]) -> None:
    for dag_id, dag in dagbag_report["dags"].items():
        assert dag["owner"] and dag["owner"] != "airflow", dag_id
        assert dag["tags"] and "newsevents" in dag["tags"], dag_id
        assert dag["default_retries"] and dag["default_retries"] >= 1, dag_id
        assert dag["doc_md"], dag_id
        assert dag["start_date_tz"] == "UTC", dag_id
        assert dag["catchup"] is False, dag_id
        assert dag["max_active_runs"] == 1, dag_id
        for task_id, task in dag["tasks"].items():
            assert task["owner"] == dag["owner"], f"{dag_id}.{task_id}"
            if not task_id.startswith("dbt."):  # dbt: a failing test fails again
                assert task["retries"] >= 1, f"{dag_id}.{task_id}"


def test_nightly_schedule(dagbag_report: dict[str, Any]) -> None:
    assert _nightly(dagbag_report)["schedule"] == "0 2 * * *"


def test_nightly_tasks_and_dependencies(dagbag_report: dict[str, Any]) -> None:
    tasks = _nightly(dagbag_report)["tasks"]
    dbt_tasks = {task_id for task_id in tasks if task_id.startswith("dbt.")}
    assert set(tasks) - dbt_tasks == set(NIGHTLY_EDGES)
    for task_id, needs in NIGHTLY_EDGES.items():
        upstream = set(tasks[task_id]["upstream"])
        assert needs <= upstream, f"{task_id} waits for {upstream}, expected {needs}"
    assert tasks["discover"]["mapped"] and tasks["fetch_batch"]["mapped"]
    # none_failed: no new candidates skips the mapped fetch, but loading still runs.
    assert tasks["load_raw"]["trigger_rule"].endswith("NONE_FAILED")
    # Loading what parse_batch wrote runs also when there was nothing to parse.
    assert tasks["load_annotations"]["trigger_rule"].endswith("NONE_FAILED")
    # The dbt group sits between prepare_dbt (after annotate) and rules_applied.
    assert dbt_tasks
    roots = {t for t in dbt_tasks if not set(tasks[t]["upstream"]) & dbt_tasks}
    leaves = {t for t in dbt_tasks if t in tasks["rules_applied"]["upstream"]}
    assert roots and all("prepare_dbt" in tasks[t]["upstream"] for t in roots)
    downstream_of_dbt = {up for t in dbt_tasks for up in tasks[t]["upstream"]}
    assert leaves and leaves == dbt_tasks - downstream_of_dbt
    assert [uri.rstrip("/") for uri in tasks["publish"]["outlets"]] == [WAREHOUSE_ASSET_URI]


def test_every_warehouse_writer_is_in_the_single_slot_pool(
    dagbag_report: dict[str, Any],
) -> None:
    tasks = _nightly(dagbag_report)["tasks"]
    for task_id, task in tasks.items():
        writes = task_id in WAREHOUSE_WRITERS or task_id.startswith("dbt.")
        assert (task["pool"] == WAREHOUSE_POOL) == writes, f"{task_id}: pool {task['pool']}"
    # news_docs reads a copy of the published file, never the work DB: no slot needed.
    for task_id, task in dagbag_report["dags"]["news_docs"]["tasks"].items():
        assert task["pool"] != WAREHOUSE_POOL, task_id


def test_dbt_group_runs_every_model_on_the_work_db(
    dagbag_report: dict[str, Any], airflow_env: AirflowEnv
) -> None:
    """One Airflow task per dbt model (model + its tests), on the run's work DB."""
    assert airflow_env.manifest is not None, "dbt_project/ has no dbt_project.yml"
    manifest = json.loads(airflow_env.manifest.read_text(encoding="utf-8"))
    project = manifest["metadata"].get("project_name", "newsevents")
    expected = {
        f"dbt.{node['name']}_{node['resource_type']}_build"
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed") and node["package_name"] == project
    }
    assert any(task_id.endswith("_model_build") for task_id in expected)
    tasks = _nightly(dagbag_report)["tasks"]
    dbt_tasks = {t: task for t, task in tasks.items() if t.startswith("dbt.")}
    assert expected <= set(dbt_tasks), sorted(expected - set(dbt_tasks))
    for task_id, task in dbt_tasks.items():
        if task["operator"] == "EmptyOperator":
            continue
        # dbt build per model/seed; tests with several parents run detached, after them.
        assert task["operator"].startswith(("DbtBuild", "DbtTest")), (task_id, task["operator"])
        env = task["env"] or {}
        assert "resolve_settings" in env.get("NEWSEVENTS_WORK_DB", ""), task_id


def test_docs_dag_follows_the_published_warehouse(dagbag_report: dict[str, Any]) -> None:
    docs_dag = dagbag_report["dags"]["news_docs"]
    publish = _nightly(dagbag_report)["tasks"]["publish"]
    assert docs_dag["schedule_assets"] == publish["outlets"]
    assert [uri.rstrip("/") for uri in docs_dag["schedule_assets"]] == [WAREHOUSE_ASSET_URI]


def test_dbt_project_works_from_a_cosmos_clone() -> None:
    """Cosmos runs each dbt task in a temp folder of symlinks to dbt_project/'s entries.

    Seeds must therefore be reachable from inside dbt_project/ (a ``seeds`` symlink to
    ../seeds), not through a ``../seeds`` path that the clone cannot resolve.
    """
    import yaml
    from dag_support import DBT_PROJECT_DIR, REPO_ROOT

    config = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    for path in config.get("seed-paths", ["seeds"]):
        assert not path.startswith(("..", "/")), f"seed path {path!r} breaks in a clone"
        assert (DBT_PROJECT_DIR / path).resolve() == (REPO_ROOT / "seeds").resolve()


def test_nothing_new_skips_the_dbt_group_only(dagbag_report: dict[str, Any]) -> None:
    """dbt_needed short-circuits its direct downstream (prepare_dbt, hence the group);
    the tasks after the group still run when it was skipped."""
    tasks = _nightly(dagbag_report)["tasks"]
    needed = tasks["dbt_needed"]
    assert needed["operator"] == "_ShortCircuitDecoratedOperator"
    assert needed["ignore_downstream_trigger_rules"] is False
    for task_id in ("source_freshness", "docs"):
        assert tasks[task_id]["trigger_rule"].endswith("NONE_FAILED"), task_id


def test_dbt_tasks_are_not_retried_and_analyses_are_no_tasks(
    dagbag_report: dict[str, Any],
) -> None:
    tasks = _nightly(dagbag_report)["tasks"]
    dbt_tasks = {t: task for t, task in tasks.items() if t.startswith("dbt.")}
    assert dbt_tasks
    for task_id, task in dbt_tasks.items():
        if task["operator"] != "EmptyOperator":
            assert task["retries"] == 0, task_id
        assert "_analysis" not in task_id


def test_one_dbt_task_mode(airflow_env: AirflowEnv) -> None:
    """``NEWSEVENTS_DBT_TASKS=one``: the dbt group is the single task ``dbt.build`` (the
    CLI's transform) in the same place, pool and retry policy as the per-model tasks."""
    from dag_support import DAGS_FOLDER

    report = airflow_env.runner(
        "inspect", str(DAGS_FOLDER), extra_env={"NEWSEVENTS_DBT_TASKS": "one"}
    )
    assert report["import_errors"] == {}
    assert report["heavy_modules"] == []
    tasks = _nightly(report)["tasks"]
    assert set(tasks) == set(NIGHTLY_EDGES) | {"dbt.build"}
    for task_id, needs in NIGHTLY_EDGES.items():
        assert needs <= set(tasks[task_id]["upstream"]), task_id
    build = tasks["dbt.build"]
    assert set(build["upstream"]) == {"resolve_settings", "prepare_dbt"}
    assert "dbt.build" in tasks["rules_applied"]["upstream"]
    assert build["pool"] == WAREHOUSE_POOL
    assert build["retries"] == 0


def test_unknown_dbt_task_mode_is_an_import_error(airflow_env: AirflowEnv) -> None:
    from dag_support import DAGS_FOLDER

    report = airflow_env.runner(
        "inspect", str(DAGS_FOLDER), extra_env={"NEWSEVENTS_DBT_TASKS": "some"}
    )
    errors = " ".join(report["import_errors"].values())
    assert "NEWSEVENTS_DBT_TASKS" in errors and "news_nightly" not in report["dags"]
