"""The stage API: the functions that both the CLI and the Airflow DAG call.

One function per stage, each taking the run's ``settings`` (``resolve_settings``):
discover, plan_batches / fetch_batch (``newsevents.ingest``), load_raw, annotate
(``newsevents.annotate``), transform / docs (``newsevents.transform``), publish; and
``run_all``, every stage in order as ``newsevents run`` does. All arguments and
return values are JSON-serialisable so they can travel as XComs.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from newsevents import hooks, runs, warehouse
from newsevents import settings as settings_module
from newsevents.config import Config, ConfigError, load_config
from newsevents.ingest import batches, extract

LOGGER = logging.getLogger(__name__)

Progress = Callable[[int], None]


# -- settings and validation -------------------------------------------------------
def resolve_settings(sources: str | None = None, warehouse: str | None = None) -> dict[str, Any]:
    """Paths of this run (flags, then environment, then defaults)."""
    return settings_module.resolve(sources=sources, warehouse=warehouse)


def _config(settings: dict[str, Any], config: Config | None = None) -> Config:
    """The run's parsed sources file: the one a caller hands over (``run_ingest`` parses
    it once for all stages), else ``load_config`` (itself parsed once per process while
    the file is unchanged, for the Airflow tasks that each get only the settings)."""
    return config if config is not None else load_config(settings["sources"])


def validate_sources(settings: dict[str, Any]) -> dict[str, Any]:
    """Validate the sources file; raise ``ConfigError`` (one line) when it is invalid."""
    config = _config(settings)
    return {"sources": [source.name for source in config.sources]}


# -- discover ----------------------------------------------------------------------
def discover_source(
    settings: dict[str, Any], source_name: str, config: Config | None = None
) -> list[dict[str, Any]]:
    """Candidates of one source, with conditional-GET state from the work DB.

    A feed or sitemap that cannot be fetched or parsed is logged and yields no
    candidates (the other sources still run). At most the source's ``max_urls``.
    """
    candidates, _error = _discover(settings, source_name, config)
    return candidates


def _discover(
    settings: dict[str, Any], source_name: str, config: Config | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    return batches.discover_candidates(_config(settings, config), source_name, settings["work_db"])


def plan_batches(
    settings: dict[str, Any], candidates: list[list[dict[str, Any]]]
) -> list[list[dict[str, Any]]]:
    """Dedupe by (source_name, url) and split into batches of
    ``$NEWSEVENTS_FETCH_BATCH_SIZE`` (default 200), hosts interleaved."""
    del settings  # same signature as the other stages
    return batches.plan(candidates)


# -- fetch + extract ---------------------------------------------------------------
def fetch_batch(
    settings: dict[str, Any],
    batch: list[dict[str, Any]],
    on_done: Progress | None = None,
    config: Config | None = None,
    parser: batches.Parse | None = None,
) -> dict[str, Any]:
    """Fetch and extract a batch into one spool file; returns counts by status and
    ``parsed`` (``newsevents.ingest.batches.fetch``: no work DB access, any worker can
    run it).

    With ``settings["parse_in_fetch"]`` the new articles are parsed here too (spaCy,
    ``newsevents.annotate.stage.ArticleParser``) and the spool file carries their
    annotations: ``parser`` when given (``run_ingest`` keeps one, and its processes,
    for all batches), else one for this batch.
    """
    own = None
    if parser is None:
        own = parser = fetch_parser(settings)
    try:
        return batches.fetch(
            _config(settings, config), batch, settings["spool_dir"], on_done, parse=parser
        )
    finally:
        if own is not None:
            own.close()


def fetch_parser(settings: dict[str, Any]) -> Any:
    """The fetch stage's article parser for several ``fetch_batch`` calls (close it
    after the last), or None when ``settings["parse_in_fetch"]`` is off. Imports spaCy
    only then."""
    if not settings.get("parse_in_fetch"):
        return None
    from newsevents.annotate.stage import ArticleParser

    return ArticleParser(settings.get("spacy_model"))


# -- load, annotate, transform, publish --------------------------------------------
def load_raw(settings: dict[str, Any]) -> dict[str, Any]:
    """Load every pending spool file into the work DB (single writer), with the
    annotations parsed in the fetch stage (``annotated``: articles they came with)."""
    return warehouse.load_pending(settings["work_db"], settings["spool_dir"])


def annotate(settings: dict[str, Any]) -> dict[str, Any]:
    """spaCy annotation of the articles the current annotator has not seen (parsing in
    ``$NEWSEVENTS_ANNOTATE_WORKERS`` processes, default one per CPU up to 4): those
    loaded without annotations (parsing in fetch off, or it failed) and every article
    after a new annotator version."""
    from newsevents.annotate import annotate_warehouse  # spaCy: only when annotating

    return dict(annotate_warehouse(settings["work_db"], model_name=settings.get("spacy_model")))


def plan_annotation(settings: dict[str, Any]) -> list[str]:
    """The articles the current annotator has not annotated, written into input files
    of ``$NEWSEVENTS_FETCH_BATCH_SIZE`` articles under ``<work_dir>/parse`` (a short
    read of the work DB, single writer's slot); ``parse_batch`` parses each anywhere."""
    from newsevents.annotate.stage import export_pending

    folder = str(Path(settings["work_dir"]) / "parse")
    size = batches.batch_size()
    return export_pending(settings["work_db"], folder, size, settings.get("spacy_model"))


def parse_batch(settings: dict[str, Any], path: str) -> dict[str, Any]:
    """Parse one ``plan_annotation`` file into a spool file of annotations (no work DB
    access, any worker); ``load_raw`` writes them. ``{"parsed", "spool_file"}``."""
    from newsevents.annotate.stage import parse_file

    return parse_file(path, settings["spool_dir"], settings.get("spacy_model"))


def transform(settings: dict[str, Any], full_refresh: bool = False) -> dict[str, Any]:
    """dbt build on the work DB (seeds, models, tests), of what changed since the last one.

    Skipped (``"skipped": True``) when no raw table, seed or model changed; see
    ``newsevents.transform.dbt.build``.
    """
    from newsevents.transform import dbt  # dbt: only when transforming

    return dict(dbt.build(settings["work_db"], full_refresh=full_refresh))


def publish(settings: dict[str, Any]) -> dict[str, Any]:
    """Atomically replace the published warehouse with a copy of the work DB."""
    return warehouse.publish(settings["work_db"], settings["warehouse"])


# -- everything ----------------------------------------------------------------------
def run_ingest(
    settings: dict[str, Any],
    progress: bool = False,
) -> dict[str, Any]:
    """discover → fetch → load; returns counts and per-stage seconds.

    The sources file is parsed once here and handed to every stage. Each batch is
    fetched and extracted here (``batches.fetch_records``) while the one before is
    parsed and spooled in a background thread (``batches.finish``).
    """
    config = _config(settings)
    settings_module.ensure_writable(settings)
    seconds: dict[str, float] = {}
    summary: dict[str, Any] = {"seconds": seconds, "discover_errors": []}

    started = time.perf_counter()
    groups = []
    for source in config.sources:
        candidates, error = _discover(settings, source.name, config)
        groups.append(candidates)
        if error:
            summary["discover_errors"].append(error)
    planned = plan_batches(settings, groups)
    summary["discovered"] = sum(len(batch) for batch in planned)
    seconds["discover"] = round(time.perf_counter() - started, 3)

    started = time.perf_counter()
    finished: list[dict[str, Any]] = []  # each batch's counts, spool file written

    def wait_for(finishing: Future[dict[str, Any]]) -> None:
        finished.append(finishing.result())  # raises what the finish raised
        if len(finished) == 1:
            hooks.point("fetch")  # the first spool file is written

    # One parser (and its processes, the model loaded once in each) for every batch.
    parser = fetch_parser(settings) if planned else None
    try:
        with (
            _progress(progress, "fetch", summary["discovered"]) as advance,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="finish") as finisher,
        ):
            # Batch N is parsed and spooled (batches.finish) in the background thread
            # while batch N+1 is fetched and extracted here, so that the parsing
            # processes and the extraction overlap; at most one fetched batch waits.
            finishing: Future[dict[str, Any]] | None = None
            for batch in planned:
                fetched_batch = batches.fetch_records(config, batch, advance)
                if finishing is not None:
                    wait_for(finishing)
                finishing = finisher.submit(
                    batches.finish, fetched_batch, settings["spool_dir"], parser
                )
            if finishing is not None:
                wait_for(finishing)
    finally:
        # The finisher has drained (the with block waits for it): nothing parses now.
        extract.shutdown_extraction_pool()  # the batches share it; free it before annotate
        if parser is not None:
            parser.close()
    fetched: Counter[str] = Counter()
    for counts in finished:
        fetched.update(
            {k: v for k, v in counts.items() if k not in ("spool_file", "count", "parsed")}
        )
    summary["parsed_in_fetch"] = sum(counts.get("parsed", 0) for counts in finished)
    summary["fetched"] = sum(fetched.values())
    seconds["fetch"] = round(time.perf_counter() - started, 3)

    started = time.perf_counter()
    loaded = load_raw(settings)
    seconds["load"] = round(time.perf_counter() - started, 3)
    summary["articles_loaded"] = loaded["articles"]
    summary["annotated_on_load"] = loaded.get("annotated", 0)
    summary["statuses"] = loaded["statuses"]
    summary["duplicates"] = loaded["statuses"].get("duplicate", 0)
    summary["failed"] = {
        status: count
        for status, count in loaded["statuses"].items()
        if status not in ("ok", "duplicate", "not_modified")
    }
    return summary


