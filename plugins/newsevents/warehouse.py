"""DuckDB side of ingestion: schema, spool files, idempotent batched loads, publish.

Workers never touch DuckDB. They write one gzip'd JSON-lines *spool file* per batch
(``write_spool``); ``load_spool_file`` writes one file in one transaction and only
then deletes it, so a run killed at any point leaves either the whole file loaded
or none of it, and the next ``load`` picks up what is left. Loads are idempotent:
articles and raw HTML are insert-if-absent by ``article_id``, fetch-log rows are
upserted by ``(source_name, url)``. A record parsed in the fetch task
(``newsevents.annotate.stage.annotate_records``) also carries its article's annotation
rows, stamped with the annotator version; they are written in the same transaction,
for the articles that file inserts (an article held already keeps its own).
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from newsevents import hooks
from newsevents.schema import ALL_DDL, INGEST_DDL

LOGGER = logging.getLogger(__name__)

SPOOL_SUFFIX = ".jsonl.gz"
# DuckDB's own memory (buffer cache, joins; it spills to disk beyond it) in every
# pipeline process and in dbt (profiles.yml reads the same variable). Without a limit
# DuckDB keeps up to 80 % of the machine's memory, and its cache grows with the corpus.
ENV_MEMORY_LIMIT = "NEWSEVENTS_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"

ARTICLE_COLUMNS = (
    "article_id",
    "url",
    "canonical_url",
    "source_name",
    "domain",
    "title",
    "author",
    "description",
    "site_name",
    "published_at",
    "language",
    "text",
    "word_count",
    "content_hash",
    "fetched_at",
    "loaded_at",
    "extractor_version",
)
FETCH_LOG_COLUMNS = (
    "source_name",
    "url",
    "final_url",
    "fetched_at",
    "status",
    "http_status",
    "detail",
    "article_id",
    "content_type",
    "bytes",
    "etag",
    "last_modified",
    "attempts",
)
HTML_COLUMNS = (
    "article_id",
    "url",
    "fetched_at",
    "content_type",
    "encoding",
    "html_zlib",
    "html_sha256",
)
_TIMESTAMP_COLUMNS = {"fetched_at", "loaded_at", "published_at"}
# Statuses after which the URL yielded an article we already hold.
ARTICLE_STATUSES = ("ok", "duplicate")


def utc_now() -> datetime:
    """Current UTC time, naive (DuckDB ``timestamp`` columns hold UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def limit_memory(con: duckdb.DuckDBPyConnection) -> None:
    """``SET memory_limit`` from ``$NEWSEVENTS_DUCKDB_MEMORY_LIMIT`` (default 1GB).

    Raises ``SettingsError`` (one line) for a value DuckDB does not read as a size.
    """
    from newsevents.settings import SettingsError

    value = os.environ.get(ENV_MEMORY_LIMIT, "").strip() or DEFAULT_MEMORY_LIMIT
    try:
        con.execute(f"set memory_limit = '{value.replace(chr(39), '')}'")
    except (duckdb.ParserException, duckdb.InvalidInputException) as exc:
        raise SettingsError(
            f"{ENV_MEMORY_LIMIT}={value!r} is not a size such as 1GB or 800MB"
        ) from exc


@contextmanager
def connect(path: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection that is always closed (DuckDB allows one writer process),
    its memory limited (:func:`limit_memory`)."""
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        limit_memory(con)
        yield con
    finally:
        con.close()


def ensure_schema(con: duckdb.DuckDBPyConnection, ddl: tuple[str, ...] = INGEST_DDL) -> None:
    for statement in ddl:
        con.execute(statement)


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name → SQL type of a ``raw`` table."""
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return {str(column): str(kind) for column, kind in rows}


def insert_sql(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]) -> str:
    """Bulk insert statement of annotation rows: one typed list parameter per column,
    unnested side by side (``article_id``, ``annotator_version``, then ``columns``).

    DuckDB's ``executemany`` runs one statement per row (about a thousand rows a
    second); passing columns as typed lists is two orders of magnitude faster. Built
    once per stage run or spool file (the column types come from the table).
    """
    names = ("article_id", "annotator_version", *columns)
    types = column_types(con, table)
    selects = ", ".join(f"unnest(?::{types[name]}[])" for name in names)
    return f"insert into {table} ({', '.join(names)}) select {selects}"


# The annotation tables, in the order rows are written (``raw.annotations`` says an
# article is annotated by a version: it goes with its other rows or not at all).
ANNOTATION_TABLES = (
    "raw.annotations",
    "raw.sentences",
    "raw.entity_mentions",
    "raw.event_candidates",
)


def insert_columns(
    con: duckdb.DuckDBPyConnection,
    statement: str,
    rows: list[tuple[Any, ...]] | list[list[Any]],
) -> None:
    """Run an :func:`insert_sql` statement with ``rows`` turned into column lists."""
    if rows:
        con.execute(statement, [list(column) for column in zip(*rows, strict=True)])


# The name the rows of one annotation insert are registered under (a scan of column
# arrays, the connection's own: unregistered after the insert).
_ROWS_VIEW = "newsevents_annotation_rows"


def insert_column_arrays(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    rows: list[list[Any]],
    types: dict[str, str],
) -> None:
    """Insert ``rows`` (``article_id``, ``annotator_version``, then ``columns``) into
    ``table``: the columns as NumPy object arrays that DuckDB scans, each value cast to
    its table column's type as :func:`insert_sql` does.

    Spool rows are plain JSON values (a timestamp or date is its ISO text). Handing
    DuckDB lists as query parameters converts every value one by one: for the rows of
    100 bench articles 0.51-0.53 CPU-s, against 0.20-0.22 for the arrays.
    """
    import numpy  # spaCy's dependency; imported here, loading spools only

    if not rows:
        return
    names = ("article_id", "annotator_version", *columns)
    arrays: dict[str, Any] = {}
    for name, values in zip(names, zip(*rows, strict=True), strict=True):
        array = numpy.empty(len(values), dtype=object)
        array[:] = values
        arrays[name] = array
    selects = ", ".join(f'"{name}"::{types[name]}' for name in names)
    con.register(_ROWS_VIEW, arrays)
    try:
        con.execute(f"insert into {table} ({', '.join(names)}) select {selects} from {_ROWS_VIEW}")
    finally:
        con.unregister(_ROWS_VIEW)


def _load_annotations(
    con: duckdb.DuckDBPyConnection, carried: list[tuple[str, dict[str, Any]]]
) -> int:
    """Write the annotation rows spool records carried, for articles just inserted.

    ``carried``: (article_id, annotation) pairs, the annotation as
    ``annotate_records`` made it (version, columns and rows per table). Rows an article
    has for that version already (someone deleted its ``raw.annotations`` row to have it
    re-annotated, then its article row) are replaced. Returns the articles written.
    """
    if not carried:
        return 0
    ensure_schema(con, ALL_DDL)
    versions = sorted({annotation["annotator_version"] for _, annotation in carried})
    for version in versions:
        ids = [i for i, annotation in carried if annotation["annotator_version"] == version]
        held = con.execute(
            "select article_id from raw.annotations where annotator_version = ? "
            "and article_id in (select unnest(?::varchar[]))",
            [version, ids],
        ).fetchall()
        if held:
            for table in ANNOTATION_TABLES:
                con.execute(
                    f"delete from {table} where annotator_version = ? "
                    "and article_id in (select unnest(?::varchar[]))",
                    [version, [row[0] for row in held]],
                )
    grouped: dict[tuple[str, tuple[str, ...]], list[list[Any]]] = {}
    for article_id, annotation in carried:
        key = [article_id, annotation["annotator_version"]]
        for table in ANNOTATION_TABLES:
            columns = tuple(annotation["columns"][table])
            grouped.setdefault((table, columns), []).extend(
                [*key, *row] for row in annotation["rows"][table]
            )
    types = {table: column_types(con, table) for table in ANNOTATION_TABLES}
    for (table, columns), rows in grouped.items():
        insert_column_arrays(con, table, columns, rows, types[table])
    return len(carried)


# -- spool files -------------------------------------------------------------------
def write_spool(spool_dir: str | Path, records: list[dict[str, Any]]) -> Path:
    """Write records atomically (temp name, then rename) and return the file path."""
    folder = Path(spool_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    final = folder / f"batch-{stamp}-{uuid.uuid4().hex[:8]}{SPOOL_SUFFIX}"
    temp = folder / f".{final.name}.tmp"
    with gzip.open(temp, "wt", encoding="utf-8", compresslevel=1) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, default=str))
            handle.write("\n")
    os.replace(temp, final)
    return final


