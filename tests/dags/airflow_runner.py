"""Run Airflow in a child process for the DAG tests and print one JSON line.

``python airflow_runner.py inspect DAGS_FOLDER``: load the DagBag, report import
errors, parse seconds, heavy modules imported while parsing and each DAG's shape.
``python airflow_runner.py test DAG_ID DAGS_FOLDER``: one ``dag.test()`` run (with
retries off so a failure shows at once) and the state of every task instance.

Airflow reads its configuration (AIRFLOW_HOME, database, pools) from the
environment the test sets up; this file is not collected by pytest.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

# Modules a DAG file must not import at parse time: the work happens inside tasks.
HEAVY_MODULES = ("spacy", "trafilatura", "duckdb", "dbt", "thinc", "en_core_web_sm")
RESULT_PREFIX = "AIRFLOW_RUNNER_RESULT="


def _emit(result: dict[str, Any]) -> None:
    print(RESULT_PREFIX + json.dumps(result, default=str), flush=True)


def inspect(dags_folder: str) -> dict[str, Any]:
    started = time.perf_counter()
    from airflow.dag_processing.dagbag import DagBag

    imported = time.perf_counter()
    bag = DagBag(dag_folder=dags_folder)
    parsed = time.perf_counter()
    dags: dict[str, Any] = {}
    for dag_id, dag in bag.dags.items():
        tasks = {}
        for task in dag.tasks:
            tasks[task.task_id] = {
                "upstream": sorted(task.upstream_task_ids),
                "pool": task.pool,
                "retries": task.retries,
                "owner": task.owner,
                "trigger_rule": str(task.trigger_rule),
                "mapped": "Mapped" in type(task).__name__,
                "operator": type(task).__name__,
                "outlets": [getattr(o, "uri", str(o)) for o in task.outlets],
                "env": getattr(task, "env", None) if "dbt" in task.task_id else None,
                "ignore_downstream_trigger_rules": getattr(
                    task, "ignore_downstream_trigger_rules", None
                ),
            }
        schedule = dag.schedule
        schedule_assets = (
            [getattr(a, "uri", str(a)) for a in schedule]
            if isinstance(schedule, list | tuple)
            else []
        )
        dags[dag_id] = {
            "fileloc": dag.fileloc,
            "tags": sorted(dag.tags),
            "owner": dag.owner,
            "schedule": schedule if isinstance(schedule, str) else None,
            "schedule_assets": schedule_assets,
            "catchup": dag.catchup,
            "max_active_runs": dag.max_active_runs,
            "doc_md": bool(dag.doc_md),
            "default_retries": dag.default_args.get("retries"),
            "start_date_tz": str(dag.start_date.tzinfo) if dag.start_date else None,
            "tasks": tasks,
        }
    heavy = sorted(
        {name.split(".")[0] for name in sys.modules if name.split(".")[0] in HEAVY_MODULES}
    )
    return {
        "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
        "airflow_import_s": round(imported - started, 3),
        "parse_s": round(parsed - imported, 3),
        "file_parse_s": {str(s.file): s.duration.total_seconds() for s in bag.dagbag_stats},
        "heavy_modules": heavy,
        "dags": dags,
    }


def run_test(dag_id: str, dags_folder: str, conf: dict[str, Any] | None = None) -> dict[str, Any]:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=dags_folder)
    if bag.import_errors:
        return {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}}
    dag = bag.get_dag(dag_id)
    for task in dag.tasks:
        task.retries = 0  # a failure must show now, not after the retry delay
    started = time.perf_counter()
    dagrun = dag.test(run_conf=conf) if conf else dag.test()
    seconds = time.perf_counter() - started
    states: dict[str, list[str]] = {}
    for ti in dagrun.get_task_instances():
        states.setdefault(ti.task_id, []).append(str(ti.state))
    xcoms: dict[str, Any] = {}
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(XComModel).filter(
            XComModel.dag_id == dag_id, XComModel.run_id == dagrun.run_id
        )
        for row in rows:
            if row.key == "return_value":
                xcoms.setdefault(row.task_id, []).append(row.value)
    return {
        "state": str(dagrun.state),
        "run_id": dagrun.run_id,
        "seconds": round(seconds, 1),
        "task_states": states,
        "xcoms": xcoms,
    }


def main(argv: list[str]) -> int:
    if argv[1] == "inspect":
        _emit(inspect(argv[2]))
    elif argv[1] == "test":
        _emit(run_test(argv[2], argv[3], json.loads(argv[4]) if len(argv) > 4 else None))
    else:
        raise SystemExit(f"unknown command {argv[1]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
