"""For analysts: read-only SQL on the published warehouse.

Every analyst connection (``connect_read_only``) has three search helpers
(case-insensitive substring search, as ``ILIKE '%term%'``; DuckDB's full-text-search
extension has no pip-installable build for this DuckDB version):
``search_articles('term')``, ``search_sentences('term')`` and ``search_events('term')``.
``query`` / ``run_query`` and the output formats serve ``newsevents query``;
``compile_analysis`` compiles one example analysis of ``dbt_project/analyses`` into a
fresh folder (never a stale file) and ``newsevents analysis NAME`` runs it.

Read-only connections never take DuckDB's write lock, and the pipeline replaces
the published file atomically, so analysts neither block a run nor see half of
one; reconnect to see the newest run.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

LOGGER = logging.getLogger(__name__)

# Rows the Python console's `q()` prints before it stops.
FORMATS = ("table", "csv", "json")
# A table whose columns cannot each get this many characters is printed one record
# per block instead (as psql's \x): squeezed columns show nothing but ellipses.
MIN_COLUMN_WIDTH = 12
DEFAULT_WIDTH = 120  # when the output is not a terminal and COLUMNS is unset
PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
ANALYSES_DIR = PROJECT_DIR / "analyses"
DBT_TIMEOUT_S = 600

# Search helpers defined on every analyst connection (temporary macros: nothing is
# written to the file). Each needs the tables it names; a warehouse without them
# (an old or partial file) simply lacks that helper.
SEARCH_MACROS = {
    "search_articles": (
        ("raw.articles", "marts.articles"),
        """
        create or replace temp macro search_articles(term) as table
        select
            articles.article_id, articles.published_at, articles.source_name,
            articles.title, articles.url,
            substr(raw_articles.text,
                   greatest(1, strpos(lower(raw_articles.text), lower(term)) - 80), 240)
                as snippet
        from marts.articles as articles
        inner join raw.articles as raw_articles on articles.article_id = raw_articles.article_id
        where contains(lower(raw_articles.text), lower(term))
            or contains(lower(articles.title), lower(term))
        order by articles.published_at desc nulls last, articles.article_id
        """,
    ),
    "search_sentences": (
        ("raw.sentences", "marts.articles"),
        """
        create or replace temp macro search_sentences(term) as table
        select
            articles.article_id, articles.article_date, articles.title,
            sentences.sentence_index, sentences.text as sentence_text
        from raw.sentences as sentences
        inner join marts.articles as articles on sentences.article_id = articles.article_id
        where contains(lower(sentences.text), lower(term))
        order by articles.article_date desc nulls last, articles.article_id,
            sentences.sentence_index
        """,
    ),
    "search_events": (
        ("marts.events", "marts.event_mentions"),
        """
        create or replace temp macro search_events(term) as table
        select
            events.event_id, events.event_date, events.source_actor_name,
            events.event_code, events.event_label, events.target_actor_name,
            mentions.sentence_text as evidence, mentions.article_id
        from marts.events as events
        inner join marts.event_mentions as mentions on events.event_id = mentions.event_id
        where contains(lower(mentions.sentence_text), lower(term))
        order by events.event_date desc, events.event_id, mentions.article_id
        """,
    ),
}


class AnalysisError(RuntimeError):
    """An example analysis could not be compiled (unknown name, bad vars, dbt error)."""


def warehouse_path(warehouse: str | None = None) -> Path:
    """The published warehouse: ``warehouse``, else ``$NEWSEVENTS_WAREHOUSE``, else default."""
    from newsevents.settings import resolve

    return Path(resolve(warehouse=warehouse)["warehouse"])


def add_search_helpers(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Define the search macros whose tables exist; returns their names."""
    present = {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }
    defined = []
    for name, (tables, ddl) in SEARCH_MACROS.items():
        if all(table in present for table in tables):
            try:
                con.execute(ddl)
            except duckdb.Error as exc:  # a column renamed in an old file: no helper
                LOGGER.debug("search helper %s unavailable: %s", name, exc)
                continue
            defined.append(name)
    return defined


def connect_read_only(warehouse: str | Path, helpers: bool = True) -> duckdb.DuckDBPyConnection:
    """A read-only connection on the published file (raises when there is none)."""
    path = Path(warehouse)
    if not path.is_file():
        raise FileNotFoundError(f"no published warehouse at {path} (run `newsevents run`)")
    con = duckdb.connect(str(path), read_only=True)
    if helpers:
        add_search_helpers(con)
    return con


