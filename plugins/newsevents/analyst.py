"""For analysts: read-only access to the published warehouse, and the docs site.

``python -m newsevents.analyst shell`` (``make sql``) opens the published warehouse
read-only: the ``duckdb`` CLI when it is installed, else a Python console with a
connection ``con`` and a helper ``q("select ...")`` that prints a table.
``python -m newsevents.analyst docs`` (``make docs``) generates the static dbt docs
site and serves it on http://127.0.0.1:8081.

Read-only connections never take DuckDB's write lock, and the pipeline replaces
the published file atomically, so analysts neither block a run nor see half of
one; reconnect to see the newest run.
"""

from __future__ import annotations

import argparse
import code
import contextlib
import functools
import http.server
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

LOGGER = logging.getLogger(__name__)

DOCS_HOST = "127.0.0.1"  # the docs server is for this machine only
DOCS_PORT = 8081
DOCS_FOLDER = "docs"  # next to the published warehouse, as the news_docs DAG does
# Rows `q()` prints before it stops: enough to eyeball, short enough for a terminal.
SHELL_MAX_ROWS = 50


def warehouse_path(warehouse: str | None = None) -> Path:
    """The published warehouse: ``warehouse``, else ``$NEWSEVENTS_WAREHOUSE``, else default."""
    from newsevents.settings import resolve

    return Path(resolve(warehouse=warehouse)["warehouse"])


def connect_read_only(warehouse: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection on the published file (raises when there is none)."""
    path = Path(warehouse)
    if not path.is_file():
        raise FileNotFoundError(f"no published warehouse at {path} (run `newsevents run`)")
    return duckdb.connect(str(path), read_only=True)


def query(
    sql: str, warehouse: str | Path, params: Sequence[Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run ``sql`` on a fresh read-only connection; returns ``(column names, rows)``."""
    con = connect_read_only(warehouse)
    try:
        cursor = con.execute(sql, params)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()
    finally:
        con.close()


def _print_rows(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    from rich.console import Console
    from rich.table import Table

    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description or []]
    rows = cursor.fetchmany(SHELL_MAX_ROWS + 1)
    table = Table(*columns)
    for row in rows[:SHELL_MAX_ROWS]:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)
    if len(rows) > SHELL_MAX_ROWS:
        print(f"(first {SHELL_MAX_ROWS} rows; use con.sql(...) for all)")


def shell(warehouse: str | None = None, python: bool = False) -> int:
    """Interactive read-only session on the published warehouse (``python``: no duckdb CLI)."""
    path = warehouse_path(warehouse)
    if not path.is_file():
        print(f"no published warehouse at {path}: run `make run` first", file=sys.stderr)
        return 1
    cli = None if python else shutil.which("duckdb")
    if cli:
        os.execv(cli, [cli, "-readonly", str(path)])  # replaces this process
    con = connect_read_only(path)
    banner = (
        f"newsevents warehouse {path} (read-only)\n"
        "  q('select * from marts.events limit 5')   print a table\n"
        "  con.sql('...')                           DuckDB relation (.df() needs pandas)\n"
        "Tables: marts.articles, actors, actor_mentions, events, event_mentions, relations,\n"
        "fetch_log, pipeline_runs. Reconnect (restart) to see a newer run."
    )
    namespace = {"con": con, "q": functools.partial(_print_rows, con), "duckdb": duckdb}
    try:
        code.interact(banner=banner, local=namespace, exitmsg="")
    finally:
        con.close()
    return 0


def build_docs(warehouse: str | Path) -> Path:
    """Generate the static dbt docs site for the published warehouse; returns its index.

    dbt reads a private copy of the published file (same file name, so the catalog
    names match), so the docs never wait for, or block, a pipeline run holding the
    work database. The site is ``<warehouse folder>/docs/index.html``.
    """
    from newsevents.dbt import docs_generate

    source = Path(warehouse)
    site = source.parent / DOCS_FOLDER
    site.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsevents-docs-") as folder:
        copy = Path(folder) / source.name
        if source.is_file():
            shutil.copyfile(source, copy)
        else:
            LOGGER.warning("no published warehouse at %s: docs without a catalog", source)
        static_index = Path(docs_generate(str(copy)))
        staged = site / ".index.html.tmp"
        shutil.copyfile(static_index, staged)
        os.replace(staged, site / "index.html")
    return site / "index.html"


def serve(folder: str | Path, port: int = DOCS_PORT) -> None:
    """Serve ``folder`` on http://127.0.0.1:<port>/ until interrupted."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer((DOCS_HOST, port), handler) as server:
        print(f"dbt docs on http://{DOCS_HOST}:{port}/ (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m newsevents.analyst shell|docs``."""
    parser = argparse.ArgumentParser(prog="python -m newsevents.analyst")
    commands = parser.add_subparsers(dest="command", required=True)
    sql = commands.add_parser("shell", help="read-only session on the published warehouse")
    sql.add_argument("--warehouse", help="published DuckDB file (default: $NEWSEVENTS_WAREHOUSE)")
    sql.add_argument("--python", action="store_true", help="a Python console even with duckdb CLI")
    docs = commands.add_parser("docs", help="generate the dbt docs site and serve it")
    docs.add_argument("--warehouse", help="published DuckDB file (default: $NEWSEVENTS_WAREHOUSE)")
    docs.add_argument("--port", type=int, default=DOCS_PORT)
    docs.add_argument("--no-serve", action="store_true", help="generate only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "shell":
        return shell(args.warehouse, python=args.python)
    index = build_docs(warehouse_path(args.warehouse))
    print(f"docs site: {index}")
    if not args.no_serve:
        serve(index.parent, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
