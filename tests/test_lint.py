"""The code style gates of CONVENTIONS.md: ruff (lint + format), mypy, sqlfluff."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]


@pytest.mark.parametrize(
    "args",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_python_is_clean(repo_root: Path, args: list[str]) -> None:
    _run([str(BIN / args[0]), *args[1:]], repo_root)


# Schema of each models/ folder (dbt_project.yml's +schema, used as is by
# macros/generate_schema_name.sql).
MODEL_SCHEMAS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}


def incremental_models(project: Path) -> list[tuple[str, str]]:
    """``(schema, model)`` of every incremental model of the dbt project."""
    found = []
    for folder, schema in MODEL_SCHEMAS.items():
        for path in sorted((project / "models" / folder).glob("*.sql")):
            if "materialized='incremental'" in path.read_text(encoding="utf-8"):
                found.append((schema, path.stem))
    return found


def warehouse_with_incremental_tables(path: Path, project: Path) -> list[tuple[str, str]]:
    """A database where every incremental model's table exists, as in a built warehouse.

    dbt renders ``{% if is_incremental() %}`` only when the model's table exists: against
    an empty database sqlfluff would never see those branches.
    """
    import duckdb

    models = incremental_models(project)
    con = duckdb.connect(str(path))
    try:
        for schema, model in models:
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{model} (stub integer)")
    finally:
        con.close()
    return models


def test_sql_is_clean(repo_root: Path, tmp_path: Path) -> None:
    project = repo_root / "dbt_project"
    database = tmp_path / "lint.duckdb"
    assert warehouse_with_incremental_tables(database, project)
    env = dict(os.environ)
    # The dbt templater compiles the project against that database.
    env.update(
        NEWSEVENTS_WORK_DB=str(database),
        DBT_TARGET_PATH=str(tmp_path / "target"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    _run([str(BIN / "sqlfluff"), "lint", "models", "analyses", "tests"], project, env)


def test_lint_renders_the_incremental_branches(repo_root: Path, tmp_path: Path) -> None:
    project = repo_root / "dbt_project"
    database = tmp_path / "lint.duckdb"
    schema, model = warehouse_with_incremental_tables(database, project)[-1]
    env = dict(os.environ)
    env.update(
        NEWSEVENTS_WORK_DB=str(database),
        DBT_TARGET_PATH=str(tmp_path / "target"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    folder = next(f for f, s in MODEL_SCHEMAS.items() if s == schema)
    proc = subprocess.run(
        [str(BIN / "sqlfluff"), "render", f"models/{folder}/{model}.sql"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the incremental branch reads the model's own table
    assert f'"lint"."{schema}"."{model}"' in proc.stdout, proc.stdout[-3000:]