def query(
    sql: str, warehouse: str | Path, params: Sequence[Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run ``sql`` on a fresh read-only connection; returns ``(column names, rows)``."""
    if not sql.strip():
        raise ValueError("empty SQL: nothing to run")
    con = connect_read_only(warehouse)
    try:
        cursor = con.execute(sql, params)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()
    finally:
        con.close()


# -- output formats -------------------------------------------------------------------
def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def output_width() -> int:
    """The terminal's width, else ``$COLUMNS``, else DEFAULT_WIDTH."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def _records(columns: list[str], rows: Sequence[Sequence[Any]], width: int) -> str:
    """One block per row, ``column | value`` lines, long values wrapped."""
    label = max((len(c) for c in columns), default=0)
    room = max(20, width - label - 3)
    out = []
    for number, row in enumerate(rows, start=1):
        out.append(f"-[ record {number} ]".ljust(min(width, label + 3 + room), "-"))
        for column, value in zip(columns, row, strict=True):
            lines = textwrap.wrap(_text(value), room) or [""]
            out.append(f"{column.ljust(label)} | {lines[0]}")
            out.extend(f"{'':{label}} | {line}" for line in lines[1:])
    return "\n".join(out) + "\n"


def _table(columns: list[str], rows: Sequence[Sequence[Any]], width: int) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns)
    for column in table.columns:
        column.overflow = "fold"  # wrap long values; never cut them to an ellipsis
    for row in rows:
        table.add_row(*(_text(v) for v in row))
    buffer = io.StringIO()
    Console(file=buffer, width=width, no_color=True, highlight=False).print(table)
    return buffer.getvalue()


def format_rows(
    columns: list[str], rows: Sequence[Sequence[Any]], fmt: str = "table", width: int | None = None
) -> str:
    """``rows`` as ``table`` (records when too wide), ``csv`` (with header) or ``json``."""
    if fmt == "json":
        data = [{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(v) for v in row] for row in rows)
        return buffer.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    width = width or output_width()
    # each column needs its border and padding (3) besides its text
    needed = sum(
        min(MIN_COLUMN_WIDTH, max([len(c), *(len(_text(r[i])) for r in rows)])) + 3
        for i, c in enumerate(columns)
    )
    if rows and needed + 1 > width:
        return _records(columns, rows, width)
    return _table(columns, rows, width)


def write_output(text: str, output: str | Path | None) -> None:
    """``text`` to the file ``output`` (written whole, then renamed) or to stdout."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.tmp")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, path)


def run_query(
    sql: str, warehouse: str | Path, fmt: str = "table", output: str | Path | None = None
) -> int:
    """``newsevents query``: run ``sql`` read-only and print (or write) the rows."""
    columns, rows = query(sql, warehouse)
    write_output(format_rows(columns, rows, fmt), output)
    return 0


# -- example analyses ---------------------------------------------------------------------
def analysis_names() -> list[str]:
    """The example analyses in ``dbt_project/analyses`` (dbt selects them by these names)."""
    return sorted(path.stem for path in ANALYSES_DIR.glob("*.sql"))


def _dbt_executable() -> str:
    here = shutil.which("dbt", path=str(Path(sys.executable).parent))
    return here or shutil.which("dbt") or "dbt"


def compile_analysis(name: str, warehouse: str | Path, dbt_vars: str | None = None) -> str:
    """The SQL of analysis ``name`` compiled now, into a private folder (never stale).

    dbt compiles against an empty database of the same file name as ``warehouse``, so the
    compiled names match the published catalog while the published file is never opened
    for writing (a dbt connection would lock analysts out).
    """
    names = analysis_names()
    if name not in names:
        raise AnalysisError(f"no analysis {name!r}; one of: {', '.join(names)}")
    with tempfile.TemporaryDirectory(prefix="newsevents-analysis-") as folder:
        target = Path(folder) / "target"
        env = dict(os.environ)
        env.update(
            NEWSEVENTS_WORK_DB=str(Path(folder) / Path(warehouse).name),
            DBT_TARGET_PATH=str(target),
            DBT_LOG_PATH=str(Path(folder) / "logs"),
            DBT_SEND_ANONYMOUS_USAGE_STATS="False",
        )
        command = [
            _dbt_executable(),
            "compile",
            "--quiet",
            "--select",
            name,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(target),
        ]
        if dbt_vars:
            command += ["--vars", dbt_vars]
        done = subprocess.run(
            command,
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=DBT_TIMEOUT_S,
            check=False,
        )
        compiled = target / "compiled" / "newsevents" / "analyses" / f"{name}.sql"
        if done.returncode != 0 or not compiled.is_file():
            detail = (done.stdout + done.stderr).strip().splitlines()
            raise AnalysisError(
                f"dbt could not compile {name}: " + (detail[-1] if detail else "no output")
            )
        return compiled.read_text(encoding="utf-8")


def run_analysis(
    name: str,
    warehouse: str | Path,
    dbt_vars: str | None = None,
    fmt: str = "table",
    output: str | Path | None = None,
    sql_only: bool = False,
) -> int:
    """``newsevents analysis``: compile ``name`` now and run it read-only (or print its SQL)."""
    sql = compile_analysis(name, warehouse, dbt_vars)
    if sql_only:
        write_output(sql if sql.endswith("\n") else sql + "\n", output)
        return 0
    return run_query(sql, warehouse, fmt, output)