def pending_spool_files(spool_dir: str | Path) -> list[Path]:
    folder = Path(spool_dir)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"*{SPOOL_SUFFIX}"))


def read_spool(path: str | Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def encode_blob(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def as_timestamp(value: Any) -> Any:
    if isinstance(value, str) and value:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
    return value


def _row(record: dict[str, Any], columns: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(
        as_timestamp(record.get(c)) if c in _TIMESTAMP_COLUMNS else record.get(c) for c in columns
    )


# Rows per multi-row INSERT: one statement per chunk is ~10x faster than DuckDB's
# executemany (one statement per row) and keeps the parameter list modest.
ROWS_PER_STATEMENT = 100


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    conflict: str,
) -> None:
    """Batched insert: multi-row ``VALUES`` statements of ROWS_PER_STATEMENT rows."""
    marks = "(" + ", ".join("?" for _ in columns) + ")"
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        values = ", ".join(marks for _ in chunk)
        con.execute(
            f"insert into {table} ({', '.join(columns)}) values {values} {conflict}",
            [value for row in chunk for value in row],
        )


def _existing_articles(
    con: duckdb.DuckDBPyConnection, ids: list[str], hashes: list[str]
) -> list[tuple[str, str, str]]:
    if not ids and not hashes:
        return []
    return con.execute(
        "select article_id, content_hash, url from raw.articles "
        "where article_id in (select unnest(?::varchar[])) "
        "or content_hash in (select unnest(?::varchar[]))",
        [ids, hashes],
    ).fetchall()


def _existing_fetch_log(
    con: duckdb.DuckDBPyConnection, urls: list[str]
) -> dict[tuple[str, str], tuple[str, str | None]]:
    if not urls:
        return {}
    rows = con.execute(
        "select source_name, url, status, article_id from raw.fetch_log "
        "where url in (select unnest(?::varchar[]))",
        [urls],
    ).fetchall()
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


def _article_owners(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, set[str]]:
    """URLs whose fetch-log row holds each article as ``ok`` (the URLs it came from)."""
    owners: dict[str, set[str]] = {}
    if not ids:
        return owners
    rows = con.execute(
        "select article_id, url from raw.fetch_log where status = 'ok' "
        "and article_id in (select unnest(?::varchar[]))",
        [ids],
    ).fetchall()
    for found_id, url in rows:
        owners.setdefault(found_id, set()).add(url)
    return owners


def plan_rows(
    con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]], loaded_at: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], Counter[str]]:
    """Decide, against what the DB holds, which rows one spool file adds or updates.

    Returns ``(articles, html, fetch_log)`` rows and the status of each URL (with
    ``not_modified`` counted as such). An article already held under the
    same id (reached by another URL, e.g. with ``?utm_source=``) or with the same
    content hash is not inserted again; the URL is logged as ``duplicate`` with the
    held article's id. ``not_modified`` keeps the previous status and article id.
    """
    ids = [r["article"]["article_id"] for r in records if r.get("article")]
    hashes = [r["article"]["content_hash"] for r in records if r.get("article")]
    by_id: dict[str, str] = {}  # article_id -> first url
    by_hash: dict[str, str] = {}  # content_hash -> article_id
    for found_id, found_hash, found_url in _existing_articles(con, ids, hashes):
        by_id[found_id] = found_url
        by_hash[found_hash] = found_id
    previous = _existing_fetch_log(con, [r["fetch_log"]["url"] for r in records])
    owners = _article_owners(con, ids)
    articles: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    log: dict[tuple[str, str], dict[str, Any]] = {}
    statuses: Counter[str] = Counter()
    for record in records:
        entry = dict(record["fetch_log"])
        key = (entry["source_name"], entry["url"])
        article = record.get("article")
        if article is not None:
            held_id = article["article_id"]
            if held_id in by_id:
                # The same URL again (a re-run, or another source listing it) is ok;
                # another URL to a held article (tracking parameters, a mirror that
                # declares the same canonical link) is a duplicate.
                urls = owners.setdefault(held_id, set())
                is_owner = entry["url"] in urls or not urls
                entry["status"] = "ok" if is_owner else "duplicate"
                if is_owner:
                    urls.add(entry["url"])
            elif article["content_hash"] in by_hash:
                held_id = by_hash[article["content_hash"]]
                entry["status"] = "duplicate"
            else:
                row = dict(article, loaded_at=loaded_at)
                articles.append(row)
                by_id[held_id] = article["url"]
                by_hash[article["content_hash"]] = held_id
                owners[held_id] = {entry["url"]}
                if record.get("html"):
                    pages.append(dict(record["html"], article_id=held_id))
            entry["article_id"] = held_id
            if entry["status"] == "duplicate":
                entry["detail"] = f"same article as {by_id.get(held_id, held_id)}"
        before = log.get(key) or (
            {"status": previous[key][0], "article_id": previous[key][1]}
            if key in previous
            else None
        )
        statuses[entry["status"]] += 1
        if entry["status"] == "not_modified" and before is not None:
            entry["status"] = before["status"]
            entry["article_id"] = entry.get("article_id") or before["article_id"]
            entry["detail"] = "not modified since last fetch"
        elif entry.get("article_id") is None and before is not None:
            entry["article_id"] = before["article_id"]
        log[key] = entry
    return articles, pages, list(log.values()), statuses