def docs(settings: dict[str, Any]) -> dict[str, Any]:
    """``dbt docs generate --static``: the single-file docs site.

    ``{"static_index": path, "skipped": bool}``: skipped while the project and the
    work DB's catalog are as they were when the site was generated.
    """
    from newsevents.transform import dbt

    return dbt.generate_docs(settings["work_db"])


def _record_run(settings: dict[str, Any], summary: dict[str, Any]) -> None:
    """Write the run report row (``raw.pipeline_runs``); never raises."""
    try:
        runs.record_run(settings["work_db"], summary)
    except Exception:
        LOGGER.exception("could not record the run report")


def _run_report(settings: dict[str, Any], summary: dict[str, Any], started_at: str) -> None:
    """New articles per source and anomaly warnings for the summary; never raises."""
    try:
        counts = runs.source_article_counts(
            settings["work_db"], started_at, summary["source_names"]
        )
        summary["source_counts"] = counts
        summary["warnings"] = runs.anomalies(settings["work_db"], counts, summary["run_id"])
    except Exception:
        LOGGER.exception("could not compute the run report")


def run_all(settings: dict[str, Any], progress: bool = True) -> dict[str, Any]:
    """All stages in order, each timed.

    discover, fetch, load, annotate, transform (dbt build), docs, then publish. The run
    report (``raw.pipeline_runs``, via ``newsevents.runs``) is written to the work DB
    before publishing, and with status ``failed`` when a stage raises. A bad sources
    file or an unwritable warehouse raises before anything is written.
    """
    names = validate_sources(settings)["sources"]
    settings_module.ensure_writable(settings)
    started_at = warehouse.utc_now().isoformat()
    summary: dict[str, Any] = {
        "run_id": uuid.uuid4().hex,
        "started_at": started_at,
        "status": "running",
        "sources": settings["sources"],
        "source_names": names,
        "warehouse": settings["warehouse"],
    }
    try:
        summary.update(run_ingest(settings, progress=progress))
        # Read what the report needs before dbt runs: dbt-duckdb keeps its in-process
        # connection to the work DB open, and DuckDB then refuses read-only connections.
        summary["articles_total"] = _count_articles(settings["work_db"])
        _run_report(settings, summary, started_at)
        seconds = summary["seconds"]
        stages: tuple[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]], ...] = (
            ("annotate", annotate),
            ("transform", transform),
            ("docs", docs),
        )
        for name, stage in stages:
            hooks.point(name)
            started = time.perf_counter()
            with _spinner(progress, name):
                summary[name] = stage(settings)
            seconds[name] = round(time.perf_counter() - started, 3)
        summary.update(status="succeeded", finished_at=warehouse.utc_now().isoformat())
        _record_run(settings, summary)
        hooks.point("publish")
        started = time.perf_counter()
        summary["publish"] = publish(settings)
        seconds["publish"] = round(time.perf_counter() - started, 3)
    except Exception as exc:
        summary.update(
            status="failed",
            error=" ".join(str(exc).split())[:500] or type(exc).__name__,
            finished_at=warehouse.utc_now().isoformat(),
        )
        _record_run(settings, summary)
        raise
    return summary


