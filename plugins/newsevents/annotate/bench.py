"""Benchmark of the annotation stage against bare ``nlp.pipe`` on the same texts.

``python -m newsevents.annotate.bench --articles 10000`` builds a temporary work
database of synthetic English articles (sentences sampled from the shared corpus
when ``../shared/corpus`` exists, else from built-in templates), parses the texts
with the bare model, then runs :func:`annotate_warehouse` over the same articles,
and prints words per second of both, their ratio (target ≥ 0.8) and the peak
resident memory of the process (target < 2 GB). Printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import resource
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import spacy

from newsevents.annotate.stage import (
    DEFAULT_BATCH_SIZE,
    PIPE_BATCH_SIZE,
    annotate_warehouse,
    count_words,
    load_model,
    resolve_model_name,
)
from newsevents.schema import INGEST_DDL

LOGGER = logging.getLogger(__name__)

SENTENCES_PER_ARTICLE = 12  # about 250 words: a short wire story
SENTENCES_PER_PARAGRAPH = 3
WARMUP_ARTICLES = 16
SEED = 20240516
CORPUS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
# Used when no corpus is around: generic news sentences covering the patterns.
TEMPLATES = (
    "{a} President {p} met {b} Prime Minister {q} in {c} on {d}.",
    "{p} and {q} pledged to deepen their partnership in energy and trade.",
    "The {a} leader was welcomed by {q} to {c} with full honours.",
    "{p} says he and {q} will discuss the war in informal talks later {d} evening.",
    "{b} has never condemned the attack, and it is expected to stay neutral.",
    "Officials in {c} said they would halt all upcoming visits next month.",
    "{q}, now secretary of {b}'s Security Council, refused to sign the agreement.",
    "The minister pledged $2 billion in military financing to {b} last week.",
)
NAMES = ("Anna Keller", "Omar Haddad", "Li Wei", "Maria Santos", "John Carter", "Yuki Sato")
PLACES = ("France", "Brazil", "Kenya", "India", "Canada", "Egypt", "Japan", "Poland")
DEMONYMS = ("French", "Brazilian", "Kenyan", "Indian", "Canadian", "Egyptian")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _sentence_pool() -> list[str]:
    pool: list[str] = []
    if CORPUS_DIR.is_dir():
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        for path in sorted(CORPUS_DIR.glob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                pool.extend(s.text.strip() for s in nlp(line).sents if len(s) > 3)
    return pool


def _template_sentence(rng: random.Random) -> str:
    return rng.choice(TEMPLATES).format(
        a=rng.choice(DEMONYMS),
        b=rng.choice(PLACES),
        c=rng.choice(PLACES),
        d=rng.choice(DAYS),
        p=rng.choice(NAMES),
        q=rng.choice(NAMES),
    )


def make_articles(n_articles: int, seed: int = SEED) -> list[str]:
    """``n_articles`` distinct texts, paragraphs separated by a single newline."""
    rng = random.Random(seed)
    pool = _sentence_pool()
    texts = []
    for _ in range(n_articles):
        sentences = [
            rng.choice(pool) if pool else _template_sentence(rng)
            for _ in range(SENTENCES_PER_ARTICLE)
        ]
        paragraphs = [
            " ".join(sentences[i : i + SENTENCES_PER_PARAGRAPH])
            for i in range(0, len(sentences), SENTENCES_PER_PARAGRAPH)
        ]
        texts.append("\n".join(paragraphs))
    return texts


def _write_articles(path: Path, texts: list[str]) -> None:
    base = datetime(2024, 5, 16, 8, 0)
    with duckdb.connect(str(path)) as con:
        for ddl in INGEST_DDL:
            con.execute(ddl)
        rows = [
            (
                f"bench-{i:06d}",
                f"https://bench.invalid/{i}",
                f"https://bench.invalid/{i}",
                "bench",
                base - timedelta(days=i % 30),
                "en",
                text,
                len(text.split()),
                f"bench-hash-{i}",
                base,
                base,
                "bench",
            )
            for i, text in enumerate(texts)
        ]
        con.executemany(
            """
            insert into raw.articles (
                article_id, url, canonical_url, source_name, published_at, language, text,
                word_count, content_hash, fetched_at, loaded_at, extractor_version
            ) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            rows,
        )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run_bench(
    n_articles: int,
    model_name: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
) -> dict[str, Any]:
    """Words/s of bare ``nlp.pipe`` and of the stage on the same texts, and peak memory."""
    name = resolve_model_name(model_name)
    texts = make_articles(n_articles)
    bare = spacy.load(name)
    # Bare spaCy pipes texts in the minibatches the stage pipes them in (like for like).
    for _ in bare.pipe(texts[:WARMUP_ARTICLES], batch_size=PIPE_BATCH_SIZE):
        pass
    started, cpu_started = time.perf_counter(), time.process_time()
    bare_words = 0
    for doc in bare.pipe(texts, batch_size=PIPE_BATCH_SIZE, n_process=n_process):
        bare_words += count_words(doc)
    bare_seconds = time.perf_counter() - started
    bare_cpu = time.process_time() - cpu_started
    rss_after_bare = _peak_rss_mb()
    del bare
    load_model(name)  # model loading is not part of the stage's throughput
    with tempfile.TemporaryDirectory(prefix="newsevents-bench-") as tmp:
        db = Path(tmp) / "bench.work.duckdb"
        _write_articles(db, texts)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = annotate_warehouse(str(db), name, batch_size=batch_size, workers=n_process)
        stage_seconds = time.perf_counter() - started
        stage_cpu = time.process_time() - cpu_started
        db_mb = db.stat().st_size / 2**20
    bare_rate = bare_words / bare_seconds if bare_seconds else 0.0
    stage_rate = result["words"] / stage_seconds if stage_seconds else 0.0
    return {
        "articles": n_articles,
        "words": result["words"],
        "bare_words_per_s": round(bare_rate, 1),
        "stage_words_per_s": round(stage_rate, 1),
        "stage_to_bare": round(stage_rate / bare_rate, 3) if bare_rate else None,
        # CPU time (this process; n_process=1) is steadier than wall time on a busy machine.
        "stage_to_bare_cpu": round(result["words"] * bare_cpu / (stage_cpu * bare_words), 3)
        if stage_cpu and bare_words
        else None,
        "bare_seconds": round(bare_seconds, 2),
        "bare_cpu_seconds": round(bare_cpu, 2),
        "stage_cpu_seconds": round(stage_cpu, 2),
        "stage_seconds": round(stage_seconds, 2),
        "candidates": result["candidates"],
        "mentions": result["mentions"],
        "peak_rss_mb_after_bare": round(rss_after_bare, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "work_db_mb": round(db_mb, 1),
        "n_process": n_process,
        "batch_size": batch_size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    result = run_bench(args.articles, args.model, args.batch_size, args.n_process)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