def load_spool_file(con: duckdb.DuckDBPyConnection, path: str | Path) -> dict[str, Any]:
    """Load one spool file in one transaction, then delete it.

    Returns row counts and ``statuses`` (URLs per fetch status).
    """
    records = read_spool(path)
    # Records of a parse of held articles (``annotate.stage.parse_file``): annotations only.
    parsed = [record for record in records if "fetch_log" not in record]
    records = [record for record in records if "fetch_log" in record]
    con.execute("begin transaction")
    try:
        articles, pages, log, statuses = plan_rows(con, records, utc_now())
        _insert_rows(
            con,
            "raw.articles",
            ARTICLE_COLUMNS,
            [_row(a, ARTICLE_COLUMNS) for a in articles],
            "on conflict do nothing",
        )
        html_rows = [
            _row(dict(page, html_zlib=base64.b64decode(page["html_zlib"])), HTML_COLUMNS)
            for page in pages
        ]
        _insert_rows(con, "raw.html", HTML_COLUMNS, html_rows, "on conflict do nothing")
        _write_fetch_log(con, log)
        first: dict[str, dict[str, Any]] = {}
        for record in records:  # the record plan_rows inserted is the first of its id
            if record.get("article"):
                first.setdefault(record["article"]["article_id"], record)
        carried = [
            (a["article_id"], first[a["article_id"]]["annotation"])
            for a in articles
            if first[a["article_id"]].get("annotation")
        ]
        if parsed:
            held = {
                row[0]
                for row in con.execute(
                    "select article_id from raw.articles "
                    "where article_id in (select unnest(?::varchar[]))",
                    [[record["article_id"] for record in parsed]],
                ).fetchall()
            }
            carried += [
                (r["article_id"], r["annotation"]) for r in parsed if r["article_id"] in held
            ]
        annotated = _load_annotations(con, carried)
        hooks.point("load")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    Path(path).unlink(missing_ok=True)
    return {
        "articles": len(articles),
        "html": len(pages),
        "fetch_log": len(log),
        "annotated": annotated,
        "statuses": dict(statuses),
    }