def _count_articles(work_db: str) -> int:
    with warehouse.connect(work_db) as con:
        row = con.execute("select count(*) from raw.articles").fetchone()
    return int(row[0]) if row else 0


class _NoProgress:
    def __enter__(self) -> Progress:
        return lambda _n: None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(enabled: bool, label: str, total: int) -> Any:
    """A rich progress bar (a no-op when disabled) whose ``advance(n)`` is thread-safe."""
    if not enabled or total == 0:
        return _NoProgress()
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import Progress as RichProgress

    class _Bar:
        def __enter__(self) -> Callable[[int], None]:
            self.bar = RichProgress(
                TextColumn(f"[bold]{label}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=False,
            )
            self.bar.start()
            task = self.bar.add_task(label, total=total)
            return lambda n: self.bar.advance(task, n)

        def __exit__(self, *exc: object) -> None:
            self.bar.stop()

    return _Bar()


def _spinner(enabled: bool, label: str) -> Any:
    if not enabled:
        return _NoProgress()
    from rich.console import Console

    return Console(stderr=True).status(f"{label} ...")


__all__ = [
    "ConfigError",
    "annotate",
    "discover_source",
    "docs",
    "fetch_batch",
    "fetch_parser",
    "load_raw",
    "parse_batch",
    "plan_annotation",
    "plan_batches",
    "publish",
    "resolve_settings",
    "run_all",
    "run_ingest",
    "transform",
    "validate_sources",
]
