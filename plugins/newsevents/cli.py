"""The ``newsevents`` command: ``run`` and one subcommand per stage, plus ``query``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

from newsevents import __version__

LOGGER = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

# Subcommands whose module parses its own arguments: ``<module>.main(argv) -> int``.
HANDED_OVER = {
    "eval": ("newsevents.evaluate", "precision / recall against the gold set"),
    "report": ("newsevents.analyst.report", "an HTML page of plots about the warehouse"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsevents", description="News articles in, an event-data warehouse out."
    )
    parser.add_argument("--version", action="version", version=f"newsevents {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def paths(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--sources", help="sources YAML (default: $NEWSEVENTS_SOURCES or sample)")
        sub.add_argument(
            "--warehouse", help="published DuckDB file (default: $NEWSEVENTS_WAREHOUSE)"
        )

    run = commands.add_parser("run", help="all stages once: discover ... publish")
    paths(run)
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    discover = commands.add_parser("discover", help="list the URLs each source yields")
    paths(discover)
    discover.add_argument("--json", action="store_true", help="print candidates as JSON lines")
    fetch = commands.add_parser("fetch", help="discover, then fetch and extract into spool files")
    paths(fetch)
    fetch.add_argument("--no-progress", action="store_true", help="no progress bar")
    for name, text in (
        ("load", "load pending spool files into the work DB"),
        ("annotate", "spaCy annotation of new articles"),
        ("publish", "copy the work DB atomically to the warehouse path"),
    ):
        paths(commands.add_parser(name, help=text))
    transform = commands.add_parser("transform", help="dbt build on the work DB")
    paths(transform)
    transform.add_argument("--full-refresh", action="store_true")
    for name, (module, text) in HANDED_OVER.items():
        sub = commands.add_parser(name, help=f"{text} ({module})", add_help=False)
        sub.add_argument("args", nargs=argparse.REMAINDER, help=f"passed to {module}.main")
    query = commands.add_parser("query", help="run read-only SQL on the published warehouse")
    paths(query)
    query.add_argument("sql", help='e.g. "select title from raw.articles"; - reads stdin')
    _output_options(query)
    analysis = commands.add_parser(
        "analysis", help="compile an example analysis (dbt_project/analyses) now and run it"
    )
    paths(analysis)
    analysis.add_argument("name", nargs="?", help="analysis name; omit to list them")
    analysis.add_argument("--vars", help="dbt vars as YAML, e.g. '{actor_name: Vladimir Putin}'")
    analysis.add_argument("--sql", action="store_true", help="print the compiled SQL only")
    _output_options(analysis)
    return parser


def _output_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table (one record per block when too wide for the terminal), csv or json",
    )
    sub.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


def _summary_table(summary: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="newsevents run", show_header=True)
    table.add_column("what")
    table.add_column("value", justify="right", overflow="fold")
    table.add_row("discovered", str(summary.get("discovered", 0)))
    table.add_row("fetched", str(summary.get("fetched", 0)))
    table.add_row("articles loaded (new)", str(summary.get("articles_loaded", 0)))
    if "articles_total" in summary:
        table.add_row("articles in warehouse", str(summary["articles_total"]))
    table.add_row("duplicates", str(summary.get("duplicates", 0)))
    if summary.get("parsed_in_fetch"):
        table.add_row("parsed in the fetch stage", str(summary["parsed_in_fetch"]))
    statuses = summary.get("statuses", {})
    if statuses.get("not_modified"):
        table.add_row("not modified", str(statuses["not_modified"]))
    for status, count in sorted(summary.get("failed", {}).items()):
        table.add_row(f"failed: {status}", str(count))
    for error in summary.get("discover_errors", []):
        table.add_row("source error", error)
    for stage, seconds in summary.get("seconds", {}).items():
        table.add_row(f"seconds: {stage}", f"{seconds:.2f}")
    for stage in ("annotate", "transform", "docs"):
        skipped = (summary.get(stage) or {}).get("skipped")
        if isinstance(skipped, str):  # a stage left out (tests of the CLI alone)
            table.add_row(f"{stage}", f"skipped ({skipped})")
    for name, count in _mart_counts(summary.get("warehouse")).items():
        table.add_row(name, str(count))
    for warning in summary.get("warnings") or []:
        table.add_row("warning", warning)
    if "warehouse" in summary:
        table.add_row("warehouse", summary["warehouse"])
    static_index = (summary.get("docs") or {}).get("static_index")
    if static_index:
        table.add_row("docs site", static_index)
    # Piped output (CI, Airflow logs) has no terminal width: keep paths on one line.
    Console(width=None if sys.stdout.isatty() else SUMMARY_WIDTH).print(table)


MART_TABLES = ("actors", "events", "relations")
# Columns of the summary table when stdout is not a terminal: wide enough for paths.
SUMMARY_WIDTH = 200


def _mart_counts(warehouse: str | None) -> dict[str, int]:
    """Rows of the main marts in the published file (none before dbt has run)."""
    from pathlib import Path

    import duckdb

    if not warehouse or not Path(warehouse).is_file():
        return {}
    counts: dict[str, int] = {}
    con = duckdb.connect(warehouse, read_only=True)
    try:
        present = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        for table in MART_TABLES:
            if table in present:
                row = con.execute(f"select count(*) from marts.{table}").fetchone()
                counts[table] = int(row[0]) if row else 0
    finally:
        con.close()
    return counts


def _query(settings: dict[str, Any], args: argparse.Namespace) -> int:
    from newsevents.analyst import sql as analyst_sql

    sql = sys.stdin.read() if args.sql == "-" else args.sql
    return analyst_sql.run_query(sql, settings["warehouse"], args.format, args.output)


def _analysis(settings: dict[str, Any], args: argparse.Namespace) -> int:
    from newsevents.analyst import sql as analyst_sql

    if not args.name:
        print("\n".join(analyst_sql.analysis_names()))
        return EXIT_OK
    return analyst_sql.run_analysis(
        args.name, settings["warehouse"], args.vars, args.format, args.output, args.sql
    )


def _hand_over(module_name: str, argv: list[str]) -> int:
    """Run ``<module>.main(argv) -> int``, a command another part of the project owns."""
    import importlib
    import importlib.util

    if importlib.util.find_spec(module_name) is None:
        raise RuntimeError(f"{module_name} is not installed")
    module = importlib.import_module(module_name)
    return int(module.main(argv) or 0)


def _dispatch(args: argparse.Namespace) -> int:
    from newsevents import pipeline
    from newsevents import settings as settings_module

    command = args.command
    settings = pipeline.resolve_settings(sources=args.sources, warehouse=args.warehouse)
    if command == "query":
        return _query(settings, args)
    if command == "analysis":
        return _analysis(settings, args)
    if command in ("run", "discover", "fetch"):
        pipeline.validate_sources(settings)
    if command == "run":
        _summary_table(pipeline.run_all(settings, progress=not args.no_progress))
        return EXIT_OK
    if command == "discover":
        config_names = pipeline.validate_sources(settings)["sources"]
        for name in config_names:
            candidates = pipeline.discover_source(settings, name)
            if args.json:
                for item in candidates:
                    print(json.dumps(item))
            else:
                print(f"{name}: {len(candidates)} URLs")
        return EXIT_OK
    settings_module.ensure_writable(settings)
    if command == "fetch":
        names = pipeline.validate_sources(settings)["sources"]
        groups = [pipeline.discover_source(settings, name) for name in names]
        totals: dict[str, int] = {}
        parser = pipeline.fetch_parser(settings)  # one for all batches (its processes)
        try:
            for batch in pipeline.plan_batches(settings, groups):
                counts = pipeline.fetch_batch(settings, batch, parser=parser)
                for key, value in counts.items():
                    if isinstance(value, int):
                        totals[key] = totals.get(key, 0) + value
        finally:
            if parser is not None:
                parser.close()
        _print_json(totals)
        return EXIT_OK
    stages = {
        "load": pipeline.load_raw,
        "annotate": pipeline.annotate,
        "publish": pipeline.publish,
    }
    if command == "transform":
        _print_json(pipeline.transform(settings, full_refresh=args.full_refresh))
        return EXIT_OK
    _print_json(stages[command](settings))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsevents`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in HANDED_OVER:
        # argparse.REMAINDER cannot pass leading options through; hand over here.
        try:
            return _hand_over(HANDED_OVER[argv[0]][0], argv[1:])
        except RuntimeError as exc:
            print(f"newsevents: error: {exc}", file=sys.stderr)
            return EXIT_FAILED
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from newsevents.config import ConfigError
    from newsevents.settings import SettingsError

    try:
        return _dispatch(args)
    except (ConfigError, SettingsError) as exc:
        print(f"newsevents: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("newsevents: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        LOGGER.debug("failed", exc_info=True)
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"newsevents: error: {message}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