def _write_fetch_log(con: duckdb.DuckDBPyConnection, log: list[dict[str, Any]]) -> None:
    if not log:
        return
    updates = ", ".join(f"{c} = excluded.{c}" for c in FETCH_LOG_COLUMNS[2:])
    _insert_rows(
        con,
        "raw.fetch_log",
        FETCH_LOG_COLUMNS,
        [_row(entry, FETCH_LOG_COLUMNS) for entry in log],
        f"on conflict (source_name, url) do update set {updates}",
    )


def load_pending(work_db: str | Path, spool_dir: str | Path) -> dict[str, Any]:
    """Load every pending spool file, oldest first (single writer)."""
    totals: dict[str, Any] = {"files": 0, "articles": 0, "html": 0, "fetch_log": 0, "annotated": 0}
    statuses: Counter[str] = Counter()
    files = pending_spool_files(spool_dir)
    Path(work_db).parent.mkdir(parents=True, exist_ok=True)
    with connect(work_db) as con:
        ensure_schema(con)
        for file in files:
            counts = load_spool_file(con, file)
            totals["files"] += 1
            statuses.update(counts.pop("statuses"))
            for key, value in counts.items():
                totals[key] += value
    totals["statuses"] = dict(statuses)
    return totals


def known_state(work_db: str | Path, source_name: str) -> dict[str, dict[str, Any]]:
    """Conditional-GET state per URL of one source: etag, last_modified, article id."""
    if not Path(work_db).is_file():
        return {}
    try:
        return _known_state(work_db, source_name)
    except duckdb.IOException as exc:  # another process holds the write lock
        LOGGER.warning("no conditional GET state for %s this time: %s", source_name, exc)
        return {}


def _known_state(work_db: str | Path, source_name: str) -> dict[str, dict[str, Any]]:
    with connect(work_db, read_only=True) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'fetch_log'"
        ).fetchone()
        if not exists or not exists[0]:
            return {}
        rows = con.execute(
            "select url, etag, last_modified, article_id from raw.fetch_log "
            "where source_name = ? and article_id is not null and status in ('ok', 'duplicate')",
            [source_name],
        ).fetchall()
    return {
        url: {"etag": etag, "last_modified": modified, "known_article_id": article}
        for url, etag, modified, article in rows
    }


def publish(work_db: str | Path, warehouse: str | Path) -> dict[str, Any]:
    """Checkpoint the work DB and atomically replace the published warehouse with a copy."""
    work = Path(work_db)
    target = Path(warehouse)
    target.parent.mkdir(parents=True, exist_ok=True)
    with connect(work) as con:
        ensure_schema(con)
        con.execute("checkpoint")
    temp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        shutil.copyfile(work, temp)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return {"warehouse": str(target), "bytes": target.stat().st_size}
