"""Helpers for the DAG tests: a throwaway Airflow (sqlite, temp AIRFLOW_HOME).

Airflow runs in child processes (``airflow_runner.py``) so its configuration and
global state never leak into the pytest process. The fixtures live in conftest.py;
this module has a unique name so test modules can import it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO_ROOT / "dags"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
RUNNER = Path(__file__).with_name("airflow_runner.py")
BIN = Path(sys.executable).parent
WAREHOUSE_POOL = "newsevents_warehouse"
RESULT_PREFIX = "AIRFLOW_RUNNER_RESULT="
# Generous ceilings so a hung child fails the test instead of the whole suite.
CLI_TIMEOUT_S = 300
DAG_TEST_TIMEOUT_S = 900


@dataclass
class AirflowEnv:
    """A migrated Airflow home and the environment that points at it."""

    home: Path
    env: dict[str, str]
    manifest: Path | None

    def with_env(self, extra: Mapping[str, str]) -> dict[str, str]:
        env = dict(self.env)
        env.update(extra)
        return env

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(BIN / "airflow"), *args],
            env=self.env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_S,
            check=False,
        )
        assert done.returncode == 0, f"airflow {' '.join(args)}:\n{done.stderr[-4000:]}"
        return done

    def runner(
        self, *args: str, extra_env: Mapping[str, str] | None = None, log: Path | None = None
    ) -> dict[str, Any]:
        """Run ``airflow_runner.py`` and return its JSON result."""
        done = subprocess.run(
            [sys.executable, str(RUNNER), *args],
            env=self.with_env(extra_env or {}),
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=DAG_TEST_TIMEOUT_S,
            check=False,
        )
        output = done.stdout + done.stderr
        if log is not None:
            log.write_text(output, encoding="utf-8")
        lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
        assert done.returncode == 0 and lines, f"runner {args} failed:\n{output[-6000:]}"
        return json.loads(lines[-1][len(RESULT_PREFIX) :])


def _base_env(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRFLOW", "NEWSEVENTS_"))
    }
    env.update(
        {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            "AIRFLOW__COSMOS__CACHE_DIR": str(home / "cosmos_cache"),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "NEWSEVENTS_HOME": str(REPO_ROOT),
        }
    )
    return env


def _dbt_parse(home: Path, env: dict[str, str]) -> Path | None:
    """``dbt parse`` into the temp home: the manifest the DAG renders from."""
    if not (DBT_PROJECT_DIR / "dbt_project.yml").is_file():
        return None
    target = home / "dbt_target"
    done = subprocess.run(
        [
            str(BIN / "dbt"),
            "parse",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(home / "dbt_logs"),
            "--no-partial-parse",
        ],
        env={**env, "NEWSEVENTS_WORK_DB": str(home / "parse.duckdb")},
        cwd=DBT_PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"dbt parse failed:\n{done.stdout[-4000:]}{done.stderr[-2000:]}"
    return target / "manifest.json"


def make_airflow_env(home: Path) -> AirflowEnv:
    """Migrated sqlite metadata DB, the warehouse pool and a fresh dbt manifest.

    The pool ``newsevents_warehouse`` (one slot, DuckDB's single writer) is created
    with ``airflow pools set``, as a deployment would.
    """
    env = _base_env(home)
    manifest = _dbt_parse(home, env)
    if manifest is not None:
        env["NEWSEVENTS_DBT_MANIFEST"] = str(manifest)
    airflow = AirflowEnv(home=home, env=env, manifest=manifest)
    airflow.cli("db", "migrate")
    airflow.cli("pools", "set", WAREHOUSE_POOL, "1", "DuckDB single writer")
    return airflow
