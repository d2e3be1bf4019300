"""Fixtures for the DAG tests: a throwaway Airflow (sqlite, temp AIRFLOW_HOME)."""

from __future__ import annotations

from typing import Any

import pytest
from dag_support import DAGS_FOLDER, AirflowEnv, make_airflow_env


@pytest.fixture(scope="session")
def airflow_env(tmp_path_factory: pytest.TempPathFactory) -> AirflowEnv:
    """Migrated sqlite metadata DB, the warehouse pool and a fresh dbt manifest."""
    return make_airflow_env(tmp_path_factory.mktemp("airflow_home"))


@pytest.fixture(scope="session")
def dagbag_report(airflow_env: AirflowEnv) -> dict[str, Any]:
    """What a fresh interpreter sees when it parses dags/ (see airflow_runner.inspect)."""
    report = airflow_env.runner("inspect", str(DAGS_FOLDER))
    print(
        f"\nDAG parse: {report['parse_s']}s for dags/ "
        f"(per file {report['file_parse_s']}), Airflow import {report['airflow_import_s']}s"
    )
    return report
