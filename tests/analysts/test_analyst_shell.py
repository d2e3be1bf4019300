"""``make sql``: the interactive read-only console on the published warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
SHELL_TIMEOUT_S = 60


def _warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.articles as select 'a' || range as article_id from range(7)")
    con.close()
    return path


def _shell(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "plugins"), COLUMNS="100")
    return subprocess.run(
        [sys.executable, "-m", "newsevents.analyst", "shell", "--python", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=SHELL_TIMEOUT_S,
        check=False,
    )


def test_console_queries_and_refuses_writes(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path)
    done = _shell(
        "--warehouse",
        str(warehouse),
        stdin="q('select count(*) as article_rows from marts.articles')\n"
        "con.execute('drop table marts.articles')\n",
    )
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert "article_rows" in output and "7" in output
    assert "read-only" in output
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute("select count(*) from marts.articles").fetchone()
    finally:
        con.close()
    assert row == (7,)


def test_console_names_a_missing_warehouse(tmp_path: Path) -> None:
    done = _shell("--warehouse", str(tmp_path / "absent.duckdb"), stdin="")
    assert done.returncode == 1
    assert "absent.duckdb" in done.stderr and "make run" in done.stderr
