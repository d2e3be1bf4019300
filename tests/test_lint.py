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


def test_sql_is_clean(repo_root: Path, tmp_path: Path) -> None:
    env = dict(os.environ)
    # The dbt templater compiles the project: point it at a throwaway database.
    env.update(
        NEWSEVENTS_WORK_DB=str(tmp_path / "lint.duckdb"),
        DBT_TARGET_PATH=str(tmp_path / "target"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    _run(
        [str(BIN / "sqlfluff"), "lint", "models", "analyses", "tests"],
        repo_root / "dbt_project",
        env,
    )
