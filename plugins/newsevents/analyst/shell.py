"""``python -m newsevents.analyst shell`` (``make sql``): the published warehouse
read-only in a SQL shell: type SQL ending in ``;`` (dot-commands: ``.help``), or pipe
SQL in (``echo "select 1" | make sql``). ``--python`` gives a Python console with a
connection ``con`` and a helper ``q("select ...")`` instead. The DuckDB CLI is not
used: the one on PyPI (``duckdb-cli``) lags the Python package, and an older CLI
refuses a file written by a newer storage version.

``python -m newsevents.analyst docs`` (``make docs``) generates the static dbt docs
site and serves it (``newsevents.analyst.docs``).
"""

from __future__ import annotations

import argparse
import code
import contextlib
import functools
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import duckdb

from newsevents.analyst.docs import DOCS_PORT, build_docs, serve
from newsevents.analyst.sql import FORMATS, connect_read_only, format_rows, warehouse_path

LOGGER = logging.getLogger(__name__)

SHELL_MAX_ROWS = 50
PROMPT = "newsevents> "
CONTINUATION = "       ...> "


# -- the SQL shell --------------------------------------------------------------------------
SHELL_HELP = """\
SQL ends with ';' (it may span lines). Read-only: writes fail.
  .tables              list the tables and views
  .schema TABLE        columns of TABLE (e.g. .schema marts.events)
  .mode table|csv|json output format (table prints one record per block when too wide)
  .help                this text
  .quit                leave (Ctrl-D too)
Search helpers (case-insensitive substring): search_articles('term'),
search_sentences('term'), search_events('term'), e.g.
  select title, snippet from search_articles('ceasefire');"""


class SqlShell:
    """A small read-only SQL shell: statements end in ``;``, dot-commands for the rest."""

    def __init__(self, con: duckdb.DuckDBPyConnection, out: TextIO, err: TextIO) -> None:
        self.con = con
        self.out = out
        self.err = err
        self.mode = "table"
        self.failed = False

    def dot(self, line: str) -> bool:
        """Run a dot-command; False when the shell should stop."""
        command, _, argument = line.strip().partition(" ")
        argument = argument.strip().rstrip(";")
        if command in (".quit", ".exit", ".q"):
            return False
        if command == ".help":
            print(SHELL_HELP, file=self.out)
        elif command == ".tables":
            self.run(
                "select table_schema || '.' || table_name as name, table_type "
                "from information_schema.tables where table_catalog = current_database() "
                "order by 1"
            )
        elif command == ".schema" and argument:
            schema, _, table = argument.rpartition(".")
            self.run(
                "select column_name, data_type, is_nullable from information_schema.columns "
                "where table_name = ? and (? = '' or table_schema = ?) "
                "and table_catalog = current_database() order by ordinal_position",
                [table, schema, schema],
            )
        elif command == ".mode" and argument in FORMATS:
            self.mode = argument
        else:
            self.error(f"unknown command {line.strip()!r}: try .help")
        return True

    def error(self, text: str) -> None:
        self.failed = True
        print(f"Error: {text}", file=self.err)

    def run(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run every statement in ``sql``, printing each result."""
        try:
            statements = (
                [s.query for s in self.con.extract_statements(sql)] if not params else [sql]
            )
            for statement in statements:
                cursor = self.con.execute(statement, params)
                if cursor.description:
                    columns = [d[0] for d in cursor.description]
                    self.out.write(format_rows(columns, cursor.fetchall(), self.mode))
        except duckdb.Error as exc:
            self.error(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        self.out.flush()

    def feed(self, lines: Sequence[str] | TextIO, interactive: bool = False) -> None:
        """Statements from ``lines``: SQL up to a line ending in ';', dot-commands alone."""
        pending: list[str] = []
        iterator = iter(lines)
        while True:
            if interactive:
                try:
                    line = input(CONTINUATION if pending else PROMPT)
                except EOFError:
                    print(file=self.out)
                    break
                except KeyboardInterrupt:
                    print(file=self.out)
                    pending = []
                    continue
            else:
                try:
                    line = next(iterator)
                except StopIteration:
                    break
            if not pending and line.strip().startswith("."):
                if not self.dot(line):
                    return
                continue
            if not pending and not line.strip():
                continue
            pending.append(line.rstrip("\n"))
            if line.rstrip().endswith(";"):
                self.run("\n".join(pending))
                pending = []
        if pending and "".join(pending).strip():
            self.run("\n".join(pending))  # the last statement may lack its ';'


def shell(
    warehouse: str | None = None,
    python: bool = False,
    stdin: TextIO | None = None,
) -> int:
    """Read-only SQL shell on the published warehouse; reads piped SQL from stdin too.

    Interactive (a terminal): a prompt with history. Piped: every statement runs in
    order; the exit status is 1 when any failed. ``python``: a Python console instead.
    """
    stdin = stdin or sys.stdin
    path = warehouse_path(warehouse)
    if not path.is_file():
        print(f"no published warehouse at {path}: run `make run` first", file=sys.stderr)
        return 1
    con = connect_read_only(path)
    try:
        if python:
            return _python_console(con, path)
        sql_shell = SqlShell(con, sys.stdout, sys.stderr)
        if stdin.isatty():
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401  (line editing and history for input())
            print(
                f"newsevents warehouse {path} (read-only). SQL ends with ';'. "
                ".help for commands, .quit to leave."
            )
            sql_shell.feed([], interactive=True)
            return 0
        sql_shell.feed(stdin)
        return 1 if sql_shell.failed else 0
    finally:
        con.close()


def _print_rows(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description or []]
    rows = cursor.fetchmany(SHELL_MAX_ROWS + 1)
    sys.stdout.write(format_rows(columns, rows[:SHELL_MAX_ROWS]))
    if len(rows) > SHELL_MAX_ROWS:
        print(f"(first {SHELL_MAX_ROWS} rows; use con.sql(...) for all)")


def _python_console(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    banner = (
        f"newsevents warehouse {path} (read-only)\n"
        "  q('select * from marts.events limit 5')   print a table\n"
        "  con.sql('...')                           DuckDB relation (.df() needs pandas)\n"
        "Tables: marts.articles, actors, actor_mentions, events, event_mentions, relations,\n"
        "fetch_log, pipeline_runs. Reconnect (restart) to see a newer run."
    )
    namespace = {"con": con, "q": functools.partial(_print_rows, con), "duckdb": duckdb}
    code.interact(banner=banner, local=namespace, exitmsg="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m newsevents.analyst shell|docs``."""
    parser = argparse.ArgumentParser(prog="python -m newsevents.analyst")
    commands = parser.add_subparsers(dest="command", required=True)
    sql = commands.add_parser("shell", help="read-only SQL shell on the published warehouse")
    sql.add_argument("--warehouse", help="published DuckDB file (default: $NEWSEVENTS_WAREHOUSE)")
    sql.add_argument("--python", action="store_true", help="a Python console instead of SQL")
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
