"""``make sql``: the interactive read-only console on the published warehouse."""

from __future__ import annotations

import json
import os
import re
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


def _sql_shell(warehouse: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "plugins"), COLUMNS="100")
    return subprocess.run(
        [sys.executable, "-m", "newsevents.analyst", "shell", "--warehouse", str(warehouse)],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=SHELL_TIMEOUT_S,
        check=False,
    )


def test_sql_shell_reads_plain_sql_piped_in(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path)
    done = _sql_shell(
        warehouse,
        "select count(*) as article_rows\n  from marts.articles;\n"
        ".mode csv\n"
        "select article_id from marts.articles order by 1 limit 2; select 'a;b' as semi;\n"
        ".tables\n"
        ".schema marts.articles\n"
        "select 42 as no_semicolon_at_the_end",
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"article_rows.*\n.*\n│ 7 ", done.stdout)
    assert "article_id\na0\na1\n" in done.stdout
    assert "semi\na;b\n" in done.stdout  # a ';' inside a string does not split
    assert "marts.articles,BASE TABLE" in done.stdout
    assert "article_id,VARCHAR,YES" in done.stdout
    assert done.stdout.endswith("no_semicolon_at_the_end\n42\n")
    assert "SyntaxError" not in done.stderr


def test_sql_shell_is_read_only_and_reports_errors(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path)
    done = _sql_shell(
        warehouse, "drop table marts.articles;\nselect * from nowhere;\nselect 1 as still_runs;\n"
    )
    assert done.returncode == 1
    assert "read-only" in done.stderr and "nowhere" in done.stderr
    assert "still_runs" in done.stdout
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from marts.articles").fetchone() == (7,)
    finally:
        con.close()


def test_query_formats_and_output_file(tmp_path: Path) -> None:
    from newsevents import cli
    from newsevents.analyst import sql as analyst_sql

    warehouse = _warehouse(tmp_path)
    args = ["--warehouse", str(warehouse)]
    sql = "select article_id, range(2) as pair, date '2026-01-02' as day from marts.articles"
    out = tmp_path / "exports" / "rows.json"
    assert cli.main(["query", "--format", "json", "--output", str(out), sql, *args]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 7 and rows[0] == {"article_id": "a0", "pair": [0, 1], "day": "2026-01-02"}
    csv_out = tmp_path / "rows.csv"
    assert cli.main(["query", "--format", "csv", "--output", str(csv_out), sql, *args]) == 0
    assert csv_out.read_text(encoding="utf-8").splitlines()[:2] == [
        "article_id,pair,day",
        'a0,"[0, 1]",2026-01-02',
    ]
    # A wide result: one record per block, nothing cut to an ellipsis.
    columns = [f"column_number_{i}" for i in range(12)]
    wide = analyst_sql.format_rows(columns, [tuple(f"value-{i}-long" for i in range(12))], width=80)
    assert wide.startswith("-[ record 1 ]")
    for i, column in enumerate(columns):
        assert re.search(rf"^{column}\s+\| value-{i}-long$", wide, re.M)
    assert "…" not in wide
    # A narrow one stays a table, long values wrapped inside their cell.
    narrow = analyst_sql.format_rows(["id", "text"], [("x", "word " * 40)], width=60)
    assert narrow.startswith("┏") and "…" not in narrow
    assert narrow.count("word") == 40
